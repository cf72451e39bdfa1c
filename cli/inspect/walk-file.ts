/**
 * Walks a file the way its schema says: which stream it is (`entry`, told by the constant fields
 * of the first preamble struct when there are several candidates), the preamble structs and their
 * `require` rules, the records with the stream's order rules, whole streams in line after a record
 * (`after … stream …`), and octets after the end record. No format is known here by name: the
 * Xen streams, RIFF or a user's own format are all read from their `.lu` declarations.
 */
import type { LayoutStream, LayoutStruct } from "../../codegen/ir.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import { checkWithAccessor, structClass } from "./accessor-checks.js";
import { type DecodeContext, decodeStruct } from "./decode-struct.js";
import type { InspectProblem } from "./inspect-problem.js";
import type { JsonValue } from "./json-value.js";
import { inSet, pathText, setText, valueAt } from "./rule-values.js";
import { type SchemaIndex, streamOf, structOf } from "./schema-program.js";
import { type DumpRecord, type WalkResult, checkTrailingData, conditionHolds, walkStream } from "./walk-stream.js";

type Fields = { readonly [k: string]: JsonValue };

/** What the file is taken to be. */
export type InspectTarget =
  /** One of these entry streams (told apart by their magic fields when there are several). */
  | { readonly kind: "entries"; readonly streams: readonly string[] }
  /** This stream, from octet 0 (preamble, then records). */
  | { readonly kind: "stream"; readonly stream: string }
  /** This struct, the whole file. */
  | { readonly kind: "struct"; readonly struct: string };

/** Receives the walk as it happens. */
export interface WalkSink {
  /** A preamble struct (named by its `preamble … as` label) or the `--struct` of the file. */
  preamble(name: string, offset: number, fields: Fields): void;
  record(stream: string, record: DumpRecord): void;
}

export interface FileWalkResult {
  /** The entry's kind (`entry KIND`), the stream's or the struct's name; "unknown" when none fits. */
  readonly kind: string;
  readonly problems: InspectProblem[];
}

interface Walk {
  readonly schemas: SchemaIndex;
  readonly source: ByteSource;
  readonly problems: InspectProblem[];
  readonly sink: WalkSink;
  readonly full: boolean;
  readonly end: number;
}

/** Every stream of `schemas` a file may be (`entry`, not `entry … in memory`), in schema order. */
export function entryStreams(schemas: SchemaIndex): LayoutStream[] {
  return schemas.program.schemas.flatMap((s) =>
    s.streams.filter((st) => st.entry !== null && st.entry.memory === undefined),
  );
}

/** Every stream of `schemas` found in a machine-memory image (`entry … in memory via …`). */
export function memoryStreams(schemas: SchemaIndex): LayoutStream[] {
  return schemas.program.schemas.flatMap((s) => s.streams.filter((st) => st.entry?.memory !== undefined));
}

/** Whether the file starts with the constant values of `stream`'s entry fields. */
function magicMatches(schemas: SchemaIndex, source: ByteSource, stream: LayoutStream): boolean {
  const first = stream.preamble[0];
  if (stream.entry === null || stream.entry.magic.length === 0 || first === undefined) return false;
  const s = structOf(schemas, first);
  if (source.byteLength < s.size) return false;
  const fields = decodeStruct({ schemas, source, problems: [], nestedStream: () => null }, s.name, 0, s.size).fields;
  return stream.entry.magic.every((name) => {
    const f = s.fields.find((x) => x.name === name);
    const v = fields[name];
    if (f === undefined || f.constValue === null) return false;
    if (typeof f.constValue === "string") return v === f.constValue;
    return (typeof v === "number" || typeof v === "string") && /^-?\d+$/.test(String(v)) && BigInt(v) === f.constValue;
  });
}

function describeEntry(schemas: SchemaIndex, stream: LayoutStream): string {
  const first = stream.preamble[0] ?? "";
  const shown = (v: bigint | string | null | undefined): string =>
    typeof v === "bigint" ? `0x${v.toString(16)}` : JSON.stringify(v ?? null);
  return `${stream.entry?.kind ?? stream.name}: ${first} ${stream.entry?.magic.map((m) => `${m} = ${shown(structOf(schemas, first).fields.find((f) => f.name === m)?.constValue)}`).join(", ") ?? ""}`;
}

