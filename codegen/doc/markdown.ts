/**
 * `lu doc --format md`: one Markdown page per schema file, in the form of the specs: per struct the
 * octet diagram and a field table, enum and flag tables, each stream's record framing and record
 * type table. GitHub and pandoc both read it (pipe tables, fenced diagrams, heading ids = names).
 */
import type { LayoutNode, LayoutProgram, LayoutSchema, LayoutStream, LayoutStruct } from "../ir.js";
import { renderDiagramText } from "./diagram.js";
import {
  type DocIndex,
  type TypeText,
  docIndex,
  endianText,
  fieldDescription,
  fieldTypeText,
  growthRule,
  streamEnd,
  hexValue,
  oneLine,
  scatteredText,
  sizeText,
  contentsGroups,
} from "./describe.js";
import { nodeRows, nodeSummary } from "./nodes.js";
import { loadRuleText, preambleText, streamRuleLines } from "./rules.js";
import { streamRows } from "./stream-table.js";
import { recordFramingDiagram, structDiagram } from "./struct-diagram.js";

export interface DocPage {
  /** Output path relative to the output directory: the schema's base name + extension. */
  readonly path: string;
  readonly text: string;
}

/** `schema/live-update.lu` → `live-update`. */
export function pageBase(file: string): string {
  const base = file.split("/").pop() ?? file;
  return base.replace(/\.lu$/, "");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A link to the declaration `name`: in this page, or in the page of the file declaring it. */
function link(name: string, here: string, index: DocIndex, ext: string): string {
  const file = index.declaredIn.get(name);
  const page = file === undefined || file === here ? "" : `${pageBase(file)}.${ext}`;
  return `[${name}](${page}#${name.toLowerCase()})`;
}

/** Rule text (`[[name]]` links) as Markdown. */
function rich(text: string, here: string, index: DocIndex): string {
  return text.replace(/\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]/g, (_m, name: string) => link(name, here, index, "md"));
}

function typeCell(t: TypeText, here: string, index: DocIndex): string {
  const ref = t.ref === null ? "" : link(t.ref, here, index, "md");
  return `${t.before}${ref}${t.after}`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

function structSection(s: LayoutStruct, here: string, index: DocIndex): string[] {
  const lookup = (n: string): LayoutStruct | undefined => index.structs.get(n);
  const d = structDiagram(s, lookup);
  const out = [`### ${s.name}`, ""];
  if (s.doc !== null) out.push(oneLine(s.doc), "");
  out.push(
    `Size ${s.size} octets${s.trailing === null ? "" : ` + \`${s.trailing.name}\``}, align ${s.align}, ${s.endian}-endian. Growth: ${growthRule(s)}`,
    "",
  );
  const load = loadRuleText(s);
  if (load !== null) out.push(`Load: ${rich(load, here, index)}`, "");
  const scattered = scatteredText(s);
  if (scattered !== null) out.push(scattered, "");
  out.push("```text", renderDiagramText(d), "```", "");
  if (s.fields.length > 0) {
    const rows = s.fields.map((f) => [
      String(f.offset),
      sizeText(f, d.countLetters),
      `\`${f.name}\``,
      typeCell(fieldTypeText(f), here, index),
      endianText(f.type),
      rich(fieldDescription(f, s, index, d.countLetters, d.abbreviations).join("<br>"), here, index),
    ]);
    out.push(...table(["Offset", "Size", "Field", "Type", "Endian", "Description"], rows), "");
  }
  return out;
}

function nodeSection(n: LayoutNode, here: string, index: DocIndex): string[] {
  const out = [`### ${n.name}`, ""];
  if (n.doc !== null) out.push(oneLine(n.doc), "");
  out.push(nodeSummary(n), "");
  const rows = nodeRows(n).map((r) => [
    r.key === "*" ? "`*`" : `\`${r.key}\``,
    `\`${r.member}\``,
    typeCell(r.type, here, index),
    r.optional ? "yes" : "no",
    rich(r.lines.join("<br>"), here, index),
  ]);
  if (rows.length > 0) out.push(...table(["Key", "Member", "Type", "Optional", "Description"], rows), "");
  return out;
}

