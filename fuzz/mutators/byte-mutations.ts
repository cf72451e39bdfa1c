/**
 * Structure-blind mutations of a byte string: bit flips, byte and word overwrites with edge values,
 * truncation, insertion and deletion. Positions are plain naturals taken modulo the length when
 * applied, so they shrink well and stay meaningful whatever the input's size.
 */
import * as fc from "fast-check";

export type ByteMutation =
  | { readonly kind: "flip"; readonly at: number; readonly bit: number }
  | { readonly kind: "set8"; readonly at: number; readonly value: number }
  | {
      readonly kind: "set32";
      readonly at: number;
      readonly value: number;
      readonly littleEndian: boolean;
    }
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: "delete"; readonly at: number; readonly count: number };

/** 32-bit values that break length and count fields: zero, one, around the sign bit, the maximum. */
export const EDGE_U32 = [
  0, 1, 7, 8, 9, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffff8, 0xfffffffe,
  0xffffffff,
] as const;

export function edgeU32(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(...EDGE_U32), fc.nat({ max: 0xffffffff }));
}

export function byteMutation(): fc.Arbitrary<ByteMutation> {
  const at = fc.nat({ max: 1 << 20 });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("flip" as const),
        at,
        bit: fc.nat({ max: 7 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("set8" as const),
        at,
        value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("set32" as const),
        at,
        value: edgeU32(),
        littleEndian: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("truncate" as const), at }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("insert" as const),
        at,
        bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("delete" as const),
        at,
        count: fc.integer({ min: 1, max: 16 }),
      }),
    },
  );
}

/** Applies one mutation, returning a new array (the input is not changed). */
export function applyByteMutation(input: Uint8Array, m: ByteMutation): Uint8Array {
  const n = input.length;
  switch (m.kind) {
    case "truncate":
      return input.slice(0, n === 0 ? 0 : m.at % n);
    case "insert": {
      const at = m.at % (n + 1);
      const out = new Uint8Array(n + m.bytes.length);
      out.set(input.subarray(0, at), 0);
      out.set(m.bytes, at);
      out.set(input.subarray(at), at + m.bytes.length);
      return out;
    }
    case "delete": {
      if (n === 0) return input.slice();
      const at = m.at % n;
      const out = new Uint8Array(n - Math.min(m.count, n - at));
      out.set(input.subarray(0, at), 0);
      out.set(input.subarray(at + m.count), at);
      return out;
    }
    default:
      break;
  }
  const out = input.slice();
  if (n === 0) return out;
  const at = m.at % n;
  if (m.kind === "flip") out[at] = (out[at] ?? 0) ^ (1 << m.bit);
  else if (m.kind === "set8") out[at] = m.value;
  else {
    const dv = new DataView(out.buffer);
    const start = Math.min(at, Math.max(0, n - 4));
    if (n >= 4) dv.setUint32(start, m.value >>> 0, m.littleEndian);
  }
  return out;
}

export function applyByteMutations(input: Uint8Array, ms: readonly ByteMutation[]): Uint8Array {
  let out = input;
  for (const m of ms) out = applyByteMutation(out, m);
  return out;
}
