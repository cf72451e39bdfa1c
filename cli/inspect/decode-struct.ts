/**
 * Decodes a struct placed on a `ByteSource` by the schema IR into JSON values, checking as it goes
 * what the generated `validate()` checks: constant fields, reserved and padding octets, enum
 * values, flag bits, array counts against the bytes available. Reads go through
 * `source.window()`, so nothing is copied except the few octets shown of a raw byte field.
 */
import {
  type LayoutElement,
  type LayoutField,
  type LayoutStruct,
  type LayoutType,
  loadRuleOf,
} from "../../codegen/ir.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import type { InspectProblem } from "./inspect-problem.js";
import { type JsonValue, hexOctets, integerJson, octetsJson } from "./json-value.js";
import { type SchemaIndex, structOf } from "./schema-program.js";

/** Octets of a raw byte field shown in full; longer fields are summarised. */
export const BYTES_SHOWN = 32;

export interface DecodeContext {
  readonly schemas: SchemaIndex;
  readonly source: ByteSource;
  readonly problems: InspectProblem[];
  /** Where the enclosing record is, copied into every problem. */
  readonly record?: { readonly index: number; readonly name: string };
  /** Every octet of byte fields in hex, however long (`lu dump --full`). */
  readonly full?: boolean;
  /** Decodes a nested record stream occupying `[offset, offset + length)`. */
  readonly nestedStream: (streamName: string, offset: number, length: number) => JsonValue;
}

