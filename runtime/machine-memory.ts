/**
 * A model of a machine's physical memory: `frameCount` frames of `pageSize` bytes, of which only
 * the frames actually touched get backing store. Backing frames are slots in a few large
 * ArrayBuffers (chunks) allocated on demand; a frame's slot is found through one Int32Array
 * lookup, so no Map sits on any hot path.
 *
 * The memory also records which frames are reserved (the live-update bootmem and any other region
 * nothing may be allocated in) and which frames an allocator has handed out, so every allocator
 * working on the same memory agrees on what is free.
 */
import { FrameError } from "./errors.js";
import type { WasmArena } from "./wasm-arena.js";

/** A run of frames: `[start, start + count)`. */
export interface FrameRange {
  readonly start: number;
  readonly count: number;
  /** What the region is for, e.g. `bootmem`. */
  readonly name?: string;
}

export interface MachineMemoryOptions {
  /** Bytes per frame, a power of two from 64 to 2^30. Default 4096. */
  readonly pageSize?: number;
  /** Frames in the machine (frame numbers `0 .. frameCount - 1`). At most 2^28. */
  readonly frameCount: number;
  /** Regions no allocator may hand out (the live-update bootmem first, by convention). */
  readonly reserved?: readonly FrameRange[];
  /**
   * Frames the machine's memory does not hold: holes of a memory dump (physical ranges no ELF
   * segment covers, frames below a raw dump's base, a final partial page). An absent frame is
   * neither free nor readable: touching it throws `FrameError`, so a reader checks `isPresent`
   * first and says who referred to it.
   */
  readonly absent?: readonly FrameRange[];
  /** Bytes per backing chunk (rounded up to a whole number of pages). Default 16 MiB. */
  readonly chunkBytes?: number;
  /**
   * Fills a frame the first time it is backed (e.g. from a memory image file). Without it a
   * newly backed frame reads as zeros.
   */
  readonly fill?: (mfn: number, bytes: Uint8Array) => void;
  /**
   * Allocate the backing chunks in this WebAssembly arena (its shared memory) instead of separate
   * ArrayBuffers, so a WebAssembly loop (pass 1's claims) reads the pages where they are and
   * worker threads can share them. Chunks are then never given back (the memory lives as long as
   * the arena).
   */
  readonly arena?: WasmArena;
  /**
   * Back the frames with SharedArrayBuffers instead of ArrayBuffers, so worker threads can read
   * the same pages without a copy (a parallel restore). Default false.
   */
  readonly shared?: boolean;
}

const FLAG_RESERVED = 1;
const FLAG_ALLOCATED = 2;
const FLAG_ABSENT = 4;
const MAX_FRAMES = 2 ** 28;

export class MachineMemory {
  readonly pageSize: number;
  readonly pageShift: number;
  readonly frameCount: number;
  /** Size of the physical address space in bytes (`frameCount * pageSize`). */
  readonly byteLength: number;
  readonly reserved: readonly FrameRange[];
  private readonly slotOf: Int32Array;
  private readonly flags: Uint8Array;
  /** Start and end of each reserved region, when there are only a few; else the flags say. */
  private readonly reservedRanges: Float64Array | undefined;
  private readonly chunks: Uint8Array[] = [];
  /** The arena the backing chunks live in, if any. */
  readonly arena: WasmArena | undefined;
  /** Whether the backing chunks are shared between threads (`MachineMemoryOptions.shared`, or an arena's memory). */
  readonly shared: boolean;
  /** Frames per backing chunk: slot `s` is frame `s % framesPerChunk` of chunk `floor(s / framesPerChunk)`. */
  readonly framesPerChunk: number;
  private readonly fill: ((mfn: number, bytes: Uint8Array) => void) | undefined;
  private slots = 0;
  /** Whether any frame is absent (a plain machine has none: `isPresent` is then one test). */
  readonly hasAbsent: boolean;
  private backed = 0;
  private freeFrames: number;

