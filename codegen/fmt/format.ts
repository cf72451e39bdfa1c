/**
 * `lu fmt` core: source text → canonically formatted text, or a refusal. The result is checked
 * before it is returned: the same tokens in the same order (comments included) and a syntax tree
 * equal to the input's; anything else is refused rather than written.
 */
import type { Diagnostic } from "../diagnostics.js";
import { parseLu } from "../parse/parse.js";
import { renderFile } from "./render.js";
import { tokenTexts, tokenize } from "./tokens.js";
import { buildTree } from "./tree.js";

export type FormatResult =
  | { readonly ok: true; readonly text: string; readonly changed: boolean }
  /**
   * The input does not parse (its syntax diagnostic), or formatting would change its tokens or its
   * syntax tree (a construct the formatter lays out wrongly): refused, with the input line.
   */
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly reason: string };

/** Whether `value` is a source position (`span`, `codeSpan`, any span a construct records). */
function isSpan(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value).sort().join(",");
  return keys === "col,end,file,line,start";
}

/** The AST as comparable text: positions left out, bigints as strings. */
export function astShape(ast: unknown): string {
  return JSON.stringify(ast, (_key, value: unknown) =>
    isSpan(value) ? undefined : typeof value === "bigint" ? `${value}n` : value,
  );
}

/** 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line of the input where two ASTs first differ: the innermost node of `a` (the input's) on
 * the way to the first difference that records a position.
 */
function firstDifference(a: unknown, b: unknown, at: number | null): number | null {
  if (isSpan(a)) return null;
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    return (typeof a === "bigint" ? `${a}` : a) === (typeof b === "bigint" ? `${b}` : b) ? null : (at ?? 1);
  }
  const here = "span" in a && isSpan(a.span) ? (a.span as { line: number }).line : at;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], here);
    if (found !== null) return found;
  }
  return null;
}

const UNKNOWN = "a construct lu fmt does not know, or a formatter bug; the file is left as it is";

/**
 * Why `out` is not a safe layout of `text` (whose syntax tree is `ast`), or null when it is: the
 * same tokens in the same order, and a syntax tree equal to the input's.
 */
export function layoutRefusal(file: string, text: string, ast: unknown, out: string): string | null {
  const tokens = tokenize(text);
  const outTokens = tokenize(out);
  const texts = tokenTexts(tokens);
  const outTexts = tokenTexts(outTokens);
  const differs = texts.findIndex((t, i) => outTexts[i] !== t);
  if (differs !== -1 || outTexts.length !== texts.length) {
    const at = tokens[differs === -1 ? texts.length - 1 : differs]?.start ?? 0;
    return `formatting would change the tokens at line ${lineAt(text, at)} (${UNKNOWN})`;
  }
  const after = parseLu(file, out);
  if (after.ast === null) {
    // Where the formatted text stops parsing, found back in the input through the equal tokens.
    const failAt = after.diagnostics[0]?.span.start ?? 0;
    const k = outTokens.findIndex((t) => t.start + t.text.length > failAt);
    const at = tokens[k === -1 ? tokens.length - 1 : k]?.start ?? 0;
    return `formatting would make line ${lineAt(text, at)} unparseable (${UNKNOWN})`;
  }
  if (astShape(after.ast) !== astShape(ast)) {
    return `formatting would change what line ${firstDifference(ast, after.ast, null) ?? 1} means (${UNKNOWN})`;
  }
  return null;
}

export function formatLu(file: string, text: string): FormatResult {
  const before = parseLu(file, text);
  if (before.ast === null) return { ok: false, diagnostics: before.diagnostics, reason: "the file does not parse" };
  const out = renderFile(buildTree(tokenize(text)));
  const refusal = layoutRefusal(file, text, before.ast, out);
  if (refusal !== null) return { ok: false, diagnostics: [], reason: refusal };
  return { ok: true, text: out, changed: out !== text };
}
