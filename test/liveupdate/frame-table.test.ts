import { describe, expect, it } from "vitest";
import { FRAME_FREE, FrameTable } from "../../liveupdate/frame-table.js";

describe("FrameTable", () => {
  it("starts free, counts owners, clones independently", () => {
    const t = new FrameTable(10);
    expect(t.frameCount).toBe(10);
    expect(t.ownedCount()).toBe(0);
    t.owners[3] = 7;
    t.owners[8] = 7;
    t.owners[9] = 1;
    expect(t.ownedCount()).toBe(3);
    expect(t.framesOf(7)).toEqual([3, 8]);
    const c = t.clone();
    c.owners[3] = FRAME_FREE;
    expect(t.owner(3)).toBe(7);
  });

  it("refuses frames outside the machine and bad sizes", () => {
    const t = new FrameTable(4);
    expect(() => t.owner(4)).toThrow(RangeError);
    expect(() => new FrameTable(-1)).toThrow(RangeError);
    expect(() => new FrameTable(1.5)).toThrow(RangeError);
  });
});
