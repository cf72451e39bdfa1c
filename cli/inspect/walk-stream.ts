/**
 * Walks one record stream with the runtime `RecordReader` and decodes every record by the schema:
 * header, body fields, nested streams (a `stream` field), the stream's payloads (`payload … of …`),
 * `require` rules on record bodies and `max length`.
 * Records are handed to `onRecord` one at a time, so a dump of a large stream never holds more than
 * one record's JSON. A framing error (truncation, unknown mandatory type) becomes a problem with
 * its location and ends the walk, since nothing after it can be trusted; non-zero record padding
 * is a problem too but does not end it (body_length still frames the stream).
 */
import type { LayoutCondition } from "../../codegen/ir.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import { FileReadError, LuDataError } from "../../runtime/errors.js";
import { RecordReader } from "../../runtime/record-reader.js";
import type { StreamFormat } from "../../runtime/stream-format.js";
import { checkWithAccessor, structClass } from "./accessor-checks.js";
import { decodeStruct } from "./decode-struct.js";
import { type InspectProblem, stripLocation } from "./inspect-problem.js";
import { type JsonValue, octetsJson } from "./json-value.js";
import { inSet, pathText, setText, sizeValue, valueAt } from "./rule-values.js";
import { type SchemaIndex, streamOf, structOf } from "./schema-program.js";
import { streamFormatOf } from "./stream-formats.js";

export interface DumpRecord {
  readonly index: number;
  readonly offset: number;
  readonly type: number;
  /** Schema name, or the type in hex for a skipped unknown optional record. */
  readonly name: string;
  readonly bodyLength: number;
  readonly fields: { readonly [name: string]: JsonValue };
}

export interface WalkOptions {
  readonly schemas: SchemaIndex;
  readonly source: ByteSource;
  readonly streamName: string;
  readonly problems: InspectProblem[];
  /** Offset of the first record header (default: after the stream's preamble). */
  readonly start?: number;
  readonly end?: number;
  /** Decoded preamble structs of the stream, by struct name (for payload sizes and rule conditions). */
  readonly preamble?: ReadonlyMap<string, { readonly [k: string]: JsonValue }>;
  /** Ends the walk after a record of one of these names (an in-line stream's `until`, or a record another stream follows). */
  readonly stopAfter?: ReadonlySet<string>;
  /** Every octet of byte fields and payloads in hex (`lu dump --full`), so `lu encode` can rebuild them. */
  readonly full?: boolean;
  /**
   * Added to every record index this walk reports, in records and problems alike: a libxl stream
   * is walked in pieces around its embedded libxc streams but numbered as one. Default 0.
   */
  readonly indexBase?: number;
  readonly onRecord: (record: DumpRecord) => void;
}

export interface WalkResult {
  /** Offset just past the last record read. */
  readonly position: number;
  /** True when the end record (or `stopAfter`) was reached without a framing error. */
  readonly complete: boolean;
  readonly lastName: string | undefined;
  /** Index of the last record read (-1 when none was). */
  readonly lastIndex: number;
}

const formats = new WeakMap<SchemaIndex, Map<string, StreamFormat>>();

function formatFor(schemas: SchemaIndex, name: string): StreamFormat {
  let byName = formats.get(schemas);
  if (byName === undefined) formats.set(schemas, (byName = new Map()));
  let f = byName.get(name);
  if (f === undefined) byName.set(name, (f = streamFormatOf(schemas, name)));
  return f;
}

function typeHex(type: number, size: number): string {
  return `0x${type.toString(16).padStart(size * 2, "0")}`;
}

/**
 * The struct a body of `length` octets is laid out as: the record's body struct, or the `compat`
 * struct its zero-extend load rule names when the body has that struct's size (Xen's
 * HVM_SAVE_FIX_COMPAT: the CPU record of before Xen 3.4).
 */
function compatBody(
  schemas: SchemaIndex,
  bodyName: string | null | undefined,
  length: number,
): string | null | undefined {
  if (bodyName === null || bodyName === undefined) return bodyName;
  const load = structOf(schemas, bodyName).load;
  if (load?.kind !== "zero_extend" || load.compat === null) return bodyName;
  return structOf(schemas, load.compat).size === length ? load.compat : bodyName;
}

