/**
 * The inverse of the dump: builds a file's octets from the JSON `lu dump --json` prints, by the
 * same schema IR. Preamble structs come from `headers`, records from `records`, in file order;
 * whole streams in line (`after … stream …`) and nested `stream` fields are rebuilt where the
 * schema puts them. Record headers are written from the record's name (its type) and the encoded
 * body's length; padding is zeros. Byte fields and payloads need every octet, which `lu dump --json`
 * prints (`--summary` leaves them out).
 */
import type { LayoutElement, LayoutField, LayoutStream, LayoutStruct, LayoutType } from "../../codegen/ir.js";
import type { JsonValue } from "./json-value.js";
import { type SchemaIndex, streamOf, structOf } from "./schema-program.js";
import type { InspectTarget } from "./walk-file.js";

type JsonObject = { readonly [k: string]: JsonValue };

/** The JSON does not describe bytes the schema can hold; `path` says where. */
export class EncodeError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

const PRIM_SIZE: Record<string, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  u64: 8,
  i64: 8,
  f32: 4,
  f64: 8,
};

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

function list(v: JsonValue | undefined, path: string): readonly JsonValue[] {
  if (!Array.isArray(v)) throw new EncodeError(path, `expected a list, found ${JSON.stringify(v ?? null)}`);
  return v as readonly JsonValue[];
}

function object(v: JsonValue | undefined, path: string): JsonObject {
  if (!isObject(v)) throw new EncodeError(path, `expected an object, found ${JSON.stringify(v ?? null)}`);
  return v;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Octets of a dumped byte field: `{ bytes, hex }`. */
function octets(v: JsonValue | undefined, path: string): Uint8Array {
  const o = object(v, path);
  const hex = o["hex"];
  if (typeof hex !== "string") {
    throw new EncodeError(
      path,
      `the dump shows ${String(o["bytes"])} octets summarised, not every octet: dump with --json, without --summary`,
    );
  }
  // Buffer.from stops at the first octet that is not two hex digits (no regular expression: a
  // payload's hex may be hundreds of millions of digits).
  const bytes = Buffer.from(hex, "hex");
  if (hex.length % 2 !== 0 || bytes.length * 2 !== hex.length)
    throw new EncodeError(path, "hex is not an even number of hex digits");
  if (typeof o["bytes"] === "number" && o["bytes"] !== bytes.length)
    throw new EncodeError(path, `bytes says ${o["bytes"]}, hex holds ${bytes.length}`);
  return bytes;
}

/**
 * Writes the length fields (`= length of rest|input`) of struct `s`, whose octets start at `at` of
 * `bytes`, for an input that ends `end` octets into `bytes` (it may go on past `bytes`: a preamble
 * struct's input is everything after it). The document's values for them are not used.
 */
function fillLengths(s: LayoutStruct, bytes: Uint8Array, at: number, end: number, path: string): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const f of s.fields) {
    if (f.lengthOf === undefined || f.type.kind !== "prim") continue;
    const from = f.lengthOf === "rest" ? at + f.offset + f.size : at;
    writeInt(dv, at + f.offset, f.type.prim, f.type.endian === "little", BigInt(end - from), `${path}.${f.name}`);
  }
}

function rangeOf(prim: string): [bigint, bigint] {
  const bits = BigInt((PRIM_SIZE[prim] ?? 1) * 8);
  return prim.startsWith("i") ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
}

function writeInt(dv: DataView, at: number, prim: string, little: boolean, v: bigint, path: string): void {
  const [lo, hi] = rangeOf(prim);
  if (v < lo || v > hi) throw new EncodeError(path, `${v} does not fit ${prim}`);
  switch (prim) {
    case "u8":
      return dv.setUint8(at, Number(v));
    case "i8":
      return dv.setInt8(at, Number(v));
    case "u16":
      return dv.setUint16(at, Number(v), little);
    case "i16":
      return dv.setInt16(at, Number(v), little);
    case "u32":
      return dv.setUint32(at, Number(v), little);
    case "i32":
      return dv.setInt32(at, Number(v), little);
    case "u64":
      return dv.setBigUint64(at, v, little);
    default:
      return dv.setBigInt64(at, v, little);
  }
}

