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
    return {
      ast: null,
      diagnostics: [diag.nestingLimit(span, "levels of parentheses and unary operators", maxNesting, "maxNesting")],
    };
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
    // A missing ';' is noticed at the next token, often on the next line: point just after the
    // token it should follow instead, where it is to be typed.
    if (expected.includes(`";"`)) {
      const prev = previousTokenEnd(text, at);
      if (prev !== null && text.slice(prev.end, at).includes("\n")) {
        return {
          ast: null,
          diagnostics: [diag.syntax(lines.span(prev.end, prev.end + 1), `${expected} after '${prev.token}'`)],
        };
      }
    }
    const end = Math.min(text.length, at + tokenLength(text, at));
    return { ast: null, diagnostics: [diag.syntax(lines.span(at, end), expected)] };
  }
  const ast = luSemantics()(match)["toAst"]({ lines, depth }) as AstFile;
  if (depth.tooDeep !== null) {
    return {
      ast: null,
      diagnostics: [
        diag.nestingLimit(
          depth.tooDeep.span,
          "operators on one path of the expression",
          depth.limit,
          "maxExpressionDepth",
        ),
      ],
    };
  }
  return { ast, diagnostics: [] };
}

/** Length of the token starting at `at` (for the tildes under a syntax error), at least 1. */
function tokenLength(text: string, at: number): number {
  const word = /^[A-Za-z0-9_]+/.exec(text.slice(at, at + 200));
  if (word !== null) return word[0].length;
  return at < text.length && text[at] !== "\n" ? 1 : 0;
}

/**
 * End offset (exclusive) and text of the last token before `at`, skipping whitespace and comments;
 * null when there is none. Scans forward so `//` inside a string is not taken for a comment.
 */
function previousTokenEnd(text: string, at: number): { end: number; token: string } | null {
  let end = -1;
  let start = -1;
  let i = 0;
  while (i < at) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? at : nl;
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? at : close + 2;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      i++;
    } else if (c === '"') {
      const from = i;
      i++;
      while (i < at && text[i] !== '"' && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
      i = Math.min(at, i + 1);
      start = from;
      end = i;
    } else {
      const word = /^[A-Za-z0-9_]+/.exec(text.slice(i, i + 200));
      const len = word === null ? 1 : word[0].length;
      start = i;
      i += len;
      end = i;
    }
  }
  return end < 0 ? null : { end, token: text.slice(start, end) };
}
