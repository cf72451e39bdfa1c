/**
 * Prints the statement tree in the one canonical layout: two-space indentation per block, one
 * statement or member per line, single spaces around operators and `=`, none inside `( )` `[ ]`
 * or around `..`, at most one blank line kept where the source had any, field offsets and types
 * aligned in columns within a struct (`@8  mfn_array_physaddr: u64;`), bit range names likewise,
 * trailing comments aligned across consecutive lines.
 */
import type { Block, Item, Part } from "./tree.js";
import type { Token } from "./tokens.js";

const INDENT = "  ";
/** Marks where a trailing comment starts in a line, until comments are aligned. */
const MARK = "\u0000";

const UNARY_AFTER = new Set([
  "(",
  "[",
  "=",
  "@",
  "..",
  ",",
  ":",
  "-",
  "+",
  "*",
  "/",
  "%",
  "<<",
  ">>",
  "&",
  "|",
  "^",
  "~",
  "{",
]);
/**
 * Declarations whose `:` reads `name : type` (`enum e : u32`); so does a `:` after an `=`
 * (`record R = 1 : body`). A field or bit range reads `name: type`.
 */
const SPACED_COLON = new Set(["enum", "flags"]);

interface Ctx {
  spacedColon: boolean;
}

/**
 * Keywords an expression follows (`in -1..5`, `size`, `align`, `bit`, `from`, `limit`, `max
 * length`). The same words can name fields in a size expression (`= size - 8`, `hdr.size - 8`),
 * where an operator, `=`, `(` or `.` comes before them; as keywords they follow a word, a number
 * or a closing bracket, or start the statement.
 */
const EXPR_KEYWORDS = new Set(["in", "size", "align", "bit", "from", "limit", "length"]);

function isUnary(tok: Token, prev: Token | null, before: Token | null): boolean {
  if (tok.text === "~") return true;
  if (tok.text !== "-") return false;
  if (prev === null) return true;
  if (prev.kind === "punct") return UNARY_AFTER.has(prev.text);
  if (prev.kind !== "word" || !EXPR_KEYWORDS.has(prev.text)) return false;
  return before === null || before.kind !== "punct" || before.text === ")" || before.text === "]";
}

/**
 * Whether `(` after `prev` opens the operand list of a size function (`count(pfn where …)`), as
 * opposed to the field list after a name (`header h (type, length)`, `entry e (id)`,
 * `chain h (next)`): the function word follows an operator, `=` or `(`, never another word; and
 * the list of the struct attribute `scattered(…)`.
 */
function callParen(prev: Token, before: Token | null): boolean {
  if (prev.kind !== "word") return false;
  if (prev.text === "count") return before === null || before.kind === "punct";
  // The struct attribute `scattered(pieces, order, pages)`; a record, chain header or entry may
  // still be named `scattered` and keep its field list apart.
  return prev.text === "scattered" && (before === null || !NAMED_FIELD_LISTS.has(before.text));
}

/** Words after which a name and then its field list `(…)` follow. */
const NAMED_FIELD_LISTS = new Set(["header", "chain", "entry"]);

/** The space between `prev` and `tok` on one line; `before` is the token ahead of `prev`. */
function gap(prev: Token | null, prevUnary: boolean, tok: Token, ctx: Ctx, before: Token | null = null): string {
  if (prev === null) return "";
  const t = tok.text;
  if (tok.kind === "punct") {
    if (t === ";" || t === "," || t === ")" || t === "]" || t === ".." || t === "." || t === "[") return "";
    if (t === "(" && callParen(prev, before)) return "";
    if (t === ":") return ctx.spacedColon ? " " : "";
    if (t === "}" && prev.kind === "punct" && prev.text === "{") return "";
  }
  if (
    prev.kind === "punct" &&
    (prev.text === "(" || prev.text === "[" || prev.text === "@" || prev.text === ".." || prev.text === ".")
  )
    return "";
  if (prevUnary) return "";
  return " ";
}

/** Field (`@expr name: …`) and bit-range (`name: …`) heads, for column alignment. */
interface Head {
  readonly offset: string | null;
  readonly name: string;
  /** Index in `parts` of the `:` after the name. */
  readonly colon: number;
}

function headOf(parts: readonly Part[], ctx: Ctx): Head | null {
  if (ctx.spacedColon) return null;
  const toks: Token[] = [];
  for (const p of parts) {
    if (p.kind !== "tok") return null;
    if (p.token.kind === "punct" && p.token.text === ":") {
      const name = toks[toks.length - 1];
      if (name === undefined || name.kind !== "word") return null;
      const first = toks[0];
      if (toks.length === 1) return { offset: null, name: name.text, colon: toks.length };
      if (first?.text !== "@") return null;
      return { offset: inline(toks.slice(0, -1), ctx), name: name.text, colon: toks.length };
    }
    toks.push(p.token);
  }
  return null;
}

function inline(toks: readonly Token[], ctx: Ctx): string {
  let out = "";
  let prev: Token | null = null;
  let before: Token | null = null;
  let prevUnary = false;
  for (const t of toks) {
    out += gap(prev, prevUnary, t, ctx, before) + t.text;
    prevUnary = isUnary(t, prev, before);
    before = prev;
    prev = t;
  }
  return out;
}

function firstWord(parts: readonly Part[]): string {
  const p = parts[0];
  return p?.kind === "tok" ? p.token.text : "";
}

