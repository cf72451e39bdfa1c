/**
 * Runs the generated accessors' `validate()` on what `lu dump` / `lu validate` walk: every record
 * body (the `*_BODIES` map of its stream: record type → class), the record headers with more than
 * type and length (the HVM save descriptor), and the preambles (libxc image and domain headers,
 * libxl header). The IR decoder (decode-struct.ts) already checks most field rules generically;
 * `validate()` adds what only the generated code knows (reserved bit ranges of `bits` fields, for
 * one) and pins the CLI to the classes users call. A fact both find — same record, same kind, same
 * field path — is reported once, as the decoder found it.
 */
import {
  HVM_SAVE_BODIES,
  HvmSaveDescriptor,
  LU_STREAM_BODIES,
  XC_STREAM_BODIES,
  XL_STREAM_BODIES,
  XcDomainHeader,
  XcImageHeader,
  XcRhdr,
  XlHeader,
  XlRhdr,
} from "../../generated/index.js";
import type { StructClass } from "../../runtime/accessor-support.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import { LuDataError } from "../../runtime/errors.js";
import type { Problem } from "../../runtime/problem.js";
import type { InspectProblem } from "./inspect-problem.js";

/** Body classes of each stream, by record type. */
const BODY_CLASSES: ReadonlyMap<string, ReadonlyMap<number, StructClass>> = new Map([
  ["lu_stream", LU_STREAM_BODIES],
  ["xc_stream", XC_STREAM_BODIES],
  ["xl_stream", XL_STREAM_BODIES],
  ["hvm_save", HVM_SAVE_BODIES],
]);

/** Header and preamble classes, by schema struct name. */
const STRUCT_CLASSES: ReadonlyMap<string, StructClass> = new Map(
  [XcImageHeader, XcDomainHeader, XcRhdr, XlHeader, XlRhdr, HvmSaveDescriptor].map((c): [string, StructClass] => [c.SCHEMA_NAME, c]),
);

/**
 * The generated class of record `type` of `stream`, when there is one and it is the struct the
 * schemas in use name (`bodyName`): with schemas from elsewhere (`loadSchemas(dir)`) the generated
 * classes may describe other layouts, and then only the IR decoder checks.
 */
export function bodyClass(stream: string, type: number, bodyName: string): StructClass | undefined {
  const cls = BODY_CLASSES.get(stream)?.get(type);
  return cls !== undefined && cls.SCHEMA_NAME === bodyName ? cls : undefined;
}

export function structClass(structName: string): StructClass | undefined {
  return STRUCT_CLASSES.get(structName);
}

/** Where the checked struct is, copied into every problem. */
export interface CheckedRecord {
  readonly index: number;
  readonly name: string;
}

function sameRecord(p: InspectProblem, record: CheckedRecord | undefined): boolean {
  return record === undefined ? p.recordIndex === undefined && p.record === undefined : p.recordIndex === record.index && p.record === record.name;
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
    problems.push(record === undefined ? { offset: f.offset, field: f.field, kind: f.kind, message: f.message } : { offset: f.offset, recordIndex: record.index, record: record.name, field: f.field, kind: f.kind, message: f.message });
  }
}