export class JsonEncoder {
  readonly schemas: SchemaIndex;
  constructor(schemas: SchemaIndex) {
    this.schemas = schemas;
  }

  /** An integer from a number, a decimal or 0x string, or (with `enumName`) a member name. */
  integer(v: JsonValue | undefined, path: string, enumName: string | null = null): bigint {
    if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
    if (typeof v === "string") {
      if (enumName !== null) {
        const m = this.schemas.enums.get(enumName)?.members.find((x) => x.name === v);
        if (m !== undefined) return m.value;
      }
      if (/^-?\d+$/.test(v) || /^0x[0-9a-f]+$/i.test(v)) return BigInt(v);
    }
    throw new EncodeError(
      path,
      `expected an integer${enumName !== null ? ` or a member of enum '${enumName}'` : ""}, found ${JSON.stringify(v ?? null)}`,
    );
  }

  flags(flagsName: string, v: JsonValue | undefined, path: string): bigint {
    const members = this.schemas.flags.get(flagsName)?.members ?? [];
    let out = 0n;
    list(v, path).forEach((x, i) => {
      const m = typeof x === "string" ? members.find((f) => f.name === x) : undefined;
      out |= m !== undefined ? m.value : this.integer(x, `${path}[${i}]`);
    });
    return out;
  }

  /** Writes a scalar or nested struct (not a variable-length field) at `at` of `dv`. */
  value(
    dv: DataView,
    at: number,
    type: LayoutType | LayoutElement,
    v: JsonValue | undefined,
    path: string,
    constValue: bigint | string | null,
  ): void {
    switch (type.kind) {
      case "prim":
        if (type.prim === "f32" || type.prim === "f64") {
          if (typeof v !== "number")
            throw new EncodeError(path, `expected a number, found ${JSON.stringify(v ?? null)}`);
          if (type.prim === "f32") dv.setFloat32(at, v, type.endian === "little");
          else dv.setFloat64(at, v, type.endian === "little");
          return;
        }
        return writeInt(
          dv,
          at,
          type.prim,
          type.endian === "little",
          v === undefined ? (typeof constValue === "bigint" ? constValue : 0n) : this.integer(v, path),
          path,
        );
      case "enum":
        return writeInt(
          dv,
          at,
          type.prim,
          type.endian === "little",
          v === undefined ? (typeof constValue === "bigint" ? constValue : 0n) : this.integer(v, path, type.enumName),
          path,
        );
      case "flags":
        return writeInt(
          dv,
          at,
          type.prim,
          type.endian === "little",
          v === undefined ? 0n : this.flags(type.flagsName, v, path),
          path,
        );
      case "bits": {
        const o = v === undefined ? {} : object(v, path);
        let raw =
          o["raw"] === undefined
            ? typeof constValue === "bigint"
              ? constValue
              : 0n
            : this.integer(o["raw"], `${path}.raw`);
        for (const key of Object.keys(o)) {
          if (key === "raw") continue;
          const r = type.ranges.find((x) => x.name === key);
          if (r === undefined) throw new EncodeError(`${path}.${key}`, "not a bit range of this field");
          const width = BigInt(r.hi - r.lo + 1);
          const mask = ((1n << width) - 1n) << BigInt(r.lo);
          const x = o[key];
          const n =
            r.flagsName !== null && Array.isArray(x)
              ? this.flags(r.flagsName, x, `${path}.${key}`)
              : this.integer(x, `${path}.${key}`, r.enumName);
          if (n < 0n || n >= 1n << width)
            throw new EncodeError(`${path}.${key}`, `${n} does not fit bits ${r.lo}..${r.hi}`);
          raw = (raw & ~mask) | (n << BigInt(r.lo));
        }
        return writeInt(dv, at, type.prim, type.endian === "little", raw, path);
      }
      case "ascii": {
        const text = v === undefined ? (typeof constValue === "string" ? constValue : "") : v;
        if (typeof text !== "string") throw new EncodeError(path, `expected text, found ${JSON.stringify(text)}`);
        if (text.length > type.length) throw new EncodeError(path, `"${text}" is longer than ${type.length} octets`);
        for (let i = 0; i < text.length; i++) {
          const c = text.charCodeAt(i);
          if (c > 0xff) throw new EncodeError(path, `"${text}" is not 8-bit text`);
          dv.setUint8(at + i, c);
        }
        return;
      }
      case "bytes": {
        if (type.count.kind !== "fixed") throw new EncodeError(path, "internal: variable bytes outside the tail");
        if (v === undefined) return;
        const b = octets(v, path);
        if (b.length !== type.count.n) throw new EncodeError(path, `${b.length} octets for a field of ${type.count.n}`);
        new Uint8Array(dv.buffer, dv.byteOffset + at, b.length).set(b);
        return;
      }
      case "pad":
        return;
      case "struct": {
        const s = structOf(this.schemas, type.structName);
        const bytes = this.struct(s, v === undefined ? {} : object(v, path), path);
        new Uint8Array(dv.buffer, dv.byteOffset + at, s.size).set(bytes.subarray(0, s.size));
        return;
      }
      case "array": {
        if (type.count.kind !== "fixed") throw new EncodeError(path, "internal: variable array outside the tail");
        const items = v === undefined ? [] : list(v, path);
        if (items.length > type.count.n)
          throw new EncodeError(path, `${items.length} elements for an array of ${type.count.n}`);
        items.forEach((x, i) => this.value(dv, at + i * type.stride, type.element, x, `${path}[${i}]`, null));
        return;
      }
      case "stream":
        throw new EncodeError(path, "internal: a stream field outside the tail");
    }
  }

