/**
 * Physical addresses resolved through a machine's memory: what a pointer field (`u64 -> T` in a
 * schema) is followed through. `resolve(address, length)` checks that the bytes lie inside the
 * machine and, when the memory carries a preserved-frame set, that every frame they touch is
 * preserved; it returns a vmap of the frames they span, so a struct that crosses a page edge reads
 * through as in any vmap and nothing is copied.
 */
import type { ByteSource } from "./byte-view.js";
import { LuDataError } from "./errors.js";
import type { FrameSet } from "./frame-set.js";
import type { MachineMemory } from "./machine-memory.js";
import { VmapSource } from "./vmap.js";

export type PointerProblem = "outside" | "unpreserved" | "misaligned";

/** A pointer that leads outside the machine, into memory that is not preserved, or to a bad offset. */
export class PointerError extends LuDataError {
  /** Where the pointer was read: schema path, e.g. `luo_file_ser.data` or `session 2 file 0`. */
  readonly path: string;
  readonly address: bigint;
  readonly problem: PointerProblem;
  constructor(path: string, address: bigint, problem: PointerProblem, detail: string) {
    super(`pointer-${problem}`, `${path} -> 0x${address.toString(16)}: ${detail}`);
    this.path = path;
    this.address = address;
    this.problem = problem;
  }
}

/** A resolved pointer: the source its target is read from and the target's offset in it. */
export interface Resolved {
  readonly src: ByteSource;
  readonly offset: number;
}

export class PhysicalMemory {
  readonly machine: MachineMemory;
  /** Preserved frames; null when any frame of the machine may be pointed at. */
  readonly preserved: FrameSet | null;
  readonly pageSize: number;

  constructor(machine: MachineMemory, preserved: FrameSet | null = null) {
    this.machine = machine;
    this.preserved = preserved;
    this.pageSize = machine.pageSize;
  }

  /** The same machine with a (different) preserved-frame set. */
  withPreserved(preserved: FrameSet | null): PhysicalMemory {
    return new PhysicalMemory(this.machine, preserved);
  }

  /**
   * Checks `[address, address + length)` and returns a vmap of the frames it spans.
   *
   * @throws PointerError naming `path` and the address when the range leaves the machine or
   * touches a frame that is not preserved
   */
  resolve(address: bigint, length: number, path: string): Resolved {
    const first = this.checkRange(address, length, path);
    const count = Math.max(1, Math.ceil((Number(address % BigInt(this.pageSize)) + length) / this.pageSize));
    if (this.preserved !== null && !this.preserved.covers(first, count)) {
      let bad = first;
      while (bad < first + count && this.preserved.covers(bad, 1)) bad++;
      throw new PointerError(
        path,
        address,
        "unpreserved",
        `frame ${bad} (0x${(BigInt(bad) * BigInt(this.pageSize)).toString(16)}) is not in the preserved memory map`,
      );
    }
    const frames = new Array<number>(count);
    for (let i = 0; i < count; i++) frames[i] = first + i;
    return { src: new VmapSource(this.machine, frames), offset: Number(address % BigInt(this.pageSize)) };
  }

  /** Like `resolve`, without the preserved check (for maps that are not preserved themselves). */
  resolveUnchecked(address: bigint, length: number, path: string): Resolved {
    return this.withPreserved(null).resolve(address, length, path);
  }

  /** The first frame of the range; throws when the range is not inside the machine. */
  private checkRange(address: bigint, length: number, path: string): number {
    const size = BigInt(this.machine.byteLength);
    if (address < 0n || address + BigInt(length) > size) {
      throw new PointerError(
        path,
        address,
        "outside",
        `${length} octets there are outside the machine (0x${size.toString(16)} octets of memory)`,
      );
    }
    return Number(address / BigInt(this.pageSize));
  }
}
