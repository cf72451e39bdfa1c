/**
 * What the documentation says about each declaration, shared by the Markdown and HTML pages:
 * type names with the declaration they link to, endianness, sizes, value lists of enums and flag
 * sets, bit ranges, constant and reserved fields, growth rules. Text uses `backticks` for code;
 * each renderer turns that into its own markup.
 */
import { primSize } from "../check/primitives.js";
import type {
  Endian,
  IntName,
  LayoutEnum,
  LayoutField,
  LayoutElement,
  LayoutFlags,
  LayoutPointer,
  LayoutProgram,
  LayoutSchema,
  LayoutStream,
  LayoutStruct,
  LayoutType,
} from "../ir.js";

/** Declarations of the whole program by name, and the file each is declared in. */
export interface DocIndex {
  readonly structs: ReadonlyMap<string, LayoutStruct>;
  readonly enums: ReadonlyMap<string, LayoutEnum>;
  readonly flags: ReadonlyMap<string, LayoutFlags>;
  readonly streams: ReadonlyMap<string, LayoutStream>;
  readonly declaredIn: ReadonlyMap<string, string>;
}

export function docIndex(program: LayoutProgram): DocIndex {
  const all = program.schemas;
  return {
    structs: new Map(all.flatMap((s) => s.structs.map((d) => [d.name, d] as const))),
    enums: new Map(all.flatMap((s) => s.enums.map((d) => [d.name, d] as const))),
    flags: new Map(all.flatMap((s) => s.flags.map((d) => [d.name, d] as const))),
    streams: new Map(all.flatMap((s) => s.streams.map((d) => [d.name, d] as const))),
    declaredIn: program.declaredIn,
  };
}

/** A type as the field table shows it: text around an optional linked declaration name. */
export interface TypeText {
  readonly before: string;
  /** The declaration the type names (enum, flags, struct, stream), or null. */
  readonly ref: string | null;
  readonly after: string;
}

function countText(count: { kind: "fixed"; n: number } | { kind: "field"; field: string } | { kind: "rest" }): string {
  return count.kind === "fixed" ? String(count.n) : count.kind === "field" ? count.field : "..";
}

export function typeText(type: LayoutType): TypeText {
  const plain = (text: string): TypeText => ({ before: text, ref: null, after: "" });
  switch (type.kind) {
    case "prim":
      return plain(type.prim);
    case "enum":
      return { before: "", ref: type.enumName, after: ` (${type.prim})` };
    case "flags":
      return { before: "", ref: type.flagsName, after: ` (${type.prim})` };
    case "bits":
      return plain(`${type.prim} bits`);
    case "ascii":
      return plain(`ascii[${type.length}]`);
    case "bytes":
      return plain(`u8[${countText(type.count)}]`);
    case "pad":
      return plain(`pad[${type.length}]`);
    case "struct":
      return { before: "", ref: type.structName, after: "" };
    case "array": {
      const el = type.element;
      const brackets = `[${countText(type.count)}]`;
      if (el.kind === "prim") return plain(`${el.prim}${brackets}`);
      return { before: "", ref: el.kind === "enum" ? el.enumName : el.structName, after: brackets };
    }
    case "stream":
      return { before: "stream ", ref: type.streamName, after: "" };
    default:
      // A type kind added to the language later: its kind, until it is taught here.
      return plain((type as { readonly kind: string }).kind);
  }
}

function elementName(el: LayoutElement): string {
  return el.kind === "prim" ? el.prim : el.kind === "enum" ? el.enumName : el.structName;
}

function pointerTypeText(p: LayoutPointer): string {
  switch (p.kind) {
    case "struct":
      return ` -> ${p.structName}`;
    case "page":
      return " -> page";
    case "chain":
      return ` -> chain ${p.header} of ${elementName(p.entry)}`;
    case "match":
      return ` -> match ${p.field}`;
  }
}

/**
 * The type column of a field: its type, with what a pointer points at (`u64 -> kho_radix_node`,
 * `u64[512] -> kho_radix_node`) and what an area descriptor's area holds (`kho_vmalloc of
 * memfd_luo_folio_ser[nr_folios]`).
 */
export function fieldTypeText(field: LayoutField): TypeText {
  const t = typeText(field.type);
  if (field.area !== undefined)
    return { ...t, after: `${t.after} of ${elementName(field.area.element)}[${countText(field.area.count)}]` };
  if (field.pointer !== undefined) return { ...t, after: `${t.after}${pointerTypeText(field.pointer)}` };
  return t;
}

