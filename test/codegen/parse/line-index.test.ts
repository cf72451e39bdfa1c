import { describe, expect, it } from "vitest";
import { LineIndex } from "../../../codegen/parse/line-index.js";

describe("LineIndex", () => {
  const text = "ab\ncde\r\n\nf";
  const li = new LineIndex("x.lu", text);

  it("maps offsets to 1-based line and column", () => {
    expect(li.position(0)).toEqual({ line: 1, col: 1 });
    expect(li.position(2)).toEqual({ line: 1, col: 3 });
    expect(li.position(3)).toEqual({ line: 2, col: 1 });
    expect(li.position(8)).toEqual({ line: 3, col: 1 });
    expect(li.position(9)).toEqual({ line: 4, col: 1 });
    expect(li.position(10)).toEqual({ line: 4, col: 2 });
    expect(li.position(999)).toEqual({ line: 4, col: 2 });
    expect(li.position(-5)).toEqual({ line: 1, col: 1 });
  });

  it("returns line text without the line break (also CRLF)", () => {
    expect([1, 2, 3, 4, 5].map((n) => li.lineText(n))).toEqual(["ab", "cde", "", "f", ""]);
  });

  it("builds spans", () => {
    expect(li.span(3, 6)).toEqual({ file: "x.lu", start: 3, end: 6, line: 2, col: 1 });
  });
});
