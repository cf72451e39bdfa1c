/**
 * Before/after `.lu` pairs, one directory per rule under test/abi/. The leading `//!` lines of
 * `after.lu` are the expectation: `//! breaking LU4001 LU4017` (the exact breaking codes, repeats
 * counted), `//! allowed LU4102` (the exact allowed codes), or `//! compatible` (no findings at all).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareAbi } from "../../codegen/abi/compare-programs.js";
import { ABI_CODES, type AbiFinding } from "../../codegen/abi/findings.js";
import { compileProgram } from "../../codegen/compile.js";
import type { LayoutProgram } from "../../codegen/ir.js";

const ROOT = "test/abi";
const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, "utf8") : undefined);

export function compileOne(path: string): LayoutProgram {
  const { program, diagnostics } = compileProgram([path], read);
  if (program === null)
    throw new Error(`${path} does not compile: ${JSON.stringify(diagnostics.map((d) => d.message))}`);
  return program;
}

interface Expectation {
  readonly breaking: string[];
  readonly allowed: string[];
}

function expectation(after: string): Expectation {
  const e: Expectation = { breaking: [], allowed: [] };
  for (const line of after.split("\n")) {
    const m = /^\/\/!\s*(breaking|allowed|compatible)\b(.*)$/.exec(line);
    if (m === null) break;
    if (m[1] === "breaking" || m[1] === "allowed") e[m[1]].push(...(m[2] ?? "").trim().split(/\s+/).filter(Boolean));
  }
  return e;
}

const sortedCodes = (fs: readonly AbiFinding[]): string[] => fs.map((f) => f.code).sort();

const pairs = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("before/after schema pairs", () => {
  it.each(pairs)("%s", (name) => {
    const before = join(ROOT, name, "before.lu");
    const after = join(ROOT, name, "after.lu");
    const want = expectation(readFileSync(after, "utf8"));
    const report = compareAbi(compileOne(before), compileOne(after));
    expect(sortedCodes(report.breaking)).toEqual(want.breaking.slice().sort());
    expect(sortedCodes(report.allowed)).toEqual(want.allowed.slice().sort());
    expect(report.compatible).toBe(want.breaking.length === 0);
    for (const f of [...report.breaking, ...report.allowed]) {
      expect(f.span.file).toBe(after);
      expect(f.oldSpan.file).toBe(before);
      expect(f.span.line).toBeGreaterThan(0);
      expect(f.oldSpan.line).toBeGreaterThan(0);
    }
  });

  it("every pair has both files and an expectation line; every code has a pair", () => {
    const covered = new Set<string>();
    for (const name of pairs) {
      const after = readFileSync(join(ROOT, name, "after.lu"), "utf8");
      expect(existsSync(join(ROOT, name, "before.lu"))).toBe(true);
      expect(after.startsWith("//! ")).toBe(true);
      const e = expectation(after);
      for (const c of [...e.breaking, ...e.allowed]) covered.add(c);
    }
    const uncovered = Object.keys(ABI_CODES)
      .filter((c) => c !== "LU4107" || !covered.has(c))
      .filter((c) => !covered.has(c));
    expect(uncovered).toEqual([]);
  });

  it("a schema compared with itself is compatible with no findings", () => {
    for (const name of pairs) {
      const p = join(ROOT, name, "after.lu");
      const report = compareAbi(compileOne(p), compileOne(p));
      expect(report.breaking).toEqual([]);
      expect(report.allowed).toEqual([]);
    }
  });
});
