/**
 * The small helpers generated accessor classes import: placement checks, the `number` view of
 * 64-bit fields, ASCII text, array flyweights over a `ByteSource`, and the builders of the
 * `Problem`s `validate()` returns. Read paths here allocate nothing (ASCII decoding, `toJSON`
 * helpers and problem builders excepted: they build the strings and objects they return).
 */
import type { ByteSource, ByteView } from "./byte-view.js";
import { ContiguousSource } from "./contiguous-source.js";
import { BoundsError, IntegerRangeError, type IntegerTypeName, UnsafeNumberError } from "./errors.js";
import type { Problem } from "./problem.js";
import {
  HOST_LITTLE_ENDIAN,
  walkU64Array,
  walkU64ArrayWords,
  type U32WordRangeVisitor,
  type U64RunVisitor,
} from "./u64-array-walk.js";

/** A view of no bytes: what a flyweight holds before it is placed. */
export const UNPLACED_VIEW: ByteView = new DataView(new ArrayBuffer(0));
/** A source of no bytes: what a flyweight holds before it is placed. */
export const UNPLACED_SOURCE: ByteSource = new ContiguousSource(new ArrayBuffer(0));

/** JSON-compatible values, as `toJSON()` returns them. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What kind of field a `FIELDS` entry describes. */
export type FieldKind =
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "i8"
  | "i16"
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "enum"
  | "flags"
  | "bits"
  | "ascii"
  | "bytes"
  | "pad"
  | "struct"
  | "array"
  | "stream";

/** One entry of a generated class's static `FIELDS` table. */
export interface FieldInfo {
  /** Schema name of the field (snake_case, as in the `.lu` file). */
  readonly name: string;
  /** Byte offset in the struct. */
  readonly offset: number;
  /** Size in bytes; 0 for a variable-length trailing field. */
  readonly size: number;
  readonly kind: FieldKind;
  /** The field's type as the schema spells it, endianness explicit (`u32le`, `lu_domain_type`, `u64le[count]`). */
  readonly type: string;
}

/** What every generated struct flyweight offers, whatever its fields. */
export interface StructAccessor {
  readonly src: ByteSource;
  readonly base: number;
  readonly byteLength: number;
  /** Writes constant fields and zeroes padding and reserved fields; returns `this`. */
  init(): this;
  /** Everything wrong with the contents (empty when valid). */
  validate(problems?: Problem[], path?: string): Problem[];
  toJSON(): JsonValue;
}

/** The static side of a generated struct class: a record dumper's type → class lookup holds these. */
export interface StructClass<T extends StructAccessor = StructAccessor> {
  readonly SIZE: number;
  readonly ALIGN: number;
  readonly FIELDS: readonly FieldInfo[];
  /** Older body sizes a zero-extended struct also takes (`load zero_extend from …`). */
  readonly OLDER_SIZES?: readonly number[];
  /** Size of the compat layout a zero-extended struct also takes (`load zero_extend … compat S`). */
  readonly COMPAT_SIZE?: number;
  /** The schema name of the struct. */
  readonly SCHEMA_NAME: string;
  at(src: ByteSource, offset?: number, byteLength?: number): T;
}

/**
 * The room a struct is given when placed: `byteLength` when the caller says (a record's
 * body_length), else `fallback`. Throws `BoundsError` when it cannot hold the fixed part.
 */
export function placementRoom(offset: number, size: number, byteLength: number | undefined, fallback: number): number {
  const room = byteLength ?? fallback;
  if (!(room >= size)) throw new BoundsError(offset, size, Math.max(0, room));
  return room;
}

/**
 * Elements of a trailing array whose count is another field: `count`, checked to fit in the
 * `room` octets left for it (a count running past the body is a `BoundsError`, never a read of
 * the next record).
 */
export function countedElements(count: number | bigint, stride: number, at: number, room: number): number {
  const n = Number(count);
  if (!(n >= 0 && n * stride <= room)) throw new BoundsError(at, n * stride, Math.max(0, room));
  return n;
}

/** Elements of a trailing array that fills the rest of the body: whole elements only. */
export function restElements(stride: number, room: number): number {
  return room > 0 ? Math.floor(room / stride) : 0;
}

const TWO_32 = 0x1_0000_0000;

