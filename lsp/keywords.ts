/**
 * Completion of the language's keywords and of the names a keyword expects next, from the text as
 * typed (it rarely parses mid-edit): declaration keywords at top level, struct attributes and load
 * rules after `struct NAME`, stream items at the start of a stream statement, record names after
 * `first`, `once`, `end`, `order … before`, `for`, `payload … of`, `after`, `until`, stream names
 * after `after R stream`, `chain`/`match` after `->`, `length of rest|input` (and constants) after a
 * field's `=`.
 */
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver/node";
import type { LayoutProgram } from "../codegen/ir.js";

const TOP = ["struct", "enum", "flags", "const", "stream", "node", "import", "endian"];
const STREAM_ITEMS = [
  "preamble",
  "header",
  "align",
  "optional bit",
  "end",
  "end of input",
  "range",
  "record",
  "entry",
  "require",
  "first",
  "once",
  "order",
  "max length",
  "payload",
  "after",
];
const STRUCT_ATTRS = ["size", "align", "endian", "abi", "load", "scattered"];
/** Items of a `node` block. */
const NODE_ITEMS = ["compatible", "@*"];

const keyword = (label: string, detail: string): CompletionItem => ({
  label,
  kind: CompletionItemKind.Keyword,
  detail,
  sortText: `0${label}`,
});

/** Where the cursor is: the text of the statement it is in, and the block holding it. */
interface Place {
  /** The statement up to the cursor, comments left out, leading blanks trimmed. */
  readonly stmt: string;
  /** `stream NAME` or `struct NAME` of the innermost open block, or null at top level. */
  readonly block: { readonly kind: string; readonly name: string; readonly start: number } | null;
}

function placeOf(text: string, offset: number): Place {
  const code = text.slice(0, offset).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => " ".repeat(c.length));
  const open: number[] = [];
  let stmtStart = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charAt(i);
    if (c === "{") {
      open.push(i);
      stmtStart = i + 1;
    } else if (c === "}") {
      open.pop();
      stmtStart = i + 1;
    } else if (
      c === ";" ||
      (c === "," && open.length > 0 && /\b(enum|flags)\b[^{;}]*$/.test(code.slice(0, open[open.length - 1] ?? 0)))
    )
      stmtStart = i + 1;
  }
  let block: Place["block"] = null;
  const at = open[open.length - 1];
  if (at !== undefined) {
    const head = /\b(stream|struct|enum|flags|node)\s+([A-Za-z_]\w*)[^{};]*$/.exec(code.slice(0, at));
    if (head?.[1] !== undefined && head[2] !== undefined) block = { kind: head[1], name: head[2], start: at + 1 };
    else block = { kind: "inner", name: "", start: at + 1 };
  }
  return { stmt: code.slice(stmtStart).replace(/^\s+/, "").replace(/\s+/g, " "), block };
}

/** Record names of stream `name`: the checked program's, else those declared in its block so far. */
function recordNames(name: string, text: string, from: number, program: LayoutProgram | null): string[] {
  const st = program?.schemas.flatMap((s) => s.streams).find((s) => s.name === name);
  if (st !== undefined) return st.records.map((r) => r.name);
  const close = text.indexOf("}", from);
  const body = text.slice(from, close === -1 ? text.length : close);
  return [...body.matchAll(/\brecord\s+([A-Za-z_]\w*)/g)].map((m) => m[1] ?? "");
}

function names(list: readonly string[], kind: CompletionItemKind, detail: string): CompletionItem[] {
  return list.map((label) => ({ label, kind, detail, sortText: `0${label}` }));
}

function structNames(program: LayoutProgram | null): string[] {
  return program?.schemas.flatMap((s) => s.structs.map((d) => d.name)) ?? [];
}

function nodeNames(program: LayoutProgram | null): string[] {
  return program?.schemas.flatMap((s) => s.nodes.map((d) => d.name)) ?? [];
}

function streamNames(program: LayoutProgram | null): string[] {
  return program?.schemas.flatMap((s) => s.streams.map((d) => d.name)) ?? [];
}

/**
 * Keywords and names for the place at `offset`, or null where a type name or offset is what
 * comes next (the caller's completion).
 */
