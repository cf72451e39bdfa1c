/**
 * What the language server answers, as pure functions of a document's text, its path and the
 * checked program: diagnostics, hover, definition, completion, document symbols. server.ts wires
 * them to the protocol.
 */
import {
  CompletionItemKind,
  DiagnosticSeverity,
  SymbolKind,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
} from "vscode-languageserver/node";
import type { AstDecl } from "../codegen/ast.js";
import { primSize } from "../codegen/check/primitives.js";
import type { Diagnostic } from "../codegen/diagnostics.js";
import { renderDiagramText } from "../codegen/doc/diagram.js";
import { docIndex, endianText, hexValue, typeText } from "../codegen/doc/describe.js";
import { nodeRows, nodeSummary } from "../codegen/doc/nodes.js";
import { loadRuleText, streamRuleLines } from "../codegen/doc/rules.js";
import { structDiagram } from "../codegen/doc/struct-diagram.js";
import type { LayoutField, LayoutProgram, LayoutStruct, PrimName } from "../codegen/ir.js";
import { parseLu } from "../codegen/parse/parse.js";
import { keywordCompletion } from "./keywords.js";
import { offsetAt, positionAt, rangeOf, wordAt } from "./positions.js";
import { type Declared, referenceAt, resolveReference } from "./references.js";
import type { Position } from "vscode-languageserver/node";
import { pathToUri } from "./workspace.js";

/** The compiler's diagnostics for `path`, with the same codes and ranges. */
export function toLspDiagnostics(
  diagnostics: readonly Diagnostic[],
  path: string,
  text: string,
  textOf: (p: string) => string | undefined,
): LspDiagnostic[] {
  return diagnostics
    .filter((d) => d.span.file === path)
    .map((d) => {
      const related = d.notes.flatMap((n) => {
        if (n.span === null) return [];
        const other = n.span.file === path ? text : textOf(n.span.file);
        if (other === undefined) return [];
        return [
          {
            location: { uri: pathToUri(n.span.file), range: rangeOf(other, n.span.start, n.span.end) },
            message: n.message,
          },
        ];
      });
      return {
        range: rangeOf(text, d.span.start, d.span.end),
        severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        code: d.code,
        source: "lu",
        message: d.help === null ? d.message : `${d.message}\nhelp: ${d.help}`,
        ...(related.length > 0 ? { relatedInformation: related } : {}),
      };
    });
}

const PRIMS: readonly PrimName[] = ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64"];
const MAX_DIAGRAM_LINES = 30;

function diagramOf(s: LayoutStruct, program: LayoutProgram): string {
  const index = docIndex(program);
  const lines = renderDiagramText(structDiagram(s, (n) => index.structs.get(n))).split("\n");
  const cut = lines.length > MAX_DIAGRAM_LINES ? [...lines.slice(0, MAX_DIAGRAM_LINES), "    … (more rows)"] : lines;
  return ["```text", ...cut, "```"].join("\n");
}

function typeLabel(f: LayoutField): string {
  const t = typeText(f.type);
  return `${t.before}${t.ref ?? ""}${t.after}`;
}

function endianWords(f: LayoutField): string {
  const e = endianText(f.type);
  return e === "LE" ? "little-endian" : e === "BE" ? "big-endian" : "byte order n/a";
}

function fieldHover(s: LayoutStruct, f: LayoutField, program: LayoutProgram): string {
  const size = f.size === 0 ? "variable" : `${f.size}`;
  return [
    `**${f.name}**: \`${typeLabel(f)}\` in struct \`${s.name}\``,
    "",
    `offset ${f.offset} (${hexValue(f.offset, null)}), size ${size}, align ${f.align}, ${endianWords(f)}`,
    ...(f.doc === null ? [] : ["", f.doc]),
    "",
    diagramOf(s, program),
  ].join("\n");
}

/** Rule text of codegen/doc/rules.ts for a hover: `[[name]]` links as plain names. */
function unlinked(text: string): string {
  return text.replace(/\[\[(\w+)\]\]/g, "`$1`");
}

