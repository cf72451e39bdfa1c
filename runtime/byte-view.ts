/**
 * The two interfaces every generated accessor runs on.
 *
 * A `ByteView` is the subset of `DataView` the accessors call. A real `DataView` satisfies it
 * structurally, so in the common case (a struct lying inside one page, or any struct in a
 * contiguous buffer) the accessor's call is a plain, monomorphic `DataView` call.
 *
 * A `ByteSource` is what a struct is *placed* on: a contiguous buffer or a vmap of scattered
 * pages. `window(offset, length)` checks bounds once and hands back the view in which those bytes
 * are contiguous; the matching offset inside that view is left in `windowOffset`, so resolving a
 * placement allocates nothing.
 */
export interface ByteView {
  getUint8(byteOffset: number): number;
  getInt8(byteOffset: number): number;
  getUint16(byteOffset: number, littleEndian?: boolean): number;
  getInt16(byteOffset: number, littleEndian?: boolean): number;
  getUint32(byteOffset: number, littleEndian?: boolean): number;
  getInt32(byteOffset: number, littleEndian?: boolean): number;
  getBigUint64(byteOffset: number, littleEndian?: boolean): bigint;
  getBigInt64(byteOffset: number, littleEndian?: boolean): bigint;
  getFloat32(byteOffset: number, littleEndian?: boolean): number;
  getFloat64(byteOffset: number, littleEndian?: boolean): number;
  setUint8(byteOffset: number, value: number): void;
  setInt8(byteOffset: number, value: number): void;
  setUint16(byteOffset: number, value: number, littleEndian?: boolean): void;
  setInt16(byteOffset: number, value: number, littleEndian?: boolean): void;
  setUint32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setInt32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setBigUint64(byteOffset: number, value: bigint, littleEndian?: boolean): void;
  setBigInt64(byteOffset: number, value: bigint, littleEndian?: boolean): void;
  setFloat32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setFloat64(byteOffset: number, value: number, littleEndian?: boolean): void;
}

/** Receives one contiguous piece of a range; `streamOffset` is where `bytes[0]` sits in the source. */
export type SegmentVisitor = (bytes: Uint8Array, streamOffset: number) => void;

export interface ByteSource {
  /** Length of the source in bytes. */
  readonly byteLength: number;
  /**
   * Offset inside the view last returned by `window()` that corresponds to the requested offset.
   * Valid until the next `window()` call on this source.
   */
  readonly windowOffset: number;
  /**
   * Checks that `[offset, offset + length)` lies inside the source (throws `BoundsError` if not)
   * and returns a view in which those bytes are contiguous, starting at `windowOffset`.
   */
  window(offset: number, length: number): ByteView;
  /**
   * The bytes `[offset, offset + length)` as one `Uint8Array`: a view (no copy) when they are
   * contiguous in the backing store, otherwise a copy that is added to `bytesCopied`.
   */
  bytes(offset: number, length: number): Uint8Array;
  /** Visits `[offset, offset + length)` as contiguous pieces, in order, without copying. */
  segments(offset: number, length: number, visit: SegmentVisitor): void;
  /** Bytes this source has copied so far (straddling values, non-contiguous `bytes()`). */
  readonly bytesCopied: number;
}
