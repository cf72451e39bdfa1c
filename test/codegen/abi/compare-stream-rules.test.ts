/**
 * codegen/abi/compare-stream-rules.ts beyond the one-code pairs of test/abi/: rules follow a record
 * renamed in place, a rule's condition is part of what it is, an order rule that puts fewer records
 * after its record is relaxed, and `max length` is judged per record type.
 */
import { describe, expect, it } from "vitest";
import { compareAbi } from "../../../codegen/abi/compare-programs.js";
import { compileProgram } from "../../../codegen/compile.js";
import type { LayoutProgram } from "../../../codegen/ir.js";

function program(stream: string): LayoutProgram {
  const source = `
struct fhdr size 8 { @0 magic: ascii[4] = "FILE"; @4 version: u32; }
struct rhdr { @0 type: u32; @4 length: u32; }
struct blk { @0 count: u32; }
stream s {
  preamble fhdr;
  header rhdr (type, length);
  end END;
${stream}
}`;
  const { program: p, diagnostics } = compileProgram(["s.lu"], (f) => (f === "s.lu" ? source : undefined));
  if (p === null) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return p;
}

const findings = (before: string, after: string): { breaking: string[]; allowed: string[] } => {
  const r = compareAbi(program(before), program(after));
  return {
    breaking: r.breaking.map((f) => `${f.code} ${f.message}`),
    allowed: r.allowed.map((f) => `${f.code} ${f.message}`),
  };
};

const RECORDS = "record END = 0; record START = 1; record BLK = 2 : blk; record OTHER = 3;";

describe("stream rules between two versions", () => {
  it("follow a record renamed in place (same type value)", () => {
    const r = findings(
      `first START; require BLK.count in 1..4; max length 64 for BLK; ${RECORDS}`,
      `first BEGIN; require BLOCK.count in 1..4; max length 64 for BLOCK; ${RECORDS.replace("START", "BEGIN").replace("BLK =", "BLOCK =")}`,
    );
    expect(r.breaking).toEqual([]);
    expect(r.allowed.every((f) => f.startsWith("LU4105"))).toBe(true);
  });

  it("a rule's condition is part of it: another condition is a new rule and a dropped one", () => {
    const r = findings(
      `order START before BLK if fhdr.version in 2; ${RECORDS}`,
      `order START before BLK if fhdr.version in 3; ${RECORDS}`,
    );
    expect(r.breaking).toEqual([
      "LU4028 stream 's': new rule 'order START before BLK if fhdr.version in 3'; streams the old version wrote may break it",
    ]);
    expect(r.allowed).toEqual(["LU4109 stream 's': rule 'order START before BLK if fhdr.version in 2' dropped"]);
  });

  it("an order rule putting fewer records after its record is relaxed, more is tightened", () => {
    expect(findings(`order START before BLK, OTHER; ${RECORDS}`, `order START before BLK; ${RECORDS}`)).toEqual({
      breaking: [],
      allowed: ["LU4109 stream 's': 'order START before BLK' no longer puts OTHER after START"],
    });
    expect(
      findings(`order START before BLK; ${RECORDS}`, `order START before BLK, OTHER; ${RECORDS}`).breaking,
    ).toEqual([
      "LU4028 stream 's': 'order START before BLK, OTHER' now also puts OTHER after START; streams the old version wrote may break it",
    ]);
  });

  it("max length is judged per record type: a limit moved from every record to one is lowered for that one only", () => {
    const r = findings(`max length 4096; ${RECORDS}`, `max length 4096; max length 16 for BLK; ${RECORDS}`);
    expect(r.breaking).toEqual([
      "LU4029 stream 's': max length lowered from 4096 to 16 for BLK: longer bodies the old version wrote are rejected",
    ]);
    expect(findings(`max length 16 for BLK; ${RECORDS}`, RECORDS).allowed).toEqual([
      "LU4109 stream 's': max length raised from 16 to no limit for BLK",
    ]);
  });
});
