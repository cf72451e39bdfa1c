/**
 * Groups the token stream into blocks and statements without knowing the constructs: a statement
 * ends at `;`, at `,` in a comma-separated block (enum and flag members), or after a `{ … }` block
 * not followed by `;`. Comments stay where they were: on a line of their own, or after code on
 * the same line (a trailing comment).
 */
import type { Token } from "./tokens.js";

export interface Block {
  /** `stmts`: items end with `;`; `list`: items are separated by `,` (no `;` inside). */
  readonly kind: "stmts" | "list";
  readonly items: Item[];
}

export type Item =
  | { readonly kind: "stmt"; readonly parts: Part[] }
  /**
   * A comment or doc line on its own line; `trailing` when a plain comment follows the block's `{`
   * on its line (a doc comment there documents the first item, on its own line).
   */
  | { readonly kind: "comment"; readonly token: Token; readonly trailing: boolean }
  | { readonly kind: "blank" };

export type Part =
  | { readonly kind: "tok"; readonly token: Token }
  | { readonly kind: "block"; readonly block: Block }
  | { readonly kind: "comment"; readonly token: Token };

const isComment = (t: Token): boolean => t.kind === "comment" || t.kind === "doc";

/** Whether the block opened at `tokens[open]` holds `;`-terminated statements. */
function blockKind(tokens: readonly Token[], open: number): Block["kind"] {
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || t.kind !== "punct") continue;
    if (t.text === "{") depth++;
    else if (t.text === "}") {
      if (depth === 0) return "list";
      depth--;
    } else if (t.text === ";" && depth === 0) return "stmts";
  }
  return "list";
}

export function buildTree(tokens: readonly Token[]): Block {
  let i = 0;
  const parseBlock = (kind: Block["kind"], closing: boolean): Block => {
    const items: Item[] = [];
    const lastStmt = (): Part[] | null => {
      const last = items[items.length - 1];
      return last?.kind === "stmt" ? last.parts : null;
    };
    while (i < tokens.length) {
      const t = tokens[i];
      if (t === undefined) break;
      if (closing && t.kind === "punct" && t.text === "}") return { kind, items };
      if (t.newlinesBefore >= 2 && items.length > 0) items.push({ kind: "blank" });
      if (isComment(t)) {
        const prev = lastStmt();
        if (
          t.newlinesBefore === 0 &&
          t.kind === "comment" &&
          prev !== null &&
          t.newlinesBefore === 0 &&
          items[items.length - 1]?.kind === "stmt"
        ) {
          prev.push({ kind: "comment", token: t });
        } else {
          items.push({
            kind: "comment",
            token: t,
            trailing: t.kind === "comment" && t.newlinesBefore === 0 && items.length === 0 && closing,
          });
        }
        i++;
        continue;
      }
      const parts: Part[] = [];
      items.push({ kind: "stmt", parts });
      while (i < tokens.length) {
        const u = tokens[i];
        if (u === undefined) break;
        if (closing && u.kind === "punct" && u.text === "}") break;
        if (isComment(u)) {
          parts.push({ kind: "comment", token: u });
          i++;
          continue;
        }
        if (u.kind === "punct" && u.text === "{") {
          const innerKind = blockKind(tokens, i);
          i++;
          const block = parseBlock(innerKind, true);
          parts.push({ kind: "tok", token: u }, { kind: "block", block });
          const close = tokens[i];
          if (close !== undefined) {
            parts.push({ kind: "tok", token: close });
            i++;
          }
          const next = tokens[i];
          if (next === undefined || next.kind !== "punct" || (next.text !== ";" && next.text !== ",")) break;
          continue;
        }
        parts.push({ kind: "tok", token: u });
        i++;
        if (u.kind === "punct" && (u.text === ";" || (u.text === "," && kind === "list"))) break;
      }
    }
    return { kind, items };
  };
  return parseBlock("stmts", false);
}
