/**
 * Bit ranges of the golden `packed_bits` (big-endian u16/u32/u64) and `wide_bits` (little-endian
 * u64: low half, high half, straddling the halves, wider than 53 bits): random values through
 * each range's setter read back, leave every other range alone, and land in the bits the IR says
 * (checked on the whole integer read with a plain DataView). Values that do not fit throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LayoutBitRange, LayoutStruct } from "../../codegen/ir.js";
import { memberName } from "../../codegen/naming.js";
import { PackedBits, WideBits } from "../golden/every-kind/expected.js";
import { goldenProgram, makeSource, rawView, SOURCE_KINDS, structOf } from "./sources.js";

const program = goldenProgram("every-kind");

interface RangeCase {
  readonly fieldOffset: number;
  readonly size: number;
  readonly le: boolean;
  readonly range: LayoutBitRange;
  readonly accessor: string;
}

function rangesOf(struct: LayoutStruct): RangeCase[] {
  return struct.fields.flatMap((f) =>
    f.type.kind === "bits"
      ? f.type.ranges.map((r) => ({
          fieldOffset: f.offset,
          size: f.size,
          le: f.type.kind === "bits" && f.type.endian === "little",
          range: r,
          accessor: memberName(r.name),
        }))
      : [],
  );
}

/** The whole integer, as an unsigned bigint, read with a plain DataView. */
function whole(view: DataView, size: number, le: boolean): bigint {
  switch (size) {
    case 1:
      return BigInt(view.getUint8(0));
    case 2:
      return BigInt(view.getUint16(0, le));
    case 4:
      return BigInt(view.getUint32(0, le));
    default:
      return view.getBigUint64(0, le);
  }
}

function rangeArb(r: LayoutBitRange): fc.Arbitrary<bigint> {
  const max = (1n << BigInt(r.hi - r.lo + 1)) - 1n;
  return fc.oneof(fc.constantFrom(0n, 1n, max, max >> 1n), fc.bigInt({ min: 0n, max }));
}

const asAccessorValue = (r: LayoutBitRange, v: bigint): number | bigint => (r.hi - r.lo + 1 > 53 ? v : Number(v));

const cases = [
  { cls: PackedBits, struct: structOf(program, "packed_bits") },
  { cls: WideBits, struct: structOf(program, "wide_bits") },
] as const;

describe.each(SOURCE_KINDS)("bit ranges on a %s source", (kind) => {
  for (const { cls, struct } of cases) {
    const ranges = rangesOf(struct);
    it(`${struct.name}: every range round-trips, lands in its bits, and leaves the others alone`, () => {
      fc.assert(
        fc.property(fc.tuple(...ranges.map((c) => rangeArb(c.range))), fc.integer({ min: 0, max: 70 }), fc.nat(ranges.length - 1), (values, at, pick) => {
          const src = makeSource(kind, at + cls.SIZE);
          const s = cls.at(src, at);
          ranges.forEach((c, i) => Reflect.set(s, c.accessor, asAccessorValue(c.range, values[i] ?? 0n)));
          // rewrite one range with a fresh value derived from the others
          const target = ranges[pick];
          if (target === undefined) return;
          const max = (1n << BigInt(target.range.hi - target.range.lo + 1)) - 1n;
          const fresh = (values[pick] ?? 0n) ^ max;
          Reflect.set(s, target.accessor, asAccessorValue(target.range, fresh));
          ranges.forEach((c, i) => {
            const expected = i === pick ? fresh : (values[i] ?? 0n);
            expect(Reflect.get(s, c.accessor)).toBe(asAccessorValue(c.range, expected));
            const raw = whole(rawView(src, at + c.fieldOffset, c.size), c.size, c.le);
            const mask = (1n << BigInt(c.range.hi - c.range.lo + 1)) - 1n;
            expect((raw >> BigInt(c.range.lo)) & mask).toBe(expected);
          });
        }),
        { numRuns: 150 },
      );
    });

    it(`${struct.name}: a value that does not fit its range throws a RangeError`, () => {
      const s = cls.at(makeSource(kind, cls.SIZE));
      for (const c of ranges) {
        const width = c.range.hi - c.range.lo + 1;
        const tooBig = width > 53 ? 1n << BigInt(width) : 2 ** width;
        expect(() => Reflect.set(s, c.accessor, tooBig), c.accessor).toThrow(RangeError);
        expect(() => Reflect.set(s, c.accessor, width > 53 ? -1n : -1), c.accessor).toThrow(RangeError);
        if (width <= 53) expect(() => Reflect.set(s, c.accessor, 0.5), c.accessor).toThrow(RangeError);
      }
    });
  }
});

describe("bit range validation", () => {
  it("reports unnamed (reserved) bits, unknown enum values and unknown flag bits in ranges", () => {
    const src = makeSource("contiguous", PackedBits.SIZE + 8);
    const s = PackedBits.at(src, 8);
    expect(s.validate()).toEqual([
      // hi (colour) holds 0, which colour does not name
      expect.objectContaining({ kind: "unknown-enum", field: "small.hi", offset: 8 }),
    ]);
    s.hi = 1;
    expect(s.validate()).toEqual([]);
    s.small = s.small | 0x0100; // bit 8: no range names it
    s.word = 0x0000_0001; // bit 0 of word: reserved
    expect(s.validate().map((p) => [p.kind, p.field, p.offset, p.actual])).toEqual([
      ["nonzero-reserved", "small", 8, "0x100"],
      ["nonzero-reserved", "word", 12, "0x1"],
    ]);
  });
});