export function walkStream(options: WalkOptions): WalkResult {
  const { schemas, source, problems } = options;
  const stream = streamOf(schemas, options.streamName);
  const format = formatFor(schemas, options.streamName);
  const header = structOf(schemas, stream.header);
  const bodies = new Map(stream.records.map((r) => [r.value, r.body]));
  const reader = new RecordReader(source, format, {
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.end !== undefined ? { end: options.end } : {}),
    // Not strict: non-zero record padding is reported below and the walk goes on (the framing
    // is still known from body_length), so dump still shows the record.
    strict: false,
  });
  let lastName: string | undefined;
  const base = options.indexBase ?? 0;
  try {
    while (reader.next()) {
      const index = reader.index + base;
      const name = reader.skipped
        ? typeHex(reader.type, format.typeSize)
        : (reader.name ?? typeHex(reader.type, format.typeSize));
      const bodyOffset = reader.bodyOffset;
      const bodyLength = reader.bodyLength;
      const record = { index, name };
      checkRecordPadding(
        source,
        bodyOffset + bodyLength,
        reader.position - (bodyOffset + bodyLength),
        record,
        problems,
      );
      const full = options.full === true;
      const ctx = {
        schemas,
        source,
        problems,
        record,
        full,
        nestedStream: (streamName: string, offset: number, length: number): JsonValue => {
          const nested: JsonValue[] = [];
          const r = walkStream({
            schemas,
            source,
            problems,
            streamName,
            start: offset,
            end: offset + length,
            full,
            onRecord: (rec) => nested.push(recordJson(rec)),
          });
          if (r.complete)
            checkTrailingData(
              source,
              r.position,
              offset + length,
              { index, name },
              `the nested '${streamName}' stream's end record`,
              problems,
            );
          return nested;
        },
      };
      const fields: { [k: string]: JsonValue } = {};
      // Header fields other than type and length (e.g. the HVM save descriptor's instance).
      if (header.fields.length > 2) {
        const since = problems.length;
        const h = decodeStruct(ctx, header.name, reader.offset, header.size);
        for (const [k, v] of Object.entries(h.fields))
          if (k !== stream.typeField && k !== stream.lengthField) fields[k] = v;
        const cls = structClass(schemas, header.name);
        if (cls !== undefined) checkWithAccessor(cls, source, reader.offset, header.size, record, problems, since);
      }
      for (const m of stream.maxLength) {
        if (bodyLength > m.value && (m.records.length === 0 || m.records.includes(name))) {
          problems.push({
            offset: reader.offset,
            recordIndex: index,
            record: name,
            kind: "body-too-long",
            message: `body of ${bodyLength} octets is longer than the ${m.value} the schema allows`,
          });
        }
      }
      const bodyName = compatBody(schemas, reader.skipped ? undefined : bodies.get(reader.type), reader.bodyLength);
      if (bodyName === undefined || reader.skipped) {
        if (bodyLength > 0) fields["body"] = full ? octetsJson(source, bodyOffset, bodyLength) : { bytes: bodyLength };
      } else if (bodyName === null) {
        if (bodyLength !== 0)
          problems.push({
            offset: bodyOffset,
            recordIndex: index,
            record: name,
            kind: "body-length",
            message: `${name} has no body but its length is ${bodyLength}`,
          });
      } else {
        const body = structOf(schemas, bodyName);
        if (bodyLength === 0 && body.trailing !== null) {
          // libxc errata 1: variable-sized records with zero content are tolerated and ignored.
        } else {
          const since = problems.length;
          const decoded = decodeStruct(ctx, bodyName, bodyOffset, bodyLength);
          const cls = structClass(schemas, bodyName);
          if (cls !== undefined) checkWithAccessor(cls, source, bodyOffset, bodyLength, record, problems, since);
          Object.assign(fields, decoded.fields);
          const rest = bodyLength - decoded.extent;
          const payload = stream.payloads.find((p) => p.record === name);
          for (const rule of stream.requires) {
            if (
              rule.scope !== "record" ||
              rule.path.root !== name ||
              !conditionHolds(rule.when, options.preamble, schemas)
            )
              continue;
            const v = valueAt(decoded.fields, rule.path, schemas);
            if (v === undefined || inSet(v, rule.values)) continue;
            const field = rule.path.fields.join(".");
            problems.push({
              offset: bodyOffset + rule.path.offset,
              recordIndex: index,
              record: name,
              field,
              kind: `bad-${rule.path.fields[rule.path.fields.length - 1] ?? field}`,
              message: `${pathText(rule.path)} is ${v}; the schema requires ${setText(rule.values, rule.path.enumName, schemas)}`,
            });
          }
          if (payload !== undefined && rest >= 0) {
            const wanted = sizeValue(payload.size, decoded.fields, options.preamble ?? new Map(), schemas);
            if (wanted !== undefined && BigInt(rest) !== wanted) {
              problems.push({
                offset: bodyOffset + decoded.extent,
                recordIndex: index,
                record: name,
                field: payload.name,
                kind: "body-length",
                message: `payload '${payload.name}' is ${wanted} octets by its fields, the body has ${rest} after them`,
              });
            }
            if (rest > 0)
              fields[payload.name] = full ? octetsJson(source, bodyOffset + decoded.extent, rest) : { bytes: rest };
          } else if (rest > 0 && decoded.extent >= body.size) {
            problems.push({
              offset: bodyOffset + decoded.extent,
              recordIndex: index,
              record: name,
              kind: "body-length",
              message: `body is ${bodyLength} octets, ${rest} more than '${bodyName}' describes`,
            });
          }
        }
      }
      options.onRecord({ index, offset: reader.offset, type: reader.type, name, bodyLength, fields });
      lastName = name;
      if (options.stopAfter?.has(name) === true)
        return { position: reader.position, complete: true, lastName, lastIndex: index };
    }
    return { position: reader.position, complete: true, lastName, lastIndex: reader.index + base };
  } catch (e) {
    // An I/O failure is not a problem of the data: the caller turns it into exit 2.
    if (!(e instanceof LuDataError) || e instanceof FileReadError) throw e;
    const w = e.where;
    problems.push({
      offset: w.offset ?? reader.position,
      ...(w.recordIndex !== undefined ? { recordIndex: w.recordIndex + base } : {}),
      ...(w.recordType !== undefined ? { record: w.recordName ?? typeHex(w.recordType, format.typeSize) } : {}),
      kind: e.code,
      message: stripLocation(e),
    });
    return { position: reader.position, complete: false, lastName, lastIndex: reader.index + base };
  }
}

