import type { ByteSource, ByteView, SegmentVisitor } from "./byte-view.js";
import { BoundsError } from "./errors.js";

/** Anything that holds bytes contiguously: an ArrayBuffer, a SharedArrayBuffer or a typed array / Buffer. */
export type ContiguousInput = ArrayBufferLike | ArrayBufferView;

/**
 * A `ByteSource` over one contiguous range of memory (an ArrayBuffer, SharedArrayBuffer, Node
 * Buffer or any typed-array sub-range). Never copies: `window()` returns the one DataView it holds.
 */
export class ContiguousSource implements ByteSource {
  readonly view: DataView;
  readonly u8: Uint8Array;
  readonly byteLength: number;
  windowOffset = 0;
  readonly bytesCopied = 0;

  constructor(input: ContiguousInput, byteOffset = 0, byteLength?: number) {
    let buffer: ArrayBufferLike;
    let base: number;
    let length: number;
    if (ArrayBuffer.isView(input)) {
      buffer = input.buffer;
      base = input.byteOffset;
      length = input.byteLength;
    } else {
      buffer = input;
      base = 0;
      length = input.byteLength;
    }
    const len = byteLength ?? length - byteOffset;
    if (byteOffset < 0 || len < 0 || byteOffset + len > length) {
      throw new BoundsError(byteOffset, len, length);
    }
    this.view = new DataView(buffer, base + byteOffset, len);
    this.u8 = new Uint8Array(buffer, base + byteOffset, len);
    this.byteLength = len;
  }

  /** A sub-range of this source as its own source (no copy). */
  slice(offset: number, length: number): ContiguousSource {
    this.check(offset, length);
    return new ContiguousSource(this.u8, offset, length);
  }

  window(offset: number, length: number): ByteView {
    this.check(offset, length);
    this.windowOffset = offset;
    return this.view;
  }

  bytes(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.u8.subarray(offset, offset + length);
  }

  segments(offset: number, length: number, visit: SegmentVisitor): void {
    this.check(offset, length);
    if (length > 0) visit(this.u8.subarray(offset, offset + length), offset);
  }

  private check(offset: number, length: number): void {
    // One comparison chain; also rejects NaN, negatives and non-integers.
    if (!(offset >= 0 && length >= 0 && offset + length <= this.byteLength) || offset % 1 !== 0 || length % 1 !== 0) {
      throw new BoundsError(offset, length, this.byteLength);
    }
  }
}
