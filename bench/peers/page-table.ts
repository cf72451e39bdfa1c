/**
 * The hand-written way into the stream: read the breadcrumb in the bootmem, then the MFN array, and
 * build a table of page views in stream order (what vmap() does with page-table entries).
 */
import type { MachineMemory } from "../../runtime/machine-memory.js";

const MAGIC = 0x4c69766555706461n;

export interface PageTable {
  readonly pageSize: number;
  readonly pageShift: number;
  readonly pages: Uint8Array[];
  readonly views: DataView[];
  /** Same pages as 32-bit words (native endianness; the benchmark runs on little-endian hosts). */
  readonly words: Uint32Array[];
  readonly byteLength: number;
  /** Frame of each stream page, in stream order. */
  readonly frames: Uint32Array;
  /** Where the MFN array is (its first frame and how many frames it spans). */
  readonly mfnArrayStart: number;
  readonly mfnArrayFrames: number;
}

function frameOrThrow(memory: MachineMemory, mfn: number, what: string): Uint8Array {
  const f = memory.peekFrame(mfn);
  if (f === undefined) throw new Error(`${what}: frame ${mfn} is not in the image`);
  return f;
}

export function buildPageTable(memory: MachineMemory, bootmem: number): PageTable {
  const ps = memory.pageSize;
  const shift = Math.log2(ps);
  const crumb = frameOrThrow(memory, bootmem, "breadcrumb");
  const cdv = new DataView(crumb.buffer, crumb.byteOffset, 24);
  const mask = ~BigInt(ps - 1) & 0xffff_ffff_ffff_ffffn;
  if (cdv.getBigUint64(0, true) !== (MAGIC & mask)) throw new Error("no live update breadcrumb");
  const arrayAddr = cdv.getBigUint64(8, true);
  const shifted = cdv.getBigUint64(16, true);
  if ((shifted & BigInt(ps - 1)) !== 0n || (arrayAddr & BigInt(ps - 1)) !== 0n) throw new Error("bad breadcrumb");
  const nrPages = Number(shifted >> BigInt(shift));
  const arrayStart = Number(arrayAddr >> BigInt(shift));
  const pages: Uint8Array[] = [];
  const views: DataView[] = [];
  const words: Uint32Array[] = [];
  const frames = new Uint32Array(nrPages);
  const perPage = ps / 8;
  for (let i = 0; i < nrPages; i++) {
    const ap = frameOrThrow(memory, arrayStart + Math.floor(i / perPage), "MFN array");
    const o = (i % perPage) * 8;
    const lo = ap[o]! | (ap[o + 1]! << 8) | (ap[o + 2]! << 16) | (ap[o + 3]! << 24);
    const hi = ap[o + 4]! | (ap[o + 5]! << 8) | (ap[o + 6]! << 16) | (ap[o + 7]! << 24);
    if (hi !== 0) throw new Error(`stream page ${i} is outside the machine`);
    const page = frameOrThrow(memory, lo >>> 0, "stream page");
    frames[i] = lo >>> 0;
    pages.push(page);
    views.push(new DataView(page.buffer, page.byteOffset, page.byteLength));
    words.push(new Uint32Array(page.buffer, page.byteOffset, page.byteLength >>> 2));
  }
  return {
    pageSize: ps,
    pageShift: shift,
    pages,
    views,
    words,
    byteLength: nrPages * ps,
    frames,
    mfnArrayStart: arrayStart,
    mfnArrayFrames: Math.ceil(nrPages / perPage),
  };
}

/** Copies the stream pages into one contiguous buffer (the "gather" step). */
export function gatherPages(table: PageTable): Uint8Array {
  const out = new Uint8Array(table.byteLength);
  for (let i = 0; i < table.pages.length; i++) out.set(table.pages[i]!, i * table.pageSize);
  return out;
}