  constructor(options: MachineMemoryOptions) {
    const pageSize = options.pageSize ?? 4096;
    if (!(Number.isInteger(pageSize) && pageSize >= 64 && pageSize <= 2 ** 30 && (pageSize & (pageSize - 1)) === 0)) {
      throw new RangeError(`page size ${pageSize} is not a power of two between 64 and 2^30`);
    }
    const frameCount = options.frameCount;
    if (!(Number.isInteger(frameCount) && frameCount > 0 && frameCount <= MAX_FRAMES)) {
      throw new RangeError(`frame count ${frameCount} is not an integer between 1 and 2^28`);
    }
    this.pageSize = pageSize;
    this.pageShift = Math.log2(pageSize);
    this.frameCount = frameCount;
    this.byteLength = frameCount * pageSize;
    this.slotOf = new Int32Array(frameCount).fill(-1);
    this.flags = new Uint8Array(frameCount);
    this.framesPerChunk = Math.max(1, Math.ceil((options.chunkBytes ?? 16 * 1024 * 1024) / pageSize));
    this.fill = options.fill;
    this.arena = options.arena;
    this.shared = options.shared === true || options.arena !== undefined;
    this.reserved = options.reserved ?? [];
    for (const r of this.reserved) {
      if (
        !(
          Number.isInteger(r.start) &&
          Number.isInteger(r.count) &&
          r.start >= 0 &&
          r.count >= 0 &&
          r.start + r.count <= frameCount
        )
      ) {
        throw new RangeError(
          `reserved region ${r.name ?? ""} [${r.start}, +${r.count}) is outside the machine (${frameCount} frames)`,
        );
      }
      this.flags.fill(FLAG_RESERVED, r.start, r.start + r.count);
    }
    this.reservedRanges =
      this.reserved.length <= 4
        ? Float64Array.from(this.reserved.flatMap((r) => [r.start, r.start + r.count]))
        : undefined;
    let absent = 0;
    for (const r of options.absent ?? []) {
      if (
        !(
          Number.isInteger(r.start) &&
          Number.isInteger(r.count) &&
          r.start >= 0 &&
          r.count >= 0 &&
          r.start + r.count <= frameCount
        )
      ) {
        throw new RangeError(`absent range [${r.start}, +${r.count}) is outside the machine (${frameCount} frames)`);
      }
      for (let f = r.start; f < r.start + r.count; f++) this.flags[f] = (this.flags[f] ?? 0) | FLAG_ABSENT;
      absent += r.count;
    }
    this.hasAbsent = absent > 0;
    let free = 0;
    for (let i = 0; i < frameCount; i++) if (this.flags[i] === 0) free++;
    this.freeFrames = free;
  }

  /** True when `mfn` is an integer frame number of this machine. */
  contains(mfn: number): boolean {
    return mfn >= 0 && mfn < this.frameCount && Number.isInteger(mfn);
  }

  /** True when the frame has backing store (was touched). */
  isBacked(mfn: number): boolean {
    return this.contains(mfn) && (this.slotOf[mfn] ?? -1) >= 0;
  }

  /** Number of frames with backing store. */
  get backedCount(): number {
    return this.backed;
  }

  /** Frames neither reserved nor handed out. */
  get freeCount(): number {
    return this.freeFrames;
  }

  /** True when the frame is inside the machine and its memory is held (not a hole of a dump). */
  isPresent(mfn: number): boolean {
    if (!this.contains(mfn)) return false;
    return !this.hasAbsent || ((this.flags[mfn] ?? 0) & FLAG_ABSENT) === 0;
  }

  isReserved(mfn: number): boolean {
    // A machine has one or two reserved regions (the bootmem): comparing against them leaves the
    // flags alone, one cache miss fewer per frame when a list of frames spread over a large
    // machine is checked (the MFN array walk).
    const ranges = this.reservedRanges;
    if (ranges !== undefined) {
      for (let k = 0; k < ranges.length; k += 2)
        if (mfn >= (ranges[k] as number) && mfn < (ranges[k + 1] as number)) return true;
      return false;
    }
    return ((this.flags[mfn] ?? 0) & FLAG_RESERVED) !== 0;
  }

  isAllocated(mfn: number): boolean {
    return ((this.flags[mfn] ?? 0) & FLAG_ALLOCATED) !== 0;
  }