/** Reads a u64 as a `number`; throws `UnsafeNumberError` above Number.MAX_SAFE_INTEGER. No bigint is made. */
export function readU64Number(view: ByteView, offset: number, littleEndian: boolean, field: string): number {
  const lo = view.getUint32(littleEndian ? offset : offset + 4, littleEndian);
  const hi = view.getUint32(littleEndian ? offset + 4 : offset, littleEndian);
  if (hi > 0x1f_ffff) throw new UnsafeNumberError(field, (BigInt(hi) << 32n) | BigInt(lo));
  return hi * TWO_32 + lo;
}

/** Reads an i64 as a `number`; throws `UnsafeNumberError` outside ±Number.MAX_SAFE_INTEGER. */
export function readI64Number(view: ByteView, offset: number, littleEndian: boolean, field: string): number {
  const lo = view.getUint32(littleEndian ? offset : offset + 4, littleEndian);
  const hi = view.getInt32(littleEndian ? offset + 4 : offset, littleEndian);
  if (hi > 0x1f_ffff || hi < -0x20_0000 || (hi === -0x20_0000 && lo === 0)) {
    throw new UnsafeNumberError(field, (BigInt(hi) << 32n) | BigInt(lo));
  }
  return hi * TWO_32 + lo;
}

/** Writes a safe integer `value` into a u64 (or, when `signed`, an i64); throws RangeError otherwise. */
export function writeI64Number(
  view: ByteView,
  offset: number,
  value: number,
  littleEndian: boolean,
  signed: boolean,
  field: string,
): void {
  if (!Number.isSafeInteger(value) || (!signed && value < 0)) {
    throw new RangeError(`field '${field}' cannot hold ${value}: not a ${signed ? "" : "non-negative "}safe integer`);
  }
  const lo = value >>> 0;
  const hi = Math.floor(value / TWO_32);
  view.setUint32(littleEndian ? offset : offset + 4, lo, littleEndian);
  view.setInt32(littleEndian ? offset + 4 : offset, hi, littleEndian);
}

/** A 64-bit value for JSON: a number when it is a safe integer, else its decimal string. */
export function json64(value: bigint): number | string {
  return value <= 9007199254740991n && value >= -9007199254740991n ? Number(value) : value.toString();
}

/**
 * The error an integer setter throws for a value its type cannot hold (generated setters test
 * `(value & 0xffff) !== value` and the like inline and call this only to build the error).
 */
export function integerRangeError(field: string, type: IntegerTypeName, value: number | bigint): IntegerRangeError {
  return new IntegerRangeError(field, type, value);
}

/** Whether `value` is an integer `type` can hold (what every integer setter checks before writing). */
export function fitsInteger(type: IntegerTypeName, value: number | bigint): boolean {
  if (typeof value === "bigint") {
    if (type === "u64") return BigInt.asUintN(64, value) === value;
    if (type === "i64") return BigInt.asIntN(64, value) === value;
    return false;
  }
  switch (type) {
    case "u8":
      return (value & 0xff) === value;
    case "i8":
      return (value << 24) >> 24 === value;
    case "u16":
      return (value & 0xffff) === value;
    case "i16":
      return (value << 16) >> 16 === value;
    case "u32":
      return value >>> 0 === value;
    case "i32":
      return (value | 0) === value;
    default:
      return false;
  }
}

/**
 * An enum value as read from data: one of the enum's members, or (the data may hold anything) a
 * value the enum does not name. `T | UnknownMember<number>` does not collapse to `number`, so
 * `switch`/`if` narrowing over the members works and the compiler still makes the code handle
 * an unknown value (narrow it with the generated `isX()` guard, compare it, or print it).
 */
export type UnknownMember<T extends number | bigint> = T & { readonly [unknownMember]: true };
declare const unknownMember: unique symbol;

/** The JSON of an enum value, as `lu dump --json` gives it: the member's name, else the number. */
export function enumJson<T extends number | bigint>(value: T, names: ReadonlyMap<T, string>): JsonValue {
  const name = names.get(value);
  if (name !== undefined) return name;
  return typeof value === "bigint" ? json64(value) : value;
}

/** The JSON of an array of enum values: each element's name, or its number when unknown. */
export function enumListJson<T extends number | bigint>(
  list: { readonly length: number; at(i: number): T },
  names: ReadonlyMap<T, string>,
): JsonValue[] {
  const out: JsonValue[] = [];
  for (let i = 0; i < list.length; i++) out.push(enumJson(list.at(i), names));
  return out;
}

/**
 * The JSON of a flag set (up to 32 bits), as `lu dump --json` gives it: the name of every member
 * whose mask is wholly set, in declaration order, then the bits no member names as one hex string.
 */
