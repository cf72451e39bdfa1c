/**
 * Primitive type names of the language (`u32`, `u16be`, `f64`, ...): what they mean, their size and
 * the range of values they hold.
 */
import type { Endian, IntName, PrimName } from "../ir.js";

export interface PrimSpec {
  readonly prim: PrimName;
  /** Explicit endianness from a `le`/`be` suffix, or null for the struct's default. */
  readonly endian: Endian | null;
}

const PRIM_SIZES: Readonly<Record<PrimName, number>> = {
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

const PRIM_RE = /^(u8|i8|u16|i16|u32|i32|u64|i64|f32|f64)(le|be)?$/;

/** Parses `u32`, `u64be`, `f32le`...; null when `name` is not a primitive type (`u8le` is not). */
export function parsePrim(name: string): PrimSpec | null {
  const m = PRIM_RE.exec(name);
  if (m === null) return null;
  const prim = m[1] as PrimName;
  const suffix = m[2];
  if (suffix !== undefined && PRIM_SIZES[prim] === 1) return null;
  return { prim, endian: suffix === "le" ? "little" : suffix === "be" ? "big" : null };
}

export function primSize(prim: PrimName): number {
  return PRIM_SIZES[prim];
}

export function isIntName(prim: PrimName): prim is IntName {
  return prim !== "f32" && prim !== "f64";
}

export function intRange(prim: IntName): { min: bigint; max: bigint } {
  const bits = BigInt(PRIM_SIZES[prim] * 8);
  if (prim.startsWith("u")) return { min: 0n, max: (1n << bits) - 1n };
  return { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
}

/** A type name as the layout listing shows it: `u32`, `u64be` (big-endian multi-byte ints say so). */
export function primLabel(prim: PrimName, endian: Endian): string {
  return PRIM_SIZES[prim] > 1 && endian === "big" ? `${prim}be` : prim;
}
