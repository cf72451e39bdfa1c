/**
 * Setter → getter round trips for every primitive field of the golden `prims` struct, both
 * endiannesses, on a contiguous buffer and on a vmap of 64-octet pages (placements chosen so
 * fields straddle page edges). Each value is also read back with a plain DataView at the offset
 * and endianness the IR gives (a reference independent of the generated code), and edge values
 * (0, max, sign bit, 2^53±1, 2^64−1, NaN, -0, ±Infinity) are always included.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memberName } from "../../codegen/naming.js";
import type { PrimName } from "../../codegen/ir.js";
import { UnsafeNumberError } from "../../runtime/errors.js";
import { Prims } from "../golden/every-kind/expected.js";
import { goldenProgram, makeSource, rawView, SOURCE_KINDS, structOf } from "./sources.js";

const program = goldenProgram("every-kind");
const prims = structOf(program, "prims");

const EDGES: Record<PrimName, readonly (number | bigint)[]> = {
  u8: [0, 1, 0x7f, 0x80, 0xff],
  i8: [0, -1, 127, -128],
  u16: [0, 0x7fff, 0x8000, 0xffff],
  i16: [0, -1, 0x7fff, -0x8000],
  u32: [0, 0x7fffffff, 0x80000000, 0xffffffff],
  i32: [0, -1, 0x7fffffff, -0x80000000],
  u64: [0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n],
  i64: [0n, -1n, 2n ** 53n - 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)],
  f32: [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4028234663852886e38, 1.401298464324817e-45],
  f64: [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** 53 + 2],
};

function arbitrary(prim: PrimName): fc.Arbitrary<number | bigint> {
  const edges = fc.constantFrom(...EDGES[prim]);
  const random: fc.Arbitrary<number | bigint> = (() => {
    switch (prim) {
      case "u8":
        return fc.integer({ min: 0, max: 0xff });
      case "i8":
        return fc.integer({ min: -0x80, max: 0x7f });
      case "u16":
        return fc.integer({ min: 0, max: 0xffff });
      case "i16":
        return fc.integer({ min: -0x8000, max: 0x7fff });
      case "u32":
        return fc.integer({ min: 0, max: 0xffffffff });
      case "i32":
        return fc.integer({ min: -0x80000000, max: 0x7fffffff });
      case "u64":
        return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
      case "i64":
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
      case "f32":
        return fc.float();
      case "f64":
        return fc.double();
    }
  })();
  return fc.oneof(edges, random);
}

/** Reads a primitive with a plain DataView: the reference. */
function reference(view: DataView, prim: PrimName, le: boolean): number | bigint {
  switch (prim) {
    case "u8":
      return view.getUint8(0);
    case "i8":
      return view.getInt8(0);
    case "u16":
      return view.getUint16(0, le);
    case "i16":
      return view.getInt16(0, le);
    case "u32":
      return view.getUint32(0, le);
    case "i32":
      return view.getInt32(0, le);
    case "u64":
      return view.getBigUint64(0, le);
    case "i64":
      return view.getBigInt64(0, le);
    case "f32":
      return view.getFloat32(0, le);
    case "f64":
      return view.getFloat64(0, le);
  }
}

const PLACEMENT = fc.integer({ min: 0, max: 80 });

describe.each(SOURCE_KINDS)("primitive accessors on a %s source", (kind) => {
  const fields = prims.fields.flatMap((f) => (f.type.kind === "prim" ? [{ field: f, prim: f.type.prim, endian: f.type.endian }] : []));

  it("covers both endiannesses and every primitive", () => {
    expect(new Set(fields.map((f) => f.prim)).size).toBe(10);
    expect(new Set(fields.map((f) => f.endian))).toEqual(new Set(["little", "big"]));
  });

  for (const { field, prim, endian } of fields) {
    it(`${field.name} (${prim} ${endian}-endian): setter → getter and the raw octets agree`, () => {
      fc.assert(
        fc.property(arbitrary(prim), PLACEMENT, (value, at) => {
          const src = makeSource(kind, at + Prims.SIZE);
          const s = Prims.at(src, at);
          const name = memberName(field.name);
          Reflect.set(s, name, value);
          const back: unknown = Reflect.get(s, name);
          const raw = reference(rawView(src, at + field.offset, field.size), prim, endian === "little");
          if (prim === "f32") {
            expect(Object.is(back, Math.fround(Number(value)))).toBe(true);
          } else if (prim === "f64") {
            expect(Object.is(back, value)).toBe(true);
          } else {
            expect(back).toBe(value);
          }
          expect(Object.is(raw, back)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("u64/i64 number views: exact up to ±(2^53-1), UnsafeNumberError (a RangeError) beyond", () => {
    const src = makeSource(kind, 59 + Prims.SIZE);
    const s = Prims.at(src, 59);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (u, i) => {
        s.aU64Number = u;
        s.aI64Number = i;
        expect(s.aU64).toBe(BigInt(u));
        expect(s.aU64Number).toBe(u);
        expect(s.aI64).toBe(BigInt(i));
        expect(s.aI64Number).toBe(i);
      }),
      { numRuns: 200 },
    );
    for (const v of [2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
      s.aU64 = v;
      expect(() => s.aU64Number).toThrow(UnsafeNumberError);
      expect(() => s.aU64Number).toThrow(RangeError);
    }
    for (const v of [2n ** 53n, -(2n ** 53n), -(2n ** 63n)]) {
      s.aI64 = v;
      expect(() => s.aI64Number).toThrow(UnsafeNumberError);
    }
    s.aI64 = -(2n ** 53n) + 1n;
    expect(s.aI64Number).toBe(-Number.MAX_SAFE_INTEGER);
    expect(() => {
      s.aU64Number = -1;
    }).toThrow(RangeError);
    expect(() => {
      s.aU64Number = 2 ** 53;
    }).toThrow(RangeError);
    expect(() => {
      s.aI64Number = 1.5;
    }).toThrow(RangeError);
  });
});
