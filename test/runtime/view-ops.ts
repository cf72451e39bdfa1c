/**
 * Every read and write a generated accessor can do on a `ByteView`, as data, so tests can run the
 * same operation on a vmap and on a contiguous DataView and compare.
 */
import type { ByteView } from "../../runtime/byte-view.js";

export interface ViewOp {
  readonly name: string;
  readonly size: number;
  /** Reads the value at `o`; bigint and number values are both returned as-is. */
  readonly get: (v: ByteView, o: number, le: boolean) => number | bigint;
  /** Writes the value (decoded from the 8 raw bytes in `raw` by the same op) at `o`. */
  readonly set: (v: ByteView, o: number, value: number | bigint, le: boolean) => void;
}

const num = (x: number | bigint): number => (typeof x === "number" ? x : Number(x));
const big = (x: number | bigint): bigint => (typeof x === "bigint" ? x : BigInt(x));

export const VIEW_OPS: readonly ViewOp[] = [
  { name: "Uint8", size: 1, get: (v, o) => v.getUint8(o), set: (v, o, x) => v.setUint8(o, num(x)) },
  { name: "Int8", size: 1, get: (v, o) => v.getInt8(o), set: (v, o, x) => v.setInt8(o, num(x)) },
  { name: "Uint16", size: 2, get: (v, o, le) => v.getUint16(o, le), set: (v, o, x, le) => v.setUint16(o, num(x), le) },
  { name: "Int16", size: 2, get: (v, o, le) => v.getInt16(o, le), set: (v, o, x, le) => v.setInt16(o, num(x), le) },
  { name: "Uint32", size: 4, get: (v, o, le) => v.getUint32(o, le), set: (v, o, x, le) => v.setUint32(o, num(x), le) },
  { name: "Int32", size: 4, get: (v, o, le) => v.getInt32(o, le), set: (v, o, x, le) => v.setInt32(o, num(x), le) },
  {
    name: "Float32",
    size: 4,
    get: (v, o, le) => v.getFloat32(o, le),
    set: (v, o, x, le) => v.setFloat32(o, num(x), le),
  },
  {
    name: "Float64",
    size: 8,
    get: (v, o, le) => v.getFloat64(o, le),
    set: (v, o, x, le) => v.setFloat64(o, num(x), le),
  },
  {
    name: "BigUint64",
    size: 8,
    get: (v, o, le) => v.getBigUint64(o, le),
    set: (v, o, x, le) => v.setBigUint64(o, big(x), le),
  },
  {
    name: "BigInt64",
    size: 8,
    get: (v, o, le) => v.getBigInt64(o, le),
    set: (v, o, x, le) => v.setBigInt64(o, big(x), le),
  },
];

/** The value `op` decodes from the first bytes of `raw` (8 bytes), so every bit pattern is covered. */
export function valueFromRaw(op: ViewOp, raw: Uint8Array, le: boolean): number | bigint {
  const dv = new DataView(raw.buffer, raw.byteOffset, 8);
  return op.get(dv, 0, le);
}

/** Same value, NaN-aware. */
export function sameValue(a: number | bigint, b: number | bigint): boolean {
  return Object.is(a, b);
}
