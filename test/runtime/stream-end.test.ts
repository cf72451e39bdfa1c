import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { StreamEndError } from "../../runtime/errors.js";
import { checkStreamEnd, describePages } from "../../runtime/stream-end.js";

const PS = 64;

/** Four 64-octet pages of zeros, with an END header at `endAt`. */
function stream(endAt: number): Uint8Array {
  const b = new Uint8Array(4 * PS);
  b.fill(0xee, 0, endAt);
  return b;
}

describe("checkStreamEnd", () => {
  const frames = [10, 20, 30, 40];

  it("accepts END in the last page with zeros after it, also at the very end", () => {
    expect(
      checkStreamEnd(new ContiguousSource(stream(3 * PS + 8)), 3 * PS + 8, 3 * PS + 16, PS, frames),
    ).toBeUndefined();
    expect(checkStreamEnd(new ContiguousSource(stream(4 * PS - 8)), 4 * PS - 8, 4 * PS, PS, frames)).toBeUndefined();
  });

  it("an END in an earlier page names the pages never read and their frames", () => {
    const e = checkStreamEnd(new ContiguousSource(stream(PS)), PS, PS + 8, PS, frames);
    expect(e).toBeInstanceOf(StreamEndError);
    expect(e?.problem).toBe("early-end");
    expect(e?.unreadPages).toBe(2);
    expect(e?.where.offset).toBe(PS);
    expect(e?.message).toBe(
      "offset 64 (0x40): the END record lies in stream page 1 (frame 20) of 4: 2 stream page(s) never read, pages 2..3 (frames 30, 40)",
    );
    // An END ending exactly at a page edge lies in the page before: the last page is unread.
    expect(checkStreamEnd(new ContiguousSource(stream(3 * PS - 8)), 3 * PS - 8, 3 * PS, PS, frames)?.message).toContain(
      "page 3 (frame 40)",
    );
  });

  it("a non-zero octet after END in the last page is located at that octet", () => {
    const b = stream(3 * PS);
    b[3 * PS + 30] = 0x5a;
    const e = checkStreamEnd(new ContiguousSource(b), 3 * PS, 3 * PS + 8, PS, frames);
    expect(e?.problem).toBe("data-after-end");
    expect(e?.where.offset).toBe(3 * PS + 30);
    expect(e?.message).toContain("octet 0x5a after the END record in the last stream page (page 3, frame 40)");
  });

  it("describePages names eight frames and counts the rest", () => {
    const many = Array.from({ length: 20 }, (_, i) => 100 + i);
    expect(describePages(many, 2, 20)).toBe("pages 2..19 (frames 102, 103, 104, 105, 106, 107, 108, 109 and 10 more)");
    expect(describePages(many, 5, 6)).toBe("page 5 (frame 105)");
  });
});
