/**
 * Facts about one struct the class emitters share: member names, the schema path used in
 * messages, and whether a struct (with everything nested in it) has anything to validate or
 * initialise, so enclosing classes skip calls that would do nothing.
 */
import type { LayoutField, LayoutStruct, LayoutType } from "../../ir.js";
import type { FileContext } from "./context.js";
import { structMemberNames, type StructMemberNames } from "./member-names.js";
import { unnamedBits } from "./bit-ranges.js";

export interface StructModel {
  readonly struct: LayoutStruct;
  readonly cls: string;
  readonly names: StructMemberNames;
  /** The accessor of `field` (throws for pad fields, which have none). */
  accessor(field: string): string;
  /** `lu_domain_info.page_shift`: how messages name a field. */
  path(field: LayoutField): string;
}

export function structModel(struct: LayoutStruct, cls: string): StructModel {
  const names = structMemberNames(struct);
  return {
    struct,
    cls,
    names,
    accessor(field) {
      const n = names.field.get(field);
      if (n === undefined) throw new Error(`internal: field '${field}' of '${struct.name}' has no accessor`);
      return n;
    },
    path: (field) => `${struct.name}.${field.name}`,
  };
}

/** Whether a field is the trailing variable-length part (placed past the fixed part). */
export function isTrailing(field: LayoutField): boolean {
  const t = field.type;
  return (
    t.kind === "stream" ||
    ((t.kind === "array" || t.kind === "bytes" || t.kind === "ascii") && t.count.kind !== "fixed")
  );
}

function typeNeedsValidate(ctx: FileContext, t: LayoutType, seen: Set<string>): boolean {
  switch (t.kind) {
    case "enum":
    case "flags":
    case "pad":
      return true;
    case "bits":
      return unnamedBits(t.prim, t.ranges) !== 0n || t.ranges.some((r) => r.enumName !== null || r.flagsName !== null);
    case "struct":
      return structNeedsValidate(ctx, t.structName, seen);
    case "array":
      if (t.count.kind !== "fixed") return true;
      if (t.element.kind === "enum") return true;
      return t.element.kind === "struct" && structNeedsValidate(ctx, t.element.structName, seen);
    case "bytes":
    case "ascii":
      return t.count.kind !== "fixed";
    default:
      return false;
  }
}

export function structNeedsValidate(ctx: FileContext, name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const s = ctx.struct(name);
  return s.fields.some(
    (f) => f.constValue !== null || f.reserved || f.lengthOf !== undefined || typeNeedsValidate(ctx, f.type, seen),
  );
}

export function structNeedsInit(ctx: FileContext, name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const s = ctx.struct(name);
  return s.fields.some((f) => {
    if (f.constValue !== null || f.reserved || f.type.kind === "pad") return true;
    const t = f.type;
    if (t.kind === "bits") return unnamedBits(t.prim, t.ranges) !== 0n;
    if (t.kind === "struct") return structNeedsInit(ctx, t.structName, seen);
    if (t.kind === "array" && t.count.kind === "fixed" && t.element.kind === "struct")
      return structNeedsInit(ctx, t.element.structName, seen);
    return false;
  });
}
