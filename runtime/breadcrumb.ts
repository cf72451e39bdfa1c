/**
 * The live-update breadcrumb: three 64-bit words at the start of the live-update bootmem, written
 * host-endian and masked with the page mask (the kexec_reloc() restriction): the magic "LiveUpda",
 * the physical address of the MFN array, and the page count shifted left by the page shift.
 *
 * Reading it checks everything the new hypervisor must not trust blindly and explains a wrong
 * magic: written by a host of the other endianness, masked for another page size, or no live
 * update at all. Reading the MFN array it points to checks every entry.
 */
import { BreadcrumbError } from "./errors.js";
import type { MachineMemory } from "./machine-memory.js";
import { HOST_LITTLE_ENDIAN, walkU64ArrayAsU32Pairs } from "./u64-array-walk.js";
import { vmap, type VmapSource } from "./vmap.js";

/** "LiveUpda" read as a little-endian 64-bit integer. */
export const LIVE_UPDATE_MAGIC = 0x4c69766555706461n;
/** Octets the breadcrumb occupies. */
export const BREADCRUMB_SIZE = 24;

const U64 = 0xffff_ffff_ffff_ffffn;

/** The magic as stored for a page size: low `log2(pageSize)` bits cleared. */
export function breadcrumbMagic(pageSize: number): bigint {
  return LIVE_UPDATE_MAGIC & (~BigInt(pageSize - 1) & U64);
}

export interface Breadcrumb {
  /** Physical address of the breadcrumb. */
  readonly physAddr: number;
  readonly mfnArrayPhysAddr: number;
  readonly nrPages: number;
  readonly shiftedNrPages: bigint;
}

export interface WriteBreadcrumbOptions {
  readonly mfnArrayPhysAddr: number;
  readonly nrPages: number;
  /** Byte order to write in. Default: the host's. */
  readonly littleEndian?: boolean;
}

/** Writes the breadcrumb at `physAddr` (the start of the bootmem). */
export function writeBreadcrumb(memory: MachineMemory, physAddr: number, options: WriteBreadcrumbOptions): void {
  const le = options.littleEndian ?? HOST_LITTLE_ENDIAN;
  const mask = ~BigInt(memory.pageSize - 1) & U64;
  const out = new DataView(new ArrayBuffer(BREADCRUMB_SIZE));
  out.setBigUint64(0, breadcrumbMagic(memory.pageSize), le);
  out.setBigUint64(8, BigInt(options.mfnArrayPhysAddr) & mask, le);
  out.setBigUint64(16, (BigInt(options.nrPages) << BigInt(memory.pageShift)) & U64, le);
  memory.write(physAddr, new Uint8Array(out.buffer));
}

export interface ReadBreadcrumbOptions {
  /** Most data pages accepted. Default: the machine's frame count, at most 2^24. */
  readonly maxPages?: number;
  /** Byte order the breadcrumb and MFN array are in. Default: the host's. */
  readonly littleEndian?: boolean;
}

function hex(v: bigint | number): string {
  return `0x${v.toString(16).padStart(16, "0")}`;
}

