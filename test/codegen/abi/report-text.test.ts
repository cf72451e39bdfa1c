import { describe, expect, it } from "vitest";
import { renderReportText } from "../../../codegen/abi/report-text.js";
import { diff, t, withBody } from "./diff.js";

describe("human report", () => {
  it("prints each break at its new place with the old place as a note, then the allowed changes", () => {
    const r = diff((b, v) =>
      withBody(
        b,
        [
          b.field("a", 0, t.prim("u32"), { line: 5 }),
          b.field("b", 4, t.prim(v === "old" ? "u32" : "i32"), { line: v === "old" ? 6 : 8 }),
        ],
        { abi: "frozen" },
        v === "new" ? { structs: [b.struct("extra", [b.field("x", 0, t.prim("u8"))], { line: 20 })] } : {},
      ),
    );
    const text = renderReportText(r);
    expect(text.split("\n")).toEqual([
      "new.lu:8:3: error LU4003: field 'b' of struct 'foo' retyped from u32le to i32le",
      "note: old.lu:6:3: as it was in the old schema",
      expect.stringMatching(
        /^new\.lu:\d+:3: error LU4017: record type 0x40000001 'FOO' of stream 's' reused for another layout/,
      ),
      expect.stringMatching(/^note: old\.lu:\d+:3: as it was in the old schema$/),
      "allowed changes (1):",
      "  new.lu:20:3: LU4104: new struct 'extra'",
      "incompatible: 2 breaking changes, 1 allowed change",
      "",
    ]);
  });

  it("says compatible when nothing broke", () => {
    const r = diff((b) => withBody(b, [b.field("a", 0, t.prim("u32"))]));
    expect(renderReportText(r)).toBe("compatible: no breaking changes, 0 allowed changes\n");
  });
});
