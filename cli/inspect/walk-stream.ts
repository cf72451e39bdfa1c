/**
 * Walks one record stream with the runtime `RecordReader` and decodes every record by the schema:
 * header, body fields, nested streams (HVM_CONTEXT's save records), the PAGE_DATA page-data rule.
 * Records are handed to `onRecord` one at a time, so a dump of a large stream never holds more than
 * one record's JSON. A framing error (truncation, unknown mandatory type) becomes a problem with
 * its location and ends the walk, since nothing after it can be trusted; non-zero record padding
 * is a problem too but does not end it (body_length still frames the stream).
 */
import type { ByteSource } from "../../runtime/byte-view.js";
import { FileReadError, LuDataError } from "../../runtime/errors.js";
import { RecordReader } from "../../runtime/record-reader.js";
import type { StreamFormat } from "../../runtime/stream-format.js";
import { bodyClass, checkWithAccessor, structClass } from "./accessor-checks.js";
import { decodeStruct } from "./decode-struct.js";
import { type InspectProblem, stripLocation } from "./inspect-problem.js";
import type { JsonValue } from "./json-value.js";
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
  /** Guest page size, for the PAGE_DATA page-data rule (libxc streams). */
  readonly pageSize?: number;
  /** Ends the walk after a record of this name (CHECKPOINT hands a libxc stream back to libxl). */
  readonly stopAfter?: string;
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

/** Page types of PAGE_DATA that carry no page data. */
const NO_DATA_TYPES = new Set(["broken", "xalloc", "xtab"]);

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
function compatBody(schemas: SchemaIndex, bodyName: string | null | undefined, length: number): string | null | undefined {
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
      const name = reader.skipped ? typeHex(reader.type, format.typeSize) : (reader.name ?? typeHex(reader.type, format.typeSize));
      const bodyOffset = reader.bodyOffset;
      const bodyLength = reader.bodyLength;
      const record = { index, name };
      checkRecordPadding(source, bodyOffset + bodyLength, reader.position - (bodyOffset + bodyLength), record, problems);
      const ctx = {
        schemas,
        source,
        problems,
        record,
        nestedStream: (streamName: string, offset: number, length: number): JsonValue => {
          const nested: JsonValue[] = [];
          const r = walkStream({ schemas, source, problems, streamName, start: offset, end: offset + length, onRecord: (rec) => nested.push(recordJson(rec)) });
          if (r.complete) checkTrailingData(source, r.position, offset + length, { index, name }, `the nested '${streamName}' stream's end record`, problems);
          return nested;
        },
      };
      const fields: { [k: string]: JsonValue } = {};
      // Header fields other than type and length (e.g. the HVM save descriptor's instance).
      if (header.fields.length > 2) {
        const since = problems.length;
        const h = decodeStruct(ctx, header.name, reader.offset, header.size);
        for (const [k, v] of Object.entries(h.fields)) if (k !== stream.typeField && k !== stream.lengthField) fields[k] = v;
        const cls = structClass(header.name);
        if (cls !== undefined) checkWithAccessor(cls, source, reader.offset, header.size, record, problems, since);
      }
      const bodyName = compatBody(schemas, reader.skipped ? undefined : bodies.get(reader.type), reader.bodyLength);
      if (bodyName === undefined || reader.skipped) {
        if (bodyLength > 0) fields["body"] = { bytes: bodyLength };
      } else if (bodyName === null) {
        if (bodyLength !== 0) problems.push({ offset: bodyOffset, recordIndex: index, record: name, kind: "body-length", message: `${name} has no body but its length is ${bodyLength}` });
      } else {
        const body = structOf(schemas, bodyName);
        if (bodyLength === 0 && body.trailing !== null) {
          // libxc errata 1: variable-sized records with zero content are tolerated and ignored.
        } else {
          const since = problems.length;
          const decoded = decodeStruct(ctx, bodyName, bodyOffset, bodyLength);
          const cls = bodyClass(options.streamName, reader.type, bodyName);
          if (cls !== undefined) checkWithAccessor(cls, source, bodyOffset, bodyLength, record, problems, since);
          Object.assign(fields, decoded.fields);
          const rest = bodyLength - decoded.extent;
          if (bodyName === "xc_page_data" && rest >= 0) {
            checkPageData(decoded.fields, rest, options.pageSize, bodyOffset + decoded.extent, index, name, problems);
            if (rest > 0) fields["page_data"] = { bytes: rest };
          } else if (rest > 0 && decoded.extent >= body.size) {
            problems.push({ offset: bodyOffset + decoded.extent, recordIndex: index, record: name, kind: "body-length", message: `body is ${bodyLength} octets, ${rest} more than '${bodyName}' describes` });
          }
        }
      }
      options.onRecord({ index, offset: reader.offset, type: reader.type, name, bodyLength, fields });
      lastName = name;
      if (options.stopAfter !== undefined && name === options.stopAfter) return { position: reader.position, complete: true, lastName, lastIndex: index };
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
  problems.push({ offset: from, recordIndex: record.index, record: record.name, kind: "trailing-data", message: `${n} octets after ${after}${allZero ? " (all zero)" : ""}` });
}

/** Record padding must be zero; the first non-zero octet is the problem's offset. */
function checkRecordPadding(source: ByteSource, at: number, pad: number, record: { readonly index: number; readonly name: string }, problems: InspectProblem[]): void {
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
    problems.push({ offset: first, recordIndex: record.index, record: record.name, kind: "nonzero-padding", message: `${nonzero} of the ${pad} record padding octets after the body are not zero` });
  }
}

function checkPageData(
  fields: { readonly [k: string]: JsonValue },
  rest: number,
  pageSize: number | undefined,
  at: number,
  index: number,
  name: string,
  problems: InspectProblem[],
): void {
  const pfns = fields["pfn"];
  if (!Array.isArray(pfns)) return;
  if (pfns.length === 0) problems.push({ offset: at, recordIndex: index, record: name, field: "count", kind: "bad-count", message: "PAGE_DATA count must be greater than 0" });
  if (pageSize === undefined) return;
  let withData = 0;
  for (const p of pfns as readonly JsonValue[]) {
    const entry = (p as { readonly [k: string]: JsonValue })["pfn_type"];
    const type = entry !== null && typeof entry === "object" && !Array.isArray(entry) ? (entry as { readonly [k: string]: JsonValue })["type"] : undefined;
    if (typeof type !== "string" || !NO_DATA_TYPES.has(type)) withData++;
  }
  if (rest !== withData * pageSize) {
    problems.push({ offset: at, recordIndex: index, record: name, field: "page_data", kind: "body-length", message: `${withData} page(s) with data need ${withData * pageSize} octets of page data, the body has ${rest}` });
  }
}

/** The JSON form of a record: offset, type, name, fields by name. */
export function recordJson(r: DumpRecord): JsonValue {
  return { index: r.index, offset: r.offset, type: r.type, name: r.name, length: r.bodyLength, fields: r.fields };
}