function byteSwap64(v: bigint): bigint {
  let out = 0n;
  for (let i = 0; i < 8; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** "65536-byte pages", or "pages of 32768 to 1048576 bytes" when the masked magic cannot tell. */
function describeSizes(sizes: readonly number[]): string {
  const lo = sizes[0];
  const hi = sizes[sizes.length - 1];
  return sizes.length === 1 ? `${lo}-byte pages` : `pages of ${lo} to ${hi} bytes`;
}

/** Explains a magic word that is not ours, or returns undefined when it is. */
function explainMagic(value: bigint, pageSize: number, physAddr: number): BreadcrumbError | undefined {
  const expected = breadcrumbMagic(pageSize);
  if (value === expected) return undefined;
  const detail = { expected: hex(expected), actual: hex(value) };
  const swapped = byteSwap64(value);
  if (swapped === expected) {
    return new BreadcrumbError(
      "magic-byte-swapped",
      "breadcrumb magic is byte-swapped: written by a host of the other endianness",
      physAddr,
      detail,
    );
  }
  // Several page sizes can give the same masked value (when the magic has zero bits there).
  const sizes: number[] = [];
  let swappedToo = false;
  for (let shift = 0; shift <= 40; shift++) {
    const m = breadcrumbMagic(2 ** shift);
    if (value === m || swapped === m) {
      sizes.push(2 ** shift);
      swappedToo = value !== m;
    }
  }
  if (sizes.length > 0 && !sizes.includes(pageSize)) {
    const endian = swappedToo ? ", and byte-swapped (other endianness)" : "";
    return new BreadcrumbError(
      "magic-page-size",
      `breadcrumb magic is masked for ${describeSizes(sizes)}, this machine uses ${pageSize}-byte pages${endian}`,
      physAddr,
      detail,
    );
  }
  return new BreadcrumbError(
    "no-live-update",
    `no live update: the bootmem does not start with the breadcrumb magic (found ${hex(value)})`,
    physAddr,
    detail,
  );
}

/** Reads and checks the breadcrumb at `physAddr` (its words, not the MFN array it points to). */
export function readBreadcrumb(
  memory: MachineMemory,
  physAddr: number,
  options: ReadBreadcrumbOptions = {},
): Breadcrumb {
  const le = options.littleEndian ?? HOST_LITTLE_ENDIAN;
  const ps = memory.pageSize;
  if (!(Number.isInteger(physAddr) && physAddr >= 0 && physAddr + BREADCRUMB_SIZE <= memory.byteLength)) {
    throw new BreadcrumbError(
      "no-live-update",
      `the breadcrumb address ${hex(physAddr)} is outside the machine`,
      physAddr,
    );
  }
  const frame = Math.floor(physAddr / ps);
  if (!memory.isPresent(frame)) {
    throw new BreadcrumbError(
      "breadcrumb-absent",
      `the breadcrumb's frame ${frame} is absent from the memory image (a hole)`,
      physAddr,
    );
  }
  const raw = memory.read(physAddr, BREADCRUMB_SIZE);
  const dv = new DataView(raw.buffer);
  const magicError = explainMagic(dv.getBigUint64(0, le), ps, physAddr);
  if (magicError !== undefined) throw magicError;
  const arrayAddr = dv.getBigUint64(8, le);
  const shifted = dv.getBigUint64(16, le);
  const low = BigInt(ps - 1);
  if ((shifted & low) !== 0n) {
    throw new BreadcrumbError(
      "shifted-low-bits",
      `shifted_nr_pages ${hex(shifted)} has low bits set below the page shift (${memory.pageShift})`,
      physAddr + 16,
      { expected: "low bits clear", actual: hex(shifted & low) },
    );
  }
  const nrPagesBig = shifted >> BigInt(memory.pageShift);
  const maxPages = options.maxPages ?? Math.min(memory.frameCount, 2 ** 24);
  if (nrPagesBig === 0n) {
    throw new BreadcrumbError(
      "zero-pages",
      "the breadcrumb lists no data pages (an empty stream has no end record)",
      physAddr + 16,
    );
  }
  if (nrPagesBig > BigInt(maxPages)) {
    throw new BreadcrumbError(
      "too-many-pages",
      `the breadcrumb lists ${nrPagesBig} data pages, above the limit of ${maxPages}`,
      physAddr + 16,
      {
        expected: `<= ${maxPages}`,
        actual: nrPagesBig.toString(),
      },
    );
  }
  const nrPages = Number(nrPagesBig);
  if ((arrayAddr & low) !== 0n) {
    throw new BreadcrumbError(
      "mfn-array-misaligned",
      `mfn_array_physaddr ${hex(arrayAddr)} is not page-aligned`,
      physAddr + 8,
    );
  }
  if (arrayAddr + BigInt(nrPages * 8) > BigInt(memory.byteLength)) {
    throw new BreadcrumbError(
      "mfn-array-outside",
      `the MFN array (${nrPages * 8} bytes at ${hex(arrayAddr)}) runs outside the machine (${memory.byteLength} bytes)`,
      physAddr + 8,
    );
  }
  return { physAddr, mfnArrayPhysAddr: Number(arrayAddr), nrPages, shiftedNrPages: shifted };
}

export interface ReadMfnArrayOptions extends ReadBreadcrumbOptions {
  /**
   * Find a frame listed twice (default true): by sorting a copy of the entries (4 bytes a page).
   * A caller that keeps a frame table passes false and finds duplicates in `onEntry` instead, by
   * claiming each page in the table: the second claim of a frame fails, and nothing is sorted.
   */
  readonly checkDuplicates?: boolean;
  /**
   * Called with each entry that passed the checks above, in array order, before the next entry
   * is read; it may throw to stop the walk (that error then comes out of `readMfnArray`). So a
   * caller's own check of entry `i` is reported before any problem of a later entry.
   */
  readonly onEntry?: (mfn: number, index: number) => void;
}

/**
 * Reads the MFN array a breadcrumb points to and checks every entry: inside the machine, not in a
 * reserved region (the bootmem), not one of the MFN array's own frames, present in the memory
 * (not a hole of a dump), not listed twice (unless `checkDuplicates` is false).
 * Walks the array in place (no copy when host-endian).
 */
export function readMfnArray(memory: MachineMemory, crumb: Breadcrumb, options: ReadMfnArrayOptions = {}): Uint32Array {
  const le = options.littleEndian ?? HOST_LITTLE_ENDIAN;
  const ps = memory.pageSize;
  const arrayStart = crumb.mfnArrayPhysAddr / ps;
  const arrayFrames = Math.ceil((crumb.nrPages * 8) / ps);
  const arrayFrameList: number[] = [];
  for (let f = 0; f < arrayFrames; f++) {
    // The MFN array must survive the handover: it may not lie in a reserved region (the bootmem,
    // which the new hypervisor's boot allocator uses before it reads the stream).
    if (memory.isReserved(arrayStart + f)) {
      const region = memory.reservedRegionOf(arrayStart + f)?.name ?? "reserved region";
      throw new BreadcrumbError(
        "mfn-array-in-bootmem",
        `the MFN array (frames ${arrayStart}..${arrayStart + arrayFrames - 1}) has frame ${arrayStart + f} inside the ${region}`,
        crumb.physAddr + 8,
        { actual: String(arrayStart + f) },
      );
    }
    if (!memory.isPresent(arrayStart + f)) {
      const first = (f * ps) / 8;
      const last = Math.min(crumb.nrPages, ((f + 1) * ps) / 8) - 1;
      throw new BreadcrumbError(
        "mfn-array-absent",
        `MFN array frame ${arrayStart + f} (entries ${first}..${last}) is absent from the memory image (a hole)`,
        crumb.physAddr + 8,
        { actual: String(arrayStart + f) },
      );
    }
    arrayFrameList.push(arrayStart + f);
  }
  const arraySource = vmap(memory, arrayFrameList);
  const mfns = new Uint32Array(crumb.nrPages);
  // Entries are checked one by one as the array is walked, except for duplicates: without a frame
  // table (`onEntry` claiming the pages) those are found afterwards by sorting a copy of the entries
  // (4 bytes a page) rather than with a bitmap of the whole machine (frameCount / 8 bytes, 25 times
  // more on a host whose stream is 1/1000 of its memory). Either way the error is the first bad
  // entry in array order.
  const duplicates = options.checkDuplicates ?? true;
  const onEntry = options.onEntry;
  let filled = 0;
  walkU64ArrayAsU32Pairs(
    arraySource,
    0,
    crumb.nrPages,
    (words, first) => {
      for (let k = 0; k < words.length; k += 2) {
        const i = first + (k >>> 1);
        const lo = words[k] ?? 0;
        const hi = words[k + 1] ?? 0;
        // Bad entries are rare: their address and message are only worked out then (an address
        // per entry would be a heap number each on a machine above 2 GiB).
        if (
          hi !== 0 ||
          lo >= memory.frameCount ||
          memory.isReserved(lo) ||
          (lo >= arrayStart && lo < arrayStart + arrayFrames) ||
          !memory.isPresent(lo)
        ) {
          if (duplicates) throwDuplicateBefore(mfns, i, crumb);
          throwBadEntry(memory, crumb, i, lo, hi, arrayStart, arrayFrames);
        }
        mfns[i] = lo;
        if (onEntry !== undefined) onEntry(lo, i);
      }
      filled = first + (words.length >>> 1);
    },
    le,
  );
  if (duplicates) throwDuplicateBefore(mfns, filled, crumb);
  return mfns;
}

/** Throws the error of MFN array entry `i` (`hi`:`lo`), which is outside, reserved or in the array itself. */
function throwBadEntry(
  memory: MachineMemory,
  crumb: Breadcrumb,
  i: number,
  lo: number,
  hi: number,
  arrayStart: number,
  arrayFrames: number,
): never {
  const entryAddr = crumb.mfnArrayPhysAddr + i * 8;
  if (hi !== 0 || lo >= memory.frameCount) {
    const value = (BigInt(hi) << 32n) | BigInt(lo);
    throw new BreadcrumbError(
      "page-outside",
      `data page ${i} is frame ${value}, outside the machine (${memory.frameCount} frames)`,
      entryAddr,
      {
        index: i,
        expected: `< ${memory.frameCount}`,
        actual: value.toString(),
      },
    );
  }
  if (memory.isReserved(lo)) {
    const region = memory.reservedRegionOf(lo)?.name ?? "reserved region";
    throw new BreadcrumbError("page-in-bootmem", `data page ${i} is frame ${lo}, inside the ${region}`, entryAddr, {
      index: i,
      actual: lo.toString(),
    });
  }
  if (!memory.isPresent(lo)) {
    throw new BreadcrumbError(
      "page-absent",
      `data page ${i} (MFN array entry ${i}) is frame ${lo}, absent from the memory image (a hole)`,
      entryAddr,
      {
        index: i,
        actual: lo.toString(),
      },
    );
  }
  throw new BreadcrumbError(
    "page-overlaps-mfn-array",
    `data page ${i} is frame ${lo}, one of the MFN array's own frames (${arrayStart}..${arrayStart + arrayFrames - 1})`,
    entryAddr,
    { index: i, actual: lo.toString() },
  );
}

/**
 * Throws `page-duplicate` for the first of `mfns[0 .. end)` that repeats an earlier entry, if any.
 * A sorted copy says whether there is one; only then are the entries walked again to find it.
 */
function throwDuplicateBefore(mfns: Uint32Array, end: number, crumb: Breadcrumb): void {
  if (end < 2) return;
  const sorted = mfns.slice(0, end).sort();
  let any = false;
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k] === sorted[k - 1]) {
      any = true;
      break;
    }
  }
  if (!any) return;
  const seen = new Set<number>();
  for (let i = 0; i < end; i++) {
    const mfn = mfns[i] ?? 0;
    if (seen.has(mfn)) {
      throw new BreadcrumbError(
        "page-duplicate",
        `data page ${i} is frame ${mfn}, listed earlier in the MFN array too`,
        crumb.mfnArrayPhysAddr + i * 8,
        {
          index: i,
          actual: mfn.toString(),
        },
      );
    }
    seen.add(mfn);
  }
}

/** A live-update stream found through its breadcrumb. */
export interface LiveUpdateStream {
  readonly breadcrumb: Breadcrumb;
  readonly mfns: Uint32Array;
  /** The data pages mapped virtually contiguous. */
  readonly source: VmapSource;
}

/** Reads the breadcrumb at `physAddr`, checks it and its MFN array, and vmaps the stream. */
export function openLiveUpdateStream(
  memory: MachineMemory,
  physAddr: number,
  options: ReadMfnArrayOptions = {},
): LiveUpdateStream {
  const breadcrumb = readBreadcrumb(memory, physAddr, options);
  const mfns = readMfnArray(memory, breadcrumb, options);
  return { breadcrumb, mfns, source: vmap(memory, mfns) };
}
