/**
 * The golden `everything` record body and friends, on both kinds of source: enums, flags, ASCII,
 * bytes, nested structs, fixed and trailing arrays, `init`/`validate`/`toJSON`, placement checks,
 * and the stream constants a reader and a dumper use.
 */
import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { UnknownMember } from "../../runtime/accessor-support.js";
import { BoundsError, IntegerRangeError } from "../../runtime/errors.js";
import { RecordReader } from "../../runtime/record-reader.js";
import {
  Blob,
  COLOUR,
  type Colour,
  Label,
  Note,
  PackedBits,
  Prims,
  Everything,
  INNER_STREAM_FORMAT,
  Nested,
  OUTER_BODIES,
  OUTER_FORMAT,
  OUTER_RECORD,
  OUTER_RECORD_NAMES,
  PERM,
  Point,
  PointList,
  WIDE_KIND,
  WIDE_PERM,
  isColour,
} from "../golden/every-kind/expected.js";
import { makeSource, rawView, SOURCE_KINDS } from "./sources.js";

describe.each(SOURCE_KINDS)("struct accessors on a %s source", (kind) => {
  it("init() writes constants and zeroes padding; validate() is then clean", () => {
    const src = makeSource(kind, 300);
    const e = Everything.at(src, 37, Everything.SIZE + 8);
    e.init();
    e.type = COLOUR.green;
    e.kind = WIDE_KIND.huge;
    e.shades.set(0, COLOUR.red);
    e.shades.set(1, COLOUR.default);
    e.count = 2;
    expect(e.magic).toBe(0xcafef00d);
    expect(e.id).toBe("EVRY");
    expect(e.validate()).toEqual([]);
  });

  it("validate() reports each kind of problem with its path and absolute offset, and never throws", () => {
    const src = makeSource(kind, 300);
    const e = Everything.at(src, 40, Everything.SIZE);
    e.init();
    e.type = COLOUR.red;
    e.kind = WIDE_KIND.small;
    e.shades.set(0, COLOUR.red);
    e.shades.set(1, COLOUR.red);
    // now break one thing of every kind
    e.magic = 0x1234;
    e.id = "EVRX";
    src.window(40 + 81, 1).setUint8(src.windowOffset, 0xaa); // _pad
    e.res = 7;
    e.type = 3 as typeof COLOUR.red; // not a colour
    e.perms = PERM.read | 0x100; // unknown bit 8
    e.wide = WIDE_PERM.high | 2n;
    e.shades.set(1, 9 as typeof COLOUR.red);
    e.count = 1; // 4 octets, but byteLength leaves 0 for values
    const problems = e.validate([], "rec.");
    expect(problems.map((p) => [p.kind, p.field, p.offset])).toEqual([
      ["bad-constant", "rec.magic", 40],
      ["bad-constant", "rec.id", 44],
      ["unknown-enum", "rec.type", 48],
      ["unknown-flags", "rec.perms", 60],
      ["unknown-flags", "rec.wide", 64],
      ["unknown-enum", "rec.shades[1]", 40 + 72 + 2],
      ["nonzero-padding", "rec._pad", 40 + 81],
      ["nonzero-reserved", "rec._res", 124],
      ["bad-count", "rec.values", 136],
    ]);
    expect(problems[0]).toMatchObject({ expected: "0xcafef00d", actual: "0x1234" });
    expect(problems[3]).toMatchObject({ actual: "0x100" });
    expect(() => e.values).toThrow(BoundsError);
  });

  it("enums and flags: as const objects, type guard, has-helpers", () => {
    const e = Everything.at(makeSource(kind, Everything.SIZE));
    e.type = COLOUR.default;
    expect(e.type).toBe(0x7fff);
    expect(rawView(e.src, 8, 2).getUint16(0, false)).toBe(0x7fff); // colour is u16be
    expect(isColour(e.type)).toBe(true);
    expect(isColour(5)).toBe(false);
    e.perms = PERM.read | PERM.top;
    expect(e.hasPerms(PERM.top)).toBe(true);
    expect(e.hasPerms(PERM.read | PERM.top)).toBe(true);
    expect(e.hasPerms(PERM.write)).toBe(false);
    e.wide = WIDE_PERM.high;
    expect(e.hasWide(WIDE_PERM.high)).toBe(true);
    expect(e.hasWide(WIDE_PERM.low)).toBe(false);
  });

  it("enum getters are typed as the enum, with unknown values kept apart from its members", () => {
    const e = Everything.at(makeSource(kind, Everything.SIZE));
    e.type = COLOUR.green;
    const read = (x: Everything): Everything["type"] => x.type; // a read TS has not narrowed by the write above
    const t = read(e);
    expectTypeOf<Everything["type"]>().toEqualTypeOf<Colour | UnknownMember<number>>();
    if (isColour(t)) expectTypeOf(t).toEqualTypeOf<Colour>();
    else expectTypeOf(t).toEqualTypeOf<UnknownMember<number>>();
    expect(t).toBe(COLOUR.green);
    e.type = 5 as Colour; // data may hold anything: the getter returns it as it is
    expect(e.type).toBe(5);
    expect(isColour(e.type)).toBe(false);
    const bits = PackedBits.at(makeSource(kind, PackedBits.SIZE));
    bits.hi = COLOUR.red;
    expectTypeOf<PackedBits["hi"]>().toEqualTypeOf<Colour | UnknownMember<number>>();
    expect(bits.hi).toBe(COLOUR.red);
  });

  it("integer setters refuse values their type cannot hold instead of wrapping", () => {
    const p = Prims.at(makeSource(kind, Prims.SIZE));
    const refused = (set: () => void, type: string): void => {
      let caught: unknown;
      try {
        set();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(IntegerRangeError);
      expect(caught).toBeInstanceOf(RangeError);
      expect(caught).toMatchObject({ type });
    };
    refused(() => (p.aU64 = -1n), "u64");
    refused(() => (p.aU64 = 1n << 64n), "u64");
    refused(() => (p.aI64 = 1n << 63n), "i64");
    refused(() => (p.aU8 = 256), "u8");
    refused(() => (p.aU8 = -1), "u8");
    refused(() => (p.aI8 = 128), "i8");
    refused(() => (p.aU16 = 0x10000), "u16");
    refused(() => (p.aI16 = -0x8001), "i16");
    refused(() => (p.aU32 = -1), "u32");
    refused(() => (p.aU32 = 2 ** 32), "u32");
    refused(() => (p.aI32 = 2 ** 31), "i32");
    refused(() => (p.aU32 = 1.5), "u32");
    refused(() => (p.aU16 = Number.NaN), "u16");
    expect(p.aU64).toBe(0n); // nothing was written
    p.aU64 = (1n << 64n) - 1n;
    p.aI64 = -(1n << 63n);
    p.aU8 = 255;
    p.aI8 = -128;
    p.aU16 = 0xffff;
    p.aI16 = -0x8000;
    p.aU32 = 2 ** 32 - 1;
    p.aI32 = -(2 ** 31);
    expect([p.aU64, p.aI64, p.aU8, p.aI8, p.aU16, p.aI16, p.aU32, p.aI32]).toEqual([(1n << 64n) - 1n, -(1n << 63n), 255, -128, 0xffff, -0x8000, 2 ** 32 - 1, -(2 ** 31)]);
    expect(() => {
      p.aU64 = -1n;
    }).toThrow("prims.a_u64 is u64 and cannot hold -1n (integers 0..18446744073709551615)");
    // A flag set takes the int32 that JavaScript's `|` makes of a u32 with the top bit set.
    const e = Everything.at(makeSource(kind, Everything.SIZE));
    e.perms = PERM.read | PERM.top;
    expect(e.perms).toBe(0x80000001);
    refused(() => (e.perms = 2 ** 32), "u32");
    refused(() => (e.values.set(0, -1)), "u32");
  });

  it("sizeFor(count): the byte size of a struct with a counted tail", () => {
    expect(Everything.sizeFor(3)).toBe(Everything.SIZE + 12);
    expect(PointList.sizeFor(2)).toBe(PointList.SIZE + 2 * Point.SIZE);
    expect(Blob.sizeFor(5)).toBe(5);
    expect(Label.sizeFor(6)).toBe(8);
    expect(() => Label.sizeFor(-1)).toThrow(RangeError);
    expect(() => Label.sizeFor(1.5)).toThrow(RangeError);
    const src = makeSource(kind, 128);
    const e = Everything.at(src, 0, Everything.sizeFor(2));
    e.init();
    e.count = 2;
    expect(e.values.length).toBe(2);
    expect(e.validate().filter((p) => p.kind === "bad-count")).toEqual([]);
  });

  it("ascii tails: counted by a field or filling the body; validate() checks the count", () => {
    const src = makeSource(kind, 128);
    const label = Label.at(src, 3, Label.sizeFor(10));
    label.len = 10;
    label.text = "sensor-a";
    expect(label.text).toBe("sensor-a");
    expect(rawView(src, 5, 10).getUint8(8)).toBe(0); // NUL padded
    expect(() => {
      label.text = "much too long";
    }).toThrow(RangeError);
    expect(label.validate()).toEqual([]);
    label.len = 11;
    expect(label.validate()).toEqual([expect.objectContaining({ kind: "bad-count", field: "text", offset: 5 })]);
    expect(() => label.text).toThrow(BoundsError);
    const note = Note.at(src, 70, 20);
    note.text = "twenty octets max";
    expect(note.text).toBe("twenty octets max");
    expect(Note.FIELDS[0]).toMatchObject({ name: "text", size: 0, kind: "ascii", type: "ascii[..]" });
  });

  it("ASCII and bytes fields", () => {
    const e = Everything.at(makeSource(kind, Everything.SIZE + 64), 60);
    e.id = "ab";
    expect(e.id).toBe("ab");
    expect(rawView(e.src, 64, 4).getUint32(0, false)).toBe(0x61620000);
    expect(() => {
      e.id = "toolong";
    }).toThrow(RangeError);
    expect(() => {
      e.id = "é";
    }).toThrow(RangeError);
    e.uuid = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...e.uuid]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => {
      e.uuid = new Uint8Array(3);
    }).toThrow(RangeError);
  });

  it("nested structs and fixed arrays: cached flyweights, re-pointed, index-checked", () => {
    const e = Everything.at(makeSource(kind, Everything.SIZE + 64), 3);
    expect(e.origin).toBe(e.origin); // cached: no allocation per read
    e.origin.x = -5;
    e.origin.y = 0x01020304;
    expect(rawView(e.src, 3 + 44, 4).getInt32(0, false)).toBe(0x01020304); // y is i32be
    const corners = e.corners;
    expect(corners.length).toBe(2);
    corners.at(0).x = 10;
    corners.at(1).x = 20;
    expect(corners.at(0).x).toBe(10);
    expect(corners.at(1).x).toBe(20);
    expect(corners.at(0)).toBe(corners.at(1)); // one cached element flyweight
    const keep = new Point();
    expect(corners.at(1, keep)).toBe(keep);
    expect(() => corners.at(2)).toThrow(BoundsError);
    expect(() => corners.at(-1)).toThrow(BoundsError);
    e.smallWords.set(1, 0xbeef);
    expect(e.smallWords.at(1)).toBe(0xbeef);
    expect(rawView(e.src, 3 + 78, 2).getUint16(0, false)).toBe(0xbeef);
    expect(() => e.smallWords.at(2)).toThrow(BoundsError);
  });

  it("a trailing array counted by a field: round trip, and a count past the body throws BoundsError", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }), fc.integer({ min: 0, max: 40 }), (values, at) => {
        const src = makeSource(kind, at + Everything.SIZE + 4 * values.length);
        const e = Everything.at(src, at, Everything.SIZE + 4 * values.length);
        e.count = values.length;
        values.forEach((v, i) => e.values.set(i, v));
        expect(e.values.length).toBe(values.length);
        expect(e.values.toJSON()).toEqual(values);
        e.count = values.length + 1;
        expect(() => e.values).toThrow(BoundsError);
      }),
      { numRuns: 60 },
    );
  });

  it("a trailing struct array filling the rest of the body; a body that is not whole elements is a bad count", () => {
    const src = makeSource(kind, 200);
    const list = PointList.at(src, 16, PointList.SIZE + 3 * Point.SIZE);
    expect(list.points.length).toBe(3);
    list.points.at(2).y = -1;
    expect(list.points.at(2).y).toBe(-1);
    expect(list.validate()).toEqual([]);
    const ragged = PointList.at(src, 16, PointList.SIZE + 3 * Point.SIZE + 5);
    expect(ragged.points.length).toBe(3);
    expect(ragged.validate()).toEqual([expect.objectContaining({ kind: "bad-count", field: "points", offset: 24 })]);
  });

  it("trailing bytes are a view of the body", () => {
    const src = makeSource(kind, 64);
    const b = Blob.at(src, 10, 20);
    expect(b.data.length).toBe(20);
    src.window(12, 1).setUint8(src.windowOffset, 0x5a);
    expect(b.data[2]).toBe(0x5a);
  });

  it("placement: a struct that does not fit, or a body shorter than the struct, is a BoundsError", () => {
    const src = makeSource(kind, 64);
    expect(() => Point.at(src, src.byteLength - 4)).toThrow(BoundsError);
    expect(() => Point.at(src, 0, 4)).toThrow(BoundsError);
    const p = Point.at(src, 0);
    expect(p.wrap(src, 8)).toBe(p);
    expect(p.base).toBe(8);
  });

  it("toJSON: schema names, 64-bit values as numbers when safe and strings above, bytes as hex", () => {
    const e = Everything.at(makeSource(kind, Everything.SIZE));
    e.init();
    e.kind = WIDE_KIND.huge;
    e.wide = 1n;
    e.uuid = new Uint8Array([0, 1, 2, 0xff, 0, 0, 0, 0x10]);
    e.origin.x = 3;
    const json = e.toJSON();
    expect(json).toMatchObject({
      magic: 0xcafef00d,
      id: "EVRY",
      kind: "huge",
      wide: ["low"],
      uuid: "000102ff00000010",
      origin: { x: 3, y: 0 },
      corners: [
        { x: 0, y: 0 },
        { x: 0, y: 0 },
      ],
      constructor: 0,
      offset: 0,
      values: [],
    });
    expect(Object.keys(json ?? {})).not.toContain("_pad");
    expect(JSON.parse(JSON.stringify(e))).toEqual(json);
  });
});

