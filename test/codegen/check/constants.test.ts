import { describe, expect, it } from "vitest";
import { checkConstants } from "../../../codegen/check/constants.js";
import { checkNames } from "../../../codegen/check/names.js";
import { checkInput, sink, summary } from "./check-input.js";

function consts(text: string) {
  const s = sink();
  const input = checkInput({ "a.lu": text });
  const table = checkConstants(input, checkNames(input, s), s);
  const values = Object.fromEntries((table.byFile.get("a.lu") ?? []).map((c) => [c.name, c.value]));
  return { values, diags: summary(s) };
}

describe("constants pass", () => {
  it("evaluates in any order with C precedence and arbitrary precision", () => {
    const { values, diags } = consts(`
      const A = B * 2 + 1;
      const B = 0x10;
      const C = 1 << 40 | 0b11;
      const D = -7 / 2;
      const E = -7 % 2;
      const F = (1 + 2) * 3 - 4 ^ 1;
      const G = 1 << 100;
      const H = 0xF0 >> 4 & 0x7;`);
    expect(diags).toEqual([]);
    expect(values).toEqual({ A: 33n, B: 16n, C: (1n << 40n) | 3n, D: -3n, E: -1n, F: 4n, G: 1n << 100n, H: 7n });
  });

  it("evaluates ~ in 64 bits", () => {
    expect(consts("const M = ~0; const N = ~0xFFF;").values).toEqual({
      M: 0xffff_ffff_ffff_ffffn,
      N: 0xffff_ffff_ffff_f000n,
    });
  });

  it("reports cycles once and leaves the constants out", () => {
    const { values, diags } = consts("const A = B;\nconst B = C;\nconst C = A + 1;\nconst OK = 2;");
    expect(diags).toEqual(["LU2010 3:11 constant 'A' depends on itself (A -> B -> C -> A)"]);
    expect(values).toEqual({ OK: 2n });
  });

  it("reports division by zero, negative and huge shifts, unknown names", () => {
    expect(
      consts("const A = 1 / 0;\nconst B = 1 % (2 - 2);\nconst C = 1 << -1;\nconst D = 1 << 5000;\nconst E = NOPE;")
        .diags,
    ).toEqual([
      "LU2010 1:11 division by zero",
      "LU2010 2:11 division by zero",
      "LU2010 3:11 negative shift count -1",
      "LU2010 4:11 shift count 5000 is too large",
      "LU2001 5:11 unknown constant 'NOPE'",
    ]);
  });

  it("does not cascade from a broken constant", () => {
    expect(consts("const A = 1 / 0;\nconst B = A + 1;").diags).toEqual(["LU2010 1:11 division by zero"]);
  });
});
