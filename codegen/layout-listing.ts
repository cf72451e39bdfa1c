/**
 * The `lu layout` listing: the constants (integer and string) and every struct's size, alignment
 * and fields (offset, size, type, and what a field must hold: a constant value or a length of its
 * input), as data (the `--json` shape) and as an aligned text table. Pure: IR in, data or text out.
 */
import { primLabel } from "./check/primitives.js";
import type { LayoutCount, LayoutElement, LayoutField, LayoutPointer, LayoutProgram, LayoutType } from "./ir.js";

export interface LayoutListingField {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly type: string;
  /**
   * What the field holds, as the schema writes it after `=`: a constant (`0xcafef00d`, `"RIFF"`)
   * or a length (`length of rest`, `length of input`). Absent for an ordinary field.
   */
  readonly value?: string;
}

/** A `const` declaration: `value` as the schema could write it (`0x1000`, `"kho-v1"`). */
export interface LayoutListingConst {
  readonly name: string;
  readonly type: "integer" | "string";
  readonly value: string;
  readonly file: string;
}

export interface LayoutListingStruct {
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly LayoutListingField[];
  /** Extra keys: where the struct is declared, its endianness and ABI rule. */
  readonly file: string;
  readonly endian: string;
  readonly abi: string;
}

export interface LayoutListing {
  readonly consts: readonly LayoutListingConst[];
  readonly structs: readonly LayoutListingStruct[];
}

function hexText(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

/** The decimal digits of `hexText`'s output. */
function decimalOf(hex: string): string {
  return hex.startsWith("-") ? `-${BigInt(hex.slice(1))}` : `${BigInt(hex)}`;
}

/** `0xcafef00d`, `"RIFF"`, `length of rest`: what follows `=` in the field's declaration, if anything. */
function fieldValue(f: LayoutField): { value?: string } {
  if (f.lengthOf !== undefined) return { value: `length of ${f.lengthOf}` };
  if (f.constValue === null) return {};
  return { value: typeof f.constValue === "string" ? JSON.stringify(f.constValue) : hexText(f.constValue) };
}

function countLabel(count: LayoutCount): string {
  switch (count.kind) {
    case "fixed":
      return String(count.n);
    case "field":
      return count.field;
    case "rest":
      return "..";
  }
}

function elementLabel(el: LayoutElement): string {
  switch (el.kind) {
    case "prim":
      return primLabel(el.prim, el.endian);
    case "enum":
      return el.enumName;
    case "struct":
      return el.structName;
  }
}

/** A readable type: `u32`, `u64be`, `u8[16]`, `lu_m2p_entry[..]`, `domctl_cdf`, `u64 bits`. */
export function typeLabel(type: LayoutType): string {
  switch (type.kind) {
    case "prim":
      return primLabel(type.prim, type.endian);
    case "enum":
      return type.enumName;
    case "flags":
      return type.flagsName;
    case "bits":
      return `${primLabel(type.prim, type.endian)} bits`;
    case "ascii":
      return `ascii[${countLabel(type.count)}]`;
    case "bytes":
      return `u8[${countLabel(type.count)}]`;
    case "pad":
      return `pad[${type.length}]`;
    case "struct":
      return type.structName;
    case "array":
      return `${elementLabel(type.element)}[${countLabel(type.count)}]`;
    case "stream":
      return `stream ${type.streamName}`;
  }
}

/** What a pointer field points at, as the schema spells it: `memfd_luo_ser`, `chain h(next, count) of e limit 10000`. */
export function pointerLabel(p: LayoutPointer): string {
  switch (p.kind) {
    case "struct":
      return p.structName;
    case "page":
      return "page";
    case "chain":
      return `chain ${p.header}(${p.next}${p.count === null ? "" : `, ${p.count}`}) of ${elementLabel(p.entry)} limit ${p.limit}`;
    case "match":
      return `match ${p.field} { ${p.arms.map((a) => `${JSON.stringify(a.compatible)}: ${a.structName}`).join(", ")} }`;
  }
}

/** The structs declared in `files` (all files of the program when omitted), in declaration order. */
export function layoutListing(program: LayoutProgram, files?: readonly string[]): LayoutListing {
  const schemas = program.schemas.filter((s) => files === undefined || files.includes(s.file));
  const consts = schemas.flatMap((schema) => [
    ...schema.consts.map((c) => ({
      name: c.name,
      type: "integer" as const,
      value: hexText(c.value),
      file: schema.file,
    })),
    ...schema.strings.map((c) => ({
      name: c.name,
      type: "string" as const,
      value: JSON.stringify(c.value),
      file: schema.file,
    })),
  ]);
  const structs = schemas.flatMap((schema) =>
    schema.structs.map((s) => ({
      name: s.name,
      size: s.size,
      align: s.align,
      fields: s.fields.map((f) => ({
        name: f.name,
        offset: f.offset,
        size: f.size,
        type: f.pointer === undefined ? typeLabel(f.type) : `${typeLabel(f.type)} -> ${pointerLabel(f.pointer)}`,
        ...fieldValue(f),
      })),
      file: schema.file,
      endian: s.endian,
      abi: s.abi,
    })),
  );
  return { consts, structs };
}

/**
 * Text form: the constants (`const NAME = value  (file)`, integers in hex and decimal), then a
 * heading per struct and one line per field (offset in hex and decimal; `= value` after the type
 * of a constant or length field).
 */
export function renderLayoutText(listing: LayoutListing): string {
  const out: string[] = [];
  if (listing.consts.length > 0) {
    const nameWidth = Math.max(...listing.consts.map((c) => c.name.length));
    const shown = listing.consts.map((c) => (c.type === "integer" ? `${c.value} (${decimalOf(c.value)})` : c.value));
    const valueWidth = Math.max(...shown.map((v) => v.length));
    listing.consts.forEach((c, i) =>
      out.push(`const ${c.name.padEnd(nameWidth)} = ${(shown[i] ?? "").padEnd(valueWidth)}  (${c.file})`),
    );
    out.push("");
  }
  for (const s of listing.structs) {
    out.push(`struct ${s.name}  size ${s.size}  align ${s.align}  (${s.file})`);
    const nameWidth = Math.max(4, ...s.fields.map((f) => f.name.length));
    for (const f of s.fields) {
      const offset = `0x${f.offset.toString(16).padStart(4, "0")}`;
      const size = f.size === 0 ? "var" : String(f.size);
      out.push(
        `  ${offset} ${String(f.offset).padStart(5)}  ${f.name.padEnd(nameWidth)}  ${size.padStart(4)}  ${f.type}${f.value === undefined ? "" : ` = ${f.value}`}`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
