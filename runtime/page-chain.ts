/**
 * Linked page lists (`u64 -> chain H(next, count) of E limit N` in a schema): each page starts with
 * a header H holding the physical address of the next page (0 ends the list) and, unless the list is
 * zero-terminated, the number of entries E that follow the header in that page. The walk checks
 * every link before anything is read: each page inside the machine and preserved, no page visited
 * twice (a cycle), at most N pages, a count of at least 1 and no more than fit in the page. The
 * entries of all pages are then iterated as one sequence, each read in place (no copy).
 */
import type { ByteSource, ByteView } from "./byte-view.js";
import { LuDataError } from "./errors.js";
import type { PhysicalMemory } from "./phys-memory.js";

export type ChainProblem = "cycle" | "limit" | "count" | "empty";

/** A broken chain: a cycle, too many pages, or a page whose entry count is 0 or beyond its capacity. */
export class ChainError extends LuDataError {
  readonly path: string;
  /** Index of the page in the chain (0 = the first). */
  readonly block: number;
  readonly address: bigint;
  readonly problem: ChainProblem;
  constructor(path: string, block: number, address: bigint, problem: ChainProblem, detail: string) {
    super(`chain-${problem}`, `${path} block ${block} at 0x${address.toString(16)}: ${detail}`);
    this.path = path;
    this.block = block;
    this.address = address;
    this.problem = problem;
  }
}

/** How a chain's pages are laid out (generated accessors fill this from the schema). */
export interface ChainLayout<T> {
  /** Schema path of the pointer, for messages (`luo_ser.sessions_pa`). */
  readonly path: string;
  readonly headerSize: number;
  readonly nextOffset: number;
  readonly nextSize: number;
  /** Offset of the count field in the header; null: entries end at the first all-zero one. */
  readonly countOffset: number | null;
  readonly countSize: number;
  readonly littleEndian: boolean;
  readonly entrySize: number;
  /** Places one entry (a flyweight, or a value) at `offset` of `src`. */
  readonly entry: (src: ByteSource, offset: number) => T;
  /** At most this many pages. */
  readonly limit: number;
}

/** One page of a walked chain. */
export interface ChainBlock {
  readonly index: number;
  readonly address: bigint;
  readonly count: number;
  /** Where the page is read from, and the header's offset there. */
  readonly src: ByteSource;
  readonly offset: number;
}

function readUint(view: ByteView, offset: number, size: number, le: boolean): bigint {
  switch (size) {
    case 1:
      return BigInt(view.getUint8(offset));
    case 2:
      return BigInt(view.getUint16(offset, le));
    case 4:
      return BigInt(view.getUint32(offset, le));
    default:
      return view.getBigUint64(offset, le);
  }
}

export class PageChain<T> implements Iterable<T> {
  readonly memory: PhysicalMemory;
  readonly first: bigint;
  readonly layout: ChainLayout<T>;
  private walked: ChainBlock[] | null = null;

  constructor(memory: PhysicalMemory, first: bigint, layout: ChainLayout<T>) {
    this.memory = memory;
    this.first = first;
    this.layout = layout;
  }

  /** Entries that fit in one page after the header. */
  get capacity(): number {
    return Math.floor((this.memory.pageSize - this.layout.headerSize) / this.layout.entrySize);
  }

  /**
   * Walks the chain once (cached) and returns its pages.
   *
   * @throws ChainError for a cycle, too many pages or a bad count; PointerError for a page outside
   * the machine or not preserved
   */
  blocks(): readonly ChainBlock[] {
    if (this.walked !== null) return this.walked;
    const l = this.layout;
    const out: ChainBlock[] = [];
    const seen = new Set<bigint>();
    let address = this.first;
    const capacity = this.capacity;
    while (address !== 0n) {
      const index = out.length;
      if (seen.has(address))
        throw new ChainError(
          l.path,
          index,
          address,
          "cycle",
          `the chain comes back to a page it already visited (block ${out.findIndex((b) => b.address === address)})`,
        );
      if (index >= l.limit) throw new ChainError(l.path, index, address, "limit", `more than ${l.limit} blocks`);
      seen.add(address);
      const at = this.memory.resolve(address, this.memory.pageSize, `${l.path} block ${index}`);
      const header = at.src.window(at.offset, l.headerSize);
      const h = at.src.windowOffset;
      const next = readUint(header, h + l.nextOffset, l.nextSize, l.littleEndian);
      let count: number;
      if (l.countOffset !== null) {
        const raw = readUint(header, h + l.countOffset, l.countSize, l.littleEndian);
        if (raw === 0n) throw new ChainError(l.path, index, address, "empty", "entry count is 0");
        if (raw > BigInt(capacity))
          throw new ChainError(
            l.path,
            index,
            address,
            "count",
            `entry count ${raw} is above the ${capacity} entries a page holds`,
          );
        count = Number(raw);
      } else {
        count = 0;
        while (count < capacity && !this.isZero(at.src, at.offset + l.headerSize + count * l.entrySize)) count++;
      }
      out.push({ index, address, count, src: at.src, offset: at.offset });
      address = next;
    }
    this.walked = out;
    return out;
  }

  /** Entries across all pages. */
  get length(): number {
    let n = 0;
    for (const b of this.blocks()) n += b.count;
    return n;
  }

  *[Symbol.iterator](): Iterator<T> {
    const l = this.layout;
    for (const b of this.blocks()) {
      for (let i = 0; i < b.count; i++) yield l.entry(b.src, b.offset + l.headerSize + i * l.entrySize);
    }
  }

  private isZero(src: ByteSource, offset: number): boolean {
    const bytes = src.bytes(offset, this.layout.entrySize);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
    return true;
  }
}
