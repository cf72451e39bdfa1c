import { describe, expect, it } from "vitest";
import { FrameSet } from "../../runtime/frame-set.js";

describe("FrameSet", () => {
  it("answers membership by block, counts per order and covered frames", () => {
    const s = new FrameSet();
    s.add(512, 9);
    s.add(3, 0);
    s.add(8, 2);
    expect(s.blockOf(3)).toEqual({ pfn: 3, order: 0 });
    expect(s.blockOf(1023)).toEqual({ pfn: 512, order: 9 });
    expect(s.blockOf(1024)).toBeUndefined();
    expect(s.blockOf(4)).toBeUndefined();
    expect(s.covers(8, 4)).toBe(true);
    expect(s.covers(8, 5)).toBe(false);
    expect([...s.byOrder()]).toEqual([
      [0, 1],
      [2, 1],
      [9, 1],
    ]);
    expect(s.frames).toBe(1 + 4 + 512);
    expect(s.list().map((b) => b.pfn)).toEqual([3, 8, 512]);
  });
});
