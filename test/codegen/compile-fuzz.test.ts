/**
 * Property: any source text, random or a mutation of a real schema, compiles to diagnostics or a
 * program, never an exception; a null program always comes with an error, and every diagnostic
 * renders. Fixed seed (fast-check prints it with any counterexample).
 */
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../codegen/compile.js";
import { hasErrors, renderDiagnostics } from "../../codegen/diagnostics.js";
import { docExample, LIBXC_STUB } from "./doc-example.js";

const TOKENS = [
  "struct",
  "enum",
  "flags",
  "const",
  "stream",
  "record",
  "import",
  "endian",
  "size",
  "align",
  "abi",
  "bits",
  "pad",
  "reserved",
  "header",
  "end",
  "range",
  "optional",
  "bit",
  "preamble",
  "little",
  "big",
  "frozen",
  "u8",
  "u16be",
  "u32",
  "u64",
  "i64",
  "f32",
  "ascii",
  "bytes",
  "as",
  "x",
  "rhdr",
  "END",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  "..",
  ";",
  ":",
  ",",
  "=",
  "@",
  "0",
  "1",
  "8",
  "64",
  "0xFFFF_FFFF",
  "0b101",
  "-",
  "~",
  "<<",
  ">>",
  "|",
  "&",
  "^",
  "+",
  "*",
  "/",
  "%",
  '"a.lu"',
  '"x\\x41"',
  "//c\n",
  "/// d\n",
  "/*",
  "*/",
  "\n",
  " ",
];

const errorsDir = new URL("../errors/", import.meta.url);
const SEEDS = [
  docExample(),
  LIBXC_STUB,
  ...readdirSync(errorsDir)
    .filter((n) => n.endsWith(".lu"))
    .map((n) => readFileSync(new URL(n, errorsDir), "utf8")),
];

function compiles(text: string): void {
  const files = new Map([
    ["main.lu", text],
    ["libxc-stream.lu", LIBXC_STUB],
    ["a.lu", text],
  ]);
  const { program, diagnostics } = compileProgram(["main.lu"], (p) => files.get(p));
  if (program === null) expect(hasErrors(diagnostics)).toBe(true);
  else expect(hasErrors(diagnostics)).toBe(false);
  expect(typeof renderDiagnostics(diagnostics, (f) => files.get(f))).toBe("string");
}

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(" "));

const mutation = fc
  .record({
    seed: fc.constantFrom(...SEEDS),
    at: fc.nat(),
    cut: fc.nat({ max: 12 }),
    insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })),
  })
  .map(({ seed, at, cut, insert }) => {
    const i = at % (seed.length + 1);
    return seed.slice(0, i) + insert + seed.slice(i + cut);
  });

describe("compileProgram on hostile input", () => {
  it("never throws on token soup", () => {
    fc.assert(fc.property(tokenSoup, compiles), { seed: 20260601, numRuns: 300 });
  });

  it("never throws on mutated schemas", () => {
    fc.assert(fc.property(mutation, compiles), { seed: 20260602, numRuns: 400 });
  });

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), compiles), { seed: 20260603, numRuns: 200 });
  });

  it("reports deep nesting as a diagnostic rather than overflowing", () => {
    const { program, diagnostics } = compileProgram(
      ["a.lu"],
      () => `const A = ${"(".repeat(20000)}1${")".repeat(20000)};`,
    );
    expect(program).toBeNull();
    expect(diagnostics[0]?.code).toBe("LU1001");
  });
});
