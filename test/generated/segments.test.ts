/**
 * Walking big trailing arrays page segment by page segment (generated `LuDomainPages.mfns`, a
 * u64 array counted by a field, and a u32 array): on a vmap the runs are typed-array views of
 * the pages themselves (nothing copied when the array is 8-aligned), and the values read equal
 * what was written through the indexed accessor.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LuDomainPages } from "../../generated/live-update.js";
import { U32Array } from "../../runtime/accessor-support.js";
import { makeSource } from "./sources.js";

function fill(pages: LuDomainPages, n: number, value: (i: number) => bigint): void {
  pages.count = n;
  const mfns = pages.mfns;
  for (let i = 0; i < n; i++) mfns.set(i, value(i));
}

describe("u64 array page-segment walk", () => {
  it("visits every element once, in order, without copying on 4 KiB pages", () => {
    const n = 5000;
    const src = makeSource("vmap", LuDomainPages.SIZE + n * 8, 4096);
    const pages = LuDomainPages.at(src, 0, LuDomainPages.SIZE + n * 8);
    fill(pages, n, (i) => BigInt(i) * 0x1_0000_0001n);
    let next = 0;
    let runs = 0;
    const copied = pages.mfns.forEachRun((values, first) => {
      expect(first).toBe(next);
      for (let k = 0; k < values.length; k++) expect(values[k]).toBe(BigInt(first + k) * 0x1_0000_0001n);
      next += values.length;
      runs += 1;
    });
    expect(next).toBe(n);
    expect(copied).toBe(0);
    expect(runs).toBe(Math.ceil((LuDomainPages.SIZE + n * 8) / 4096));
    expect(src.bytesCopied).toBe(0);
  });

  it("word runs: 32-bit halves over the page buffers, values below 2^53", () => {
    const n = 1000;
    const src = makeSource("vmap", LuDomainPages.SIZE + n * 8, 4096);
    const pages = LuDomainPages.at(src, 0, LuDomainPages.SIZE + n * 8);
    fill(pages, n, (i) => BigInt(i + 7));
    let sum = 0;
    let seen = 0;
    pages.mfns.forEachWordRun((words, start, end) => {
      for (let w = start; w < end; w += 2) sum += (words[w] ?? 0) + (words[w + 1] ?? 0) * 2 ** 32;
      seen += (end - start) / 2;
    });
    expect(seen).toBe(n);
    expect(sum).toBe((n * (n - 1)) / 2 + 7 * n);
  });

  it("random placements on 64-octet pages: the walk agrees with at(i) and with what was written", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 40 }), fc.integer({ min: 0, max: 15 }), (values, at) => {
        const length = LuDomainPages.SIZE + values.length * 8;
        const src = makeSource("vmap", at + length, 64);
        const pages = LuDomainPages.at(src, at, length);
        fill(pages, values.length, (i) => values[i] ?? 0n);
        const walked: bigint[] = [];
        pages.mfns.forEachRun((run) => walked.push(...run));
        expect(walked).toEqual(values);
        expect(values.map((_, i) => pages.mfns.at(i))).toEqual(values);
      }),
      { numRuns: 100 },
    );
  });

  it("u32 arrays walk the same way", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 60 }), fc.integer({ min: 0, max: 9 }), fc.boolean(), (values, at, le) => {
        const src = makeSource("vmap", at + values.length * 4, 64);
        const arr = new U32Array().wrap(src, at, values.length, le);
        values.forEach((v, i) => arr.set(i, v));
        const walked: number[] = [];
        const copied = arr.forEachRun((run) => walked.push(...run));
        expect(walked).toEqual(values);
        if (at % 4 === 0 && le) expect(copied).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
