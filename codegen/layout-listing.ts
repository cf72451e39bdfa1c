/**
 * The `lu layout` listing: every struct's size, alignment and fields (offset, size, type), as data
 * (the `--json` shape) and as an aligned text table. Pure: IR in, data or text out.
 */
import { primLabel } from "./check/primitives.js";
import type { LayoutCount, LayoutElement, LayoutProgram, LayoutType } from "./ir.js";

export interface LayoutListingField {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly type: string;
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
  readonly structs: readonly LayoutListingStruct[];
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

/** The structs declared in `files` (all files of the program when omitted), in declaration order. */
export function layoutListing(program: LayoutProgram, files?: readonly string[]): LayoutListing {
  const structs = program.schemas
    .filter((s) => files === undefined || files.includes(s.file))
    .flatMap((schema) =>
      schema.structs.map((s) => ({
        name: s.name,
        size: s.size,
        align: s.align,
        fields: s.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.size, type: typeLabel(f.type) })),
        file: schema.file,
        endian: s.endian,
        abi: s.abi,
      })),
    );
  return { structs };
}

/** Text form: a heading per struct, then one line per field (offset in hex and decimal). */
export function renderLayoutText(listing: LayoutListing): string {
  const out: string[] = [];
  for (const s of listing.structs) {
    out.push(`struct ${s.name}  size ${s.size}  align ${s.align}  (${s.file})`);
    const nameWidth = Math.max(4, ...s.fields.map((f) => f.name.length));
    for (const f of s.fields) {
      const offset = `0x${f.offset.toString(16).padStart(4, "0")}`;
      const size = f.size === 0 ? "var" : String(f.size);
      out.push(`  ${offset} ${String(f.offset).padStart(5)}  ${f.name.padEnd(nameWidth)}  ${size.padStart(4)}  ${f.type}`);
    }
    out.push("");
  }
  return out.join("\n");
}
