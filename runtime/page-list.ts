/**
 * `vmapPages(pages)`: one virtually contiguous `ByteSource` over pages an embedder already has: a
 * list of buffers or views (pages received from a device, a socket, a memory-mapped file, a pool),
 * or any `PageTable`. Byte `i` of the source is byte `i % pageSize` of page `floor(i / pageSize)`;
 * nothing is copied to build it or to read it, except values that straddle a page edge (assembled
 * through the straddle view and counted in `bytesCopied`), as with `vmap` of a `MachineMemory`.
 *
 * Every page but the last holds exactly `pageSize` bytes (default: the first page's length); the
 * last may be shorter. Page sizes need not be powers of two.
 */
import type { ByteSource, ByteView, SegmentVisitor } from "./byte-view.js";
import { BoundsError } from "./errors.js";
import { StraddleView, type PageTable } from "./straddle-view.js";

/** One page: an ArrayBuffer (all of it) or any view on one (Uint8Array, Buffer, DataView, a subarray). */
export type PageInput = ArrayBufferLike | ArrayBufferView;

export interface VmapPagesOptions {
  /** Bytes per page (default: the length of the first page). */
  readonly pageSize?: number;
}

function isPageTable(x: readonly PageInput[] | PageTable): x is PageTable {
  return !Array.isArray(x);
}

export class PageListSource implements ByteSource, PageTable {
  readonly pageSize: number;
  readonly byteLength: number;
  windowOffset = 0;
  /** The view `window()` returns for ranges that straddle a page edge. */
  readonly straddle: StraddleView;
  /** Per page: a DataView holding it and where it starts in that view. */
  private readonly views: DataView[];
  private readonly bases: number[];
  private copiedHere = 0;

  constructor(pages: readonly PageInput[] | PageTable, options: VmapPagesOptions = {}) {
    this.views = [];
    this.bases = [];
    if (isPageTable(pages)) {
      this.pageSize = options.pageSize ?? pages.pageSize;
      if (this.pageSize !== pages.pageSize)
        throw new RangeError(`pageSize ${this.pageSize} differs from the page table's ${pages.pageSize}`);
      checkPageSize(this.pageSize);
      this.byteLength = pages.byteLength;
      const count = Math.ceil(pages.byteLength / this.pageSize);
      for (let i = 0; i < count; i++) {
        this.views.push(pages.pageView(i));
        this.bases.push(pages.pageOffset(i));
      }
    } else {
      const first = pages[0];
      this.pageSize = options.pageSize ?? (first === undefined ? 1 : first.byteLength);
      checkPageSize(this.pageSize);
      let total = 0;
      for (let i = 0; i < pages.length; i++) {
        const page = pages[i] as PageInput;
        const length = page.byteLength;
        const last = i === pages.length - 1;
        if (last ? length < 1 || length > this.pageSize : length !== this.pageSize) {
          throw new RangeError(
            `page ${i} holds ${length} bytes: every page but the last must hold exactly ${this.pageSize}, the last 1 to ${this.pageSize}`,
          );
        }
        if (ArrayBuffer.isView(page)) {
          this.views.push(
            page instanceof DataView ? page : new DataView(page.buffer, page.byteOffset, page.byteLength),
          );
        } else {
          this.views.push(new DataView(page));
        }
        this.bases.push(0);
        total += length;
      }
      this.byteLength = total;
    }
    this.straddle = new StraddleView(this);
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

  pageOffset(index: number): number {
    const b = this.bases[index];
    if (b === undefined) throw new BoundsError(index * this.pageSize, this.pageSize, this.byteLength);
    return b;
  }

  window(offset: number, length: number): ByteView {
    this.check(offset, length);
    const index = Math.floor(offset / this.pageSize);
    const inPage = offset - index * this.pageSize;
    if (inPage + length <= this.pageSize && index < this.views.length) {
      this.windowOffset = this.pageOffset(index) + inPage;
      return this.pageView(index);
    }
    this.windowOffset = offset;
    return this.straddle;
  }

  bytes(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    if (length === 0) return new Uint8Array(0);
    const index = Math.floor(offset / this.pageSize);
    const inPage = offset - index * this.pageSize;
    if (inPage + length <= this.pageSize) return this.piece(index, inPage, length);
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
      const index = Math.floor(at / ps);
      const inPage = at - index * ps;
      const n = Math.min(ps - inPage, end - at);
      visit(this.piece(index, inPage, n), at);
      at += n;
    }
  }

  /** `n` bytes of page `index` from `inPage` on, as a view of the page's memory. */
  private piece(index: number, inPage: number, n: number): Uint8Array {
    const v = this.pageView(index);
    return new Uint8Array(v.buffer, v.byteOffset + this.pageOffset(index) + inPage, n);
  }

  private check(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.byteLength) || offset % 1 !== 0 || length % 1 !== 0) {
      throw new BoundsError(offset, length, this.byteLength);
    }
  }
}

function checkPageSize(size: number): void {
  if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`page size must be a positive integer, not ${size}`);
}

/**
 * Maps `pages` (buffers or views, in order, or a page table) as one virtually contiguous source
 * that generated accessors, `RecordReader` and the walkers read and write in place. No bytes copied.
 */
export function vmapPages(pages: readonly PageInput[] | PageTable, options: VmapPagesOptions = {}): PageListSource {
  return new PageListSource(pages, options);
}
