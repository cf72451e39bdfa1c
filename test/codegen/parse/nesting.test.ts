import { describe, expect, it } from "vitest";
import { compileProgram } from "../../../codegen/compile.js";
import { renderDiagnostics } from "../../../codegen/diagnostics.js";
import { nestingDepth } from "../../../codegen/parse/nesting.js";
import { DEFAULT_MAX_EXPRESSION_DEPTH, DEFAULT_MAX_NESTING, parseLu } from "../../../codegen/parse/parse.js";

const parens = (n: number): string => `${"(".repeat(n)}1${")".repeat(n)}`;
const chain = (ops: number): string => `1${"+1".repeat(ops)}`;

/** Runs `f` with roughly `frames` extra frames on the stack, to show the limit does not depend on it. */
function withDeepStack<T>(frames: number, f: () => T): T {
  const down = (n: number): T => (n === 0 ? f() : down(n - 1));
  return down(frames);
}

describe("parser depth limits", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_MAX_NESTING).toBe(64);
    expect(DEFAULT_MAX_EXPRESSION_DEPTH).toBe(256);
  });

  it("accepts parentheses just under the limit and refuses one more, at the parenthesis that goes over", () => {
    expect(parseLu("a.lu", `const A = ${parens(DEFAULT_MAX_NESTING)};`).diagnostics).toEqual([]);
    const over = parseLu("a.lu", `const A = ${parens(DEFAULT_MAX_NESTING + 1)};`);
    expect(over.ast).toBeNull();
    expect(over.diagnostics).toHaveLength(1);
    const d = over.diagnostics[0];
    expect(d?.code).toBe("LU1001");
    expect(d?.message).toBe(
      "syntax error: expression nested too deeply: more than 64 levels of parentheses and unary operators",
    );
    expect(d?.span).toMatchObject({
      line: 1,
      col: "const A = ".length + DEFAULT_MAX_NESTING + 1,
      start: 10 + DEFAULT_MAX_NESTING,
    });
  });

  it("renders file:line:col with a caret under the operator", () => {
    const text = `/// doc ((((\n// comment (((((\nstruct s { @0 a: u8; }\nconst B = "(((" ;\nconst A =\n  ${"-".repeat(40)}${"~(".repeat(25)}1${")".repeat(25)};\n`;
    const { diagnostics } = compileProgram(["schema/deep.lu"], () => text);
    expect(renderDiagnostics(diagnostics, () => text)).toBe(
      [
        "schema/deep.lu:6:67: error LU1001: syntax error: expression nested too deeply: more than 64 levels of parentheses and unary operators",
        ` 6 |   ${"-".repeat(40)}${"~(".repeat(25)}1${")".repeat(25)};`,
        `   | ${" ".repeat(66)}^`,
        "help: simplify the expression, e.g. with intermediate constants (the limit is the parser's maxNesting)",
      ].join("\n"),
    );
  });

  it("counts unary operators, not binary minus, and forgets them when their operand ends", () => {
    expect(nestingDepth(`const A = ${"-".repeat(64)}1;`, 64)).toBeNull();
    expect(nestingDepth(`const A = ${"-".repeat(65)}1;`, 64)).toMatchObject({ at: 10 + 64, depth: 65 });
    // 200 binary minus signs in a row of operands: depth 0 throughout
    expect(nestingDepth(`const A = 1${" - 1".repeat(200)};`, 1)).toBeNull();
    // -(x) closes its unary operator with the parenthesis; a[N] - b is binary
    expect(nestingDepth(`const A = ${"-(1) + ".repeat(100)}1; struct s { @0 x: u8[2] - 1; }`, 2)).toBeNull();
    // comments, doc lines and strings are not expressions
    expect(nestingDepth(`// ((((((\n/// ((((((\n/* (((((( */ const S = "((((((";`, 1)).toBeNull();
  });

  it("limits the depth of expression trees: a chain of 256 operators parses, 257 is refused at the 257th operator", () => {
    expect(parseLu("a.lu", `const A = ${chain(DEFAULT_MAX_EXPRESSION_DEPTH)};`).diagnostics).toEqual([]);
    const over = parseLu("a.lu", `const A = ${chain(DEFAULT_MAX_EXPRESSION_DEPTH + 1)};`);
    expect(over.ast).toBeNull();
    expect(over.diagnostics[0]?.message).toMatch(/more than 256 operators on one path of the expression/);
    expect(over.diagnostics[0]?.span.col).toBe("const A = 1".length + 1 + 2 * DEFAULT_MAX_EXPRESSION_DEPTH);
  });

  it("a 20000-operator chain is a diagnostic, not a stack overflow in the constant evaluator", () => {
    const r = compileProgram(["a.lu"], () => `const A = ${chain(20000)};\nstruct s size A { }`);
    expect(r.program).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LU1001"]);
  });

  it("gives the same answer whatever is already on the stack", () => {
    // Modest extra depth: cold (interpreted) frames are large, and 64 levels of ohm recursion must still fit.
    for (const frames of [0, 1000, 2000]) {
      expect(
        withDeepStack(frames, () => parseLu("a.lu", `const A = ${parens(64)};`).diagnostics),
        `${frames} frames`,
      ).toEqual([]);
      expect(
        withDeepStack(frames, () => parseLu("a.lu", `const A = ${parens(65)};`).diagnostics[0]?.span.col),
        `${frames} frames`,
      ).toBe(75);
      expect(
        withDeepStack(frames, () => parseLu("a.lu", `const A = ${parens(100000)};`).diagnostics[0]?.span.col),
        `${frames} frames`,
      ).toBe(75);
    }
  });

  it("the limits are configurable", () => {
    expect(parseLu("a.lu", `const A = ${parens(5)};`, { maxNesting: 4 }).diagnostics[0]?.message).toMatch(
      /more than 4 levels/,
    );
    expect(parseLu("a.lu", `const A = ${parens(80)};`, { maxNesting: 80 }).diagnostics).toEqual([]);
    expect(parseLu("a.lu", `const A = ${chain(3)};`, { maxExpressionDepth: 2 }).diagnostics[0]?.message).toMatch(
      /more than 2 operators/,
    );
    expect(parseLu("a.lu", `const A = ${chain(1000)};`, { maxExpressionDepth: 1000 }).diagnostics).toEqual([]);
  });
});

describe("compileProgram parse options", () => {
  it("passes the parser's limits to every file of the program", () => {
    const files = new Map([
      ["a.lu", 'import "b.lu";\nconst A = ((1));'],
      ["b.lu", "const B = (((2)));"],
    ]);
    const read = (path: string): string | undefined => files.get(path);
    expect(compileProgram(["a.lu"], read).diagnostics).toEqual([]);
    const limited = compileProgram(["a.lu"], read, { maxNesting: 2 });
    expect(limited.program).toBeNull();
    expect(limited.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code}`)).toEqual([
      "b.lu:1:13 LU1001",
    ]);
  });
});
