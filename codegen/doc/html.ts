/**
 * `lu doc --format html`: one self-contained page per schema file (inline CSS, no script, no
 * network): a sidebar index, per struct an SVG octet diagram whose boxes show offset, size and type
 * on hover, the field table with each type linked to its declaration, enum, flag and record-type
 * tables. The same content as the Markdown page.
 */
import type { LayoutField, LayoutNode, LayoutProgram, LayoutSchema, LayoutStream, LayoutStruct } from "../ir.js";
import type { DiagramCell } from "./diagram.js";
import {
  type DocIndex,
  type TypeText,
  docIndex,
  endianText,
  fieldDescription,
  growthRule,
  streamEnd,
  hexValue,
  oneLine,
  sizeText,
  typeText,
  fieldTypeText,
  scatteredText,
  contentsGroups,
} from "./describe.js";
import { nodeRows, nodeSummary } from "./nodes.js";
import { type DocPage, pageBase } from "./markdown.js";
import { loadRuleText, preambleText, streamRuleLines } from "./rules.js";
import { streamRows } from "./stream-table.js";
import { recordFramingDiagram, structDiagram } from "./struct-diagram.js";
import { escapeXml as esc, renderDiagramSvg } from "./svg.js";

const STYLE = `
:root { --fg: #1d2330; --muted: #5b6474; --line: #c9cfd9; --accent: #1f5fbf; --box: #f3f6fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); display: flex; }
nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; width: 250px; flex: none;
  padding: 16px; border-right: 1px solid var(--line); background: #fafbfd; font-size: 13px; }
nav h2 { font-size: 12px; text-transform: uppercase; color: var(--muted); margin: 14px 0 4px; }
nav ul { list-style: none; margin: 0; padding: 0; }
nav a { color: var(--fg); text-decoration: none; font-family: ui-monospace, monospace; }
nav a:hover { color: var(--accent); }
main { padding: 16px 32px 64px; max-width: 1100px; min-width: 0; }
h1 { margin-top: 0; }
h3 { font-family: ui-monospace, monospace; border-top: 1px solid var(--line); padding-top: 18px; }
code { font-family: ui-monospace, monospace; font-size: 0.92em; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--box); }
td.num { font-family: ui-monospace, monospace; white-space: nowrap; }
a { color: var(--accent); }
.meta { color: var(--muted); }
svg.octets { display: block; margin: 8px 0 12px; font-family: ui-monospace, monospace; font-size: 12px; }
svg.octets .ruler { fill: var(--muted); text-anchor: middle; }
svg.octets .box rect { fill: var(--box); stroke: var(--fg); stroke-width: 1; }
svg.octets .box.empty rect { fill: #fff; }
svg.octets .box:hover rect { fill: #dce8fb; }
svg.octets .box text { text-anchor: middle; fill: var(--fg); }
svg.octets .more { fill: var(--muted); font-size: 16px; }
svg.octets .edge { stroke: var(--fg); }
`;

