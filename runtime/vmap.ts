/**
 * `vmap(memory, mfns)`: one virtually contiguous `ByteSource` over pages scattered in a machine's
 * memory, the way the new hypervisor maps the live-update stream. Byte `i` of the source is byte
 * `i % pageSize` of frame `mfns[floor(i / pageSize)]`; nothing is copied to build it.
 *
 * Memory: the pages live in a few large backing chunks of the MachineMemory, so the vmap holds one
 * DataView and one Uint8Array per chunk (a handful) and, per page, a reference to its chunk's
 * DataView and two int32s (which chunk, where the page starts in it): 16 bytes a page plus its
 * frame number, instead of two view objects a page (about 190 bytes of heap, 5 % of a 4 KiB page).
 *
 * `window()` is the hot path: a bounds check, the page's view and offset, and either that view
 * (bytes in one page; `windowOffset` is where they start in it, the page's offset in its chunk
 * plus the in-page offset) or the shared straddle view (bytes across a page edge; `windowOffset`
 * is the absolute offset).
 */
import type { ByteSource, ByteView, SegmentVisitor } from "./byte-view.js";
import { BoundsError, FrameError } from "./errors.js";
import type { MachineMemory } from "./machine-memory.js";
import { StraddleView, type PageTable } from "./straddle-view.js";

export class VmapSource implements ByteSource, PageTable {
  readonly memory: MachineMemory;
  readonly pageSize: number;
  readonly pageShift: number;
  /** Frame numbers of the mapped pages, in stream order. */
  readonly mfns: number[];
  byteLength = 0;
  windowOffset = 0;
  /** The view `window()` returns for ranges that straddle a page edge. */
  readonly straddle: StraddleView;
  /** One view of each backing chunk the pages are in (by local chunk number). */
  private readonly chunkViews: DataView[] = [];
  private readonly chunkArrays: Uint8Array[] = [];
  /** Local chunk number of each memory chunk index seen so far. */
  private readonly localChunk = new Map<number, number>();
  /**
   * Per page: its chunk's DataView (a reference to the shared one, so `window()` is one load as with
   * a view per page), its local chunk number and its byte offset in that chunk.
   */
  private readonly views: DataView[];
  private locals: Int32Array;
  private bases: Int32Array;
  private count = 0;
  private copiedHere = 0;
  /** The memory chunk of the page placed last, and its local number (pages come in runs). */
  private lastChunk = -1;
  private lastLocal = 0;

  constructor(memory: MachineMemory, mfns: ArrayLike<number> = []) {
    this.memory = memory;
    this.pageSize = memory.pageSize;
    this.pageShift = memory.pageShift;
    this.straddle = new StraddleView(this);
    // Every per-page array is made at its final size: growing them page by page would leave a
    // trail of discarded copies (as much garbage again as the arrays themselves).
    // (`new Array(n)` is a fast holey array at any size; a missing entry reads as undefined.)
    const n = mfns.length;
    this.locals = new Int32Array(n);
    this.bases = new Int32Array(n);
    this.mfns = new Array<number>(n);
    this.views = new Array<DataView>(n);
    // Every page's backing slot first, in one tight loop: on a host whose stream pages are spread
    // over the whole machine each lookup is a cache miss, and only a loop this small keeps many
    // of them in flight (7 ms -> 2 ms for the default host's 16,913 pages, guests scattered).
    const slots = memory.backedSlots(mfns);
    for (let i = 0; i < n; i++) {
      const mfn = mfns[i] ?? -1;
      this.place(i, mfn, slots[i] as number);
      this.mfns[i] = mfn;
      this.views[i] = this.chunkView(this.locals[i] ?? 0);
    }
    this.count = n;
    this.byteLength = n * this.pageSize;
  }

  /** Maps one more frame at the end of the source (the stream writer grows this way). */
  appendPage(mfn: number): void {
    const i = this.count;
    if (i === this.locals.length) {
      const size = Math.max(16, 2 * i);
      const locals = new Int32Array(size);
      const bases = new Int32Array(size);
      locals.set(this.locals);
      bases.set(this.bases);
      this.locals = locals;
      this.bases = bases;
    }
    this.place(i, mfn);
    this.views.push(this.chunkView(this.locals[i] ?? 0));
    this.mfns.push(mfn);
    this.count++;
    this.byteLength += this.pageSize;
  }

