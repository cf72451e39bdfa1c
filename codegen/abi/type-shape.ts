/**
 * How the ABI checker looks at a field's type: the integer underneath an enum/flags/bits field, and
 * a short human description of any type for messages (`u32le`, `enum 'domain_type' (u32le)`, …).
 */
import type { Endian, IntName, LayoutCount, LayoutElement, LayoutType, PrimName } from "../ir.js";

export interface IntegerView {
  readonly prim: IntName | PrimName;
  readonly endian: Endian;
}

/** The scalar an integer-like field is stored as, or null when it is not a scalar. */
export function scalarOf(type: LayoutType): IntegerView | null {
  switch (type.kind) {
    case "prim":
    case "enum":
    case "flags":
    case "bits":
      return { prim: type.prim, endian: type.endian };
    default:
      return null;
  }
}

const END = (e: Endian): string => (e === "little" ? "le" : "be");

function scalarText(prim: PrimName, endian: Endian): string {
  return prim === "u8" || prim === "i8" ? prim : `${prim}${END(endian)}`;
}

export function describeCount(count: LayoutCount): string {
  switch (count.kind) {
    case "fixed":
      return String(count.n);
    case "field":
      return count.field;
    case "rest":
      return "..";
  }
}

export function describeElement(el: LayoutElement): string {
  switch (el.kind) {
    case "prim":
      return scalarText(el.prim, el.endian);
    case "enum":
      return `enum '${el.enumName}' (${scalarText(el.prim, el.endian)})`;
    case "struct":
      return `struct '${el.structName}'`;
  }
}

export function describeType(type: LayoutType): string {
  switch (type.kind) {
    case "prim":
      return scalarText(type.prim, type.endian);
    case "enum":
      return `enum '${type.enumName}' (${scalarText(type.prim, type.endian)})`;
    case "flags":
      return `flags '${type.flagsName}' (${scalarText(type.prim, type.endian)})`;
    case "bits":
      return `${scalarText(type.prim, type.endian)} bits`;
    case "ascii":
      return `ascii[${describeCount(type.count)}]`;
    case "bytes":
      return `bytes[${describeCount(type.count)}]`;
    case "pad":
      return `pad[${type.length}]`;
    case "struct":
      return `struct '${type.structName}'`;
    case "array":
      return `${describeElement(type.element)}[${describeCount(type.count)}]`;
    case "stream":
      return `stream '${type.streamName}'`;
  }
}

/** Element endianness, when the element is a scalar. */
export function elementEndian(el: LayoutElement): Endian | null {
  return el.kind === "struct" ? null : el.endian;
}

/** Element identity ignoring endianness and declaration names (those are compared separately). */
export function elementKind(el: LayoutElement): string {
  return el.kind === "struct" ? "struct" : `${el.kind}:${el.prim}`;
}

export function sameCount(a: LayoutCount, b: LayoutCount): boolean {
  return describeCount(a) === describeCount(b) && a.kind === b.kind;
}

export function formatConst(v: bigint | string | null): string {
  if (v === null) return "none";
  if (typeof v === "string") return JSON.stringify(v);
  return `0x${v.toString(16).toUpperCase()}`;
}