function structHover(s: LayoutStruct, program: LayoutProgram): string {
  const load = loadRuleText(s);
  return [
    `**struct ${s.name}**`,
    "",
    `size ${s.size}${s.trailing === null ? "" : ` + ${s.trailing.name}`}, align ${s.align}, ${s.endian}-endian, abi ${s.abi}`,
    ...(load === null ? [] : ["", `load: ${unlinked(load)}`]),
    ...(s.doc === null ? [] : ["", s.doc]),
    "",
    diagramOf(s, program),
  ].join("\n");
}

/** What the language's keywords mean, for hover (docs/language.md has the whole story). */
const KEYWORDS: Readonly<Record<string, string>> = {
  load: "`load exact | zero_extend [from N, …] [compat S]`: how a reader takes a body of this struct.",
  exact: "`load exact`: a body must be exactly the struct's size.",
  zero_extend:
    "`load zero_extend from N, …`: a body of one of the older sizes is valid too; the fields past its end read as zero.",
  compat: "`compat S`: a body of the size of struct `S` is laid out as `S` (not a prefix of this struct).",
  entry:
    "`entry KIND (FIELD, …)`: a file may be this stream, told by these constant fields of the first preamble struct.",
  require:
    "`require PATH in VALUES [if PATH in VALUES]`: a value rule on a preamble struct (the walk stops) or on a record's body (a problem).",
  first: "`first R`: the stream's first record is `R`.",
  once: "`once R`: record `R` appears at most once.",
  order: "`order R before A, …`: none of `A, …` may come before the first `R`.",
  max: "`max length N [for R, …]`: the largest body a record may have.",
  payload: "`payload NAME of R = SIZE`: octets after the body's fields of `R`, inside the record's length.",
  after: "`after R stream S [until A, …]`: a whole stream `S` follows each `R` in line.",
  chain: "`u64 -> chain H (next, count) of E limit N`: a linked list of pages, each starting with header `H`.",
  match: '`u64 -> match F { "text": T, … }`: the target type is chosen by the text of field `F`.',
  preamble: "`preamble S [as LABEL], …`: structs that come once before the records.",
  header: "`header H (type, length)`: the record header struct and its type and length fields.",
};

function recordHover(d: Declared & { kind: "record" }): string {
  const r = d.stream.records.find((x) => x.span.start === d.span.start);
  if (r === undefined) return "";
  const code = r.code === undefined ? "" : ` "${r.code}"`;
  return [
    `**record ${r.name}** = \`${hexValue(r.value, null)}\`${code}${r.body === null ? ", no body" : ` : \`${r.body}\``} in stream \`${d.stream.name}\`${r.optional ? " (optional)" : ""}`,
    ...(r.doc === null ? [] : ["", r.doc]),
  ].join("\n");
}

