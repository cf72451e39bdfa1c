/**
 * `vmap(memory, mfns)`: one virtually contiguous `ByteSource` over pages scattered in a machine's
 * memory, the way the new hypervisor maps the live-update stream. Byte `i` of the source is byte
 * `i % pageSize` of frame `mfns[floor(i / pageSize)]`; nothing is copied to build it.
 *
 * `window()` is the hot path: a bounds check, a page lookup, and either that page's DataView
 * (bytes in one page; `windowOffset` is the in-page offset) or the shared straddle view (bytes
 * across a page edge; `windowOffset` is the absolute offset).
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
  readonly mfns: number[] = [];
  byteLength = 0;
  windowOffset = 0;
  /** The view `window()` returns for ranges that straddle a page edge. */
  readonly straddle: StraddleView;
  private readonly views: DataView[] = [];
  private readonly pages: Uint8Array[] = [];
  private copiedHere = 0;

  constructor(memory: MachineMemory, mfns: ArrayLike<number> = []) {
    this.memory = memory;
    this.pageSize = memory.pageSize;
    this.pageShift = memory.pageShift;
    this.straddle = new StraddleView(this);
    for (let i = 0; i < mfns.length; i++) this.appendPage(mfns[i] ?? -1);
  }

  /** Maps one more frame at the end of the source (the stream writer grows this way). */
  appendPage(mfn: number): void {
    if (!this.memory.contains(mfn)) {
      throw new FrameError(mfn, `cannot map frame ${mfn}: outside the machine (${this.memory.frameCount} frames)`, {
        offset: this.byteLength,
      });
    }
    const bytes = this.memory.frame(mfn);
    this.mfns.push(mfn);
    this.pages.push(bytes);
    this.views.push(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.byteLength += this.pageSize;
  }

  get pageCount(): number {
    return this.views.length;
  }

  /** Bytes copied so far: straddling values plus non-contiguous `bytes()` results. */
  get bytesCopied(): number {
    return this.copiedHere + this.straddle.copied;
  }

  pageView(index: number): DataView {
    const v = this.views[index];
    if (v === undefined) throw new BoundsError(index * this.pageSize, this.pageSize, this.byteLength);
    return v;
  }

  /** Page `index` as bytes (no copy). */
  pageBytes(index: number): Uint8Array {
    const p = this.pages[index];
    if (p === undefined) throw new BoundsError(index * this.pageSize, this.pageSize, this.byteLength);
    return p;
  }

  window(offset: number, length: number): ByteView {
    // Hot path: int32 offset and length (every stream under 2 GiB), bytes inside one page.
    if ((offset | 0) === offset && (length | 0) === length && offset >= 0 && length >= 0 && offset + length <= this.byteLength) {
      const index = offset >>> this.pageShift;
      const inPage = offset - (index << this.pageShift);
      if (inPage + length <= this.pageSize) {
        const v = this.views[index];
        if (v !== undefined) {
          this.windowOffset = inPage;
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
    const v = this.views[index];
    if (inPage + length <= this.pageSize && v !== undefined) {
      this.windowOffset = inPage;
      return v;
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
    if (inPage + length <= ps) return this.pageBytes(index).subarray(inPage, inPage + length);
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
      const page = this.pageBytes(index);
      // A whole page is handed out as the page's own array: no allocation per page.
      visit(n === ps ? page : page.subarray(inPage, inPage + n), at);
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