export function walkFile(
  source: ByteSource,
  schemas: SchemaIndex,
  target: InspectTarget,
  sink: WalkSink,
  full: boolean,
): FileWalkResult {
  const problems: InspectProblem[] = [];
  const w: Walk = { schemas, source, problems, sink, full, end: source.byteLength };
  if (target.kind === "struct") {
    const s = structOf(schemas, target.struct);
    const since = problems.length;
    const decoded = decodeStruct(preambleContext(w), s.name, 0, source.byteLength);
    const cls = structClass(schemas, s.name);
    if (cls !== undefined) checkWithAccessor(cls, source, 0, source.byteLength, undefined, problems, since);
    sink.preamble(s.name, 0, decoded.fields);
    if (decoded.extent < source.byteLength) {
      problems.push({
        offset: decoded.extent,
        kind: "trailing-data",
        message: `${source.byteLength - decoded.extent} octets after struct '${s.name}'`,
      });
    }
    return { kind: s.name, problems };
  }
  let stream: LayoutStream | undefined;
  if (target.kind === "stream") stream = streamOf(schemas, target.stream);
  else {
    const candidates = target.streams.map((n) => streamOf(schemas, n));
    // An entry without magic fields is taken as it is (when it is the only one, or none with magic fits).
    stream =
      candidates.find((c) => magicMatches(schemas, source, c)) ?? candidates.find((c) => c.entry?.magic.length === 0);
    if (stream === undefined) {
      const tried = candidates.filter((c) => (c.entry?.magic.length ?? 0) > 0).map((c) => describeEntry(schemas, c));
      problems.push({
        offset: 0,
        kind: "unknown-format",
        message: `not a file the schemas' entries describe${tried.length > 0 ? ` (${tried.join("; ")})` : ""}; give --schema FILE.lu (with --stream or --struct), or --image --bootmem FRAME for a memory image`,
      });
      return { kind: "unknown", problems };
    }
  }
  const r = walkEntry(w, stream, 0, w.end, new Set());
  // The file is exactly the stream: octets after its end record (or after the end a preamble
  // length field gives) are garbage, or a sign of a concatenated or wrongly cut file.
  if (r.complete && (stream.end !== null || r.lengthField !== undefined)) {
    const after = stream.end !== null ? `the ${stream.end} record` : `the end that ${r.lengthField ?? ""} gives`;
    checkTrailingData(
      source,
      r.position,
      source.byteLength,
      { index: r.lastIndex, name: r.lastName ?? stream.end ?? stream.name },
      after,
      problems,
    );
  }
  return { kind: stream.entry?.kind ?? stream.name, problems };
}

function preambleContext(w: Walk): DecodeContext {
  return { schemas: w.schemas, source: w.source, problems: w.problems, full: w.full, nestedStream: () => null };
}

/** The record order rules of `stream`, checked record by record. */
function orderChecker(w: Walk, stream: LayoutStream, preamble: ReadonlyMap<string, Fields>): (r: DumpRecord) => void {
  const rules = stream.order.filter((o) => conditionHolds(o.when, preamble, w.schemas));
  const seen = new Map<string, number>();
  const settled = new Set<number>();
  let count = 0;
  return (r) => {
    rules.forEach((rule, i) => {
      const where = { offset: r.offset, recordIndex: r.index, record: r.name };
      if (rule.kind === "first" && count === 0 && r.name !== rule.record) {
        w.problems.push({
          ...where,
          kind: "record-order",
          message: `the first record of '${stream.name}' must be ${rule.record}`,
        });
      } else if (rule.kind === "once" && r.name === rule.record && seen.has(r.name)) {
        w.problems.push({
          ...where,
          kind: "record-repeated",
          message: `${r.name} may appear once; record #${String(seen.get(r.name))} was one`,
        });
      } else if (rule.kind === "before" && !settled.has(i)) {
        if (r.name === rule.record) settled.add(i);
        else if (rule.later.includes(r.name)) {
          const cond =
            rule.when === null
              ? ""
              : ` when ${pathText(rule.when.path)} is ${setText(rule.when.values, rule.when.path.enumName, w.schemas)}`;
          w.problems.push({
            ...where,
            kind: "record-order",
            message: `${rule.record} must come before ${r.name}${cond}`,
          });
          settled.add(i);
        }
      }
    });
    if (!seen.has(r.name)) seen.set(r.name, r.index);
    count++;
  };
}

/** The stream's end a length field of a preamble struct gives (`= length of rest|input`), when it is before `end`. */
function lengthBound(
  s: LayoutStruct,
  pos: number,
  fields: Fields,
  end: number,
): { end: number; field: string } | undefined {
  let bound: { end: number; field: string } | undefined;
  for (const f of s.fields) {
    const v = fields[f.name];
    if (f.lengthOf === undefined || (typeof v !== "number" && typeof v !== "string")) continue;
    const at = Number(BigInt(v) + BigInt(f.lengthOf === "rest" ? pos + f.offset + f.size : pos));
    if (at < (bound?.end ?? end)) bound = { end: at, field: `${s.name}.${f.name}` };
  }
  return bound;
}

