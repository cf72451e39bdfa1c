/**
 * A `ByteSource` over a file that reads only what is touched: the file is split into chunks
 * (64 KiB by default) read with `fs.readSync` on first use and kept in a bounded cache, so dumping
 * the first records of a multi-gigabyte stream reads a few chunks. Values straddling a chunk edge
 * go through the same straddle view as a vmap.
 *
 * An evicted chunk's buffer is never reused, so a view handed out earlier keeps reading the right
 * bytes. Writes through a view change only the cached copy, never the file.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource, ByteView, SegmentVisitor } from "./byte-view.js";
import { BoundsError, FileReadError } from "./errors.js";
import { StraddleView, type PageTable } from "./straddle-view.js";

export interface FileSourceOptions {
  /** Bytes per chunk read from the file, a power of two of at least 64. Default 64 KiB. */
  readonly chunkSize?: number;
  /** Chunks kept in memory at most. Default 256 (16 MiB with the default chunk size). */
  readonly maxCachedChunks?: number;
}

export class FileSource implements ByteSource, PageTable {
  readonly path: string;
  readonly byteLength: number;
  readonly pageSize: number;
  windowOffset = 0;
  /** Bytes read from the file so far. */
  bytesRead = 0;
  private readonly fd: number;
  private readonly maxCached: number;
  private readonly chunks: Array<DataView | undefined> = [];
  /** Loaded chunk indices, oldest first (a ring of `maxCached` slots). */
  private readonly loaded: Int32Array;
  private loadedHead = 0;
  private loadedCount = 0;
  private readonly straddle: StraddleView;
  private copiedHere = 0;
  private closed = false;

  private constructor(path: string, fd: number, byteLength: number, options: FileSourceOptions) {
    const chunkSize = options.chunkSize ?? 65536;
    if (!(Number.isInteger(chunkSize) && chunkSize >= 64 && (chunkSize & (chunkSize - 1)) === 0)) {
      throw new RangeError(`chunk size ${chunkSize} is not a power of two of at least 64`);
    }
    this.path = path;
    this.fd = fd;
    this.byteLength = byteLength;
    this.pageSize = chunkSize;
    this.maxCached = Math.max(2, options.maxCachedChunks ?? 256);
    this.loaded = new Int32Array(this.maxCached);
    this.straddle = new StraddleView(this);
  }

  /** Opens `path` read-only. Call `close()` when done. */
  static open(path: string, options: FileSourceOptions = {}): FileSource {
    const fd = openSync(path, "r");
    try {
      return new FileSource(path, fd, fstatSync(fd).size, options);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }

  get bytesCopied(): number {
    return this.copiedHere + this.straddle.copied;
  }

  /** Chunks currently cached. */
  get cachedChunks(): number {
    return this.loadedCount;
  }

  /** Each page has a view of its own (read from the file on first use), so it starts at 0. */
  pageOffset(_index: number): number {
    return 0;
  }

  pageView(index: number): DataView {
    const have = this.chunks[index];
    if (have !== undefined) return have;
    const start = index * this.pageSize;
    if (!(index >= 0 && start < this.byteLength && Number.isInteger(index))) {
      throw new BoundsError(start, this.pageSize, this.byteLength);
    }
    if (this.closed) throw new FileReadError(this.path, "the file source is closed", { offset: start });
    const length = Math.min(this.pageSize, this.byteLength - start);
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, bytes, done, length - done, start + done);
      if (n <= 0) {
        throw new FileReadError(this.path, `file ended at ${start + done}, its size said ${this.byteLength} bytes`, {
          offset: start + done,
        });
      }
      done += n;
    }
    this.bytesRead += length;
    const view = new DataView(bytes.buffer);
    this.remember(index, view);
    return view;
  }

  window(offset: number, length: number): ByteView {
    this.check(offset, length);
    const ps = this.pageSize;
    const index = Math.floor(offset / ps);
    const inPage = offset - index * ps;
    if (inPage + length <= ps && length > 0) {
      this.windowOffset = inPage;
      return this.pageView(index);
    }
    this.windowOffset = offset;
    return this.straddle;
  }

  bytes(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    const ps = this.pageSize;
    const index = Math.floor(offset / ps);
    const inPage = offset - index * ps;
    if (inPage + length <= ps) {
      if (length === 0) return new Uint8Array(0);
      const v = this.pageView(index);
      return new Uint8Array(v.buffer, v.byteOffset + inPage, length);
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
      const index = Math.floor(at / ps);
      const inPage = at - index * ps;
      const n = Math.min(ps - inPage, end - at);
      const v = this.pageView(index);
      visit(new Uint8Array(v.buffer, v.byteOffset + inPage, n), at);
      at += n;
    }
  }

  private remember(index: number, view: DataView): void {
    if (this.loadedCount === this.maxCached) {
      const oldest = this.loaded[this.loadedHead] ?? -1;
      this.chunks[oldest] = undefined;
      this.loadedHead = (this.loadedHead + 1) % this.maxCached;
      this.loadedCount--;
    }
    this.loaded[(this.loadedHead + this.loadedCount) % this.maxCached] = index;
    this.loadedCount++;
    this.chunks[index] = view;
  }

  private check(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.byteLength) || offset % 1 !== 0 || length % 1 !== 0) {
      throw new BoundsError(offset, length, this.byteLength);
    }
  }
}
