/**
 * Growth rules (`load exact` / `load zero_extend from …`) in the checker and in `lu abi-check`:
 * Xen 4.17's HVM layouts (abi/xen-4.17) against Xen master's (schema/) is compatible, LAPIC's
 * growth reported as allowed; narrowing what a zero-extended struct takes, or growing an exact
 * one, is a break.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compareAbi } from "../../../codegen/abi/compare-programs.js";
import { compileProgram } from "../../../codegen/compile.js";
import type { LayoutProgram } from "../../../codegen/ir.js";

function compile(files: Record<string, string>, entry: string): { program: LayoutProgram | null; codes: string[] } {
  const r = compileProgram(
    [entry],
    (p) => files[p] ?? (p.endsWith(".lu") && !p.includes("/x/") ? readFileSync(p, "utf8") : undefined),
  );
  return { program: r.program, codes: r.diagnostics.map((d) => `${d.code} ${d.message}`) };
}

function program(text: string): LayoutProgram {
  const r = compile({ "x/a.lu": text }, "x/a.lu");
  if (r.program === null) throw new Error(r.codes.join("\n"));
  return r.program;
}

const stream = (body: string): string => `
endian little;
struct d size 8 { @0 t: u16; @2 i: u16; @4 n: u32; }
${body}
stream s { header d (t, n); end END; record END = 0; record R = 1 : r; }
`;

describe("load rules", () => {
  it("Xen 4.17 → master: LAPIC's pending_esr is an allowed append, nothing breaks", () => {
    const old = compile({}, "abi/xen-4.17/hvm-save.lu").program;
    const now = compile({}, "schema/hvm-save.lu").program;
    expect(old).not.toBeNull();
    expect(now).not.toBeNull();
    const report = compareAbi(old as LayoutProgram, now as LayoutProgram);
    expect(report.breaking.map((f) => f.message)).toEqual([]);
    expect(report.allowed.map((f) => f.code)).toContain("LU4102");
    expect(report.allowed.find((f) => f.code === "LU4102")?.message).toMatch(
      /'pending_esr' appended to struct 'hvm_hw_lapic' at offset 24/,
    );
  });

  it("growing an exact-length body is still a break (LU4008)", () => {
    const a = program(stream("struct r size 8 { @0 x: u64; }"));
    const b = program(stream("struct r size 16 { @0 x: u64; @8 y: u64; }"));
    expect(compareAbi(a, b).breaking.map((f) => f.code)).toContain("LU4008");
  });

  it("a zero-extended body that drops an older size, or turns exact, is LU4025", () => {
    const a = program(stream("struct r size 16 load zero_extend from 8 { @0 x: u64; @8 y: u64; }"));
    const grown = program(stream("struct r size 24 load zero_extend from 16 { @0 x: u64; @8 y: u64; @16 z: u64; }"));
    const exact = program(stream("struct r size 16 load exact { @0 x: u64; @8 y: u64; }"));
    const kept = program(stream("struct r size 24 load zero_extend from 8, 16 { @0 x: u64; @8 y: u64; @16 z: u64; }"));
    // Reported at the struct (LU4025) and, as every break of a body, at the record (LU4017).
    expect(
      compareAbi(a, grown)
        .breaking.map((f) => f.code)
        .sort(),
    ).toEqual(["LU4017", "LU4025"]);
    expect(compareAbi(a, grown).breaking.find((f) => f.code === "LU4025")?.message).toMatch(
      /no longer takes bodies of 8 octets/,
    );
    expect(compareAbi(a, exact).breaking.map((f) => f.code)).toContain("LU4025");
    expect(compareAbi(a, kept).compatible).toBe(true);
  });

  it("the checker rejects older sizes that split a field or are not shorter, and tails that cannot read as zero (LU3011)", () => {
    const bad = (attr: string, fields = "@0 x: u64; @8 y: u64;"): string[] =>
      compile({ "x/a.lu": stream(`struct r size 16 ${attr} { ${fields} }`) }, "x/a.lu").codes;
    expect(bad("load zero_extend from 4")).toEqual([
      expect.stringMatching(/^LU3011 older size 4 of struct 'r' ends inside field 'x'/),
    ]);
    expect(bad("load zero_extend from 16")).toEqual([
      expect.stringMatching(/^LU3011 older size 16 of struct 'r' must be between 1 and 15/),
    ]);
    expect(bad("load zero_extend from 8", "@0 x: u64; @8 y: u32[2];")).toEqual([]);
    expect(bad("load zero_extend from 8", "@0 x: u64; @8 y: d;")).toEqual([
      expect.stringMatching(/^LU3011 field 'y' .* is a struct/),
    ]);
    expect(bad("load zero_extend from 8 compat nope")).toEqual([
      expect.stringMatching(/^LU2001 unknown struct 'nope'/),
    ]);
  });
});
