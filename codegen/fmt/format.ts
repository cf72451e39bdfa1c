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
  /** The input does not parse (its syntax diagnostic), or formatting would change it (a bug). */
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly reason: string };

/** The AST as comparable text: spans (positions) left out, bigints as strings. */
function shape(ast: unknown): string {
  return JSON.stringify(ast, (key, value: unknown) => (key === "span" ? undefined : typeof value === "bigint" ? `${value}n` : value));
}

export function formatLu(file: string, text: string): FormatResult {
  const before = parseLu(file, text);
  if (before.ast === null) return { ok: false, diagnostics: before.diagnostics, reason: "the file does not parse" };
  const tokens = tokenize(text);
  const out = renderFile(buildTree(tokens));
  const same = JSON.stringify(tokenTexts(tokenize(out))) === JSON.stringify(tokenTexts(tokens));
  if (!same) return { ok: false, diagnostics: [], reason: "formatting would change the tokens of the file (a formatter bug): left as it is" };
  const after = parseLu(file, out);
  if (after.ast === null || shape(after.ast) !== shape(before.ast)) {
    return { ok: false, diagnostics: after.diagnostics, reason: "formatting would change what the file means (a formatter bug): left as it is" };
  }
  return { ok: true, text: out, changed: out !== text };
}
