/**
 * A `ByteView` over a whole paged address space (a vmap, a file read in chunks), addressed by
 * absolute offset. A value that lies inside one page is one DataView call on that page; a value
 * that straddles a page edge is assembled in an 8-byte scratch buffer (reads) or scattered from it
 * (writes), and those bytes are counted in `copied`.
 *
 * Because it is addressed absolutely, one instance serves every struct placed on its source:
 * flyweights that hold it never see each other's placements.
 */
import type { ByteView } from "./byte-view.js";
import { BoundsError } from "./errors.js";

/** The pages a straddle view reads: equal-sized pages (the last may be short), by index. */
export interface PageTable {
  readonly pageSize: number;
  readonly byteLength: number;
  /**
   * A DataView holding page `index` (full page, or the short tail page), which may hold other pages
   * too: the page starts at `pageOffset(index)` in it. Throws for a bad index.
   */
  pageView(index: number): DataView;
  /** Where page `index` starts in `pageView(index)`. */
  pageOffset(index: number): number;
}

export class StraddleView implements ByteView {
  /** Bytes assembled or scattered through the scratch buffer so far. */
  copied = 0;
  private readonly pages: PageTable;
  private readonly scratch = new DataView(new ArrayBuffer(8));
  /** In-view offset of the last placement. */
  private pos = 0;

  constructor(pages: PageTable) {
    this.pages = pages;
  }

  getUint8(o: number): number {
    return this.place(o, 1, true).getUint8(this.pos);
  }
  getInt8(o: number): number {
    return this.place(o, 1, true).getInt8(this.pos);
  }
  getUint16(o: number, le?: boolean): number {
    return this.place(o, 2, true).getUint16(this.pos, le);
  }
  getInt16(o: number, le?: boolean): number {
    return this.place(o, 2, true).getInt16(this.pos, le);
  }
  getUint32(o: number, le?: boolean): number {
    return this.place(o, 4, true).getUint32(this.pos, le);
  }
  getInt32(o: number, le?: boolean): number {
    return this.place(o, 4, true).getInt32(this.pos, le);
  }
  getBigUint64(o: number, le?: boolean): bigint {
    return this.place(o, 8, true).getBigUint64(this.pos, le);
  }
  getBigInt64(o: number, le?: boolean): bigint {
    return this.place(o, 8, true).getBigInt64(this.pos, le);
  }
  getFloat32(o: number, le?: boolean): number {
    return this.place(o, 4, true).getFloat32(this.pos, le);
  }
  getFloat64(o: number, le?: boolean): number {
    return this.place(o, 8, true).getFloat64(this.pos, le);
  }

  setUint8(o: number, v: number): void {
    const view = this.place(o, 1, false);
    view.setUint8(this.pos, v);
    if (view === this.scratch) this.scatter(o, 1);
  }
  setInt8(o: number, v: number): void {
    const view = this.place(o, 1, false);
    view.setInt8(this.pos, v);
    if (view === this.scratch) this.scatter(o, 1);
  }
  setUint16(o: number, v: number, le?: boolean): void {
    const view = this.place(o, 2, false);
    view.setUint16(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 2);
  }
  setInt16(o: number, v: number, le?: boolean): void {
    const view = this.place(o, 2, false);
    view.setInt16(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 2);
  }
  setUint32(o: number, v: number, le?: boolean): void {
    const view = this.place(o, 4, false);
    view.setUint32(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 4);
  }
  setInt32(o: number, v: number, le?: boolean): void {
    const view = this.place(o, 4, false);
    view.setInt32(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 4);
  }
  setBigUint64(o: number, v: bigint, le?: boolean): void {
    const view = this.place(o, 8, false);
    view.setBigUint64(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 8);
  }
  setBigInt64(o: number, v: bigint, le?: boolean): void {
    const view = this.place(o, 8, false);
    view.setBigInt64(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 8);
  }
  setFloat32(o: number, v: number, le?: boolean): void {
    const view = this.place(o, 4, false);
    view.setFloat32(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 4);
  }
  setFloat64(o: number, v: number, le?: boolean): void {
    const view = this.place(o, 8, false);
    view.setFloat64(this.pos, v, le);
    if (view === this.scratch) this.scatter(o, 8);
  }

  /**
   * The view holding `[o, o + n)` with `pos` set to its offset there: the page itself when the
   * bytes lie in one page, else the scratch buffer (filled from the pages when `gather`).
   */
  private place(o: number, n: number, gather: boolean): DataView {
    const pages = this.pages;
    if (!(o >= 0 && o + n <= pages.byteLength)) throw new BoundsError(o, n, pages.byteLength);
    const ps = pages.pageSize;
    const index = Math.floor(o / ps);
    const inPage = o - index * ps;
    if (inPage + n <= ps) {
      const view = pages.pageView(index);
      this.pos = pages.pageOffset(index) + inPage;
      return view;
    }
    if (gather) {
      for (let k = 0; k < n; k++) this.scratch.setUint8(k, this.byteAt(o + k));
    }
    this.pos = 0;
    this.copied += n;
    return this.scratch;
  }

  private byteAt(o: number): number {
    const ps = this.pages.pageSize;
    const index = Math.floor(o / ps);
    return this.pages.pageView(index).getUint8(this.pages.pageOffset(index) + o - index * ps);
  }

  private scatter(o: number, n: number): void {
    const ps = this.pages.pageSize;
    for (let k = 0; k < n; k++) {
      const at = o + k;
      const index = Math.floor(at / ps);
      this.pages.pageView(index).setUint8(this.pages.pageOffset(index) + at - index * ps, this.scratch.getUint8(k));
    }
  }
}