  /**
   * The octets of a variable-length last field; `fields` are its struct's (for a count field),
   * `room` the octets the document says the body has from the field on (its record's `length`).
   */
  tail(
    f: LayoutField,
    v: JsonValue | undefined,
    path: string,
    fields: JsonObject,
    room: number | undefined,
  ): Uint8Array {
    const t = f.type;
    if (v === undefined) return new Uint8Array(0);
    if (t.kind === "bytes") return octets(v, path);
    if (t.kind === "ascii") {
      if (typeof v !== "string") throw new EncodeError(path, `expected text, found ${JSON.stringify(v)}`);
      // NUL-padded to its count field's value, or (`ascii[..]`) to the end of the record's body,
      // when the document gives them: dump shows the text without its NUL padding.
      const given = t.count.kind === "field" ? fields[t.count.field] : undefined;
      const counted = given === undefined ? undefined : Number(this.integer(given, path));
      if (counted !== undefined && counted < v.length)
        throw new EncodeError(path, `"${v}" is longer than its count field's ${counted} octets`);
      const count = counted ?? Math.max(v.length, room ?? 0);
      const out = new Uint8Array(count);
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c > 0xff) throw new EncodeError(path, `"${v}" is not 8-bit text`);
        out[i] = c;
      }
      return out;
    }
    if (t.kind === "stream") return this.recordList(streamOf(this.schemas, t.streamName), list(v, path), path);
    if (t.kind === "array") {
      const items = list(v, path);
      const out = new Uint8Array(items.length * t.stride);
      const dv = new DataView(out.buffer);
      items.forEach((x, i) => this.value(dv, i * t.stride, t.element, x, `${path}[${i}]`, null));
      return out;
    }
    throw new EncodeError(path, `internal: ${t.kind} is not a variable-length type`);
  }

  /** The octets of `s` from its dumped fields; unknown keys are an error, missing ones zero (or their constant). */
  struct(
    s: LayoutStruct,
    v: JsonObject,
    path: string,
    ignore: ReadonlySet<string> = new Set(),
    bodyLength?: number,
  ): Uint8Array {
    for (const key of Object.keys(v)) {
      if (!ignore.has(key) && !s.fields.some((f) => f.name === key))
        throw new EncodeError(`${path}.${key}`, `'${s.name}' has no field '${key}'`);
    }
    const trailing =
      s.trailing === null
        ? new Uint8Array(0)
        : this.tail(
            s.trailing,
            v[s.trailing.name],
            `${path}.${s.trailing.name}`,
            v,
            bodyLength === undefined ? undefined : bodyLength - s.trailing.offset,
          );
    const out = new Uint8Array(s.size + trailing.length);
    const dv = new DataView(out.buffer);
    for (const f of s.fields) {
      if (f === s.trailing) continue;
      this.value(dv, f.offset, f.type, v[f.name], `${path}.${f.name}`, f.constValue);
    }
    out.set(trailing, s.trailing?.offset ?? s.size);
    return out;
  }

  /** One record of `stream` from its dumped form `{ name, type, length, fields }`. */
  record(stream: LayoutStream, rec: JsonObject, path: string): Uint8Array {
    const fields = rec["fields"] === undefined ? {} : object(rec["fields"], `${path}.fields`);
    const header = structOf(this.schemas, stream.header);
    const def = stream.records.find((r) => r.name === rec["name"]);
    const type = def?.value ?? Number(this.integer(rec["type"], `${path}.type`));
    const extras = new Set(
      header.fields.map((f) => f.name).filter((n) => n !== stream.typeField && n !== stream.lengthField),
    );
    const payload = def === undefined ? undefined : stream.payloads.find((p) => p.record === def.name);
    let body: Uint8Array;
    if (def === undefined || def.body === null) {
      for (const key of Object.keys(fields))
        if (key !== "body" && !extras.has(key))
          throw new EncodeError(`${path}.fields.${key}`, `record ${String(rec["name"])} has no body fields`);
      body = fields["body"] === undefined ? new Uint8Array(0) : octets(fields["body"], `${path}.fields.body`);
    } else {
      const s = structOf(this.schemas, def.body);
      const bodyKeys = Object.keys(fields).filter((k) => !extras.has(k) && k !== payload?.name);
      if (bodyKeys.length === 0 && rec["length"] === 0 && s.trailing !== null) body = new Uint8Array(0);
      else {
        const ignore = new Set([...extras, ...(payload !== undefined ? [payload.name] : [])]);
        const main = this.struct(
          s,
          fields,
          `${path}.fields`,
          ignore,
          payload === undefined && typeof rec["length"] === "number" ? rec["length"] : undefined,
        );
        body =
          payload !== undefined && fields[payload.name] !== undefined
            ? concat([main, octets(fields[payload.name], `${path}.fields.${payload.name}`)])
            : main;
        fillLengths(s, body, 0, body.length, `${path}.fields`);
      }
    }
    const headerValues: { [k: string]: JsonValue } = { [stream.typeField]: type, [stream.lengthField]: body.length };
    for (const k of extras) if (fields[k] !== undefined) headerValues[k] = fields[k] ?? null;
    const head = this.struct(header, headerValues, `${path}.header`);
    const rem = (head.length + body.length) % stream.align;
    return concat([head, body, new Uint8Array(rem === 0 ? 0 : stream.align - rem)]);
  }

  /** A nested stream's dumped record list (a `stream` field). */
  recordList(stream: LayoutStream, records: readonly JsonValue[], path: string): Uint8Array {
    if (stream.preamble.length > 0)
      throw new EncodeError(path, `a nested '${stream.name}' stream with a preamble is not supported`);
    return concat(records.map((r, i) => this.record(stream, object(r, `${path}[${i}]`), `${path}[${i}]`)));
  }
}