/** Hover on a field (its resolved layout) or on a type or constant name (its declaration). */
export function hover(text: string, path: string, pos: Position, program: LayoutProgram | null): Hover | null {
  const offset = offsetAt(text, pos);
  const w = wordAt(text, offset);
  if (w === null) return null;
  const range = rangeOf(text, w.start, w.end);
  if (program !== null) {
    const ast = parseLu(path, text).ast;
    const ref = ast === null ? null : referenceAt(ast, w.start, program);
    const found = ref === null ? null : resolveReference(ref.ref, program);
    if (found?.kind === "record") return { contents: { kind: "markdown", value: recordHover(found) }, range };
    if (found?.kind === "field")
      return { contents: { kind: "markdown", value: fieldHover(found.struct, found.field, program) }, range };
    if (found?.kind === "part")
      return {
        contents: {
          kind: "markdown",
          value: [`**${found.name}**`, ...(found.doc === null ? [] : ["", found.doc])].join("\n"),
        },
        range,
      };
    const schema = program.schemas.find((s) => s.file === path);
    for (const s of schema?.structs ?? []) {
      const f = s.fields.find((x) => x.name === w.word && x.span.start <= w.start && w.start < x.span.end);
      if (f !== undefined) return { contents: { kind: "markdown", value: fieldHover(s, f, program) }, range };
    }
    const index = docIndex(program);
    const s = index.structs.get(w.word);
    if (s !== undefined) return { contents: { kind: "markdown", value: structHover(s, program) }, range };
    const e = index.enums.get(w.word) ?? index.flags.get(w.word);
    if (e !== undefined) {
      const kind = index.enums.has(w.word) ? "enum" : "flags";
      const members = e.members.map((m) => `- \`${hexValue(m.value, e.base)}\` ${m.name}`);
      return {
        contents: {
          kind: "markdown",
          value: [`**${kind} ${e.name}** : \`${e.base}\``, ...(e.doc === null ? [] : ["", e.doc]), "", ...members].join(
            "\n",
          ),
        },
        range,
      };
    }
    const c = program.schemas.flatMap((x) => x.consts).find((x) => x.name === w.word);
    if (c !== undefined) {
      return {
        contents: {
          kind: "markdown",
          value: [
            `**const ${c.name}** = \`${hexValue(c.value, null)}\` (${c.value})`,
            ...(c.doc === null ? [] : ["", c.doc]),
          ].join("\n"),
        },
        range,
      };
    }
    const sc = program.schemas.flatMap((x) => x.strings).find((x) => x.name === w.word);
    if (sc !== undefined)
      return {
        contents: {
          kind: "markdown",
          value: [
            `**const ${sc.name}** = \`${JSON.stringify(sc.value)}\``,
            ...(sc.doc === null ? [] : ["", sc.doc]),
          ].join("\n"),
        },
        range,
      };
    const node = program.schemas.flatMap((x) => x.nodes).find((x) => x.name === w.word);
    if (node !== undefined) {
      const members = nodeRows(node).map(
        (r) =>
          `- \`${r.key}\` ${r.member}: ${unlinked(`${r.type.before}${r.type.ref ?? ""}${r.type.after}`)}${r.optional ? " (optional)" : ""}`,
      );
      return {
        contents: {
          kind: "markdown",
          value: [
            `**node ${node.name}**`,
            ...(node.doc === null ? [] : ["", node.doc]),
            "",
            nodeSummary(node),
            "",
            ...members,
          ].join("\n"),
        },
        range,
      };
    }
    const st = index.streams.get(w.word);
    if (st !== undefined) {
      const rules = streamRuleLines(st, index).map((r) => `- ${unlinked(r)}`);
      const head = `**stream ${st.name}**: header \`${st.header}\`, ${st.records.length} record types, align ${st.align}`;
      return {
        contents: {
          kind: "markdown",
          value: [head, ...(st.doc === null ? [] : ["", st.doc]), ...(rules.length === 0 ? [] : ["", ...rules])].join(
            "\n",
          ),
        },
        range,
      };
    }
  }
  const kw = KEYWORDS[w.word];
  if (kw !== undefined) return { contents: { kind: "markdown", value: kw }, range };
  const prim = /^(u8|u16|u32|u64|i8|i16|i32|i64|f32|f64)(le|be)?$/.exec(w.word);
  if (prim?.[1] !== undefined) {
    const p = prim[1] as PrimName;
    const endian = prim[2] === "le" ? "little-endian" : prim[2] === "be" ? "big-endian" : "the struct's byte order";
    return {
      contents: {
        kind: "markdown",
        value: `**${w.word}**: ${primSize(p)} octet${primSize(p) === 1 ? "" : "s"}, ${primSize(p) === 1 ? "no byte order" : endian}`,
      },
      range,
    };
  }
  return null;
}

function declNameSpan(decl: AstDecl): { start: number; end: number } {
  return { start: decl.name.span.start, end: decl.name.span.end };
}

/** Where `name` is written inside `span` (a field's span starts at its offset): its start offset. */
function nameIn(text: string, span: { start: number; end: number }, name: string): number {
  const re = new RegExp(`\\b${name}\\b`, "g");
  re.lastIndex = span.start;
  const m = re.exec(text);
  return m === null || m.index > span.end ? span.start : m.index;
}