/** What a pointer's address leads to, in words; `[[name]]` links a declaration. */
export function pointerLine(p: LayoutPointer, each: boolean): string {
  const lead = each ? "Each element is the physical address (0: none) of" : "Physical address (0: none) of";
  switch (p.kind) {
    case "struct":
      return `${lead} a [[${p.structName}]].`;
    case "page":
      return `${lead} one page of octets.`;
    case "chain": {
      const entry = p.entry.kind === "prim" ? `\`${p.entry.prim}\`` : `[[${elementName(p.entry)}]]`;
      const count = p.count === null ? "up to the first all-zero entry" : `\`${p.count}\` of them`;
      return `${lead} a chain of pages, each a [[${p.header}]] (next page in \`${p.next}\`) followed by ${entry} entries (${count}); at most ${p.limit} pages.`;
    }
    case "match":
      return `${lead} the struct the text of \`${p.field}\` selects: ${p.arms.map((a) => `"${a.compatible}" [[${a.structName}]]`).join(", ")}.`;
  }
}

/** What a `scattered(…)` struct describes, in words; null for other structs. */
export function scatteredText(struct: LayoutStruct): string | null {
  const sc = struct.scattered;
  if (sc === undefined) return null;
  return `Describes a scattered area: pieces of 2^\`${sc.order}\` pages each, whose physical addresses \`${sc.pieces}\` lists in order, \`${sc.pages}\` pages in all; concatenated, they are the area (\`scattered(${sc.pieces}, ${sc.order}, ${sc.pages})\`).`;
}

function endianOf(type: LayoutType): { endian: Endian; width: number } | null {
  switch (type.kind) {
    case "prim":
    case "enum":
    case "flags":
    case "bits":
      return { endian: type.endian, width: primSize(type.prim) };
    case "array":
      if (type.element.kind === "struct") return null;
      return { endian: type.element.endian, width: primSize(type.element.prim) };
    default:
      return null;
  }
}

/** `LE`, `BE`, or `-` where byte order does not apply (octets, text, structs). */
export function endianText(type: LayoutType): string {
  const e = endianOf(type);
  if (e === null || e.width === 1) return "-";
  return e.endian === "little" ? "LE" : "BE";
}

/** Octets: a number, `8 × C` for a counted array, `rest` for what fills the body. */
export function sizeText(field: LayoutField, letters: ReadonlyMap<string, string>): string {
  const t = field.type;
  if (field.size > 0 || (t.kind !== "array" && t.kind !== "bytes" && t.kind !== "stream")) return String(field.size);
  if (t.kind === "stream") return "rest of body";
  const count = t.count;
  const per = t.kind === "array" ? t.stride : 1;
  if (count.kind === "field") {
    const n = letters.get(count.field) ?? count.field;
    return per === 1 ? n : `${per} × ${n}`;
  }
  return per === 1 ? "rest of body" : `${per} × N (rest of body)`;
}

/** Hex with the digits of an integer of `base` (`0x0001` for a u16). */
export function hexValue(value: bigint | number, base: IntName | null): string {
  const v = BigInt(value);
  if (v < 0n) return `-0x${(-v).toString(16).toUpperCase()}`;
  const digits = base === null ? 1 : primSize(base) * 2;
  return `0x${v.toString(16).toUpperCase().padStart(digits, "0")}`;
}

/** One line per member: `0x0001` name: doc. */
export function memberLines(decl: LayoutEnum | LayoutFlags): string[] {
  return decl.members.map(
    (m) => `\`${hexValue(m.value, decl.base)}\` ${m.name}${m.doc === null ? "" : `: ${oneLine(m.doc)}`}`,
  );
}

export function oneLine(doc: string): string {
  return doc.replace(/\s*\n\s*/g, " ").trim();
}