  /** Neither reserved nor handed out (false for frames outside the machine). */
  isFree(mfn: number): boolean {
    return this.contains(mfn) && this.flags[mfn] === 0;
  }

  /**
   * The first free frame at or after `from` (no wrap-around), or -1. A native scan of the frame
   * flags, so an allocator on a nearly full machine does not walk frame by frame.
   */
  nextFree(from: number): number {
    if (!(from >= 0)) from = 0;
    return this.flags.indexOf(0, from);
  }

  /** The reserved region holding `mfn`, if any. */
  reservedRegionOf(mfn: number): FrameRange | undefined {
    return this.reserved.find((r) => mfn >= r.start && mfn < r.start + r.count);
  }

  /** Marks a free frame as handed out. Allocators call this; it throws for a non-free frame. */
  markAllocated(mfn: number): void {
    if (!this.isFree(mfn)) {
      throw new FrameError(mfn, `frame ${mfn} is not free (reserved, already allocated or outside the machine)`);
    }
    this.flags[mfn] = FLAG_ALLOCATED;
    this.freeFrames--;
  }

  /** Returns a handed-out frame to the free pool (its contents stay). */
  release(mfn: number): void {
    if (!this.isAllocated(mfn)) throw new FrameError(mfn, `frame ${mfn} was not allocated`);
    this.flags[mfn] = (this.flags[mfn] ?? 0) & ~FLAG_ALLOCATED;
    if (this.flags[mfn] === 0) this.freeFrames++;
  }

  /** The frame's bytes (exactly `pageSize` long), backing it on first use. No copy. */
  frame(mfn: number): Uint8Array {
    const slot = this.slotFor(mfn);
    const chunk = this.chunks[Math.floor(slot / this.framesPerChunk)];
    if (chunk === undefined) throw new FrameError(mfn, `frame ${mfn} has no backing chunk`);
    return new Uint8Array(chunk.buffer, chunk.byteOffset + (slot % this.framesPerChunk) * this.pageSize, this.pageSize);
  }

  /**
   * The frame's backing slot, backing it on first use, without allocating anything: its bytes are
   * `pageSize` bytes at `(slot % framesPerChunk) * pageSize` in `chunkBytes(floor(slot / framesPerChunk))`.
   * For code that maps many frames (a vmap) and wants one view per chunk, not one per frame.
   */
  backingSlot(mfn: number): number {
    return this.slotFor(mfn);
  }

  /**
   * Backing chunk `index` (see `backingSlot`): `framesPerChunk * pageSize` bytes, a whole
   * ArrayBuffer of its own, or a region of the arena's memory.
   */
  chunkBytes(index: number): Uint8Array {
    const chunk = this.chunks[index];
    if (chunk === undefined) throw new RangeError(`no backing chunk ${index} (${this.chunks.length} chunks)`);
    return chunk;
  }

