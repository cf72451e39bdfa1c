import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countedElements,
  firstNonZero,
  hexOf,
  json64,
  placementRoom,
  readAscii,
  readI64Number,
  readU64Number,
  restElements,
  U16Array,
  walkU32Array,
  writeAscii,
  writeI64Number,
} from "../../runtime/accessor-support.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { BoundsError, UnsafeNumberError } from "../../runtime/errors.js";
import { HOST_LITTLE_ENDIAN } from "../../runtime/u64-array-walk.js";

describe("64-bit values as numbers", () => {
  it("readU64Number agrees with getBigUint64 up to 2^53-1 and throws above, both endiannesses", () => {
    const view = new DataView(new ArrayBuffer(16));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.boolean(), (v, le) => {
        view.setBigUint64(3, v, le);
        if (v <= 2n ** 53n - 1n) expect(readU64Number(view, 3, le, "f")).toBe(Number(v));
        else expect(() => readU64Number(view, 3, le, "f")).toThrow(UnsafeNumberError);
      }),
    );
  });

  it("readI64Number agrees with getBigInt64 within ±(2^53-1) and throws outside", () => {
    const view = new DataView(new ArrayBuffer(16));
    const edges = [0n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n) + 1n, -(2n ** 53n), -(2n ** 63n), 2n ** 63n - 1n];
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
        fc.boolean(),
        (v, le) => {
          view.setBigInt64(5, v, le);
          const safe = v <= 2n ** 53n - 1n && v >= -(2n ** 53n) + 1n;
          if (safe) expect(readI64Number(view, 5, le, "f")).toBe(Number(v));
          else expect(() => readI64Number(view, 5, le, "f")).toThrow(UnsafeNumberError);
        },
      ),
    );
  });

  it("writeI64Number writes safe integers exactly and refuses the rest", () => {
    const view = new DataView(new ArrayBuffer(8));
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.boolean(),
        (v, le) => {
          writeI64Number(view, 0, v, le, true, "f");
          expect(view.getBigInt64(0, le)).toBe(BigInt(v));
        },
      ),
    );
    expect(() => writeI64Number(view, 0, -1, true, false, "f")).toThrow(RangeError);
    expect(() => writeI64Number(view, 0, 2 ** 53, true, true, "f")).toThrow(RangeError);
    expect(() => writeI64Number(view, 0, Number.NaN, true, true, "f")).toThrow(RangeError);
  });

  it("json64 keeps safe values as numbers and the rest as exact decimal strings", () => {
    expect(json64(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(json64(2n ** 53n)).toBe("9007199254740992");
    expect(json64(-(2n ** 63n))).toBe("-9223372036854775808");
  });
});

describe("placement and counts", () => {
  it("placementRoom: the caller's length, else the fallback; never less than the struct", () => {
    expect(placementRoom(0, 8, undefined, 8)).toBe(8);
    expect(placementRoom(0, 8, 20, 8)).toBe(20);
    expect(() => placementRoom(4, 8, 7, 8)).toThrow(BoundsError);
    expect(() => placementRoom(4, 8, Number.NaN, 8)).toThrow(BoundsError);
  });

  it("countedElements refuses counts that run past the room, negative or not a number", () => {
    expect(countedElements(3, 8, 0, 24)).toBe(3);
    expect(countedElements(3n, 8, 0, 24)).toBe(3);
    expect(() => countedElements(4, 8, 0, 24)).toThrow(BoundsError);
    expect(() => countedElements(-1, 8, 0, 24)).toThrow(BoundsError);
    expect(() => countedElements(2n ** 64n - 1n, 8, 0, 24)).toThrow(BoundsError);
  });

  it("restElements counts whole elements only", () => {
    expect(restElements(8, 23)).toBe(2);
    expect(restElements(8, 0)).toBe(0);
    expect(restElements(8, -4)).toBe(0);
  });
});

describe("text and bytes", () => {
  it("ASCII round-trips, NUL-padded; too long or non-ASCII text throws", () => {
    const view = new DataView(new ArrayBuffer(8));
    view.setUint8(6, 0x41);
    writeAscii(view, 2, 6, "abc", "f");
    expect(readAscii(view, 2, 6)).toBe("abc");
    expect(view.getUint8(6)).toBe(0);
    expect(() => writeAscii(view, 2, 6, "abcdefg", "f")).toThrow(RangeError);
    expect(() => writeAscii(view, 2, 6, "\u00ff", "f")).toThrow(RangeError);
  });

  it("firstNonZero and hexOf", () => {
    const view = new DataView(new Uint8Array([0, 0, 0, 9, 0]).buffer);
    expect(firstNonZero(view, 0, 5)).toBe(3);
    expect(firstNonZero(view, 0, 3)).toBe(-1);
    expect(hexOf(new Uint8Array([0, 0xab, 0x10]))).toBe("00ab10");
  });
});

describe("array flyweights", () => {
  it("check the index, honour endianness, re-point without allocating a new flyweight", () => {
    const src = new ContiguousSource(new ArrayBuffer(16));
    const a = new U16Array();
    expect(a.wrap(src, 2, 3, false)).toBe(a);
    a.set(2, 0x1234);
    expect(src.view.getUint16(6, false)).toBe(0x1234);
    expect(a.at(2)).toBe(0x1234);
    expect(() => a.at(3)).toThrow(BoundsError);
    expect(() => a.at(1.5)).toThrow(BoundsError);
    expect(() => a.wrap(src, 10, 4, true)).toThrow(BoundsError);
    expect(a.toJSON()).toEqual([0, 0, 0x1234]);
  });

  it("walkU32Array copies (and counts) foreign-endian or misaligned runs, and only those", () => {
    const src = new ContiguousSource(new ArrayBuffer(32));
    const foreign = !HOST_LITTLE_ENDIAN;
    for (let i = 0; i < 4; i++) src.view.setUint32(4 + i * 4, i + 1, foreign);
    const seen: number[] = [];
    expect(walkU32Array(src, 4, 4, (run) => seen.push(...run), foreign)).toBe(16);
    expect(seen).toEqual([1, 2, 3, 4]);
    for (let i = 0; i < 4; i++) src.view.setUint32(4 + i * 4, i + 1, HOST_LITTLE_ENDIAN);
    expect(walkU32Array(src, 4, 4, () => undefined, HOST_LITTLE_ENDIAN)).toBe(0);
    expect(walkU32Array(src, 5, 2, () => undefined, HOST_LITTLE_ENDIAN)).toBe(8);
  });
});
