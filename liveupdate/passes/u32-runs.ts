/**
 * Walks an array of u64 values in the stream (an LU_DOMAIN_PAGES list) as runs of 32-bit word
 * pairs (low, high) over the stream's own memory, allocating nothing per run: over a vmap it asks
 * for each page's bytes and indexes one Uint32Array laid over that page's whole backing buffer
 * (a MachineMemory chunk holds thousands of pages), over a contiguous buffer it uses one
 * Uint32Array for all of it. Anything else (a foreign-endian host, a misaligned buffer, another
 * kind of source) goes through the runtime's general walk, which copies and counts.
 */
import type { ByteSource } from "../../runtime/byte-view.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { HOST_LITTLE_ENDIAN, walkU64ArrayAsU32Pairs } from "../../runtime/u64-array-walk.js";
import { VmapSource } from "../../runtime/vmap.js";

/**
 * Receives entries `[firstEntry, firstEntry + (to - from) / 2)` as `words[from..to)`. Returns
 * false to stop the walk.
 */
export type U32RunVisitor = (words: Uint32Array, from: number, to: number, firstEntry: number) => boolean;

export class U32RunWalker {
  private lastBuffer: ArrayBufferLike | undefined;
  private lastWords: Uint32Array = new Uint32Array(0);
  private readonly words = new Map<ArrayBufferLike, Uint32Array>();
  /** Bytes copied by the general fallback walk. */
  bytesCopied = 0;

  private wordsOf(buffer: ArrayBufferLike): Uint32Array {
    if (buffer === this.lastBuffer) return this.lastWords;
    let w = this.words.get(buffer);
    if (w === undefined) {
      w = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
      this.words.set(buffer, w);
    }
    this.lastBuffer = buffer;
    this.lastWords = w;
    return w;
  }

  /** Visits `count` u64 entries at stream offset `offset` (8-aligned in the stream). */
  walk(src: ByteSource, offset: number, count: number, visit: U32RunVisitor): void {
    if (count === 0) return;
    if (HOST_LITTLE_ENDIAN && offset % 8 === 0 && src instanceof VmapSource) {
      this.walkVmap(src, offset, count, visit);
      return;
    }
    if (HOST_LITTLE_ENDIAN && offset % 8 === 0 && src instanceof ContiguousSource && src.u8.byteOffset % 8 === 0) {
      src.bytes(offset, count * 8); // bounds check
      const words = this.wordsOf(src.u8.buffer);
      const from = (src.u8.byteOffset + offset) >>> 2;
      visit(words, from, from + 2 * count, 0);
      return;
    }
    let going = true;
    this.bytesCopied += walkU64ArrayAsU32Pairs(src, offset, count, (words, first) => {
      if (going) going = visit(words, 0, words.length, first);
    });
  }

  private walkVmap(src: VmapSource, offset: number, count: number, visit: U32RunVisitor): void {
    src.bytes(offset, 0); // bounds check of the start; each page below is checked by pageArray
    const ps = src.pageSize;
    if (offset + count * 8 > src.byteLength) src.bytes(offset, count * 8); // throws BoundsError
    let at = offset;
    let entry = 0;
    while (entry < count) {
      const index = Math.floor(at / ps);
      const inPage = at - index * ps;
      // The page's whole backing chunk and where the page starts in it: nothing allocated per page.
      const chunk = src.pageArray(index);
      const n = Math.min(count - entry, (ps - inPage) >>> 3);
      const start = chunk.byteOffset + src.pageOffset(index) + inPage;
      if (start % 8 !== 0) {
        // A page at an odd place in its buffer: let the general walk handle the rest.
        let going = true;
        this.bytesCopied += walkU64ArrayAsU32Pairs(src, at, count - entry, (words, first) => {
          if (going) going = visit(words, 0, words.length, entry + first);
        });
        return;
      }
      const words = this.wordsOf(chunk.buffer);
      const from = start >>> 2;
      if (!visit(words, from, from + 2 * n, entry)) return;
      entry += n;
      at += n * 8;
    }
  }
}
