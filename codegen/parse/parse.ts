/**
 * Source text → AST, or one syntax diagnostic (LU1001): at ohm's rightmost failure position, or at
 * the operator that nests an expression deeper than the limits of `ParseOptions`
 * (codegen/parse/nesting.ts), checked without recursion so the answer never depends on the stack.
 */
import type { AstFile } from "../ast.js";
import { diag, type Diagnostic } from "../diagnostics.js";
import { luGrammar } from "./grammar.js";
import { LineIndex } from "./line-index.js";
import { DEFAULT_MAX_EXPRESSION_DEPTH, DEFAULT_MAX_NESTING, nestingDepth, type ParseOptions } from "./nesting.js";
import { ExpressionDepth, luSemantics } from "./to-ast.js";

export { DEFAULT_MAX_EXPRESSION_DEPTH, DEFAULT_MAX_NESTING, type ParseOptions } from "./nesting.js";

export interface ParseResult {
  readonly ast: AstFile | null;
  readonly diagnostics: readonly Diagnostic[];
}

export function parseLu(file: string, text: string, options: ParseOptions = {}): ParseResult {
  const lines = new LineIndex(file, text);
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  const tooDeep = nestingDepth(text, maxNesting);
  if (tooDeep !== null) {
    const span = lines.span(tooDeep.at, tooDeep.at + 1);
    return { ast: null, diagnostics: [diag.nestingLimit(span, "levels of parentheses and unary operators", maxNesting, "maxNesting")] };
  }
  try {
    return parseWith(lines, text, new ExpressionDepth(options.maxExpressionDepth ?? DEFAULT_MAX_EXPRESSION_DEPTH));
  } catch (e) {
    // Backstop: only a limit raised far above its default can still exhaust the stack.
    if (e instanceof RangeError) return { ast: null, diagnostics: [diag.tooDeep(lines.span(0, 0))] };
    throw e;
  }
}

function parseWith(lines: LineIndex, text: string, depth: ExpressionDepth): ParseResult {
  const match = luGrammar().match(text);
  if (match.failed()) {
    const at = match.getInterval().startIdx;
    const expected = (match.shortMessage ?? "").replace(/^Line \d+, col \d+: /, "");
    const end = Math.min(text.length, at + tokenLength(text, at));
    return { ast: null, diagnostics: [diag.syntax(lines.span(at, end), expected)] };
  }
  const ast = luSemantics()(match)["toAst"]({ lines, depth }) as AstFile;
  if (depth.tooDeep !== null) {
    return { ast: null, diagnostics: [diag.nestingLimit(depth.tooDeep.span, "operators on one path of the expression", depth.limit, "maxExpressionDepth")] };
  }
  return { ast, diagnostics: [] };
}

/** Length of the token starting at `at` (for the tildes under a syntax error), at least 1. */
function tokenLength(text: string, at: number): number {
  const word = /^[A-Za-z0-9_]+/.exec(text.slice(at, at + 200));
  if (word !== null) return word[0].length;
  return at < text.length && text[at] !== "\n" ? 1 : 0;
}
