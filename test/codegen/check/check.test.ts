import { describe, expect, it } from "vitest";
import { checkProgram } from "../../../codegen/check/check.js";
import { checkInput } from "./check-input.js";

describe("checkProgram", () => {
  it("assembles one schema per file with ABI defaults from stream use", () => {
    const { program, diagnostics } = checkProgram(
      checkInput({
        "a.lu": `/// File doc.
endian big;
import "b.lu";
const K = 1;
struct body { @0 x: u32; }
struct frozen_anyway abi append { @0 x: u32; }
struct loose { @0 x: u32; }
stream st { preamble pre; header rhdr (type, length); end E; record E = 0; record B = 1 : body; record C = 2 : frozen_anyway; }`,
        "b.lu": "struct rhdr { @0 type: u32; @4 length: u32; }\nstruct pre { @0 m: u32; }",
      }),
    );
    expect(diagnostics).toEqual([]);
    const [a, b] = program?.schemas ?? [];
    expect(a).toMatchObject({ file: "a.lu", imports: ["b.lu"], endian: "big", doc: "File doc." });
    expect(a?.consts.map((c) => c.name)).toEqual(["K"]);
    expect(a?.structs.map((s) => [s.name, s.abi])).toEqual([
      ["body", "frozen"],
      ["frozen_anyway", "append"],
      ["loose", "free"],
    ]);
    expect(b?.structs.map((s) => [s.name, s.abi, s.endian])).toEqual([
      ["rhdr", "append", "little"],
      ["pre", "append", "little"],
    ]);
    expect(Object.fromEntries(program?.declaredIn ?? [])).toEqual({
      K: "a.lu",
      body: "a.lu",
      frozen_anyway: "a.lu",
      loose: "a.lu",
      st: "a.lu",
      rhdr: "b.lu",
      pre: "b.lu",
    });
  });

  it("returns no program when any pass reports an error", () => {
    const { program, diagnostics } = checkProgram(checkInput({ "a.lu": "struct s { @0 x: u32; @2 y: u16; }" }));
    expect(program).toBeNull();
    expect(diagnostics.map((d) => d.code)).toEqual(["LU3001"]);
  });
});