/** Where the name under the cursor is declared (across imports), or the imported file itself. */
export function definition(
  text: string,
  path: string,
  pos: Position,
  program: LayoutProgram | null,
  textOf: (p: string) => string | undefined,
): Location | null {
  const offset = offsetAt(text, pos);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = text.indexOf("\n", offset);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  const imp = /^\s*import\s+"([^"]+)"/.exec(line);
  if (imp?.[1] !== undefined && program !== null) {
    const target = program.schemas
      .find((s) => s.file === path)
      ?.imports.find((f) => f.endsWith(imp[1]?.replace(/^\.\//, "") ?? ""));
    if (target !== undefined)
      return { uri: pathToUri(target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  }
  const w = wordAt(text, offset);
  if (w === null || program === null) return null;
  const ast = parseLu(path, text).ast;
  const ref = ast === null ? null : referenceAt(ast, w.start, program);
  if (ref !== null && ref.ref.kind !== "decl") {
    const found = resolveReference(ref.ref, program);
    if (found !== null) {
      const file = found.span.file;
      const targetText = file === path ? text : textOf(file);
      if (targetText === undefined) return null;
      const name = found.kind === "field" ? found.field.name : found.kind === "part" ? found.name : ref.name.text;
      const at = nameIn(targetText, found.span, name);
      return { uri: pathToUri(file), range: rangeOf(targetText, at, at + name.length) };
    }
    // A rule value that is not a member of the path's enum is a constant: its declaration below.
    if (ref.ref.kind !== "value") return null;
  }
  const file = program.declaredIn.get(ref?.name.text ?? w.word);
  if (file === undefined) return null;
  const targetText = file === path ? text : textOf(file);
  if (targetText === undefined) return null;
  const decl = parseLu(file, targetText).ast?.decls.find((d) => d.name.text === (ref?.name.text ?? w.word));
  if (decl === undefined) return null;
  const span = declNameSpan(decl);
  return { uri: pathToUri(file), range: rangeOf(targetText, span.start, span.end) };
}

/** The struct whose `{` block holds `offset`, by its name, from the text as typed. */
function enclosingStruct(text: string, offset: number): { name: string; bodyStart: number } | null {
  const re = /\bstruct\s+([A-Za-z_]\w*)[^{;]*\{/g;
  let found: { name: string; bodyStart: number } | null = null;
  for (let m = re.exec(text); m !== null && m.index < offset; m = re.exec(text)) {
    const bodyStart = m.index + m[0].length;
    let depth = 1;
    let i = bodyStart;
    for (; i < offset && depth > 0; i++) {
      if (text.charAt(i) === "{") depth++;
      else if (text.charAt(i) === "}") depth--;
    }
    if (depth > 0 && m[1] !== undefined) found = { name: m[1], bodyStart };
  }
  return found;
}

/** Type names (primitives and the program's structs, enums, flag sets) and the next free offset. */
export function completion(text: string, path: string, pos: Position, program: LayoutProgram | null): CompletionItem[] {
  const offset = offsetAt(text, pos);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  // Nothing to complete inside a comment.
  if (/\/\/|\/\*(?!.*\*\/)/.test(before)) return [];
  const keywords = keywordCompletion(text, offset, program);
  if (keywords !== null) return keywords;
  const items: CompletionItem[] = [];
  const inStruct = enclosingStruct(text, offset);
  if (inStruct !== null && /^\s*@?[0-9A-Fa-fx_]*$/.test(before)) {
    // Next free offset: the end of the last field declared above the cursor.
    const fieldsAbove = [
      ...text.slice(inStruct.bodyStart, lineStart).matchAll(/@\s*[^\s:]+\s+([A-Za-z_]\w*)\s*:/g),
    ].map((m) => m[1] ?? "");
    const last = fieldsAbove[fieldsAbove.length - 1];
    const s = program === null ? undefined : docIndex(program).structs.get(inStruct.name);
    const field = s?.fields.find((f) => f.name === last);
    const next = last === undefined ? 0 : field === undefined ? null : field.offset + field.size;
    if (next !== null) {
      const at = before.includes("@");
      items.push({
        label: `@${next}`,
        kind: CompletionItemKind.Value,
        detail: "next free offset",
        documentation:
          last === undefined
            ? "first field"
            : `after '${last}' (offset ${field?.offset ?? 0}, size ${field?.size ?? 0})`,
        insertText: at ? String(next) : `@${next} `,
        filterText: at ? `@${next}` : `@${next}`,
        sortText: "0",
      });
    }
    return items;
  }
  const types: CompletionItem[] = PRIMS.flatMap((p) => (primSize(p) === 1 ? [p] : [p, `${p}le`, `${p}be`])).map(
    (label) => ({ label, kind: CompletionItemKind.Keyword, detail: "primitive type", sortText: `1${label}` }),
  );
  types.push(
    ...["pad", "ascii", "bytes"].map((label) => ({
      label,
      kind: CompletionItemKind.Keyword,
      detail: "octets",
      sortText: `1${label}`,
    })),
  );
  if (program !== null) {
    const index = docIndex(program);
    const visible = new Set(program.schemas.map((s) => s.file));
    for (const [name, s] of index.structs)
      if (visible.has(s.span.file))
        types.push({
          label: name,
          kind: CompletionItemKind.Struct,
          detail: `struct, ${s.size} octets`,
          sortText: `0${name}`,
        });
    for (const [name, e] of index.enums)
      types.push({ label: name, kind: CompletionItemKind.Enum, detail: `enum : ${e.base}`, sortText: `0${name}` });
    for (const [name, f] of index.flags)
      types.push({ label: name, kind: CompletionItemKind.Enum, detail: `flags : ${f.base}`, sortText: `0${name}` });
  }
  void path;
  return [...items, ...types];
}

/** Declarations of the document with their fields, members and records. */
export function documentSymbols(text: string, path: string): DocumentSymbol[] {
  const ast = parseLu(path, text).ast;
  if (ast === null) return [];
  const sym = (
    name: string,
    kind: SymbolKind,
    span: { start: number; end: number },
    sel: { start: number; end: number },
    detail?: string,
    children?: DocumentSymbol[],
  ): DocumentSymbol => ({
    name,
    kind,
    range: rangeOf(text, span.start, span.end),
    selectionRange: rangeOf(text, sel.start, sel.end),
    ...(detail === undefined ? {} : { detail }),
    ...(children === undefined ? {} : { children }),
  });
  return ast.decls.flatMap((d): DocumentSymbol[] => [symbolOf(d)].filter((x): x is DocumentSymbol => x !== null));
  function symbolOf(d: AstDecl): DocumentSymbol | null {
    switch (d.kind) {
      case "const":
        return d.value.kind === "string"
          ? sym(d.name.text, SymbolKind.String, d.span, d.name.span, `const ${JSON.stringify(d.value.value)}`)
          : sym(d.name.text, SymbolKind.Constant, d.span, d.name.span, "const");
      case "node":
        return sym(
          d.name.text,
          SymbolKind.Class,
          d.span,
          d.name.span,
          d.nodeName === null
            ? "node"
            : `node ${d.nodeName.kind === "string" ? JSON.stringify(d.nodeName.value) : d.nodeName.name.text}`,
          d.items.flatMap((it) =>
            it.kind === "member"
              ? [
                  sym(
                    it.name.text,
                    SymbolKind.Property,
                    it.span,
                    it.name.span,
                    it.key === null
                      ? "@*"
                      : it.key.kind === "string"
                        ? `@${JSON.stringify(it.key.value)}`
                        : `@${it.key.name.text}`,
                  ),
                ]
              : [],
          ),
        );
      case "enum":
      case "flags":
        return sym(
          d.name.text,
          SymbolKind.Enum,
          d.span,
          d.name.span,
          `${d.kind} : ${d.base.text}`,
          d.members.map((m) => sym(m.name.text, SymbolKind.EnumMember, m.span, m.name.span)),
        );
      case "struct":
        return sym(
          d.name.text,
          SymbolKind.Struct,
          d.span,
          d.name.span,
          "struct",
          d.fields.map((f) => sym(f.name.text, SymbolKind.Field, f.span, f.name.span)),
        );
      case "stream":
        return sym(
          d.name.text,
          SymbolKind.Namespace,
          d.span,
          d.name.span,
          "stream",
          d.items.flatMap((it): DocumentSymbol[] => {
            switch (it.kind) {
              case "record":
                return [sym(it.name.text, SymbolKind.Event, it.span, it.name.span)];
              case "recordCode":
                return [sym(it.name.text, SymbolKind.Event, it.span, it.name.span, JSON.stringify(it.code))];
              case "range":
                return [sym(it.name.text, SymbolKind.Constant, it.span, it.name.span)];
              case "entry":
                return [sym(it.label.text, SymbolKind.Key, it.span, it.label.span, "entry")];
              case "payload":
                return [sym(it.name.text, SymbolKind.Field, it.span, it.name.span, `payload of ${it.record.text}`)];
              default:
                return [];
            }
          }),
        );
      default:
        // A declaration kind added to the language later: listed once it is taught here.
        return null;
    }
  }
}

export { positionAt };