/** Tails up to this long are scanned to say whether they are all zero; longer ones are only counted. */
const TRAILING_SCAN_LIMIT = 65536;

/**
 * Octets between `from` (just past a stream's end record) and `to` (the end of what holds the
 * stream: a file, a record body) are a `trailing-data` problem at the first of them, located at
 * `record` (the end record, or the record holding a nested stream). Only the length is used for a
 * long tail, so a huge one is never read.
 */
export function checkTrailingData(
  source: ByteSource,
  from: number,
  to: number,
  record: { readonly index: number; readonly name: string },
  after: string,
  problems: InspectProblem[],
): void {
  const n = to - from;
  if (n <= 0) return;
  let allZero = n <= TRAILING_SCAN_LIMIT;
  if (allZero) {
    source.segments(from, n, (piece) => {
      if (allZero && piece.some((b) => b !== 0)) allZero = false;
    });
  }
  problems.push({
    offset: from,
    recordIndex: record.index,
    record: record.name,
    kind: "trailing-data",
    message: `${n} octets after ${after}${allZero ? " (all zero)" : ""}`,
  });
}

/** Record padding must be zero; the first non-zero octet is the problem's offset. */
function checkRecordPadding(
  source: ByteSource,
  at: number,
  pad: number,
  record: { readonly index: number; readonly name: string },
  problems: InspectProblem[],
): void {
  if (pad <= 0) return;
  let first = -1;
  let nonzero = 0;
  source.segments(at, pad, (piece, offset) => {
    for (let k = 0; k < piece.length; k++) {
      if (piece[k] === 0) continue;
      if (first < 0) first = offset + k;
      nonzero++;
    }
  });
  if (first >= 0) {
    problems.push({
      offset: first,
      recordIndex: record.index,
      record: record.name,
      kind: "nonzero-padding",
      message: `${nonzero} of the ${pad} record padding octets after the body are not zero`,
    });
  }
}

/** Whether a rule's `if` holds for the stream's preamble (no condition: always). */
export function conditionHolds(
  when: LayoutCondition | null,
  preamble: ReadonlyMap<string, { readonly [k: string]: JsonValue }> | undefined,
  schemas: SchemaIndex,
): boolean {
  if (when === null) return true;
  const v = valueAt(preamble?.get(when.path.root), when.path, schemas);
  return v !== undefined && inSet(v, when.values);
}

/** The JSON form of a record: offset, type, name, fields by name. */
export function recordJson(r: DumpRecord): JsonValue {
  return { index: r.index, offset: r.offset, type: r.type, name: r.name, length: r.bodyLength, fields: r.fields };
}