function streamSection(st: LayoutStream, here: string, index: DocIndex): string[] {
  const header = index.structs.get(st.header);
  const out = [`### ${st.name}`, ""];
  if (st.doc !== null) out.push(oneLine(st.doc), "");
  if (st.preamble.length > 0)
    out.push(`Preamble: ${rich(preambleText(st), here, index)}, once, before the records.`, "");
  out.push(
    `Record header: ${link(st.header, here, index, "md")} (type in \`${st.typeField}\`, body length in \`${st.lengthField}\`)` +
      `${st.align > 1 ? `; bodies padded with zeros to a multiple of ${st.align} octets` : "; bodies not padded"}` +
      `${st.optionalBit === null ? "" : `; bit ${st.optionalBit} of the type marks an optional record`}; ${streamEnd(st.end)}.`,
    "",
  );
  if (header !== undefined) {
    const lookup = (n: string): LayoutStruct | undefined => index.structs.get(n);
    out.push("```text", renderDiagramText(recordFramingDiagram(header, st.align, lookup)), "```", "");
  }
  const rules = streamRuleLines(st, index);
  if (rules.length > 0) out.push("Rules:", "", ...rules.map((r) => `- ${rich(r, here, index)}`), "");
  const rows = streamRows(st, index).map((r) => [
    r.value,
    r.kind === "range" ? `*${r.name}*` : `\`${r.name}\``,
    r.body === null ? "-" : link(r.body, here, index, "md"),
    r.optional,
    r.doc,
  ]);
  out.push(...table(["Type", "Record", "Body", "Optional", "Description"], rows), "");
  return out;
}

function schemaPage(schema: LayoutSchema, index: DocIndex): string {
  const here = schema.file;
  const out = [`# ${pageBase(here)}`, "", `Generated by \`lu doc\` from \`${here}\`; do not edit.`, ""];
  if (schema.doc !== null) out.push(...schema.doc.split("\n").map((l) => l.trimEnd()), "");
  if (schema.imports.length > 0) {
    out.push(`Imports: ${schema.imports.map((f) => `[${f}](${pageBase(f)}.md)`).join(", ")}.`, "");
  }
  out.push(`Default byte order: ${schema.endian}-endian.`, "");
  const contents: string[] = [];
  const section = (title: string, names: readonly string[]): void => {
    if (names.length > 0) contents.push(`- ${title}: ${names.map((n) => `[${n}](#${n.toLowerCase()})`).join(", ")}`);
  };
  for (const g of contentsGroups(schema)) section(g.title, g.names);
  if (contents.length > 0) out.push("## Contents", "", ...contents, "");

  if (schema.consts.length > 0 || schema.strings.length > 0) {
    const rows = [
      ...schema.consts.map((c) => [
        `\`${c.name}\``,
        `\`${hexValue(c.value, null)}\` (${c.value})`,
        c.doc === null ? "" : oneLine(c.doc),
      ]),
      ...schema.strings.map((c) => [
        `\`${c.name}\``,
        `\`${JSON.stringify(c.value)}\` (string)`,
        c.doc === null ? "" : oneLine(c.doc),
      ]),
    ];
    out.push("## Constants", "", ...table(["Name", "Value", "Description"], rows), "");
  }
  if (schema.streams.length > 0) {
    out.push("## Streams", "");
    for (const st of schema.streams) out.push(...streamSection(st, here, index));
  }
  if (schema.structs.length > 0) {
    out.push("## Structs", "");
    for (const s of schema.structs) out.push(...structSection(s, here, index));
  }
  if (schema.nodes.length > 0) {
    out.push("## Nodes", "");
    for (const n of schema.nodes) out.push(...nodeSection(n, here, index));
  }
  for (const [title, decls, what] of [
    ["Enums", schema.enums, "Value"],
    ["Flags", schema.flags, "Mask"],
  ] as const) {
    if (decls.length === 0) continue;
    out.push(`## ${title}`, "");
    for (const e of decls) {
      out.push(`### ${e.name}`, "");
      if (e.doc !== null) out.push(oneLine(e.doc), "");
      out.push(`Base type \`${e.base}\`.`, "");
      const rows = e.members.map((m) => [
        `\`${hexValue(m.value, e.base)}\``,
        `\`${m.name}\``,
        m.doc === null ? "" : oneLine(m.doc),
      ]);
      out.push(...table([what, "Name", "Description"], rows), "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** One Markdown page per schema of `program` (only `files` when given). */
export function markdownPages(program: LayoutProgram, files?: readonly string[]): DocPage[] {
  const index = docIndex(program);
  return program.schemas
    .filter((s) => files === undefined || files.includes(s.file))
    .map((s) => ({ path: `${pageBase(s.file)}.md`, text: schemaPage(s, index) }));
}
