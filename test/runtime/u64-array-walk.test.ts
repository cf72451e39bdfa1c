import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { walkU64Array, walkU64ArrayAsU32Pairs, walkU64ArrayWords } from "../../runtime/u64-array-walk.js";
import { vmap } from "../../runtime/vmap.js";

/** `backReversed`: back the frames last page first, so no two pages follow each other in host memory. */
function fixture(pageSize: number, pages: number, seed: number, backReversed = false) {
  const memory = new MachineMemory({ pageSize, frameCount: pages * 3 + 4 });
  const mfns = new FrameAllocator(memory, { seed }).allocateMany(pages);
  if (backReversed) for (const mfn of [...mfns].reverse()) memory.frame(mfn);
  const src = vmap(memory, mfns);
  const values: bigint[] = [];
  const flat = new DataView(new ArrayBuffer(src.byteLength));
  for (let i = 0; i * 8 < src.byteLength; i++) {
    const v = (BigInt(i) * 0x9e3779b97f4a7c15n + BigInt(seed)) & 0xffff_ffff_ffff_ffffn;
    values.push(v);
    src.window(i * 8, 8).setBigUint64(src.windowOffset, v, true);
    flat.setBigUint64(i * 8, v, true);
  }
  return { src, values, flat };
}

describe("walkU64Array", () => {
  it("walks an aligned array page by page as views, copying nothing", () => {
    const { src, values } = fixture(4096, 8, 5, true);
    const seen: bigint[] = [];
    let runs = 0;
    const copied = walkU64Array(src, 0, values.length, (run, first) => {
      expect(first).toBe(seen.length);
      runs++;
      seen.push(...run);
    });
    expect(copied).toBe(0);
    expect(runs).toBe(8);
    expect(seen).toEqual(values);
    expect(src.bytesCopied).toBe(0);
  });

  it("walks page by page even where the pages follow each other in host memory", () => {
    // The vmap backs its frames in stream order, so the eight pages are one stretch of its chunk.
    const { src, values } = fixture(4096, 8, 5);
    const seen: bigint[] = [];
    let runs = 0;
    const copied = walkU64Array(src, 8, values.length - 2, (run, first) => {
      expect(first).toBe(seen.length);
      runs++;
      seen.push(...run);
    });
    expect(copied).toBe(0);
    expect(runs).toBe(8);
    expect(seen).toEqual(values.slice(1, -1));
  });

  it("gives u32 pairs (low, high) of the same values", () => {
    const { src, values } = fixture(65536, 2, 7);
    const seen: bigint[] = [];
    walkU64ArrayAsU32Pairs(src, 16, values.length - 2, (words, first) => {
      expect(first).toBe(seen.length);
      for (let k = 0; k < words.length; k += 2) seen.push(BigInt(words[k] ?? 0) | (BigInt(words[k + 1] ?? 0) << 32n));
    });
    expect(seen).toEqual(values.slice(2));
  });

  it("gives word ranges over the backing buffer, reusing one array per buffer", () => {
    const { src, values } = fixture(4096, 6, 11);
    const seen: bigint[] = [];
    const arrays = new Set<Uint32Array>();
    const copied = walkU64ArrayWords(src, 8, values.length - 1, (words, start, end, first) => {
      expect(first).toBe(seen.length);
      arrays.add(words);
      for (let k = start; k < end; k += 2) seen.push(BigInt(words[k] ?? 0) | (BigInt(words[k + 1] ?? 0) << 32n));
    });
    expect(copied).toBe(0);
    expect(seen).toEqual(values.slice(1));
    // All six pages live in one backing chunk, so one whole-buffer array served every page.
    expect(arrays.size).toBe(1);
  });

  it("word ranges agree with plain reads at any byte offset", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 200 }), (start, count) => {
        const { src, flat } = fixture(256, 8, 5);
        const got: bigint[] = [];
        walkU64ArrayWords(src, start, count, (words, from, to) => {
          for (let k = from; k < to; k += 2) got.push(BigInt(words[k] ?? 0) | (BigInt(words[k + 1] ?? 0) << 32n));
        });
        expect(got).toEqual(Array.from({ length: count }, (_, i) => flat.getBigUint64(start + i * 8, true)));
      }),
      { seed: 0x5eed, numRuns: 100 },
    );
  });

  it("handles arrays at any byte offset (straddling elements copied and counted)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 200 }), (start, count) => {
        const { src, flat } = fixture(256, 8, 3);
        const want: bigint[] = [];
        for (let i = 0; i < count; i++) want.push(flat.getBigUint64(start + i * 8, true));
        const got: bigint[] = [];
        const copied = walkU64Array(src, start, count, (run) => got.push(...run));
        expect(got).toEqual(want);
        if (start % 8 === 0) expect(copied).toBe(0);
        else if (count > 0) expect(copied).toBeGreaterThan(0);
      }),
      { seed: 0x5eed, numRuns: 200 },
    );
  });

  it("reads big-endian arrays too (copied into host order)", () => {
    const dv = new DataView(new ArrayBuffer(32));
    [1n, 2n ** 40n + 3n, 0xffff_ffff_ffff_fffen, 0n].forEach((v, i) => dv.setBigUint64(i * 8, v, false));
    const got: bigint[] = [];
    const copied = walkU64Array(new ContiguousSource(dv), 0, 4, (run) => got.push(...run), false);
    expect(got).toEqual([1n, 2n ** 40n + 3n, 0xffff_ffff_ffff_fffen, 0n]);
    expect(copied).toBe(32);
  });
});