export function flagsJson(value: number, masks: Readonly<Record<string, number>>): JsonValue[] {
  const out: JsonValue[] = [];
  let known = 0;
  for (const [name, mask] of Object.entries(masks)) {
    known = (known | mask) >>> 0;
    if ((value & mask) >>> 0 === mask) out.push(name);
  }
  const unknown = (value & ~known) >>> 0;
  if (unknown !== 0) out.push(hex(unknown));
  return out;
}

/** `flagsJson` of a 64-bit flag set. */
export function flagsJson64(value: bigint, masks: Readonly<Record<string, bigint>>): JsonValue[] {
  const out: JsonValue[] = [];
  let known = 0n;
  for (const [name, mask] of Object.entries(masks)) {
    known |= mask;
    if ((value & mask) === mask) out.push(name);
  }
  const unknown = value & ~known;
  if (unknown !== 0n) out.push(hex(unknown));
  return out;
}

/** ASCII text up to the first NUL of a byte range (a trailing `ascii[..]` field). Allocates the string. */
export function asciiOf(bytes: Uint8Array): string {
  let text = "";
  for (const c of bytes) {
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return text;
}

/**
 * Octets a struct with a counted tail takes with `count` elements of `stride` octets after its
 * `size`-octet fixed part (`static sizeFor(count)` of the generated class).
 * @throws RangeError when `count` is not a non-negative safe integer
 */
export function tailSize(size: number, stride: number, count: number, field: string): number {
  if (!(Number.isSafeInteger(count) && count >= 0))
    throw new RangeError(`${field}: element count ${count} is not a non-negative integer`);
  return size + count * stride;
}

/** The RangeError a bit-range setter throws for a value that does not fit its bits. */
export function bitRangeError(field: string, width: number, value: number | bigint): RangeError {
  return new RangeError(`bit range '${field}' is ${width} bits wide and cannot hold ${value}`);
}

/** ASCII text of a fixed-size field, up to the first NUL. Allocates the string it returns. */
export function readAscii(view: ByteView, offset: number, length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) {
    const c = view.getUint8(offset + i);
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return text;
}

/** Writes `text` NUL-padded into a fixed-size ASCII field; throws RangeError for non-ASCII or too long text. */
export function writeAscii(view: ByteView, offset: number, length: number, text: string, field: string): void {
  if (text.length > length)
    throw new RangeError(`field '${field}' holds ${length} octets; '${text}' is ${text.length}`);
  for (let i = 0; i < length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (c > 0x7f) throw new RangeError(`field '${field}' is ASCII; '${text}' has a character above 0x7F`);
    view.setUint8(offset + i, c);
  }
}

/** Copies `bytes` into a fixed-size byte field; throws RangeError when the length differs. */
export function writeBytes(view: ByteView, offset: number, length: number, bytes: Uint8Array, field: string): void {
  if (bytes.length !== length) throw new RangeError(`field '${field}' holds ${length} octets, got ${bytes.length}`);
  for (let i = 0; i < length; i++) view.setUint8(offset + i, bytes[i] ?? 0);
}

/** Writes `length` zero octets. */
export function zeroBytes(view: ByteView, offset: number, length: number): void {
  for (let i = 0; i < length; i++) view.setUint8(offset + i, 0);
}

/** Index of the first non-zero octet in `[offset, offset + length)`, or -1. */
export function firstNonZero(view: ByteView, offset: number, length: number): number {
  for (let i = 0; i < length; i++) if (view.getUint8(offset + i) !== 0) return i;
  return -1;
}

const HEX = "0123456789abcdef";

/** Lower-case hex of `bytes` (for `toJSON`). */
export function hexOf(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  return s;
}

/** `0x`-prefixed hex of an integer (for problem messages). */
export function hex(value: number | bigint): string {
  return `0x${value.toString(16)}`;
}

// ---------------------------------------------------------------------------------------------
// Problem builders (validate() only: they allocate the problem they return).

export function badConstant(
  problems: Problem[],
  field: string,
  offset: number,
  expected: string,
  actual: string,
): void {
  problems.push({
    kind: "bad-constant",
    field,
    offset,
    message: `'${field}' is ${actual}, expected ${expected}`,
    expected,
    actual,
  });
}

export function nonZeroPadding(problems: Problem[], field: string, offset: number, at: number, octet: number): void {
  const actual = hex(octet);
  problems.push({
    kind: "nonzero-padding",
    field,
    offset: offset + at,
    message: `padding '${field}' holds ${actual} at octet ${at}, expected zero`,
    expected: "0x0",
    actual,
  });
}

export function nonZeroReserved(problems: Problem[], field: string, offset: number, actual: string): void {
  problems.push({
    kind: "nonzero-reserved",
    field,
    offset,
    message: `reserved '${field}' is ${actual}, expected zero`,
    expected: "0x0",
    actual,
  });
}

export function unknownEnum(
  problems: Problem[],
  field: string,
  offset: number,
  enumName: string,
  value: number | bigint,
): void {
  const actual = `${value}`;
  problems.push({
    kind: "unknown-enum",
    field,
    offset,
    message: `'${field}' is ${actual}, not a value of ${enumName}`,
    actual,
  });
}

export function unknownFlags(
  problems: Problem[],
  field: string,
  offset: number,
  flagsName: string,
  bits: number | bigint,
): void {
  const actual = hex(bits);
  problems.push({
    kind: "unknown-flags",
    field,
    offset,
    message: `'${field}' has bits ${actual} that ${flagsName} does not name`,
    actual,
  });
}

export function badCount(problems: Problem[], field: string, offset: number, message: string): void {
  problems.push({ kind: "bad-count", field, offset, message: `'${field}': ${message}` });
}

/**
 * A length field (`= length of rest|input`) that disagrees with the octets its struct was placed
 * on: `has` is what follows the field (`rest`) or the struct's whole extent (`input`).
 */
export function lengthMismatch(
  problems: Problem[],
  field: string,
  offset: number,
  of: "rest" | "input",
  value: number | bigint,
  has: number,
): void {
  const actual = `${value}`;
  const expected = `${has}`;
  const what = of === "rest" ? `${has} octets follow it` : `its struct has ${has} octets`;
  problems.push({
    kind: "length-mismatch",
    field,
    offset,
    message: `'${field}' is ${actual} (= length of ${of}), but ${what}`,
    expected,
    actual,
  });
}

// ---------------------------------------------------------------------------------------------
// Array flyweights. A generated accessor places one (cached on its struct) over the array's
// bytes with one bounds check; `at(i)` then checks the index and makes one DataView-style call.

/** Receives elements `[firstIndex, firstIndex + values.length)` of a u32 array. */
export type U32RunVisitor = (values: Uint32Array, firstIndex: number) => void;

abstract class ArrayFlyweight {
  /** View holding the elements, and the offset of element 0 in it. */
  view: ByteView = UNPLACED_VIEW;
  offset = 0;
  /** Source and absolute offset of element 0 (for page-segment walks and problems). */
  src: ByteSource = UNPLACED_SOURCE;
  base = 0;
  length = 0;
  littleEndian = true;
  abstract readonly stride: number;

  /** Re-points this flyweight at `length` elements starting at `base` of `src`; one bounds check. */
  wrap(src: ByteSource, base: number, length: number, littleEndian: boolean): this {
    this.view = src.window(base, length * this.stride);
    this.offset = src.windowOffset;
    this.src = src;
    this.base = base;
    this.length = length;
    this.littleEndian = littleEndian;
    return this;
  }

  /** Re-points onto a view the caller has already bounds-checked (an array inside a placed struct). */
  rebind(view: ByteView, offset: number, src: ByteSource, base: number, length: number, littleEndian: boolean): this {
    this.view = view;
    this.offset = offset;
    this.src = src;
    this.base = base;
    this.length = length;
    this.littleEndian = littleEndian;
    return this;
  }

  abstract at(i: number): number | bigint;

  /** The elements as a JSON array (64-bit values above 2^53-1 as decimal strings). Allocates. */
  toJSON(): JsonValue[] {
    const out: JsonValue[] = [];
    for (let i = 0; i < this.length; i++) {
      const v = this.at(i);
      out.push(typeof v === "bigint" ? json64(v) : v);
    }
    return out;
  }

  /** Byte offset in `view` of element `i`; throws `BoundsError` for an index outside the array. */
  protected place(i: number): number {
    if (!(i >= 0 && i < this.length) || i % 1 !== 0)
      throw new BoundsError(this.base + i * this.stride, this.stride, this.length * this.stride);
    return this.offset + i * this.stride;
  }
}

export class U8Array extends ArrayFlyweight {
  readonly stride = 1;
  at(i: number): number {
    return this.view.getUint8(this.place(i));
  }
  set(i: number, value: number): void {
    if ((value & 0xff) !== value) throw new IntegerRangeError(`array element ${i}`, "u8", value);
    this.view.setUint8(this.place(i), value);
  }
}

export class I8Array extends ArrayFlyweight {
  readonly stride = 1;
  at(i: number): number {
    return this.view.getInt8(this.place(i));
  }
  set(i: number, value: number): void {
    if ((value << 24) >> 24 !== value) throw new IntegerRangeError(`array element ${i}`, "i8", value);
    this.view.setInt8(this.place(i), value);
  }
}

export class U16Array extends ArrayFlyweight {
  readonly stride = 2;
  at(i: number): number {
    return this.view.getUint16(this.place(i), this.littleEndian);
  }
  set(i: number, value: number): void {
    if ((value & 0xffff) !== value) throw new IntegerRangeError(`array element ${i}`, "u16", value);
    this.view.setUint16(this.place(i), value, this.littleEndian);
  }
}

export class I16Array extends ArrayFlyweight {
  readonly stride = 2;
  at(i: number): number {
    return this.view.getInt16(this.place(i), this.littleEndian);
  }
  set(i: number, value: number): void {
    if ((value << 16) >> 16 !== value) throw new IntegerRangeError(`array element ${i}`, "i16", value);
    this.view.setInt16(this.place(i), value, this.littleEndian);
  }
}

export class U32Array extends ArrayFlyweight {
  readonly stride = 4;
  at(i: number): number {
    return this.view.getUint32(this.place(i), this.littleEndian);
  }
  set(i: number, value: number): void {
    if (value >>> 0 !== value) throw new IntegerRangeError(`array element ${i}`, "u32", value);
    this.view.setUint32(this.place(i), value, this.littleEndian);
  }
  /**
   * Visits the elements page segment by page segment as `Uint32Array` views over the source's own
   * memory (no copy when they are 4-aligned there and in host byte order; otherwise the run is
   * copied). Returns the bytes copied.
   */
  forEachRun(visit: U32RunVisitor): number {
    return walkU32Array(this.src, this.base, this.length, visit, this.littleEndian);
  }
}

export class I32Array extends ArrayFlyweight {
  readonly stride = 4;
  at(i: number): number {
    return this.view.getInt32(this.place(i), this.littleEndian);
  }
  set(i: number, value: number): void {
    if ((value | 0) !== value) throw new IntegerRangeError(`array element ${i}`, "i32", value);
    this.view.setInt32(this.place(i), value, this.littleEndian);
  }
}

export class U64Array extends ArrayFlyweight {
  readonly stride = 8;
  /** Schema path of the field, for `UnsafeNumberError` messages. */
  readonly field: string;
  constructor(field = "") {
    super();
    this.field = field;
  }
  at(i: number): bigint {
    return this.view.getBigUint64(this.place(i), this.littleEndian);
  }
  set(i: number, value: bigint): void {
    if (BigInt.asUintN(64, value) !== value) throw new IntegerRangeError(`array element ${i}`, "u64", value);
    this.view.setBigUint64(this.place(i), value, this.littleEndian);
  }
  /** Element `i` as a number; throws `UnsafeNumberError` above Number.MAX_SAFE_INTEGER. */
  atNumber(i: number): number {
    return readU64Number(this.view, this.place(i), this.littleEndian, this.field);
  }
  setNumber(i: number, value: number): void {
    writeI64Number(this.view, this.place(i), value, this.littleEndian, false, this.field);
  }
  /**
   * Visits the elements page segment by page segment as `BigUint64Array` views over the source's
   * own memory (no copy when 8-aligned and host-endian). Returns the bytes copied.
   */
  forEachRun(visit: U64RunVisitor): number {
    return walkU64Array(this.src, this.base, this.length, visit, this.littleEndian);
  }
  /**
   * The fastest walk for values below 2^53: each page segment as a range of 32-bit halves of one
   * `Uint32Array` over the whole backing buffer (see `walkU64ArrayWords`). Returns the bytes copied.
   */
  forEachWordRun(visit: U32WordRangeVisitor): number {
    return walkU64ArrayWords(this.src, this.base, this.length, visit, this.littleEndian);
  }
}

export class I64Array extends ArrayFlyweight {
  readonly stride = 8;
  readonly field: string;
  constructor(field = "") {
    super();
    this.field = field;
  }
  at(i: number): bigint {
    return this.view.getBigInt64(this.place(i), this.littleEndian);
  }
  set(i: number, value: bigint): void {
    if (BigInt.asIntN(64, value) !== value) throw new IntegerRangeError(`array element ${i}`, "i64", value);
    this.view.setBigInt64(this.place(i), value, this.littleEndian);
  }
  atNumber(i: number): number {
    return readI64Number(this.view, this.place(i), this.littleEndian, this.field);
  }
  setNumber(i: number, value: number): void {
    writeI64Number(this.view, this.place(i), value, this.littleEndian, true, this.field);
  }
}

export class F32Array extends ArrayFlyweight {
  readonly stride = 4;
  at(i: number): number {
    return this.view.getFloat32(this.place(i), this.littleEndian);
  }
  set(i: number, value: number): void {
    this.view.setFloat32(this.place(i), value, this.littleEndian);
  }
}

export class F64Array extends ArrayFlyweight {
  readonly stride = 8;
  at(i: number): number {
    return this.view.getFloat64(this.place(i), this.littleEndian);
  }
  set(i: number, value: number): void {
    this.view.setFloat64(this.place(i), value, this.littleEndian);
  }
}

/** A struct flyweight that an array (or an enclosing struct) can re-point without a bounds check. */
export interface Rebindable {
  rebind(view: ByteView, offset: number, src: ByteSource, base: number, byteLength: number): this;
}

/**
 * An array of structs: `at(i)` re-points one cached element flyweight (so two `at()` results are
 * the same object; pass `into` to keep several at once).
 */
export class StructArray<T extends Rebindable & { toJSON(): JsonValue }> {
  view: ByteView = UNPLACED_VIEW;
  offset = 0;
  src: ByteSource = UNPLACED_SOURCE;
  base = 0;
  length = 0;
  readonly stride: number;
  private readonly element: T;

  constructor(element: T, stride: number) {
    this.element = element;
    this.stride = stride;
  }

  wrap(src: ByteSource, base: number, length: number): this {
    this.view = src.window(base, length * this.stride);
    this.offset = src.windowOffset;
    this.src = src;
    this.base = base;
    this.length = length;
    return this;
  }

  rebind(view: ByteView, offset: number, src: ByteSource, base: number, length: number): this {
    this.view = view;
    this.offset = offset;
    this.src = src;
    this.base = base;
    this.length = length;
    return this;
  }

  at(i: number, into: T = this.element): T {
    if (!(i >= 0 && i < this.length) || i % 1 !== 0)
      throw new BoundsError(this.base + i * this.stride, this.stride, this.length * this.stride);
    const d = i * this.stride;
    return into.rebind(this.view, this.offset + d, this.src, this.base + d, this.stride);
  }

  /** Every element's `toJSON()`. Allocates. */
  toJSON(): JsonValue[] {
    const out: JsonValue[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i).toJSON());
    return out;
  }
}

