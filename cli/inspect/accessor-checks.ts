/**
 * Runs the generated accessors' `validate()` on what `lu dump` / `lu validate` walk: record bodies,
 * record headers with more than type and length (the HVM save descriptor), preamble structs. The
 * IR decoder (decode-struct.ts) already checks most field rules generically; `validate()` adds what
 * only the generated code knows (reserved bit ranges of `bits` fields, for one) and pins the CLI to
 * the classes users call. A struct has a generated class when the package generates one of its
 * name and layout (every class `generated/` exports, by `SCHEMA_NAME`); none is named here. A fact
 * both find — same record, same kind, same field path — is reported once, as the decoder found it.
 */
import type { LayoutStruct } from "../../codegen/ir.js";
import * as generated from "../../generated/index.js";
import type { StructClass } from "../../runtime/accessor-support.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import { LuDataError } from "../../runtime/errors.js";
import type { Problem } from "../../runtime/problem.js";
import type { InspectProblem } from "./inspect-problem.js";
import type { SchemaIndex } from "./schema-program.js";

function isStructClass(v: unknown): v is StructClass {
  return (
    typeof v === "function" &&
    typeof (v as { SCHEMA_NAME?: unknown }).SCHEMA_NAME === "string" &&
    typeof (v as { at?: unknown }).at === "function" &&
    Array.isArray((v as { FIELDS?: unknown }).FIELDS)
  );
}

/** Every generated struct class, by schema struct name. */
const CLASSES = new Map<string, StructClass[]>();
for (const v of Object.values(generated)) {
  if (isStructClass(v)) CLASSES.set(v.SCHEMA_NAME, [...(CLASSES.get(v.SCHEMA_NAME) ?? []), v]);
}

/** Whether `cls` has the layout of `s`: size and every field's name, offset and size. */
function sameLayout(cls: StructClass, s: LayoutStruct): boolean {
  return (
    cls.SIZE === s.size &&
    cls.FIELDS.length === s.fields.length &&
    s.fields.every((f, i) => {
      const g = cls.FIELDS[i];
      return g !== undefined && g.name === f.name && g.offset === f.offset && g.size === f.size;
    })
  );
}

const found = new WeakMap<SchemaIndex, Map<string, StructClass | undefined>>();

/**
 * The generated class of struct `name` of `schemas`, when there is one with its layout: with
 * schemas from elsewhere (`--schema`) a generated class of the same name may describe another
 * layout, and then only the IR decoder checks.
 */
export function structClass(schemas: SchemaIndex, name: string): StructClass | undefined {
  let byName = found.get(schemas);
  if (byName === undefined) found.set(schemas, (byName = new Map()));
  if (byName.has(name)) return byName.get(name);
  const s = schemas.structs.get(name);
  const cls = s === undefined ? undefined : CLASSES.get(name)?.find((c) => sameLayout(c, s));
  byName.set(name, cls);
  return cls;
}

/** Where the checked struct is, copied into every problem. */
export interface CheckedRecord {
  readonly index: number;
  readonly name: string;
}

function sameRecord(p: InspectProblem, record: CheckedRecord | undefined): boolean {
  return record === undefined
    ? p.recordIndex === undefined && p.record === undefined
    : p.recordIndex === record.index && p.record === record.name;
}

/**
 * Places `cls` at `[offset, offset + length)` of `source`, runs its `validate()` and appends to
 * `problems` every problem not already there for the same record, kind and field (those the IR
 * decoder reported since `since`, the length of `problems` before this struct was decoded).
 * A body too short for the class is left to the decoder's `short-body` problem.
 */
export function checkWithAccessor(
  cls: StructClass,
  source: ByteSource,
  offset: number,
  length: number,
  record: CheckedRecord | undefined,
  problems: InspectProblem[],
  since: number,
): void {
  let found: Problem[];
  try {
    found = cls.at(source, offset, length).validate();
  } catch (e) {
    if (e instanceof LuDataError) return;
    throw e;
  }
  if (found.length === 0) return;
  const known = new Set<string>();
  for (let i = since; i < problems.length; i++) {
    const p = problems[i];
    if (p !== undefined && sameRecord(p, record)) known.add(`${p.kind}\u0000${p.field ?? ""}`);
  }
  for (const f of found) {
    const key = `${f.kind}\u0000${f.field}`;
    if (known.has(key)) continue;
    known.add(key);
    problems.push(
      record === undefined
        ? { offset: f.offset, field: f.field, kind: f.kind, message: f.message }
        : {
            offset: f.offset,
            recordIndex: record.index,
            record: record.name,
            field: f.field,
            kind: f.kind,
            message: f.message,
          },
    );
  }
}
