import { describe, expect, it } from "vitest";
import { intRange, isIntName, parsePrim, primLabel, primSize } from "../../../codegen/check/primitives.js";

describe("primitive type names", () => {
  it("parses widths, signedness and endianness suffixes", () => {
    expect(parsePrim("u32")).toEqual({ prim: "u32", endian: null });
    expect(parsePrim("u64be")).toEqual({ prim: "u64", endian: "big" });
    expect(parsePrim("i16le")).toEqual({ prim: "i16", endian: "little" });
    expect(parsePrim("f32be")).toEqual({ prim: "f32", endian: "big" });
    expect(parsePrim("u8")).toEqual({ prim: "u8", endian: null });
  });

  it("rejects suffixes on single octets and unknown names", () => {
    for (const name of ["u8le", "i8be", "u24", "U32", "u32BE", "uint32", "f16", "u32xe"])
      expect(parsePrim(name)).toBeNull();
  });

  it("knows sizes, ranges and labels", () => {
    expect(primSize("u16")).toBe(2);
    expect(primSize("f64")).toBe(8);
    expect(intRange("u8")).toEqual({ min: 0n, max: 255n });
    expect(intRange("i64")).toEqual({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    expect(isIntName("f32")).toBe(false);
    expect(isIntName("i8")).toBe(true);
    expect(primLabel("u32", "big")).toBe("u32be");
    expect(primLabel("u8", "big")).toBe("u8");
    expect(primLabel("i64", "little")).toBe("i64");
  });
});