/**
 * The records of a document, read in order: `get(i)` is record `i` (undefined past the last), asked
 * for with `i` never going back by more than one, so a large document can be parsed record by record
 * (dump-lines.ts) instead of whole.
 */
export interface RecordSequence {
  get(i: number): JsonValue | undefined;
}

/** Where the walk over a dump document is. */
interface Cursor {
  readonly headers: readonly JsonValue[];
  readonly records: RecordSequence;
  h: number;
  r: number;
}

function encodeEntry(
  enc: JsonEncoder,
  stream: LayoutStream,
  c: Cursor,
  stops: ReadonlySet<string>,
  out: Uint8Array[],
): void {
  const placed = stream.preamble.map((name, i) => {
    const path = `headers[${c.h}]`;
    const h = object(c.headers[c.h], path);
    const label = stream.preambleLabels[i] ?? name;
    if (h["name"] !== label)
      throw new EncodeError(
        `${path}.name`,
        `expected the '${label}' preamble of '${stream.name}', found ${JSON.stringify(h["name"] ?? null)}`,
      );
    const s = structOf(enc.schemas, name);
    out.push(enc.struct(s, object(h["fields"], `${path}.fields`), `${path}.fields`));
    c.h++;
    return { s, part: out.length - 1, path: `${path}.fields` };
  });
  encodeRecords(enc, stream, c, stops, out);
  // A preamble length field measures the stream's octets after it, known now.
  for (const p of placed) {
    const part = out[p.part] ?? new Uint8Array(0);
    fillLengths(
      p.s,
      part,
      0,
      out.slice(p.part).reduce((n, x) => n + x.length, 0),
      p.path,
    );
  }
}

