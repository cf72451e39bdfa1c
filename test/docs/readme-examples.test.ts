/**
 * The schema examples in README.md are code: each ```lu block must compile without errors, so the
 * README cannot drift from the language. (docs/language.md's example, which imports a file, is
 * compiled by test/codegen/compile.test.ts with a stand-in for its import.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileProgram, renderDiagnostics } from "../../codegen/compile.js";

function luBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```lu\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

describe.each(["README.md"])("%s", (doc) => {
  const blocks = luBlocks(readFileSync(doc, "utf8"));

  it("has schema examples", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((b, i) => [i, b] as const))("example %i compiles", (_i, source) => {
    const file = "example.lu";
    const result = compileProgram([file], (path) => (path === file ? source : undefined));
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(
      errors,
      renderDiagnostics(result.diagnostics, (f) => (f === file ? source : undefined)),
    ).toEqual([]);
  });
});
