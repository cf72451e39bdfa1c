/**
 * Walks a large array of 64-bit values (e.g. a million frame numbers) page segment by page
 * segment as typed-array views over the source's own memory: no copy when the array's elements
 * are 8-byte aligned in the backing store and in host byte order, which is the case for the
 * 8-octet-aligned records of a stream on a little-endian host. Elements that straddle a segment
 * edge, misaligned segments and foreign-endian data are copied (and counted) instead.
 */
import type { ByteSource } from "./byte-view.js";
import { BoundsError } from "./errors.js";

/** Receives `values` = elements `[firstIndex, firstIndex + values.length)` of the array. */
export type U64RunVisitor = (values: BigUint64Array, firstIndex: number) => void;
/**
 * Receives elements `[firstIndex, firstIndex + words.length / 2)` as 32-bit halves in host order;
 * on a little-endian host element `k` is `words[2k]` (low) + `words[2k + 1]` * 2^32 (high).
 */
export type U32PairRunVisitor = (words: Uint32Array, firstIndex: number) => void;

/**
 * Receives elements `[firstIndex, firstIndex + (end - start) / 2)` as `words[start .. end)`, 32-bit
 * halves in host order, where `words` spans the whole backing buffer (so nothing is allocated per
 * page): on a little-endian host element k is `words[start + 2k]` + `words[start + 2k + 1]` * 2^32.
 */
export type U32WordRangeVisitor = (words: Uint32Array, start: number, end: number, firstIndex: number) => void;

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Visits `count` u64 elements starting at `offset` as BigUint64Array runs. Returns the bytes that
 * had to be copied (0 for an aligned, host-endian array).
 */
export function walkU64Array(
  src: ByteSource,
  offset: number,
  count: number,
  visit: U64RunVisitor,
  littleEndian = true,
): number {
  return walk(src, offset, count, littleEndian, (buffer, byteOffset, n, first) =>
    visit(new BigUint64Array(buffer, byteOffset, n), first),
  );
}

/**
 * Visits `count` u64 elements starting at `offset` as Uint32Array runs of (low, high) pairs
 * (on a little-endian host): the fast way to walk frame numbers that fit in 53 bits.
 */
export function walkU64ArrayAsU32Pairs(
  src: ByteSource,
  offset: number,
  count: number,
  visit: U32PairRunVisitor,
  littleEndian = true,
): number {
  return walk(src, offset, count, littleEndian, (buffer, byteOffset, n, first) =>
    visit(new Uint32Array(buffer, byteOffset, n * 2), first),
  );
}

/**
 * The fastest walk: like `walkU64ArrayAsU32Pairs`, but each run is a range of one Uint32Array
 * over the whole backing buffer (cached per buffer), so a page-by-page walk allocates nothing.
 */
export function walkU64ArrayWords(
  src: ByteSource,
  offset: number,
  count: number,
  visit: U32WordRangeVisitor,
  littleEndian = true,
): number {
  let lastBuffer: ArrayBufferLike | undefined;
  let lastWords: Uint32Array = new Uint32Array(0);
  return walk(src, offset, count, littleEndian, (buffer, byteOffset, n, first, fresh) => {
    if (fresh) {
      visit(new Uint32Array(buffer, byteOffset, n * 2), 0, n * 2, first);
      return;
    }
    if (buffer !== lastBuffer) {
      lastBuffer = buffer;
      lastWords = wordsOf(buffer);
    }
    const start = byteOffset >>> 2;
    visit(lastWords, start, start + n * 2, first);
  });
}

const wholeBufferWords = new WeakMap<ArrayBufferLike, Uint32Array>();

function wordsOf(buffer: ArrayBufferLike): Uint32Array {
  let words = wholeBufferWords.get(buffer);
  if (words === undefined) {
    words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    wholeBufferWords.set(buffer, words);
  }
  return words;
}

/** `fresh`: the buffer is a private copy made for this run (not the source's memory). */
type Emit = (buffer: ArrayBufferLike, byteOffset: number, n: number, firstIndex: number, fresh: boolean) => void;

function walk(src: ByteSource, offset: number, count: number, littleEndian: boolean, emit: Emit): number {
  if (!(Number.isInteger(count) && count >= 0)) throw new BoundsError(offset, count * 8, src.byteLength);
  const native = littleEndian === HOST_LITTLE_ENDIAN;
  const carry = new Uint8Array(8);
  let carried = 0;
  let copied = 0;
  let index = 0;
  src.segments(offset, count * 8, (piece) => {
    let p = 0;
    if (carried > 0) {
      const take = Math.min(8 - carried, piece.length);
      carry.set(piece.subarray(0, take), carried);
      carried += take;
      p = take;
      if (carried < 8) return;
      const one = normalised(carry, native);
      copied += 8;
      emit(one.buffer, 0, 1, index, true);
      index += 1;
      carried = 0;
    }
    const whole = Math.floor((piece.length - p) / 8);
    if (whole > 0) {
      const start = piece.byteOffset + p;
      if (native && start % 8 === 0) {
        emit(piece.buffer, start, whole, index, false);
      } else {
        const copy = normalised(piece.subarray(p, p + whole * 8), native);
        copied += whole * 8;
        emit(copy.buffer, 0, whole, index, true);
      }
      index += whole;
      p += whole * 8;
    }
    if (p < piece.length) {
      carry.set(piece.subarray(p), 0);
      carried = piece.length - p;
    }
  });
  return copied;
}

/** A fresh, 8-aligned copy of `bytes` with each 8-byte group in host order. */
function normalised(bytes: Uint8Array, native: boolean): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  out.set(bytes);
  if (!native) {
    for (let i = 0; i < out.length; i += 8) out.subarray(i, i + 8).reverse();
  }
  return out;
}