describe("streams", () => {
  it("emits the framing as a StreamFormat and a type → body class lookup", () => {
    expect(OUTER_FORMAT).toMatchObject({
      name: "outer",
      headerSize: 8,
      typeOffset: 0,
      typeSize: 4,
      lengthOffset: 4,
      lengthSize: 4,
      littleEndian: true,
      align: 8,
      optionalBit: 31,
      endType: 0,
      preambleSize: 8,
    });
    expect(OUTER_RECORD.BLOB).toBe(0x80000003);
    expect(OUTER_RECORD_NAMES.get(0x80000003)).toBe("BLOB");
    expect(OUTER_BODIES.get(OUTER_RECORD.EVERYTHING)).toBe(Everything);
    expect(OUTER_BODIES.get(OUTER_RECORD.END)).toBeUndefined();
    expect(Everything.TYPE).toBe(1);
    expect(PointList.TYPES).toEqual([2, 5]);
    expect(INNER_STREAM_FORMAT).toMatchObject({ typeSize: 2, lengthSize: 2, align: 1, optionalBit: null, preambleSize: 0 });
  });

  it("a nested stream field gives the offset and length a RecordReader needs", () => {
    const src = makeSource("contiguous", 64);
    // inner records at body offset 8: POINT (code 1, len 8), then INNER_END
    const v = src.window(0, 64);
    v.setUint16(8, 1, true);
    v.setUint16(10, 8, true);
    v.setInt32(12, 42, true);
    v.setUint16(20, 0, true);
    v.setUint16(22, 0, true);
    const n = Nested.at(src, 8, 16);
    expect(n.innerOffset).toBe(8);
    expect(n.innerLength).toBe(16);
    const reader = new RecordReader(src, INNER_STREAM_FORMAT, { start: n.innerOffset, end: n.innerOffset + n.innerLength });
    const records = [...reader.records()];
    expect(records.map((r) => r.name)).toEqual(["POINT", "INNER_END"]);
    const first = records[0];
    if (first === undefined) throw new Error("no record");
    expect(Point.at(src, first.bodyOffset, first.bodyLength).x).toBe(42);
  });
});
