/**
 * The rules a schema states beyond the layout, in words, for the Markdown and HTML pages: a
 * struct's load rule (`load exact`, `load zero_extend from … compat …`) and a stream's file entry,
 * value requirements, record order, longest body, payloads and streams in line. Text uses
 * `backticks` for code, `**…**` for the rule's name and `[[name]]` for a link to a declaration;
 * each renderer turns those into its own markup.
 */
import type {
  LayoutCondition,
  LayoutSizeExpr,
  LayoutStream,
  LayoutStruct,
  LayoutValuePath,
  LayoutValueSet,
} from "../ir.js";
import { type DocIndex, hexValue, oneLine } from "./describe.js";

/** The load rule of a struct that declares one, in words; null when it declares none. */
export function loadRuleText(s: LayoutStruct): string | null {
  const rule = s.load;
  if (rule === undefined) return null;
  if (rule.kind === "exact")
    return `exact (\`load exact\`): a body of exactly ${s.size} octets; a shorter or longer one is a problem.`;
  const from = rule.from;
  const written = `load zero_extend${from.length > 0 ? ` from ${from.join(", ")}` : ""}${rule.compat === null ? "" : ` compat ${rule.compat}`}`;
  const parts = [`zero-extended (\`${written}\`): a body of ${s.size} octets`];
  if (from.length > 0) {
    const sizes =
      from.length === 1 ? `${from[0]} octets` : `${from.slice(0, -1).join(", ")} or ${from[from.length - 1]} octets`;
    parts.push(`, or of an older size, ${sizes}, whose missing fields read as zero`);
  }
  if (rule.compat !== null) parts.push(`; a body of the size of [[${rule.compat}]] is laid out as that struct`);
  parts.push("; a longer body, or a shorter one of another size, is a problem.");
  return parts.join("");
}

/** `2` or `0xFFFFFFFF`: decimal up to 0xFFFF, hex above (or below zero). */
function number(v: bigint): string {
  return v >= 0n && v <= 0xffffn ? String(v) : hexValue(v, null);
}

function pathText(p: LayoutValuePath): string {
  return [p.root, ...p.fields].join(".");
}

/** The values of a rule, enum members by name: `2, 3`, `9..30`, `broken, xalloc`. */
function valuesText(values: LayoutValueSet, enumName: string | null, index: DocIndex): string {
  const members = enumName === null ? undefined : index.enums.get(enumName)?.members;
  const one = (v: bigint): string => {
    const m = members?.find((x) => x.value === v);
    return m === undefined ? number(v) : m.name;
  };
  return values.map((r) => (r.lo === r.hi ? one(r.lo) : `${one(r.lo)}..${one(r.hi)}`)).join(", ");
}

/** `is 3`, `is one of 2, 3`, `is in 9..30`. */
function isIn(values: LayoutValueSet, enumName: string | null, index: DocIndex): string {
  const text = valuesText(values, enumName, index);
  const only = values[0];
  if (values.length === 1 && only !== undefined) return only.lo === only.hi ? `is ${text}` : `is in ${text}`;
  return `is one of ${text}`;
}

function condition(when: LayoutCondition | null, index: DocIndex): string {
  return when === null ? "" : ` when \`${pathText(when.path)}\` ${isIn(when.values, when.path.enumName, index)}`;
}

const PRECEDENCE: Readonly<Record<string, number>> = { "<<": 1, ">>": 1, "+": 2, "-": 2, "*": 3, "/": 3, "%": 3 };

/** A payload size as the schema writes it (field paths relative to the record body). */
export function sizeExprText(e: LayoutSizeExpr, index: DocIndex): string {
  switch (e.kind) {
    case "number":
      return number(e.value);
    case "path":
      return e.scope === "body" ? e.path.fields.join(".") : pathText(e.path);
    case "count":
      return `count(${e.array} where ${e.element.fields.join(".")}${e.negate ? " not" : ""} in ${valuesText(e.values, e.element.enumName, index)})`;
    case "binary": {
      const p = PRECEDENCE[e.op] ?? 0;
      const side = (x: LayoutSizeExpr, right: boolean): string => {
        const text = sizeExprText(x, index);
        if (x.kind !== "binary") return text;
        const q = PRECEDENCE[x.op] ?? 0;
        return q < p || (right && q === p) ? `(${text})` : text;
      };
      return `${side(e.left, false)} ${e.op} ${side(e.right, true)}`;
    }
    default:
      return (e as { readonly kind: string }).kind;
  }
}

