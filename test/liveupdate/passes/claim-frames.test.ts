import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRAME_FREE } from "../../../liveupdate/frame-table.js";
import { claim, release } from "../../../liveupdate/passes/claim-frames.js";

/** The list as u32 word pairs, as pass 1 sees it over the stream. */
function words(mfns: readonly bigint[]): Uint32Array {
  const w = new Uint32Array(2 * mfns.length);
  mfns.forEach((m, i) => {
    w[2 * i] = Number(m & 0xffff_ffffn);
    w[2 * i + 1] = Number(m >> 32n);
  });
  return w;
}

/** One entry at a time: what claim() must agree with, table and result. */
function reference(mfns: readonly bigint[], owners: Uint16Array, domid: number): number {
  for (let i = 0; i < mfns.length; i++) {
    const m = mfns[i] ?? 0n;
    if (m >= BigInt(owners.length) || owners[Number(m)] !== FRAME_FREE) return 2 * i;
    owners[Number(m)] = domid;
  }
  return -1;
}

function table(frames: number, owned: ReadonlyMap<number, number>): Uint16Array {
  const t = new Uint16Array(frames).fill(FRAME_FREE);
  for (const [f, d] of owned) t[f] = d;
  return t;
}

describe("claim", () => {
  it("claims runs and scattered frames, stopping at a run that leaves the machine", () => {
    const t = table(64, new Map());
    expect(claim(words([3n, 9n, 1n, 7n, 10n, 11n, 12n, 13n, 14n, 15n]), 0, 20, t, 5)).toBe(-1);
    expect([1, 3, 7, 9, 10, 15].map((f) => t[f])).toEqual([5, 5, 5, 5, 5, 5]);
    expect(t[2]).toBe(FRAME_FREE);
    // A run 60..67 in a 64-frame table: 60..63 claimed, entry 4 (frame 64) is the bad one.
    expect(claim(words([60n, 61n, 62n, 63n, 64n, 65n, 66n, 67n]), 0, 16, t, 6)).toBe(8);
    expect([60, 61, 62, 63].map((f) => t[f])).toEqual([6, 6, 6, 6]);
  });

  it("finds a frame owned in the middle of a run, and one listed twice in a group", () => {
    const t = table(64, new Map([[22, 9]]));
    expect(claim(words([18n, 19n, 20n, 21n, 22n, 23n]), 0, 12, t, 1)).toBe(8);
    const u = table(64, new Map());
    expect(claim(words([40n, 41n, 40n, 42n]), 0, 8, u, 1)).toBe(4);
  });

  it("agrees with the one-at-a-time loop on any list, then release() undoes it", () => {
    const mfn = fc.oneof(
      fc.integer({ min: 0, max: 70 }).map(BigInt),
      fc.constantFrom(1n << 32n, (1n << 32n) | 5n, 0xffff_ffffn),
    );
    // Runs of consecutive frames mixed with single frames, like extents and scattered pages.
    const piece = fc.oneof(
      mfn.map((m) => [m]),
      fc
        .tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 12 }))
        .map(([s, k]) => Array.from({ length: k }, (_, i) => BigInt(s + i))),
      // A run with high bits set on one entry: its low word still continues the count.
      fc
        .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 5, max: 12 }), fc.nat())
        .map(([s, k, j]) =>
          Array.from({ length: k }, (_, i) => (i === j % k ? (1n << 32n) | BigInt(s + i) : BigInt(s + i))),
        ),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((p) => p.flat()),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0x7fef })), { maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (list, owned, skip) => {
          const from = Math.min(skip, list.length) * 2;
          const w = words(list);
          const before = table(64, new Map(owned));
          const want = before.slice();
          const wantBad = reference(list.slice(from / 2), want, 3);
          const got = before.slice();
          const bad = claim(w, from, w.length, got, 3);
          expect(bad).toBe(wantBad < 0 ? -1 : from + wantBad);
          expect(Array.from(got)).toEqual(Array.from(want));
          release(w, from, bad < 0 ? w.length : bad, got);
          expect(Array.from(got)).toEqual(Array.from(before));
        },
      ),
      { numRuns: 2000, seed: 20261123 },
    );
  });
});