  /** The frame as a DataView, backing it on first use. No copy. */
  frameView(mfn: number): DataView {
    const bytes = this.frame(mfn);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The frame's bytes if it is backed, else undefined (an untouched frame reads as zeros). */
  peekFrame(mfn: number): Uint8Array | undefined {
    return this.isBacked(mfn) ? this.frame(mfn) : undefined;
  }

  /**
   * The backing slots of `mfns` (see `backingSlot`), -1 for a frame not backed yet or not in the
   * machine. Looks only; backs nothing. One tight loop, so a list of frames spread over a large
   * machine has many of its slot lookups (cache misses) in flight at once.
   */
  backedSlots(mfns: ArrayLike<number>): Int32Array {
    const n = mfns.length;
    const out = new Int32Array(n);
    const slotOf = this.slotOf;
    for (let i = 0; i < n; i++) out[i] = slotOf[mfns[i] as number] ?? -1;
    return out;
  }

  /**
   * Gives an arena-backed memory's chunks back to its arena (their bytes stay readable through
   * views made before until the arena hands the space out again). The memory must not be used
   * afterwards. Nothing to do for a memory of its own ArrayBuffers (the collector frees those).
   */
  dispose(): void {
    const arena = this.arena;
    if (arena !== undefined) for (const chunk of this.chunks) arena.free(chunk.byteOffset);
    this.chunks.length = 0;
    this.slotOf.fill(-1);
    this.backed = 0;
    this.slots = 0;
  }

  /** Backed frame numbers in ascending order. */
  backedFrames(): number[] {
    const out: number[] = [];
    const slotOf = this.slotOf;
    for (let mfn = 0; mfn < this.frameCount; mfn++) if ((slotOf[mfn] ?? -1) >= 0) out.push(mfn);
    return out;
  }

  /**
   * Copies `length` bytes from physical address `physAddr` (may cross frames) into a new array.
   * Untouched frames read as zeros, or from the loader when the memory has one.
   */
  read(physAddr: number, length: number): Uint8Array {
    this.checkRange(physAddr, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = physAddr + done;
      const mfn = Math.floor(at / this.pageSize);
      const inPage = at - mfn * this.pageSize;
      const n = Math.min(this.pageSize - inPage, length - done);
      // With a loader the frame's bytes live elsewhere until backed; without one it reads as zeros.
      const page = this.fill !== undefined ? this.frame(mfn) : this.peekFrame(mfn);
      if (page !== undefined) out.set(page.subarray(inPage, inPage + n), done);
      done += n;
    }
    return out;
  }

  /** Writes `bytes` at physical address `physAddr` (may cross frames), backing frames as needed. */
  write(physAddr: number, bytes: Uint8Array): void {
    this.checkRange(physAddr, bytes.length);
    let done = 0;
    while (done < bytes.length) {
      const at = physAddr + done;
      const mfn = Math.floor(at / this.pageSize);
      const inPage = at - mfn * this.pageSize;
      const n = Math.min(this.pageSize - inPage, bytes.length - done);
      this.frame(mfn).set(bytes.subarray(done, done + n), inPage);
      done += n;
    }
  }

  private checkRange(physAddr: number, length: number): void {
    if (
      !(
        Number.isInteger(physAddr) &&
        Number.isInteger(length) &&
        physAddr >= 0 &&
        length >= 0 &&
        physAddr + length <= this.byteLength
      )
    ) {
      throw new FrameError(
        Math.floor(physAddr / this.pageSize),
        `${length} bytes at physical address 0x${physAddr.toString(16)} lie outside the machine (${this.byteLength} bytes)`,
        { offset: physAddr },
      );
    }
  }

  private newChunk(): Uint8Array {
    const bytes = this.framesPerChunk * this.pageSize;
    if (this.arena === undefined)
      return new Uint8Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    // Arena memory may hold old bytes of a freed region: a new frame reads as zeros. (Cleared as
    // int32s: V8 fills an 8-bit view of a SharedArrayBuffer about four times slower.)
    const chunk = this.arena.allocBytes(bytes, Math.min(this.pageSize, 65536));
    new Int32Array(chunk.buffer, chunk.byteOffset, bytes >>> 2).fill(0);
    return chunk;
  }

  private slotFor(mfn: number): number {
    if (!this.contains(mfn)) {
      throw new FrameError(mfn, `frame ${mfn} is outside the machine (${this.frameCount} frames)`);
    }
    const have = this.slotOf[mfn] ?? -1;
    if (have >= 0) return have;
    if (this.hasAbsent && ((this.flags[mfn] ?? 0) & FLAG_ABSENT) !== 0) {
      throw new FrameError(mfn, `frame ${mfn} is absent from the machine's memory (a hole of the dump)`, {
        offset: mfn * this.pageSize,
      });
    }
    const slot = this.slots++;
    if (slot % this.framesPerChunk === 0) this.chunks.push(this.newChunk());
    if (this.fill !== undefined) {
      // Filled before it is recorded: a loader that throws leaves the frame unbacked, not zeroed.
      const chunk = this.chunks[Math.floor(slot / this.framesPerChunk)];
      if (chunk !== undefined)
        this.fill(
          mfn,
          chunk.subarray(
            (slot % this.framesPerChunk) * this.pageSize,
            ((slot % this.framesPerChunk) + 1) * this.pageSize,
          ),
        );
    }
    this.slotOf[mfn] = slot;
    this.backed++;
    return slot;
  }
}