export interface DecodedStruct {
  readonly fields: { [name: string]: JsonValue };
  /** Octets the struct's fields covered, variable-length tail included. */
  readonly extent: number;
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

function readInt(source: ByteSource, at: number, prim: string, little: boolean): bigint {
  const view = source.window(at, PRIM_SIZE[prim] ?? 1);
  const o = source.windowOffset;
  switch (prim) {
    case "u8":
      return BigInt(view.getUint8(o));
    case "i8":
      return BigInt(view.getInt8(o));
    case "u16":
      return BigInt(view.getUint16(o, little));
    case "i16":
      return BigInt(view.getInt16(o, little));
    case "u32":
      return BigInt(view.getUint32(o, little));
    case "i32":
      return BigInt(view.getInt32(o, little));
    case "u64":
      return view.getBigUint64(o, little);
    default:
      return view.getBigInt64(o, little);
  }
}

function readFloat(source: ByteSource, at: number, prim: string, little: boolean): number {
  const view = source.window(at, prim === "f32" ? 4 : 8);
  return prim === "f32" ? view.getFloat32(source.windowOffset, little) : view.getFloat64(source.windowOffset, little);
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** Where the input holding a struct ends, for its length fields (`= length of rest|input`). */
export interface InputBound {
  /** Offset just past the input (the record body, the stream, the file). */
  readonly end: number;
  /**
   * True for a preamble struct: a length field shorter than the input ends the stream there (the
   * walk reports what follows), so only a longer one is a problem here.
   */
  readonly bounds: boolean;
}

class StructDecoder {
  private readonly ctx: DecodeContext;
  private readonly input: InputBound | undefined;
  constructor(ctx: DecodeContext, input?: InputBound) {
    this.ctx = ctx;
    this.input = input;
  }

  problem(offset: number, field: string, kind: string, message: string): void {
    const r = this.ctx.record;
    this.ctx.problems.push(
      r === undefined
        ? { offset, field, kind, message }
        : { offset, recordIndex: r.index, record: r.name, field, kind, message },
    );
  }

  enumValue(enumName: string, v: bigint, at: number, path: string): JsonValue {
    const e = this.ctx.schemas.enums.get(enumName);
    const m = e?.members.find((x) => x.value === v);
    if (m !== undefined) return m.name;
    this.problem(at, path, "unknown-enum", `${hex(v)} is not a value of enum '${enumName}'`);
    return integerJson(v);
  }

  flagsValue(flagsName: string, v: bigint, at: number, path: string): JsonValue {
    const f = this.ctx.schemas.flags.get(flagsName);
    const names: JsonValue[] = [];
    let known = 0n;
    for (const m of f?.members ?? []) {
      known |= m.value;
      if ((v & m.value) === m.value) names.push(m.name);
    }
    const unknown = v & ~known;
    if (unknown !== 0n) {
      this.problem(at, path, "unknown-flags", `bits ${hex(unknown)} are not flags of '${flagsName}'`);
      names.push(hex(unknown));
    }
    return names;
  }

  scalar(type: LayoutType | LayoutElement, at: number, path: string): JsonValue {
    const src = this.ctx.source;
    switch (type.kind) {
      case "prim":
        if (type.prim === "f32" || type.prim === "f64") return readFloat(src, at, type.prim, type.endian === "little");
        return integerJson(readInt(src, at, type.prim, type.endian === "little"));
      case "enum":
        return this.enumValue(type.enumName, readInt(src, at, type.prim, type.endian === "little"), at, path);
      case "flags":
        return this.flagsValue(type.flagsName, readInt(src, at, type.prim, type.endian === "little"), at, path);
      case "struct":
        return this.struct(structOf(this.ctx.schemas, type.structName), at, Number.MAX_SAFE_INTEGER, `${path}.`).fields;
      default:
        return null;
    }
  }

  bytes(at: number, length: number): JsonValue {
    if (this.ctx.full === true) return octetsJson(this.ctx.source, at, length);
    const shown = this.ctx.source.bytes(at, Math.min(length, BYTES_SHOWN));
    if (length <= BYTES_SHOWN) return { bytes: length, hex: hexOctets(shown) };
    let nonzero = 0;
    this.ctx.source.segments(at, length, (piece) => {
      for (const b of piece) if (b !== 0) nonzero++;
    });
    return { bytes: length, nonzero, head: hexOctets(shown) };
  }

  elementSize(el: LayoutElement): number {
    return el.kind === "struct" ? structOf(this.ctx.schemas, el.structName).size : (PRIM_SIZE[el.prim] ?? 1);
  }

  /** Decodes `struct` at `base`; `available` octets may be read (the record body length). */
  struct(struct: LayoutStruct, base: number, available: number, prefix = ""): DecodedStruct {
    const out: { [name: string]: JsonValue } = {};
    const counts = new Map<string, bigint>();
    let extent = struct.size;
    const rule = loadRuleOf(struct);
    // Zero extension: a body of an older size is valid and the fields past it read as zero.
    const older = rule.kind === "zero_extend" && rule.from.includes(available);
    if (struct.size > available) {
      if (older) extent = available;
      else if (rule.kind === "zero_extend") {
        this.problem(
          base,
          prefix + struct.name,
          "bad-length",
          `body of ${available} octets is not a size '${struct.name}' names (${[...rule.from, struct.size].join(", ")})`,
        );
      } else
        this.problem(
          base,
          prefix + struct.name,
          "short-body",
          `body of ${available} octets is shorter than '${struct.name}' (${struct.size} octets)`,
        );
    }
    for (const f of struct.fields) {
      const at = base + f.offset;
      const path = prefix + f.name;
      const room = available - f.offset;
      if (f.size > room) {
        if (!older) break;
        if (f.type.kind !== "pad") out[f.name] = zeroJson(f.type);
        continue;
      }
      const value = this.field(f, at, path, room, counts);
      if (value.kind === "value") out[f.name] = value.value;
      if (value.extent !== undefined) extent = f.offset + value.extent;
    }
    return { fields: out, extent };
  }

  field(
    f: LayoutField,
    at: number,
    path: string,
    room: number,
    counts: Map<string, bigint>,
  ): { kind: "value"; value: JsonValue; extent?: number } | { kind: "none"; extent?: number } {
    const t = f.type;
    const src = this.ctx.source;
    switch (t.kind) {
      case "pad": {
        let nonzero = 0;
        src.segments(at, t.length, (piece) => {
          for (const b of piece) if (b !== 0) nonzero++;
        });
        if (nonzero > 0)
          this.problem(at, path, "nonzero-padding", `${nonzero} of ${t.length} padding octets are not zero`);
        return { kind: "none" };
      }
      case "ascii": {
        const n = t.count.kind === "fixed" ? t.count.n : this.count(t.count, 1, room, at, path, counts);
        const raw = src.bytes(at, n);
        // NUL padding at the end is not text; an octet before the last non-NUL one is kept as it
        // is (a NUL inside, an 8-bit octet), so `lu encode` writes the field back unchanged (NUL
        // padded to its count field, or for `ascii[..]` to the record's length).
        let used = raw.length;
        while (used > 0 && raw[used - 1] === 0) used--;
        let text = "";
        for (let i = 0; i < used; i++) text += String.fromCharCode(raw[i] ?? 0);
        if (typeof f.constValue === "string" && text !== f.constValue) {
          this.problem(at, path, "bad-constant", `expected "${f.constValue}", found "${text}" (${hexOctets(raw)})`);
        }
        return t.count.kind === "fixed" ? { kind: "value", value: text } : { kind: "value", value: text, extent: n };
      }
      case "bytes": {
        if (t.count.kind === "fixed") {
          this.checkReservedBytes(f, at, t.count.n, path);
          return { kind: "value", value: this.bytes(at, t.count.n) };
        }
        const n = this.count(t.count, 1, room, at, path, counts);
        return { kind: "value", value: this.bytes(at, n), extent: n };
      }
      case "array": {
        const n = t.count.kind === "fixed" ? t.count.n : this.count(t.count, t.stride, room, at, path, counts);
        const items: JsonValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.scalar(t.element, at + i * t.stride, `${path}[${i}]`));
        return t.count.kind === "fixed"
          ? { kind: "value", value: items }
          : { kind: "value", value: items, extent: n * t.stride };
      }
      case "stream":
        return { kind: "value", value: this.ctx.nestedStream(t.streamName, at, room), extent: room };
      case "bits": {
        const raw = readInt(src, at, t.prim, t.endian === "little");
        this.checkConstAndReserved(f, raw, at, path);
        const obj: { [k: string]: JsonValue } = { raw: integerJson(raw) };
        for (const r of t.ranges) {
          const width = BigInt(r.hi - r.lo + 1);
          const v = (raw >> BigInt(r.lo)) & ((1n << width) - 1n);
          if (r.enumName !== null) obj[r.name] = this.enumValue(r.enumName, v, at, `${path}.${r.name}`);
          else if (r.flagsName !== null) obj[r.name] = this.flagsValue(r.flagsName, v, at, `${path}.${r.name}`);
          else obj[r.name] = integerJson(v);
        }
        return { kind: "value", value: obj };
      }
      case "prim":
      case "enum":
      case "flags": {
        if (t.kind !== "prim" || (t.prim !== "f32" && t.prim !== "f64")) {
          const raw = readInt(src, at, t.prim, t.endian === "little");
          counts.set(f.name, raw);
          this.checkConstAndReserved(f, raw, at, path);
          if (f.lengthOf !== undefined) this.checkLength(f, raw, at, path);
        }
        return { kind: "value", value: this.scalar(t, at, path) };
      }
      case "struct":
        return {
          kind: "value",
          value: this.struct(structOf(this.ctx.schemas, t.structName), at, room, `${path}.`).fields,
        };
    }
  }

  count(
    count: { kind: "field"; field: string } | { kind: "rest" },
    stride: number,
    room: number,
    at: number,
    path: string,
    counts: Map<string, bigint>,
  ): number {
    const fits = stride > 0 ? Math.floor(Math.max(room, 0) / stride) : 0;
    if (count.kind === "rest") {
      if (stride > 0 && room % stride !== 0) {
        this.problem(at, path, "bad-count", `${room} octets left is not a whole number of ${stride}-octet elements`);
      }
      return fits;
    }
    const wanted = counts.get(count.field) ?? 0n;
    if (wanted > BigInt(fits)) {
      this.problem(
        at,
        path,
        "bad-count",
        `count '${count.field}' is ${wanted} but only ${fits} element(s) of ${stride} octets fit in the body`,
      );
      return fits;
    }
    return Number(wanted);
  }

  checkConstAndReserved(f: LayoutField, raw: bigint, at: number, path: string): void {
    if (typeof f.constValue === "bigint" && raw !== f.constValue) {
      this.problem(at, path, "bad-constant", `expected ${hex(f.constValue)}, found ${hex(raw)}`);
    }
    if (f.reserved && raw !== 0n)
      this.problem(at, path, "nonzero-reserved", `reserved field holds ${hex(raw)}, must be zero`);
  }

  /** A length field against the octets its input has after it (`rest`) or from its struct's start (`input`). */
  checkLength(f: LayoutField, raw: bigint, at: number, path: string): void {
    if (this.input === undefined) return;
    const from = f.lengthOf === "rest" ? at + f.size : at - f.offset;
    const has = BigInt(this.input.end - from);
    if (raw === has || (this.input.bounds && raw < has)) return;
    const what =
      f.lengthOf === "rest" ? `${has} octets follow it` : `the input has ${has} octets from the start of its struct`;
    this.problem(at, path, "length-mismatch", `${path} is ${raw} (= length of ${f.lengthOf ?? "rest"}), but ${what}`);
  }

  checkReservedBytes(f: LayoutField, at: number, length: number, path: string): void {
    if (!f.reserved) return;
    let nonzero = 0;
    this.ctx.source.segments(at, length, (piece) => {
      for (const b of piece) if (b !== 0) nonzero++;
    });
    if (nonzero > 0) this.problem(at, path, "nonzero-reserved", `${nonzero} reserved octets are not zero`);
  }
}

/** What a field past the end of a zero-extended body reads as (integers, bit ranges, integer arrays). */
function zeroJson(t: LayoutType): JsonValue {
  switch (t.kind) {
    case "flags":
      return [];
    case "bits": {
      const obj: { [k: string]: JsonValue } = { raw: 0 };
      for (const r of t.ranges) obj[r.name] = 0;
      return obj;
    }
    case "array":
      return t.count.kind === "fixed" ? new Array<JsonValue>(t.count.n).fill(0) : [];
    default:
      return 0;
  }
}

/**
 * Decodes `structName` at `offset`, reading at most `available` octets. Its length fields are
 * checked against `input` (default: the input ends after the `available` octets).
 */
export function decodeStruct(
  ctx: DecodeContext,
  structName: string,
  offset: number,
  available: number,
  input?: InputBound,
): DecodedStruct {
  return new StructDecoder(ctx, input ?? { end: offset + available, bounds: false }).struct(
    structOf(ctx.schemas, structName),
    offset,
    available,
  );
}