/**
 * Visits `count` u32 elements at `offset` as `Uint32Array` runs, one per contiguous piece of the
 * source: views over the source's memory when 4-aligned and host-endian, copies otherwise
 * (elements straddling a piece edge are copied too). Returns the bytes copied.
 */
export function walkU32Array(
  src: ByteSource,
  offset: number,
  count: number,
  visit: U32RunVisitor,
  littleEndian = true,
): number {
  const native = littleEndian === HOST_LITTLE_ENDIAN;
  const carry = new Uint8Array(4);
  let carried = 0;
  let copied = 0;
  let index = 0;
  src.segments(offset, count * 4, (piece) => {
    let p = 0;
    if (carried > 0) {
      const take = Math.min(4 - carried, piece.length);
      carry.set(piece.subarray(0, take), carried);
      carried += take;
      p = take;
      if (carried < 4) return;
      visit(hostOrderCopy(carry, native), index);
      copied += 4;
      index += 1;
      carried = 0;
    }
    const whole = Math.floor((piece.length - p) / 4);
    if (whole > 0) {
      const start = piece.byteOffset + p;
      if (native && start % 4 === 0) visit(new Uint32Array(piece.buffer, start, whole), index);
      else {
        visit(hostOrderCopy(piece.subarray(p, p + whole * 4), native), index);
        copied += whole * 4;
      }
      index += whole;
      p += whole * 4;
    }
    if (p < piece.length) {
      carry.set(piece.subarray(p), 0);
      carried = piece.length - p;
    }
  });
  return copied;
}

function hostOrderCopy(bytes: Uint8Array, native: boolean): Uint32Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  if (!native) for (let i = 0; i < out.length; i += 4) out.subarray(i, i + 4).reverse();
  return new Uint32Array(out.buffer, 0, out.length / 4);
}