/** The description cell of a field: doc, fixed value, reserved, values, bit ranges, counts. */
export function fieldDescription(
  field: LayoutField,
  struct: LayoutStruct,
  index: DocIndex,
  letters: ReadonlyMap<string, string>,
  abbreviations: ReadonlyMap<string, string>,
): string[] {
  const lines: string[] = [];
  const short = abbreviations.get(field.name);
  if (short !== undefined) lines.push(`Shown as \`${short}\` in the diagram.`);
  if (field.doc !== null) lines.push(oneLine(field.doc));
  const t = field.type;
  if (field.constValue !== null) {
    const value =
      typeof field.constValue === "string" ? JSON.stringify(field.constValue) : hexValue(field.constValue, intOf(t));
    lines.push(`Always \`${value}\`.`);
  }
  if (field.lengthOf !== undefined) {
    const from = field.lengthOf === "rest" ? "from the end of this field" : "from the start of the struct";
    lines.push(`\`= length of ${field.lengthOf}\`: the octets ${from} to the end of its input.`);
  }
  if (field.pointer !== undefined) lines.push(pointerLine(field.pointer, t.kind === "array"));
  if (field.area !== undefined) {
    const a = field.area;
    const el = a.element.kind === "prim" ? `\`${a.element.prim}\`` : `[[${elementName(a.element)}]]`;
    const n = a.count.kind === "fixed" ? String(a.count.n) : `\`${countText(a.count)}\``;
    lines.push(`Describes a scattered area that holds ${n} ${el} (${a.stride} octets each).`);
  }
  if (field.reserved) lines.push("Reserved: zero; may gain a meaning only in a new record type.");
  if (t.kind === "pad") lines.push("Padding: zero.");
  const letter = letters.get(field.name);
  const trailing = struct.trailing;
  if (letter !== undefined && trailing !== null) lines.push(`Number of \`${trailing.name}\` elements (${letter}).`);
  if (t.kind === "enum") {
    const e = index.enums.get(t.enumName);
    if (e !== undefined) lines.push(...memberLines(e));
  }
  if (t.kind === "flags") {
    const f = index.flags.get(t.flagsName);
    if (f !== undefined) lines.push(...memberLines(f), "Other bits: reserved.");
  }
  if (t.kind === "bits") {
    const ranges = [...t.ranges].sort((a, b) => b.hi - a.hi);
    for (const r of ranges) {
      const bits = r.lo === r.hi ? `bit ${r.lo}` : `bits ${r.hi}-${r.lo}`;
      const as = r.enumName ?? r.flagsName;
      lines.push(`${bits}: ${r.name}${as === null ? "" : ` (${as})`}${r.doc === null ? "" : `: ${oneLine(r.doc)}`}`);
    }
    const named = new Set<number>();
    for (const r of t.ranges) for (let b = r.lo; b <= r.hi; b++) named.add(b);
    const free = primSize(t.prim) * 8 - named.size;
    if (free > 0) lines.push(`other bits (${free}): reserved`);
  }
  if (t.kind === "stream") lines.push(`The rest of the body is a \`${t.streamName}\` record stream.`);
  if (field === trailing && t.kind !== "stream") {
    const count = t.kind === "array" || t.kind === "bytes" ? t.count : null;
    if (count?.kind === "rest") lines.push("Fills the rest of the body.");
  }
  return lines;
}

function intOf(t: LayoutType): IntName | null {
  return t.kind === "prim" || t.kind === "enum" || t.kind === "flags" || t.kind === "bits"
    ? t.prim === "f32" || t.prim === "f64"
      ? null
      : t.prim
    : null;
}

/** The growth rule of a struct (its `abi` rule), in words. */
export function growthRule(struct: LayoutStruct): string {
  const size =
    struct.trailing === null ? `${struct.size} octets` : `${struct.size} octets before \`${struct.trailing.name}\``;
  switch (struct.abi) {
    case "frozen":
      return `exact size, ${size}; never changes (\`abi frozen\`).`;
    case "append":
      return `${size} today; may grow only by fields appended at the end, existing fields never move (\`abi append\`).`;
    case "free":
      return `${size}; no evolution rule (\`abi free\`).`;
    default:
      return `${size} (\`abi ${String(struct.abi)}\`).`;
  }
}

/** How a stream ends, in words: its end record, or the end of its input. */
export function streamEnd(end: string | null): string {
  return end === null ? "ends where its input ends" : `ends with \`${end}\``;
}

/** Type value range of a stream's records, as text. */
export function recordValue(value: number): string {
  return hexValue(value, "u32");
}

/** The declarations a page lists in its contents, by kind, in page order (nodes last). */
export function contentsGroups(schema: LayoutSchema): { readonly title: string; readonly names: string[] }[] {
  return [
    { title: "Streams", names: schema.streams.map((s) => s.name) },
    { title: "Structs", names: schema.structs.map((s) => s.name) },
    { title: "Enums", names: schema.enums.map((s) => s.name) },
    { title: "Flags", names: schema.flags.map((s) => s.name) },
    { title: "Nodes", names: schema.nodes.map((s) => s.name) },
  ];
}
