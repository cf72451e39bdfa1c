/**
 * Source text → AST, or one syntax diagnostic (LU1001) at ohm's rightmost failure position.
 */
import type { AstFile } from "../ast.js";
import { diag, type Diagnostic } from "../diagnostics.js";
import { luGrammar } from "./grammar.js";
import { LineIndex } from "./line-index.js";
import { luSemantics } from "./to-ast.js";

export interface ParseResult {
  readonly ast: AstFile | null;
  readonly diagnostics: readonly Diagnostic[];
}

export function parseLu(file: string, text: string): ParseResult {
  const lines = new LineIndex(file, text);
  try {
    return parseWith(lines, text);
  } catch (e) {
    // Ohm and toAst recurse per nesting level; absurd nesting exhausts the stack.
    if (e instanceof RangeError) return { ast: null, diagnostics: [diag.tooDeep(lines.span(0, 0))] };
    throw e;
  }
}

function parseWith(lines: LineIndex, text: string): ParseResult {
  const match = luGrammar().match(text);
  if (match.failed()) {
    const at = match.getInterval().startIdx;
    const expected = (match.shortMessage ?? "").replace(/^Line \d+, col \d+: /, "");
    const end = Math.min(text.length, at + tokenLength(text, at));
    return { ast: null, diagnostics: [diag.syntax(lines.span(at, end), expected)] };
  }
  const ast = luSemantics()(match)["toAst"]({ lines }) as AstFile;
  return { ast, diagnostics: [] };
}

/** Length of the token starting at `at` (for the tildes under a syntax error), at least 1. */
function tokenLength(text: string, at: number): number {
  const word = /^[A-Za-z0-9_]+/.exec(text.slice(at, at + 200));
  if (word !== null) return word[0].length;
  return at < text.length && text[at] !== "\n" ? 1 : 0;
}
