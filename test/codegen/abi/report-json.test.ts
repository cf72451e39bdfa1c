import { describe, expect, it } from "vitest";
import { reportToJson } from "../../../codegen/abi/report-json.js";
import { diff, t, withBody } from "./diff.js";

describe("JSON report", () => {
  it("has compatible, breaking and allowed, each finding with both places, and survives JSON.stringify", () => {
    const r = diff((b, v) =>
      withBody(b, [b.field("a", 0, t.prim("u32", v === "old" ? "little" : "big"), { line: v === "old" ? 3 : 4 })]),
    );
    const doc: unknown = JSON.parse(JSON.stringify(reportToJson(r)));
    expect(doc).toMatchObject({
      compatible: false,
      allowed: [],
      breaking: [
        {
          code: "LU4006",
          severity: "breaking",
          message: "field 'a' of struct 'foo' changed endianness from little to big",
          new: { file: "new.lu", line: 4, col: 3 },
          old: { file: "old.lu", line: 3, col: 3 },
        },
        { code: "LU4017" },
      ],
    });
  });
});
