/**
 * Code for one bit range of a `bits` integer: a getter expression and setter statements that
 * touch only the 32-bit half (or halves) the range lives in, so ranges of up to 53 bits are plain
 * `number` arithmetic with no bigint made; wider ranges use the bigint read of the whole integer.
 */
import type { Endian, IntName, LayoutBitRange } from "../../ir.js";
import { bigintLiteral, hexLiteral } from "./literals.js";
import { at, endianArg, PRIMS } from "./primitives.js";

export interface RangeCode {
  /** True when the range is read and written as a bigint (wider than 53 bits). */
  readonly bigint: boolean;
  /** Expression reading the range. */
  readonly get: string;
  /** Statements writing `value` (already range-checked by `check`). */
  readonly set: string[];
  /** Condition that is true when `value` does not fit the range. */
  readonly misfit: string;
  readonly width: number;
}

function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

function hex32(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** Reads/writes of a ≤32-bit unit at `unitAt` (an expression), bits `lo..hi` of that unit. */
function inUnit(
  method: string,
  bytes: number,
  unitAt: string,
  le: string,
  lo: number,
  width: number,
): Omit<RangeCode, "misfit" | "width" | "bigint"> {
  const read = `this.view.get${method}(${unitAt}${le})`;
  const m = mask(width);
  const get =
    lo === 0 && width === bytes * 8
      ? read
      : lo === 0
        ? `${read} & ${hex32(m)}`
        : lo + width === 32
          ? `${read} >>> ${lo}`
          : `(${read} >>> ${lo}) & ${hex32(m)}`;
  const keep = mask(bytes * 8) ^ (m << BigInt(lo));
  const value = lo === 0 ? "value" : `(value << ${lo})`;
  const set =
    lo === 0 && width === bytes * 8
      ? [`this.view.set${method}(${unitAt}, value${le});`]
      : [`this.view.set${method}(${unitAt}, (${read} & ${hex32(keep)}) | ${value}${le});`];
  return { get, set };
}

export function rangeCode(prim: IntName, endian: Endian, fieldOffset: number, r: LayoutBitRange): RangeCode {
  const fieldAt = at(fieldOffset);
  const info = PRIMS[prim];
  const width = r.hi - r.lo + 1;
  const le = endianArg(prim, endian);
  const littleEndian = endian === "little";
  const numberMisfit = width === 32 ? "value >>> 0 !== value" : `(value & ${hex32(mask(width))}) !== value`;
  if (info.size < 8) {
    const code = inUnit(info.unsignedMethod, info.size, fieldAt, le, r.lo, width);
    return { ...code, bigint: false, width, misfit: numberMisfit };
  }
  // 64-bit integer: which 32-bit half holds which bits depends on the endianness.
  const lowAt = at(littleEndian ? fieldOffset : fieldOffset + 4);
  const highAt = at(littleEndian ? fieldOffset + 4 : fieldOffset);
  if (r.hi < 32) {
    return { ...inUnit("Uint32", 4, lowAt, le, r.lo, width), bigint: false, width, misfit: numberMisfit };
  }
  if (r.lo >= 32) {
    return { ...inUnit("Uint32", 4, highAt, le, r.lo - 32, width), bigint: false, width, misfit: numberMisfit };
  }
  if (width <= 53) {
    // Straddles the halves: low part = bits lo..31 of the low word, high part = bits 0..hi-32 of the high word.
    const lowBits = 32 - r.lo;
    const highBits = r.hi - 31;
    const scale = hexLiteral(1n << BigInt(lowBits), 1);
    const readLow = `this.view.getUint32(${lowAt}${le})`;
    const readHigh = `this.view.getUint32(${highAt}${le})`;
    const highPart = highBits === 32 ? readHigh : `(${readHigh} & ${hex32(mask(highBits))})`;
    const lowPart = r.lo === 0 ? readLow : `(${readLow} >>> ${r.lo})`;
    const keepLow = mask(r.lo);
    const keepHigh = mask(32) ^ mask(highBits);
    const set = [
      `const high = Math.floor(value / ${scale});`,
      r.lo === 0
        ? `this.view.setUint32(${lowAt}, value % ${scale}${le});`
        : `this.view.setUint32(${lowAt}, (${readLow} & ${hex32(keepLow)}) | ((value % ${scale}) << ${r.lo})${le});`,
      highBits === 32
        ? `this.view.setUint32(${highAt}, high${le});`
        : `this.view.setUint32(${highAt}, (${readHigh} & ${hex32(keepHigh)}) | high${le});`,
    ];
    return {
      bigint: false,
      width,
      get: `${highPart} * ${scale} + ${lowPart}`,
      set,
      misfit: `!Number.isInteger(value) || value < 0 || value > ${hexLiteral(mask(width), 1)}`,
    };
  }
  const read = `this.view.getBigUint64(${fieldAt}${le})`;
  const m = mask(width);
  const keep = mask(64) ^ (m << BigInt(r.lo));
  return {
    bigint: true,
    width,
    get: r.lo === 0 ? `${read} & ${bigintLiteral(m)}` : `(${read} >> ${r.lo}n) & ${bigintLiteral(m)}`,
    set: [
      `this.view.setBigUint64(${fieldAt}, (${read} & ${bigintLiteral(keep)}) | ${r.lo === 0 ? "value" : `(value << ${r.lo}n)`}${le});`,
    ],
    misfit: `value < 0n || value > ${bigintLiteral(m)}`,
  };
}

/** Mask of the bits no range names (reserved bits), as a bigint. */
export function unnamedBits(prim: IntName, ranges: readonly LayoutBitRange[]): bigint {
  let all = mask(PRIMS[prim].size * 8);
  for (const r of ranges) all &= ~(mask(r.hi - r.lo + 1) << BigInt(r.lo));
  return all;
}