const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(", ");

const withDoc = (text: string, doc: string | null): string => (doc === null ? text : `${text} ${oneLine(doc)}`);

/** The constant a magic field holds, as the schema writes it. */
function constantText(s: LayoutStruct | undefined, field: string): string {
  const f = s?.fields.find((x) => x.name === field);
  const v = f?.constValue;
  if (v === undefined || v === null) return "its constant";
  return typeof v === "string" ? `\`${JSON.stringify(v)}\`` : `\`${hexValue(v, null)}\``;
}

/** One line per rule of `st`, in the order a reader meets them (entry first). */
export function streamRuleLines(st: LayoutStream, index: DocIndex): string[] {
  const out: string[] = [];
  const entry = st.entry;
  if (entry !== null) {
    const first = st.preamble[0];
    const struct = first === undefined ? undefined : index.structs.get(first);
    const told =
      entry.memory !== undefined
        ? `the stream lies in the pages of a machine-memory image, reached through \`${entry.memory.via}\` (shown as \`${entry.memory.label}\`)`
        : entry.magic.length === 0 || first === undefined
          ? "it is taken when it is the only entry tried (no identifying fields)"
          : `a file is this stream when ${entry.magic.map((m) => `\`${first}.${m}\` is ${constantText(struct, m)}`).join(" and ")}`;
    out.push(
      withDoc(
        `**${entry.memory === undefined ? "File" : "Memory"} entry** \`${entry.kind}\` (what \`lu dump\` reports the ${entry.memory === undefined ? "file" : "image"} as): ${told}.`,
        entry.doc,
      ),
    );
  }
  for (const r of st.requires) {
    const field = r.path.fields[r.path.fields.length - 1] ?? r.path.root;
    const scope = r.scope === "preamble" ? "" : ` in every \`${r.path.root}\` record`;
    const otherwise =
      r.scope === "preamble" ? `the file is not read further (\`unsupported-${field}\`)` : `a \`bad-${field}\` problem`;
    out.push(
      withDoc(
        `**Requires** \`${pathText(r.path)}\` ${isIn(r.values, r.path.enumName, index)}${scope}${condition(r.when, index)}; otherwise ${otherwise}.`,
        r.doc,
      ),
    );
  }
  for (const o of st.order) {
    const text =
      o.kind === "first"
        ? `**First record**: \`${o.record}\`.`
        : o.kind === "once"
          ? `**At most once**: \`${o.record}\` (\`record-repeated\`).`
          : `**Order**: no ${list(o.later)} before the first \`${o.record}\`${condition(o.when, index)} (\`record-order\`).`;
    out.push(withDoc(text, o.doc));
  }
  for (const m of st.maxLength) {
    const of = m.records.length === 0 ? "any record" : list(m.records);
    out.push(`**Longest body** of ${of}: ${m.value} octets (\`body-too-long\`).`);
  }
  for (const p of st.payloads) {
    out.push(
      withDoc(
        `**Payload** \`${p.name}\` of \`${p.record}\`: \`${sizeExprText(p.size, index)}\` octets after the body's fields, within the record's length.`,
        p.doc,
      ),
    );
  }
  for (const s of st.inline) {
    const ends = s.until.length === 0 ? "its end record" : `its end record or ${list(s.until)}`;
    out.push(
      withDoc(
        `**Stream in line**: after each \`${s.record}\` record a whole [[${s.stream}]] stream follows (its preamble, then its records up to ${ends}), outside any record body.`,
        s.doc,
      ),
    );
  }
  return out;
}

/** The preamble structs with the names `lu dump` gives them: `[[s]]`, or `[[s]] (as \`label\`)`. */
export function preambleText(st: LayoutStream): string {
  return st.preamble
    .map((p, i) => {
      const label = st.preambleLabels[i];
      return label === undefined || label === p ? `[[${p}]]` : `[[${p}]] (as \`${label}\`)`;
    })
    .join(", ");
}