/** Text with `code` spans, escaped. */
function inline(text: string): string {
  return esc(text).replace(/`([^`]*)`/g, "<code>$1</code>");
}

function anchor(name: string): string {
  return name.toLowerCase();
}

function link(name: string, here: string, index: DocIndex): string {
  const file = index.declaredIn.get(name);
  const page = file === undefined || file === here ? "" : `${pageBase(file)}.html`;
  return `<a class="ref" href="${esc(page)}#${esc(anchor(name))}">${esc(name)}</a>`;
}

/** Rule text as HTML: `code`, **name**, `[[name]]` links to declarations. */
function rich(text: string, here: string, index: DocIndex): string {
  return inline(text)
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]/g, (_m, name: string) => link(name, here, index));
}

function typeHtml(t: TypeText, here: string, index: DocIndex): string {
  return `${esc(t.before)}${t.ref === null ? "" : link(t.ref, here, index)}${esc(t.after)}`;
}

function typePlain(t: TypeText): string {
  return `${t.before}${t.ref ?? ""}${t.after}`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[], cls = ""): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table${cls === "" ? "" : ` class="${cls}"`}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Tooltip of a box: the field, its offset, size, type and byte order. */
function cellTitle(struct: LayoutStruct, cell: DiagramCell, letters: ReadonlyMap<string, string>): string {
  const names = cell.field?.split(", ") ?? [];
  const fields = names
    .map((n) => struct.fields.find((f) => f.name === n))
    .filter((f): f is LayoutField => f !== undefined);
  const first = fields[0];
  if (first === undefined) return cell.label === "" ? "" : cell.label;
  const size = fields.reduce((n, f) => n + f.size, 0);
  const sizeLabel = fields.length === 1 ? sizeText(first, letters) : String(size);
  const endian = endianText(first.type);
  const type = fields.map((f) => typePlain(fieldTypeText(f))).join(" + ");
  return `${names.join(", ")}: offset ${first.offset}, size ${sizeLabel}, ${type}${endian === "-" ? "" : ` ${endian}`}`;
}

function structSection(s: LayoutStruct, here: string, index: DocIndex): string {
  const lookup = (n: string): LayoutStruct | undefined => index.structs.get(n);
  const d = structDiagram(s, lookup);
  const out = [`<section class="struct" id="${esc(anchor(s.name))}">`, `<h3>${esc(s.name)}</h3>`];
  if (s.doc !== null) out.push(`<p>${inline(oneLine(s.doc))}</p>`);
  out.push(
    `<p class="meta">Size ${s.size} octets${s.trailing === null ? "" : ` + <code>${esc(s.trailing.name)}</code>`}, align ${s.align}, ${s.endian}-endian. Growth: ${inline(growthRule(s))}</p>`,
  );
  const load = loadRuleText(s);
  if (load !== null) out.push(`<p class="load">Load: ${rich(load, here, index)}</p>`);
  const scattered = scatteredText(s);
  if (scattered !== null) out.push(`<p class="scattered">${inline(scattered)}</p>`);
  out.push(renderDiagramSvg(d, (c) => cellTitle(s, c, d.countLetters), `diagram-${anchor(s.name)}`));
  if (s.fields.length > 0) {
    const rows = s.fields.map((f) => [
      String(f.offset),
      esc(sizeText(f, d.countLetters)),
      `<code>${esc(f.name)}</code>`,
      typeHtml(fieldTypeText(f), here, index),
      endianText(f.type),
      fieldDescription(f, s, index, d.countLetters, d.abbreviations)
        .map((l) => rich(l, here, index))
        .join("<br>"),
    ]);
    out.push(table(["Offset", "Size", "Field", "Type", "Endian", "Description"], rows, "fields"));
  }
  out.push("</section>");
  return out.join("\n");
}

function nodeSection(n: LayoutNode, here: string, index: DocIndex): string {
  const out = [`<section class="node" id="${esc(anchor(n.name))}">`, `<h3>${esc(n.name)}</h3>`];
  if (n.doc !== null) out.push(`<p>${inline(oneLine(n.doc))}</p>`);
  out.push(`<p class="meta">${inline(nodeSummary(n))}</p>`);
  const rows = nodeRows(n).map((r) => [
    `<code>${esc(r.key)}</code>`,
    `<code>${esc(r.member)}</code>`,
    typeHtml(r.type, here, index),
    r.optional ? "yes" : "no",
    r.lines.map((l) => rich(l, here, index)).join("<br>"),
  ]);
  if (rows.length > 0) out.push(table(["Key", "Member", "Type", "Optional", "Description"], rows, "properties"));
  out.push("</section>");
  return out.join("\n");
}

function streamSection(st: LayoutStream, here: string, index: DocIndex): string {
  const out = [`<section class="stream" id="${esc(anchor(st.name))}">`, `<h3>${esc(st.name)}</h3>`];
  if (st.doc !== null) out.push(`<p>${inline(oneLine(st.doc))}</p>`);
  if (st.preamble.length > 0)
    out.push(`<p>Preamble: ${rich(preambleText(st), here, index)}, once, before the records.</p>`);
  out.push(
    `<p>Record header: ${link(st.header, here, index)} (type in <code>${esc(st.typeField)}</code>, body length in <code>${esc(st.lengthField)}</code>)` +
      `${st.align > 1 ? `; bodies padded with zeros to a multiple of ${st.align} octets` : "; bodies not padded"}` +
      `${st.optionalBit === null ? "" : `; bit ${st.optionalBit} of the type marks an optional record`}; ${inline(streamEnd(st.end))}.</p>`,
  );
  const header = index.structs.get(st.header);
  if (header !== undefined) {
    const lookup = (n: string): LayoutStruct | undefined => index.structs.get(n);
    const d = recordFramingDiagram(header, st.align, lookup);
    out.push(
      renderDiagramSvg(
        d,
        (c) => (c.field === null ? c.label : cellTitle(header, c, d.countLetters)),
        `diagram-${anchor(st.name)}`,
      ),
    );
  }
  const rules = streamRuleLines(st, index);
  if (rules.length > 0)
    out.push(`<p>Rules:</p>`, `<ul class="rules">`, ...rules.map((r) => `<li>${rich(r, here, index)}</li>`), "</ul>");
  const rows = streamRows(st, index).map((r) => [
    esc(r.value),
    r.kind === "range" ? `<em>${esc(r.name)}</em>` : `<code>${esc(r.name)}</code>`,
    r.body === null ? "-" : link(r.body, here, index),
    r.optional,
    inline(r.doc),
  ]);
  out.push(table(["Type", "Record", "Body", "Optional", "Description"], rows, "records"), "</section>");
  return out.join("\n");
}

function sidebar(schema: LayoutSchema, all: readonly LayoutSchema[]): string {
  const group = (title: string, names: readonly string[]): string =>
    names.length === 0
      ? ""
      : `<h2>${esc(title)}</h2><ul>${names.map((n) => `<li><a href="#${esc(anchor(n))}">${esc(n)}</a></li>`).join("")}</ul>`;
  const pages = all
    .map((s) => `<li><a href="${esc(pageBase(s.file))}.html">${esc(pageBase(s.file))}</a></li>`)
    .join("");
  return [
    `<nav id="index"><strong>${esc(pageBase(schema.file))}</strong>`,
    // Without nodes there is no nodes group at all, so pages without them keep their layout.
    ...contentsGroups(schema)
      .filter((g) => g.title !== "Nodes" || g.names.length > 0)
      .map((g) => group(g.title, g.names)),
    `<h2>Schemas</h2><ul>${pages}</ul>`,
    "</nav>",
  ].join("\n");
}

function schemaPage(schema: LayoutSchema, index: DocIndex, all: readonly LayoutSchema[]): string {
  const here = schema.file;
  const main: string[] = [
    `<h1>${esc(pageBase(here))}</h1>`,
    `<p class="meta">Generated by <code>lu doc</code> from <code>${esc(here)}</code>; do not edit.</p>`,
  ];
  if (schema.doc !== null) {
    for (const para of schema.doc.split(/\n\s*\n/)) main.push(`<p>${inline(oneLine(para))}</p>`);
  }
  if (schema.imports.length > 0) {
    main.push(
      `<p>Imports: ${schema.imports.map((f) => `<a href="${esc(pageBase(f))}.html">${esc(f)}</a>`).join(", ")}.</p>`,
    );
  }
  main.push(`<p>Default byte order: ${schema.endian}-endian.</p>`);
  if (schema.consts.length > 0 || schema.strings.length > 0) {
    const rows = [
      ...schema.consts.map((c) => [
        `<code>${esc(hexValue(c.value, null))}</code>`,
        `<code>${esc(c.name)}</code>`,
        c.doc === null ? "" : inline(oneLine(c.doc)),
      ]),
      ...schema.strings.map((c) => [
        `<code>${esc(JSON.stringify(c.value))}</code>`,
        `<code>${esc(c.name)}</code>`,
        c.doc === null ? "" : inline(oneLine(c.doc)),
      ]),
    ];
    main.push(`<h2 id="constants">Constants</h2>`, table(["Value", "Name", "Description"], rows));
  }
  if (schema.streams.length > 0)
    main.push(`<h2 id="streams">Streams</h2>`, ...schema.streams.map((st) => streamSection(st, here, index)));
  if (schema.structs.length > 0)
    main.push(`<h2 id="structs">Structs</h2>`, ...schema.structs.map((s) => structSection(s, here, index)));
  if (schema.nodes.length > 0)
    main.push(`<h2 id="nodes">Nodes</h2>`, ...schema.nodes.map((n) => nodeSection(n, here, index)));
  for (const [title, decls, what] of [
    ["Enums", schema.enums, "Value"],
    ["Flags", schema.flags, "Mask"],
  ] as const) {
    if (decls.length === 0) continue;
    main.push(`<h2 id="${title.toLowerCase()}">${title}</h2>`);
    for (const e of decls) {
      const rows = e.members.map((m) => [
        `<code>${esc(hexValue(m.value, e.base))}</code>`,
        `<code>${esc(m.name)}</code>`,
        m.doc === null ? "" : inline(oneLine(m.doc)),
      ]);
      main.push(
        `<section class="${title === "Enums" ? "enum" : "flags"}" id="${esc(anchor(e.name))}">`,
        `<h3>${esc(e.name)}</h3>`,
        e.doc === null ? "" : `<p>${inline(oneLine(e.doc))}</p>`,
        `<p class="meta">Base type <code>${esc(e.base)}</code>.</p>`,
        table([what, "Name", "Description"], rows),
        "</section>",
      );
    }
  }
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(pageBase(here))}: lu-codec schema</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    sidebar(schema, all),
    `<main>\n${main.filter((l) => l !== "").join("\n")}\n</main>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** One HTML page per schema of `program` (only `files` when given). */
export function htmlPages(program: LayoutProgram, files?: readonly string[]): DocPage[] {
  const index = docIndex(program);
  const chosen = program.schemas.filter((s) => files === undefined || files.includes(s.file));
  return chosen.map((s) => ({ path: `${pageBase(s.file)}.html`, text: schemaPage(s, index, chosen) }));
}