function renderStmt(
  parts: readonly Part[],
  depth: number,
  widths: { offset: number; name: number },
  out: string[],
): void {
  const indent = INDENT.repeat(depth);
  const ctx: Ctx = { spacedColon: SPACED_COLON.has(firstWord(parts)) };
  const head = headOf(parts, ctx);
  let cur = indent;
  let prev: Token | null = null;
  let before: Token | null = null;
  let prevUnary = false;
  let start = 0;
  if (head !== null) {
    const offset = head.offset === null ? "" : `${head.offset.padEnd(widths.offset)} `;
    cur = `${indent}${offset}${`${head.name}:`.padEnd(widths.name)}`;
    const colon = parts[head.colon];
    prev = colon?.kind === "tok" ? colon.token : null;
    start = head.colon + 1;
  }
  for (let i = start; i < parts.length; i++) {
    const part = parts[i];
    if (part === undefined) continue;
    if (part.kind === "tok") {
      const tok = part.token;
      cur += gap(prev, prevUnary, tok, ctx, before) + tok.text;
      if (tok.kind === "punct" && tok.text === "=") ctx.spacedColon = true;
      prevUnary = isUnary(tok, prev, before);
      before = prev;
      prev = tok;
      continue;
    }
    if (part.kind === "comment") {
      const text = part.token.text.trimEnd();
      const next = parts[i + 1];
      const nextOnLine = next !== undefined && next.kind !== "block" && next.token.newlinesBefore === 0;
      if (
        part.token.newlinesBefore === 0 &&
        cur.trim() !== "" &&
        nextOnLine &&
        part.token.kind === "comment" &&
        text.startsWith("/*")
      ) {
        // A block comment inside the line (`(next, /* cnt */ count)`): spaced like a word.
        const asWord: Token = { kind: "word", text, newlinesBefore: 0, start: part.token.start };
        cur += gap(prev, prevUnary, asWord, ctx, before) + text;
        before = prev;
        prev = asWord;
        prevUnary = false;
        continue;
      }
      if (part.token.newlinesBefore === 0 && cur.trim() !== "") {
        cur += `${MARK}${text}`;
      } else {
        if (cur.trim() !== "") out.push(cur);
        out.push(`${indent}${INDENT}${text}`);
        cur = `${indent}${INDENT}`;
      }
      // The comment ends its line: what follows goes on the next one.
      if (next !== undefined) {
        if (cur.trim() !== "") out.push(cur);
        cur = `${indent}${INDENT}`;
        prev = null;
        before = null;
        prevUnary = false;
      }
      continue;
    }
    // A `{ … }` block: its items on their own lines, the closing brace back at this depth.
    const items = part.block.items;
    const firstItem = items[0];
    let rest = items;
    if (firstItem?.kind === "comment" && firstItem.trailing) {
      cur += `${MARK}${firstItem.token.text.trimEnd()}`;
      rest = items.slice(1);
    }
    if (rest.length === 0 && !cur.includes(MARK)) {
      // Empty block: `{}`.
      continue;
    }
    out.push(cur);
    renderItems(rest, part.block, depth + 1, out);
    cur = indent;
    prev = null;
    before = null;
    prevUnary = false;
  }
  if (cur.trim() !== "") out.push(cur);
}

function renderItems(items: readonly Item[], block: Block, depth: number, out: string[]): void {
  const widths = { offset: 0, name: 0 };
  for (const item of items) {
    if (item.kind !== "stmt") continue;
    const ctx: Ctx = { spacedColon: SPACED_COLON.has(firstWord(item.parts)) };
    const head = headOf(item.parts, ctx);
    if (head === null) continue;
    widths.offset = Math.max(widths.offset, head.offset?.length ?? 0);
    widths.name = Math.max(widths.name, head.name.length + 1);
  }
  void block;
  const indent = INDENT.repeat(depth);
  items.forEach((item, i) => {
    if (item.kind === "blank") {
      const next = items[i + 1];
      if (out.length > 0 && out[out.length - 1] !== "" && next !== undefined && next.kind !== "blank") out.push("");
      return;
    }
    if (item.kind === "comment") {
      out.push(`${indent}${item.token.text.trimEnd()}`);
      return;
    }
    renderStmt(item.parts, depth, widths, out);
  });
}

/** Aligns the trailing comments of consecutive lines, two spaces after the longest code. */
function alignComments(lines: readonly string[]): string[] {
  const out = [...lines];
  let i = 0;
  while (i < out.length) {
    if (!(out[i] ?? "").includes(MARK)) {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && (out[j] ?? "").includes(MARK)) j++;
    const width = Math.max(...out.slice(i, j).map((l) => l.indexOf(MARK)));
    for (let k = i; k < j; k++) {
      const line = out[k] ?? "";
      const at = line.indexOf(MARK);
      out[k] = `${line.slice(0, at).padEnd(width)} ${line.slice(at + 1)}`;
    }
    i = j;
  }
  return out;
}

/** The whole file, ending in one newline. */
export function renderFile(tree: Block): string {
  const lines: string[] = [];
  renderItems(tree.items, tree, 0, lines);
  while (lines[lines.length - 1] === "") lines.pop();
  return `${alignComments(lines)
    .map((l) => l.trimEnd())
    .join("\n")}\n`;
}