function encodeRecords(
  enc: JsonEncoder,
  stream: LayoutStream,
  c: Cursor,
  stops: ReadonlySet<string>,
  out: Uint8Array[],
): void {
  const inline = new Map(stream.inline.map((i) => [i.record, i]));
  for (let next = c.records.get(c.r); next !== undefined; next = c.records.get(c.r)) {
    const path = `records[${c.r}]`;
    const rec = object(next, path);
    if (rec["stream"] !== undefined && rec["stream"] !== stream.name) return;
    c.r++;
    out.push(enc.record(stream, rec, path));
    const name = rec["name"];
    if (typeof name !== "string" || name === stream.end || stops.has(name)) return;
    const nested = inline.get(name);
    if (nested !== undefined) encodeEntry(enc, streamOf(enc.schemas, nested.stream), c, new Set(nested.until), out);
  }
}

/**
 * The file `doc` (a `lu dump --json` document) describes, as `target` reads it; its records are
 * `records` when given (a document read record by record), else its `records` list. Throws
 * `EncodeError` where the JSON does not fit the schema; the caller validates the result.
 */
export function encodeDocument(
  schemas: SchemaIndex,
  target: InspectTarget,
  doc: JsonValue,
  sequence?: RecordSequence,
): Uint8Array {
  const d = object(doc, "document");
  const headers = d["headers"] === undefined ? [] : list(d["headers"], "headers");
  const listed = d["records"] === undefined ? [] : list(d["records"], "records");
  const records: RecordSequence = sequence ?? { get: (i) => listed[i] };
  const enc = new JsonEncoder(schemas);
  if (target.kind === "struct") {
    const h = object(headers[0], "headers[0]");
    if (headers.length !== 1 || records.get(0) !== undefined)
      throw new EncodeError("document", `a --struct document has one header and no records`);
    const s = structOf(schemas, target.struct);
    const bytes = enc.struct(s, object(h["fields"], "headers[0].fields"), "headers[0].fields");
    fillLengths(s, bytes, 0, bytes.length, "headers[0].fields");
    return bytes;
  }
  let stream: LayoutStream;
  if (target.kind === "stream") stream = streamOf(schemas, target.stream);
  else {
    const candidates = target.streams.map((n) => streamOf(schemas, n));
    const byKind = candidates.find((c) => c.entry?.kind === d["kind"]);
    const only = candidates.length === 1 ? candidates[0] : undefined;
    const chosen = byKind ?? only;
    if (chosen === undefined)
      throw new EncodeError(
        "kind",
        `${JSON.stringify(d["kind"] ?? null)} is not the kind of an entry of the schema (${candidates.map((c) => c.entry?.kind ?? c.name).join(", ")})`,
      );
    stream = chosen;
  }
  const c: Cursor = { headers, records, h: 0, r: 0 };
  const out: Uint8Array[] = [];
  encodeEntry(enc, stream, c, new Set(), out);
  if (c.h < headers.length) throw new EncodeError(`headers[${c.h}]`, "left over: the schema has no place for it");
  if (records.get(c.r) !== undefined)
    throw new EncodeError(`records[${c.r}]`, `left over after '${stream.name}' ended: the schema has no place for it`);
  return concat(out);
}
