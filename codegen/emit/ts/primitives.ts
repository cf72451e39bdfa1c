/** What the emitter needs to know about each primitive: width, DataView method, TS type. */
import type { Endian, PrimName } from "../../ir.js";

export interface PrimInfo {
  readonly size: 1 | 2 | 4 | 8;
  /** DataView method suffix: `Uint32` → `getUint32` / `setUint32`. */
  readonly method: string;
  /** Unsigned method of the same width (for bit ranges and raw checks). */
  readonly unsignedMethod: string;
  readonly bigint: boolean;
  readonly signed: boolean;
  readonly float: boolean;
  /** Array flyweight class in runtime/accessor-support.ts. */
  readonly arrayClass: string;
}

export const PRIMS: Readonly<Record<PrimName, PrimInfo>> = {
  u8: {
    size: 1,
    method: "Uint8",
    unsignedMethod: "Uint8",
    bigint: false,
    signed: false,
    float: false,
    arrayClass: "U8Array",
  },
  i8: {
    size: 1,
    method: "Int8",
    unsignedMethod: "Uint8",
    bigint: false,
    signed: true,
    float: false,
    arrayClass: "I8Array",
  },
  u16: {
    size: 2,
    method: "Uint16",
    unsignedMethod: "Uint16",
    bigint: false,
    signed: false,
    float: false,
    arrayClass: "U16Array",
  },
  i16: {
    size: 2,
    method: "Int16",
    unsignedMethod: "Uint16",
    bigint: false,
    signed: true,
    float: false,
    arrayClass: "I16Array",
  },
  u32: {
    size: 4,
    method: "Uint32",
    unsignedMethod: "Uint32",
    bigint: false,
    signed: false,
    float: false,
    arrayClass: "U32Array",
  },
  i32: {
    size: 4,
    method: "Int32",
    unsignedMethod: "Uint32",
    bigint: false,
    signed: true,
    float: false,
    arrayClass: "I32Array",
  },
  u64: {
    size: 8,
    method: "BigUint64",
    unsignedMethod: "BigUint64",
    bigint: true,
    signed: false,
    float: false,
    arrayClass: "U64Array",
  },
  i64: {
    size: 8,
    method: "BigInt64",
    unsignedMethod: "BigUint64",
    bigint: true,
    signed: true,
    float: false,
    arrayClass: "I64Array",
  },
  f32: {
    size: 4,
    method: "Float32",
    unsignedMethod: "Uint32",
    bigint: false,
    signed: true,
    float: true,
    arrayClass: "F32Array",
  },
  f64: {
    size: 8,
    method: "Float64",
    unsignedMethod: "BigUint64",
    bigint: false,
    signed: true,
    float: true,
    arrayClass: "F64Array",
  },
};

/** The schema spelling with explicit endianness: `u32le`, `u8`, `f64be`. */
export function primLabel(prim: PrimName, endian: Endian): string {
  return PRIMS[prim].size === 1 ? prim : `${prim}${endian === "little" ? "le" : "be"}`;
}

/** The DataView endianness argument (`, true`), empty for single octets. */
export function endianArg(prim: PrimName, endian: Endian): string {
  return PRIMS[prim].size === 1 ? "" : `, ${endian === "little" ? "true" : "false"}`;
}

/** `this.view.getUint32(this.offset + 4, true)` */
export function readCall(prim: PrimName, endian: Endian, at: string, method = PRIMS[prim].method): string {
  return `this.view.get${method}(${at}${endianArg(prim, endian)})`;
}

/** `this.view.setUint32(this.offset + 4, value, true)` */
export function writeCall(
  prim: PrimName,
  endian: Endian,
  at: string,
  value: string,
  method = PRIMS[prim].method,
): string {
  return `this.view.set${method}(${at}, ${value}${endianArg(prim, endian)})`;
}

/** `this.offset + 4` */
export function at(offset: number): string {
  return `this.offset + ${offset}`;
}
