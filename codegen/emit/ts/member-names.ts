/**
 * The TypeScript names of one struct class's members, decided once per struct: every field first
 * (in schema order, so a field keeps its natural name), then the names derived from fields (the
 * `…Number` view of 64-bit fields, `has…` of flag sets, bit ranges, a nested stream's offset and
 * length). A clash gets a numeric suffix rather than silently shadowing another member.
 */
import type { LayoutStruct } from "../../ir.js";
import { constantName, memberName, NameAllocator, STRUCT_MEMBERS, typeName } from "../../naming.js";
import { PRIMS } from "./primitives.js";

export interface StructMemberNames {
  /** Field name → accessor name (pad fields have none). */
  readonly field: ReadonlyMap<string, string>;
  /** 64-bit integer field → its `number` accessor. */
  readonly numberView: ReadonlyMap<string, string>;
  /** Flags field → its `has…` method. */
  readonly has: ReadonlyMap<string, string>;
  /** `field.range` → bit range accessor. */
  readonly range: ReadonlyMap<string, string>;
  /** Stream field → accessors of its absolute offset and byte length. */
  readonly streamOffset: ReadonlyMap<string, string>;
  readonly streamLength: ReadonlyMap<string, string>;
  /** Field name → `FIELD_OFFSET` static. */
  readonly offsetConst: ReadonlyMap<string, string>;
  /** Constant field name → `FIELD_VALUE` static. */
  readonly valueConst: ReadonlyMap<string, string>;
}

const STATIC_MEMBERS = ["SIZE", "ALIGN", "TYPE", "TYPES", "FIELDS", "SCHEMA_NAME", "at", "name", "length", "prototype"];

export function structMemberNames(struct: LayoutStruct): StructMemberNames {
  const members = new NameAllocator(STRUCT_MEMBERS);
  const statics = new NameAllocator(STATIC_MEMBERS);
  const field = new Map<string, string>();
  const numberView = new Map<string, string>();
  const has = new Map<string, string>();
  const range = new Map<string, string>();
  const streamOffset = new Map<string, string>();
  const streamLength = new Map<string, string>();
  const offsetConst = new Map<string, string>();
  const valueConst = new Map<string, string>();

  for (const f of struct.fields) {
    offsetConst.set(f.name, statics.take(`${constantName(f.name)}_OFFSET`));
    if (f.constValue !== null) valueConst.set(f.name, statics.take(`${constantName(f.name)}_VALUE`));
    if (f.type.kind !== "pad") field.set(f.name, members.take(memberName(f.name)));
  }
  for (const f of struct.fields) {
    const own = field.get(f.name) ?? memberName(f.name);
    const t = f.type;
    if (t.kind === "prim" && PRIMS[t.prim].bigint) numberView.set(f.name, members.take(`${own}Number`));
    if (t.kind === "flags") has.set(f.name, members.take(`has${typeName(own, "")}`));
    if (t.kind === "bits") {
      for (const r of t.ranges) {
        const plain = memberName(r.name);
        const name = members.has(plain) ? `${own}${typeName(r.name, "")}` : plain;
        range.set(`${f.name}.${r.name}`, members.take(name));
      }
    }
    if (t.kind === "stream") {
      streamOffset.set(f.name, members.take(`${own}Offset`));
      streamLength.set(f.name, members.take(`${own}Length`));
    }
  }
  return { field, numberView, has, range, streamOffset, streamLength, offsetConst, valueConst };
}
