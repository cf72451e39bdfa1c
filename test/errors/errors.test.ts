/**
 * Error goldens: every `test/errors/*.lu` starts with `//!` lines holding the exact rendered
 * diagnostics the compiler must print for it (files under `lib/` are only imported by goldens).
 * `UPDATE_GOLDEN=1 npx vitest run test/errors` rewrites the `//!` headers (review the diff!).
 * Every diagnostic code of the catalogue must be pinned by at least one golden.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../codegen/compile.js";
import { DIAGNOSTIC_CODES, renderDiagnostics } from "../../codegen/diagnostics.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const DIR = "test/errors";
const HEADER = "//! ";

const goldens = readdirSync(join(ROOT, DIR))
  .filter((n) => n.endsWith(".lu"))
  .sort();

function readRepo(path: string): string | undefined {
  try {
    return readFileSync(join(ROOT, path), "utf8");
  } catch {
    return undefined;
  }
}

/** Compiles a golden as it is on disk and renders what the CLI would print. */
function render(file: string, text: string): { output: string; codes: string[] } {
  const sources = new Map<string, string>([[file, text]]);
  const { diagnostics } = compileProgram([file], (p) => {
    const t = p === file ? text : readRepo(p);
    if (t !== undefined) sources.set(p, t);
    return t;
  });
  return { output: renderDiagnostics(diagnostics, (f) => sources.get(f)), codes: diagnostics.map((d) => d.code) };
}

function splitHeader(text: string): { expected: string[]; body: string } {
  const lines = text.split("\n");
  let n = 0;
  while (n < lines.length && (lines[n] ?? "").startsWith("//!")) n++;
  return { expected: lines.slice(0, n).map((l) => l.replace(/^\/\/! ?/, "")), body: lines.slice(n).join("\n") };
}

/** Rewrites the header until the output (whose line numbers depend on the header) is stable. */
function updateGolden(file: string): void {
  let text = readRepo(file) ?? "";
  for (let i = 0; i < 5; i++) {
    const { body } = splitHeader(text);
    const { output } = render(file, text);
    const next = `${output
      .split("\n")
      .map((l) => `${HEADER}${l}`.trimEnd())
      .join("\n")}\n${body}`;
    if (next === text) break;
    text = next;
  }
  writeFileSync(join(ROOT, file), text);
}

const seenCodes = new Set<string>();

describe("error goldens", () => {
  it("exist", () => {
    expect(goldens.length).toBeGreaterThan(0);
  });

  for (const name of goldens) {
    const file = `${DIR}/${name}`;
    it(name, () => {
      if (process.env["UPDATE_GOLDEN"] === "1") updateGolden(file);
      const text = readRepo(file) ?? "";
      const { expected } = splitHeader(text);
      expect(expected.length, `${file} has no //! header`).toBeGreaterThan(0);
      const { output, codes } = render(file, text);
      for (const c of codes) seenCodes.add(c);
      expect(output.split("\n").map((l) => l.trimEnd())).toEqual(expected);
    });
  }

  it("pin every diagnostic code", () => {
    // Recomputed here so the check does not depend on test order or filtering.
    for (const name of goldens) {
      const file = `${DIR}/${name}`;
      for (const c of render(file, readRepo(file) ?? "").codes) seenCodes.add(c);
    }
    const missing = DIAGNOSTIC_CODES.filter((c) => !seenCodes.has(c));
    expect(missing).toEqual([]);
  });
});