  /**
   * Records where frame `mfn`, page `i` of the source, lives (`locals[i]`, `bases[i]`). `known` is
   * its backing slot when already looked up, -1 when not (or not backed yet).
   */
  private place(i: number, mfn: number, known = -1): void {
    const memory = this.memory;
    if (!memory.contains(mfn)) {
      throw new FrameError(mfn, `cannot map frame ${mfn}: outside the machine (${memory.frameCount} frames)`, {
        offset: i * this.pageSize,
      });
    }
    const slot = known >= 0 ? known : memory.backingSlot(mfn);
    const perChunk = memory.framesPerChunk;
    const chunkIndex = Math.floor(slot / perChunk);
    const base = (slot - chunkIndex * perChunk) * this.pageSize;
    if (base + this.pageSize > 0x7fffffff) {
      throw new RangeError(`frame ${mfn} lies ${base} bytes into a backing chunk: a vmap needs chunks under 2 GiB`);
    }
    let local = chunkIndex === this.lastChunk ? this.lastLocal : this.localChunk.get(chunkIndex);
    if (local === undefined) {
      const bytes = memory.chunkBytes(chunkIndex);
      local = this.chunkViews.length;
      this.chunkViews.push(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      this.chunkArrays.push(bytes);
      this.localChunk.set(chunkIndex, local);
    }
    this.lastChunk = chunkIndex;
    this.lastLocal = local;
    this.locals[i] = local;
    this.bases[i] = base;
  }

  private chunkView(local: number): DataView {
    const view = this.chunkViews[local];
    if (view === undefined) throw new RangeError(`vmap chunk ${local} is missing`);
    return view;
  }

  get pageCount(): number {
    return this.count;
  }

  /** Bytes copied so far: straddling values plus non-contiguous `bytes()` results. */
  get bytesCopied(): number {
    return this.copiedHere + this.straddle.copied;
  }

  /**
   * A DataView holding page `index` (its backing chunk's view, shared by every page in that chunk):
   * the page starts at `pageOffset(index)` in it. No allocation.
   */
  pageView(index: number): DataView {
    const v = this.chunkViews[this.localOf(index)];
    if (v === undefined) throw new BoundsError(index * this.pageSize, this.pageSize, this.byteLength);
    return v;
  }

  /** A Uint8Array holding page `index` (its whole backing chunk), starting at `pageOffset(index)`. No allocation. */
  pageArray(index: number): Uint8Array {
    const a = this.chunkArrays[this.localOf(index)];
    if (a === undefined) throw new BoundsError(index * this.pageSize, this.pageSize, this.byteLength);
    return a;
  }

  /** Where page `index` starts in `pageView(index)` and `pageArray(index)`. */
  pageOffset(index: number): number {
    this.localOf(index);
    return this.bases[index] ?? 0;
  }

  /** Page `index` as exactly `pageSize` bytes (a new view on the frame, no copy). */
  pageBytes(index: number): Uint8Array {
    const base = this.pageOffset(index);
    return this.pageArray(index).subarray(base, base + this.pageSize);
  }

  /** The page's local chunk number; BoundsError for an index that is not a mapped page. */
  private localOf(index: number): number {
    if (!(index >= 0 && index < this.count && Number.isInteger(index))) {
      throw new BoundsError(index * this.pageSize, this.pageSize, this.byteLength);
    }
    return this.locals[index] ?? 0;
  }

  window(offset: number, length: number): ByteView {
    // Hot path: int32 offset and length (every stream under 2 GiB), bytes inside one page.
    if (
      (offset | 0) === offset &&
      (length | 0) === length &&
      offset >= 0 &&
      length >= 0 &&
      offset + length <= this.byteLength
    ) {
      const index = offset >>> this.pageShift;
      const inPage = offset - (index << this.pageShift);
      if (inPage + length <= this.pageSize) {
        const v = this.views[index];
        if (v !== undefined) {
          this.windowOffset = (this.bases[index] ?? 0) + inPage;
          return v;
        }
      }
      this.windowOffset = offset;
      return this.straddle;
    }
    return this.windowSlow(offset, length);
  }

  /** Offsets of 2 GiB and above, and every bad request (which throws `BoundsError`). */
  private windowSlow(offset: number, length: number): ByteView {
    this.check(offset, length);
    const index = Math.floor(offset / this.pageSize);
    const inPage = offset - index * this.pageSize;
    if (inPage + length <= this.pageSize && index < this.count) {
      this.windowOffset = this.pageOffset(index) + inPage;
      return this.pageView(index);
    }
    this.windowOffset = offset;
    return this.straddle;
  }

  bytes(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    // An empty range is fine anywhere up to the end, including just past the last page.
    if (length === 0) return new Uint8Array(0);
    const ps = this.pageSize;
    const index = Math.floor(offset / ps);
    const inPage = offset - index * ps;
    if (inPage + length <= ps) {
      const from = this.pageOffset(index) + inPage;
      return this.pageArray(index).subarray(from, from + length);
    }
    const out = new Uint8Array(length);
    this.segments(offset, length, (piece, at) => out.set(piece, at - offset));
    this.copiedHere += length;
    return out;
  }

  segments(offset: number, length: number, visit: SegmentVisitor): void {
    this.check(offset, length);
    const ps = this.pageSize;
    let at = offset;
    const end = offset + length;
    while (at < end) {
      const index = at < 0x80000000 ? at >>> this.pageShift : Math.floor(at / ps);
      const inPage = at - index * ps;
      const n = Math.min(ps - inPage, end - at);
      // One piece per page, even where pages follow each other in the chunk (walkers and the
      // generated forEachRun promise page segments): a view of the chunk, no copy.
      const from = this.pageOffset(index) + inPage;
      visit(this.pageArray(index).subarray(from, from + n), at);
      at += n;
    }
  }

  private check(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.byteLength) || offset % 1 !== 0 || length % 1 !== 0) {
      throw new BoundsError(offset, length, this.byteLength);
    }
  }
}

/** Maps the frames `mfns` (in order) as one virtually contiguous source. No bytes are copied. */
export function vmap(memory: MachineMemory, mfns: ArrayLike<number>): VmapSource {
  return new VmapSource(memory, mfns);
}
