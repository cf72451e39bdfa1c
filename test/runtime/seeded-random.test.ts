import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../runtime/seeded-random.js";

describe("SeededRandom", () => {
  it("repeats a sequence from the same seed and differs for another", () => {
    const seq = (seed: number): number[] => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => r.nextU32());
    };
    expect(seq(1)).toEqual(seq(1));
    expect(seq(1)).not.toEqual(seq(2));
    for (const v of seq(5)) expect(v >>> 0).toBe(v);
  });

  it("below(n) stays in range and covers it roughly evenly", () => {
    const r = new SeededRandom(77);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10000; i++) {
      const v = r.below(10);
      expect(v >= 0 && v < 10 && Number.isInteger(v)).toBe(true);
      counts[v] = (counts[v] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
