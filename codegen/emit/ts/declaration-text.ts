/**
 * The `.lu` declaration a generated member comes from, spelled back from the IR (endianness made
 * explicit), for TSDoc: `@0x1c flags: lu_domctl_cdf (u32le)`. Quoting the declaration rather
 * than a line number keeps the output stable across unrelated schema edits.
 */
import type { LayoutCount, LayoutElement, LayoutField, LayoutType } from "../../ir.js";
import { primLabel } from "./primitives.js";

function countText(count: LayoutCount): string {
  switch (count.kind) {
    case "fixed":
      return `${count.n}`;
    case "field":
      return count.field;
    case "rest":
      return "..";
  }
}

function elementText(el: LayoutElement): string {
  switch (el.kind) {
    case "prim":
      return primLabel(el.prim, el.endian);
    case "enum":
      return `${el.enumName} (${primLabel(el.prim, el.endian)})`;
    case "struct":
      return el.structName;
  }
}

/** The type as the schema would spell it, endianness explicit. */
export function typeText(type: LayoutType): string {
  switch (type.kind) {
    case "prim":
      return primLabel(type.prim, type.endian);
    case "enum":
      return `${type.enumName} (${primLabel(type.prim, type.endian)})`;
    case "flags":
      return `${type.flagsName} (${primLabel(type.prim, type.endian)})`;
    case "bits":
      return `${primLabel(type.prim, type.endian)} bits`;
    case "ascii":
      return `ascii[${countText(type.count)}]`;
    case "bytes":
      return `u8[${countText(type.count)}]`;
    case "pad":
      return `pad[${type.length}]`;
    case "struct":
      return type.structName;
    case "array":
      return `${elementText(type.element)}[${countText(type.count)}]`;
    case "stream":
      return `stream ${type.streamName}`;
  }
}

/** `@0x1c flags: lu_domctl_cdf (u32le) = 0x1 reserved` */
export function fieldText(field: LayoutField): string {
  const value =
    field.constValue === null
      ? ""
      : typeof field.constValue === "string"
        ? ` = ${JSON.stringify(field.constValue)}`
        : ` = 0x${field.constValue.toString(16)}`;
  return `@0x${field.offset.toString(16)} ${field.name}: ${typeText(field.type)}${value}${field.reserved ? " reserved" : ""}`;
}