export function keywordCompletion(
  text: string,
  offset: number,
  program: LayoutProgram | null,
): CompletionItem[] | null {
  const { stmt, block } = placeOf(text, offset);
  const word = /^\w*$/;
  if (block === null) {
    if (word.test(stmt)) return TOP.map((k) => keyword(k, "declaration"));
    const head = /^struct \w+ (.*)$/.exec(stmt);
    if (head?.[1] !== undefined) return structAttr(head[1], program);
    if (/^endian \w*$/.test(stmt)) return ["little", "big"].map((k) => keyword(k, "byte order"));
    return null;
  }
  if (block.kind === "stream") {
    const records = (): CompletionItem[] =>
      names(recordNames(block.name, text, block.start, program), CompletionItemKind.Event, `record of ${block.name}`);
    if (word.test(stmt)) return STREAM_ITEMS.map((k) => keyword(k, "stream item"));
    if (/^(first|once) \w*$/.test(stmt) || /^order \w*$/.test(stmt) || /^after \w*$/.test(stmt)) return records();
    if (/^end \w*$/.test(stmt))
      return [...records(), keyword("of input", "no end record: the stream ends with its input")];
    if (
      /^order \w+ before (\w+ ?, ?)*\w*$/.test(stmt) ||
      /^max length .* for (\w+ ?, ?)*\w*$/.test(stmt) ||
      /^payload \w+ of \w*$/.test(stmt)
    )
      return records();
    if (/^order \w+ \w*$/.test(stmt)) return [keyword("before", "order rule")];
    if (/^max \w*$/.test(stmt)) return [keyword("length", "longest record body")];
    if (/^payload \w+ \w*$/.test(stmt)) return [keyword("of", "payload of a record")];
    if (/^after \w+ \w*$/.test(stmt)) return [keyword("stream", "a stream in line after the record")];
    if (/^after \w+ stream \w*$/.test(stmt)) return names(streamNames(program), CompletionItemKind.Module, "stream");
    const until = /^after \w+ stream (\w+) (until (\w+ ?, ?)*)?\w*$/.exec(stmt);
    if (until?.[1] !== undefined) {
      if (until[2] === undefined) return [keyword("until", "records that also end the stream in line")];
      return names(
        recordNames(until[1], text, text.length, program),
        CompletionItemKind.Event,
        `record of ${until[1]}`,
      );
    }
    if (/^(preamble|header) (\w+ (as \w+ )?, ?)*\w*$/.test(stmt))
      return names(structNames(program), CompletionItemKind.Struct, "struct");
    if (/^optional \w*$/.test(stmt)) return [keyword("bit", "the type bit that marks optional records")];
    return null;
  }
  if (block.kind === "node") {
    if (word.test(stmt)) return NODE_ITEMS.map((k) => keyword(k, "node item"));
    if (/^@\S+ \w+ ?: ?\w+ \w*$/.test(stmt)) return [keyword("optional", "the member may be absent")];
    if (/^@\S+ \w+ ?: ?\w*$/.test(stmt)) return names(nodeNames(program), CompletionItemKind.Class, "node");
    return null;
  }
  if (block.kind === "struct") {
    const value = /^@\S+ \w+ ?: ?[^=;]*[^=;\s] ?= ?(.*)$/.exec(stmt)?.[1];
    if (value !== undefined) return fieldValue(value, program);
    if (/-> \w*$/.test(stmt) || /->\w*$/.test(stmt)) {
      return [
        keyword("chain", "a linked list of pages: chain H (next, count) of E limit N"),
        keyword("match", 'the target chosen by a text field: match F { "…": T }'),
        ...names(structNames(program), CompletionItemKind.Struct, "struct"),
      ];
    }
    if (/-> chain \w+ ?\([^)]*\) \w*$/.test(stmt)) return [keyword("of", "the element type")];
    if (/-> chain \w+ ?\([^)]*\) of \w+ \w*$/.test(stmt)) return [keyword("limit", "most pages followed")];
  }
  return null;
}

/**
 * After a field's `=`: `length` (a length field) and the integer constants an expression may use;
 * `of` after `length`; `rest` and `input` after `length of`; the constants further into an
 * expression; nothing inside a string.
 */
function fieldValue(value: string, program: LayoutProgram | null): CompletionItem[] {
  if (/^length \w*$/.test(value)) return [keyword("of", "= length of rest|input")];
  if (/^length of \w*$/.test(value)) {
    return [
      keyword("rest", "the octets after this field, to the end of the input"),
      keyword("input", "the octets from the start of the struct, to the end of the input"),
    ];
  }
  // Inside a string (an ascii field's value) there is nothing to offer.
  if ((value.match(/"/g) ?? []).length % 2 === 1) return [];
  const consts = names(
    program?.schemas.flatMap((s) => s.consts.map((c) => c.name)) ?? [],
    CompletionItemKind.Constant,
    "constant",
  );
  return /^\w*$/.test(value) ? [keyword("length", "a length field: = length of rest|input"), ...consts] : consts;
}

function structAttr(rest: string, program: LayoutProgram | null): CompletionItem[] {
  if (/(^| )load \w*$/.test(rest))
    return [
      keyword("exact", "a body of exactly the struct's size"),
      keyword("zero_extend", "older, shorter bodies read with zeros"),
    ];
  if (/(^| )abi \w*$/.test(rest)) return ["frozen", "append", "free"].map((k) => keyword(k, "evolution rule"));
  if (/(^| )endian \w*$/.test(rest)) return ["little", "big"].map((k) => keyword(k, "byte order"));
  if (/(^| )compat \w*$/.test(rest))
    return names(structNames(program), CompletionItemKind.Struct, "struct of the old layout");
  const afterZero = /(^| )zero_extend( from [^a-z]*)? \w*$/.exec(rest);
  if (afterZero !== null) {
    const items = [
      keyword("compat", "a struct whose size marks the old layout"),
      ...STRUCT_ATTRS.map((k) => keyword(k, "struct attribute")),
    ];
    return afterZero[2] === undefined ? [keyword("from", "older sizes"), ...items] : items;
  }
  return STRUCT_ATTRS.map((k) => keyword(k, "struct attribute"));
}
