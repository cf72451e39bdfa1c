import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { BoundsError, FrameError } from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { SeededRandom } from "../../runtime/seeded-random.js";
import { StraddleView } from "../../runtime/straddle-view.js";
import { vmap, type VmapSource } from "../../runtime/vmap.js";
import { VIEW_OPS, sameValue, valueFromRaw } from "./view-ops.js";

const SEED = 0x5eed;

/** A vmap of `pages` random-content pages at random frames, plus the same bytes contiguously. */
function scattered(pageSize: number, pages: number, seed: number): { src: VmapSource; flat: Uint8Array } {
  const memory = new MachineMemory({ pageSize, frameCount: pages * 4 + 8, reserved: [{ start: 0, count: 2 }] });
  const mfns = new FrameAllocator(memory, { seed }).allocateMany(pages);
  const rnd = new SeededRandom(seed);
  const flat = new Uint8Array(pages * pageSize);
  for (let i = 0; i < flat.length; i++) flat[i] = rnd.nextU32() & 0xff;
  mfns.forEach((mfn, i) => memory.frame(mfn).set(flat.subarray(i * pageSize, (i + 1) * pageSize)));
  return { src: vmap(memory, mfns), flat };
}

describe("vmap", () => {
  it("maps pages in MFN order, virtually contiguous, without copying", () => {
    const { src, flat } = scattered(4096, 5, 7);
    expect(src.byteLength).toBe(5 * 4096);
    expect(Array.from(src.bytes(4096 + 10, 100))).toEqual(Array.from(flat.subarray(4096 + 10, 4096 + 110)));
    expect(src.bytesCopied).toBe(0);
    // A subarray in one page is a view on the frame itself: writing through it writes the frame.
    const view = src.bytes(2 * 4096, 4);
    view[0] = 0xab;
    expect(src.memory.frame(src.mfns[2] ?? -1)[0]).toBe(0xab);
  });

  it("window() inside a page returns a DataView on the frame's own memory and the offset there", () => {
    const { src, flat } = scattered(4096, 3, 9);
    const v = src.window(4096 + 100, 8);
    expect(v).toBeInstanceOf(DataView);
    expect(src.windowOffset).toBe(src.pageOffset(1) + 100);
    expect(v.getUint32(src.windowOffset, true)).toBe(new DataView(flat.buffer).getUint32(4196, true));
    // The view is the frame's memory: a write through it is seen in the frame.
    v.setUint8(src.windowOffset, 0x5a);
    expect(src.memory.frame(src.mfns[1] ?? -1)[100]).toBe(0x5a);
    // The last bytes of a page are still in-page.
    expect(src.window(4096 - 8, 8)).toBeInstanceOf(DataView);
    expect(src.windowOffset).toBe(src.pageOffset(0) + 4096 - 8);
    expect(src.bytesCopied).toBe(0);
  });

  it("holds one view per backing chunk, not one per page", () => {
    // 64-byte pages in 256-byte chunks: four pages a chunk.
    const memory = new MachineMemory({ pageSize: 64, frameCount: 64, chunkBytes: 256 });
    const mfns = [9, 3, 40, 41, 7, 60, 2, 33, 12];
    // Backed last page first: no two stream pages follow each other in host memory.
    [...mfns].reverse().forEach((mfn, r) => memory.frame(mfn).fill(mfns.length - r));
    const src = vmap(memory, mfns);
    const views = new Set(mfns.map((_m, i) => src.pageView(i)));
    expect(views.size).toBe(Math.ceil(mfns.length / 4));
    mfns.forEach((mfn, i) => {
      expect(src.window(i * 64 + 5, 4).getUint8(src.windowOffset)).toBe(i + 1);
      expect(src.pageBytes(i)).toEqual(memory.frame(mfn));
      expect(src.pageBytes(i).buffer).toBe(src.pageArray(i).buffer);
    });
    expect(() => src.pageView(mfns.length)).toThrow(BoundsError);
    expect(() => src.pageOffset(-1)).toThrow(BoundsError);
    // segments() hands out each page on its own, since none continues the one before in memory.
    const pieces: number[][] = [];
    src.segments(10, src.byteLength - 20, (piece) => pieces.push([piece.length, piece[0] ?? -1]));
    expect(pieces).toEqual(mfns.map((_m, i) => [i === 0 || i === mfns.length - 1 ? 54 : 64, i + 1]));
  });

  it("segments() hands out one piece per page, also where pages follow each other in host memory", () => {
    const memory = new MachineMemory({ pageSize: 64, frameCount: 64, chunkBytes: 256 });
    const mfns = [9, 3, 40, 41, 7, 60];
    mfns.forEach((mfn, i) => memory.frame(mfn).fill(i + 1));
    const src = vmap(memory, mfns);
    const pieces: [number, number, number][] = [];
    src.segments(1, src.byteLength - 2, (piece, at) => pieces.push([at, piece.length, piece[0] ?? -1]));
    // Chunk 0 holds pages 0-3 in stream order, chunk 1 pages 4-5: still six pieces, each the frame's own bytes.
    expect(pieces).toEqual([
      [1, 63, 1],
      [64, 64, 2],
      [128, 64, 3],
      [192, 64, 4],
      [256, 64, 5],
      [320, 63, 6],
    ]);
    src.segments(0, 64, (piece) => piece.fill(0xee));
    expect(memory.frame(9).every((b) => b === 0xee)).toBe(true);
    expect(src.bytesCopied).toBe(0);
  });

  it("window() across a page edge returns the straddle view with the absolute offset", () => {
    const { src, flat } = scattered(4096, 3, 11);
    const v = src.window(4096 - 2, 8);
    expect(v).toBeInstanceOf(StraddleView);
    expect(src.windowOffset).toBe(4096 - 2);
    const want = new DataView(flat.buffer).getBigUint64(4094, true);
    expect(v.getBigUint64(src.windowOffset, true)).toBe(want);
    expect(src.bytesCopied).toBe(8);
  });

  it("two structs placed across different edges keep reading their own bytes", () => {
    const { src, flat } = scattered(4096, 4, 13);
    const a = src.window(4096 - 4, 16);
    const aOff = src.windowOffset;
    const b = src.window(2 * 4096 - 4, 16);
    const bOff = src.windowOffset;
    const ref = new DataView(flat.buffer);
    expect(a.getUint32(aOff + 2, false)).toBe(ref.getUint32(4096 - 2, false));
    expect(b.getUint32(bOff + 2, false)).toBe(ref.getUint32(2 * 4096 - 2, false));
  });

  for (const pageSize of [64, 4096, 65536]) {
    it(`every read of every width and endianness around a page edge agrees with a contiguous buffer (${pageSize}-byte pages)`, () => {
      const { src, flat } = scattered(pageSize, 3, 17);
      const ref = new DataView(flat.buffer);
      for (const edge of [pageSize, 2 * pageSize]) {
        for (let o = edge - 9; o <= edge + 1; o++) {
          for (const op of VIEW_OPS) {
            for (const le of [true, false]) {
              const v = src.window(o, op.size);
              const got = op.get(v, src.windowOffset, le);
              expect(sameValue(got, op.get(ref, o, le)), `${op.name} le=${le} at ${o}`).toBe(true);
            }
          }
        }
      }
    });
  }

  for (const pageSize of [4096, 65536]) {
    it(`random writes of every width at every offset near an edge agree with a contiguous buffer (${pageSize}-byte pages)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: VIEW_OPS.length - 1 }),
          fc.integer({ min: -9, max: 1 }),
          fc.boolean(),
          fc.uint8Array({ minLength: 8, maxLength: 8 }),
          fc.integer({ min: 1, max: 2 }),
          (opIndex, delta, le, raw, edgeNo) => {
            const op = VIEW_OPS[opIndex];
            if (op === undefined) return;
            const { src, flat } = scattered(pageSize, 3, 19);
            const ref = new DataView(flat.buffer);
            const o = edgeNo * pageSize + delta;
            const value = valueFromRaw(op, raw, le);
            const v = src.window(o, op.size);
            op.set(v, src.windowOffset, value, le);
            op.set(ref, o, value, le);
            const around = src.bytes(o - 16, 32 + op.size);
            expect(Array.from(around)).toEqual(Array.from(flat.subarray(o - 16, o + 16 + op.size)));
            // And reading it back through the vmap gives the written value.
            const back = op.get(src.window(o, op.size), src.windowOffset, le);
            expect(sameValue(back, op.get(ref, o, le))).toBe(true);
          },
        ),
        { seed: SEED, numRuns: 300 },
      );
    });
  }

  it("counts straddle reads and writes and non-contiguous bytes() as copies, nothing else", () => {
    const { src } = scattered(4096, 3, 23);
    src.window(0, 4096).getUint32(100, true);
    src.segments(0, 3 * 4096, () => undefined);
    expect(src.bytesCopied).toBe(0);
    const s = src.window(4094, 4);
    s.setUint32(src.windowOffset, 0x01020304, true);
    expect(src.bytesCopied).toBe(4);
    s.getUint16(4095, true);
    expect(src.bytesCopied).toBe(6);
    // In-page accesses through the straddle view do not copy.
    s.getUint32(10, true);
    expect(src.bytesCopied).toBe(6);
    src.bytes(4090, 20);
    expect(src.bytesCopied).toBe(26);
  });

  it("random arrays read through segments() equal the contiguous bytes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), (pages, a, b) => {
        const { src, flat } = scattered(256, pages, pages);
        const start = a % src.byteLength;
        const length = b % (src.byteLength - start + 1);
        const pieces: number[] = [];
        let expectAt = start;
        src.segments(start, length, (piece, at) => {
          expect(at).toBe(expectAt);
          expectAt += piece.length;
          pieces.push(...piece);
        });
        expect(expectAt).toBe(start + length);
        expect(pieces).toEqual(Array.from(flat.subarray(start, start + length)));
        expect(Array.from(src.bytes(start, length))).toEqual(pieces);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("rejects out-of-range windows with a BoundsError, never a RangeError", () => {
    const { src } = scattered(4096, 2, 29);
    for (const [o, n] of [
      [-1, 1],
      [8192, 1],
      [8190, 4],
      [0, 8193],
      [1.5, 2],
      [Number.NaN, 1],
    ] as const) {
      expect(() => src.window(o, n)).toThrow(BoundsError);
      expect(() => src.bytes(o, n)).toThrow(BoundsError);
    }
    // A straddle view read running past the end is a BoundsError too.
    const s = src.window(4094, 4);
    expect(() => s.getBigUint64(8190, true)).toThrow(BoundsError);
    expect(() => s.setUint32(8192, 1, true)).toThrow(BoundsError);
  });

  it("rejects frames outside the machine with a FrameError", () => {
    const memory = new MachineMemory({ frameCount: 4 });
    expect(() => vmap(memory, [1, 4])).toThrow(FrameError);
    expect(() => vmap(memory, [-1])).toThrow(FrameError);
    expect(() => vmap(memory, [0.5])).toThrow(FrameError);
  });

  it("a struct read through a vmap equals the same struct read from a ContiguousSource", () => {
    const { src, flat } = scattered(4096, 4, 31);
    const flatSrc = new ContiguousSource(flat);
    for (const at of [0, 4090, 8188, 12280]) {
      const v1 = src.window(at, 16);
      const o1 = src.windowOffset;
      const v2 = flatSrc.window(at, 16);
      const o2 = flatSrc.windowOffset;
      expect(v1.getBigUint64(o1 + 8, true)).toBe(v2.getBigUint64(o2 + 8, true));
      expect(v1.getUint32(o1 + 2, false)).toBe(v2.getUint32(o2 + 2, false));
    }
  });
});