/**
 * Walks `stream` from `at` to at most `end`: its preamble, then its records, handing over to a
 * stream in line after a record that has one and resuming after it. A preamble length field ends
 * the stream where it says (`lengthField` in the result names it). `stops` end the walk after a
 * record of those names (the `until` of the `after` rule that put this stream in line).
 */
function walkEntry(
  w: Walk,
  stream: LayoutStream,
  at: number,
  end: number,
  stops: ReadonlySet<string>,
): WalkResult & { readonly lengthField?: string } {
  const { schemas, source, problems, sink } = w;
  const structs = stream.preamble.map((n) => structOf(schemas, n));
  const total = structs.reduce((n, s) => n + s.size, 0);
  if (total > end - at) {
    problems.push({
      offset: at,
      kind: "truncated",
      message: `the preamble of '${stream.name}' (${stream.preamble.join(", ")}) needs ${total} octets, ${end - at} left`,
    });
    return { position: end, complete: false, lastName: undefined, lastIndex: -1 };
  }
  let lengthField: string | undefined;
  const preamble = new Map<string, Fields>();
  let pos = at;
  for (const [i, s] of structs.entries()) {
    const since = problems.length;
    const decoded = decodeStruct(preambleContext(w), s.name, pos, s.size, { end, bounds: true });
    const bound = lengthBound(s, pos, decoded.fields, end);
    if (bound !== undefined && bound.end < pos + s.size) {
      const f = s.fields.find((x) => `${s.name}.${x.name}` === bound.field);
      problems.push({
        offset: pos + (f?.offset ?? 0),
        field: f?.name ?? bound.field,
        kind: "length-mismatch",
        message: `${bound.field} ends the stream inside its own preamble struct (at offset ${bound.end})`,
      });
    } else if (bound !== undefined) {
      end = bound.end;
      lengthField = bound.field;
    }
    const cls = structClass(schemas, s.name);
    if (cls !== undefined) checkWithAccessor(cls, source, pos, s.size, undefined, problems, since);
    sink.preamble(stream.preambleLabels[i] ?? s.name, pos, decoded.fields);
    preamble.set(s.name, decoded.fields);
    for (const rule of stream.requires) {
      if (rule.scope !== "preamble" || rule.path.root !== s.name || !conditionHolds(rule.when, preamble, schemas))
        continue;
      const v = valueAt(decoded.fields, rule.path, schemas);
      if (v !== undefined && inSet(v, rule.values)) continue;
      const field = rule.path.fields.join(".");
      const shown = v === undefined ? "missing" : setText([{ lo: v, hi: v }], rule.path.enumName, schemas);
      problems.push({
        offset: pos + rule.path.offset,
        field,
        kind: `unsupported-${rule.path.fields[rule.path.fields.length - 1] ?? field}`,
        message: `${pathText(rule.path)} is ${shown}; the schema reads ${setText(rule.values, rule.path.enumName, schemas)} only`,
      });
      return { position: pos + s.size, complete: false, lastName: undefined, lastIndex: -1 };
    }
    pos += s.size;
  }
  const inline = new Map(stream.inline.map((i) => [i.record, i]));
  const stopAfter = new Set([...stops, ...inline.keys()]);
  const order = orderChecker(w, stream, preamble);
  let start = pos;
  let indexBase = 0;
  for (;;) {
    let lastIndex = -1;
    const r = walkStream({
      schemas,
      source,
      problems,
      streamName: stream.name,
      start,
      end,
      preamble,
      stopAfter,
      indexBase,
      full: w.full,
      onRecord: (rec) => {
        lastIndex = rec.index;
        order(rec);
        sink.record(stream.name, rec);
      },
    });
    if (lastIndex >= 0) indexBase = lastIndex + 1;
    const next = r.lastName === undefined || stops.has(r.lastName) ? undefined : inline.get(r.lastName);
    if (!r.complete || next === undefined)
      return { ...r, lastIndex: indexBase - 1, ...(lengthField !== undefined ? { lengthField } : {}) };
    const nested = walkEntry(w, streamOf(schemas, next.stream), r.position, end, new Set(next.until));
    if (!nested.complete)
      return { position: nested.position, complete: false, lastName: r.lastName, lastIndex: indexBase - 1 };
    start = nested.position;
  }
}
