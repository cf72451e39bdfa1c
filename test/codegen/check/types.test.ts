import { describe, expect, it } from "vitest";
import type { AstStruct } from "../../../codegen/ast.js";
import { checkConstants } from "../../../codegen/check/constants.js";
import { checkNames } from "../../../codegen/check/names.js";
import { checkTypes } from "../../../codegen/check/types.js";
import { checkInput, sink, summary } from "./check-input.js";

function types(text: string) {
  const s = sink();
  const input = checkInput({ "a.lu": text });
  const names = checkNames(input, s);
  const table = checkTypes(input, names, checkConstants(input, names, s), s);
  const fieldTypes = (struct: string) => {
    const decl = input.files[0]?.ast.decls.find((d): d is AstStruct => d.kind === "struct" && d.name.text === struct);
    return Object.fromEntries((decl?.fields ?? []).map((f) => [f.name.text, table.fieldTypes.get(f) ?? null]));
  };
  return { table, fieldTypes, diags: summary(s) };
}

describe("types pass: enums and flags", () => {
  it("checks values against the base type and keeps a base endianness suffix", () => {
    const { table, diags } = types(
      "enum e : u16be { a = 0, b = 0xFFFF, c = 0x10000 }\nflags f : i8 { x = 1, y = -128 }",
    );
    expect(diags).toEqual(["LU2003 1:41 value 65536 is out of range of u16 (0..65535)"]);
    expect(table.enums.get("e")?.members.map((m) => m.value)).toEqual([0n, 0xffffn]);
    expect(table.enums.get("e")?.base).toBe("u16");
    expect(table.baseEndian.get("e")).toBe("big");
    expect(table.baseEndian.get("f")).toBeNull();
    expect(table.flags.get("f")?.members.map((m) => m.value)).toEqual([1n, -128n]);
  });

  it("rejects non-integer bases, zero masks and duplicate values", () => {
    expect(types("enum e : f32 { a = 0 }\nflags f : u8 { z = 0, a = 2, b = 2 }").diags).toEqual([
      "LU2006 1:10 the base of enum 'e' must be an integer type, not 'f32'",
      "LU2003 2:20 flag 'z' has mask 0",
      "LU2004 2:30 flag 'b' has the same value as 'a' (0x2)",
    ]);
  });
});

describe("types pass: field types", () => {
  it("resolves primitives, byte and text arrays, padding, counts and element types", () => {
    const { fieldTypes, diags } = types(`
      const N = 4;
      enum k : u8 { a = 1 }
      flags f : u32 { x = 1 }
      struct inner { @0 v: u32; }
      struct s {
        @0 a: u32be;
        @4 b: u8[N * 2];
        @12 c: bytes[..];
        @12 d: ascii[4];
        @16 e: pad[N];
        @20 g: i8[3];
        @23 h: k[2];
        @25 i: inner[count];
        @25 count: u16;
        @27 j: f;
        @31 l: stream t;
        @31 m: f64le;
      }
      stream t { }`);
    expect(diags).toEqual([]);
    expect(fieldTypes("s")).toEqual({
      a: { kind: "prim", prim: "u32", endian: "big" },
      b: { kind: "bytes", count: { kind: "fixed", n: 8 } },
      c: { kind: "bytes", count: { kind: "rest" } },
      d: { kind: "ascii", count: { kind: "fixed", n: 4 } },
      e: { kind: "pad", length: 4 },
      g: { kind: "array", element: { kind: "prim", prim: "i8", endian: null }, count: { kind: "fixed", n: 3 } },
      h: {
        kind: "array",
        element: { kind: "enum", enumName: "k", prim: "u8", endian: null },
        count: { kind: "fixed", n: 2 },
      },
      i: {
        kind: "array",
        element: { kind: "struct", structName: "inner" },
        count: { kind: "field", name: "count", span: expect.objectContaining({ line: 14 }) },
      },
      count: { kind: "prim", prim: "u16", endian: null },
      j: { kind: "flags", flagsName: "f", prim: "u32", endian: null },
      l: { kind: "stream", streamName: "t" },
      m: { kind: "prim", prim: "f64", endian: "little" },
    });
  });

  it("reports unknown and ill-formed types without stopping", () => {
    expect(
      types(`flags f : u8 { x = 1 }
struct s { @0 a: u8le; @1 b: pad; @2 c: f[2]; @3 d: ascii[..]; @4 e: f32 bits { x: 0..1; }; @8 g: u8[-1]; }`).diags,
    ).toEqual([
      "LU2001 2:18 unknown type 'u8le'",
      "LU2006 2:30 'pad' needs a length, e.g. 'pad[4]'",
      "LU2006 2:41 'f' is a flag set, not an array element type (integer, float, enum or struct)",
      "LU2006 2:70 a bits field must be an integer type, not 'f32'",
      "LU2003 2:102 array length -1 is out of range (0..2147483648)",
    ]);
  });

  it("resolves bit ranges and their enum or flag interpretation", () => {
    const { fieldTypes, diags } = types(
      "enum pt : u8 { a = 1 }\nstruct s { @0 r: u64 bits { pfn: 0..51; type: 60..63 as pt; }; }",
    );
    expect(diags).toEqual([]);
    const r = fieldTypes("s")["r"];
    expect(r?.kind === "bits" ? r.ranges.map((x) => [x.name, x.lo, x.hi, x.enumName]) : null).toEqual([
      ["pfn", 0, 51, null],
      ["type", 60, 63, "pt"],
    ]);
  });

  it("reports a recursive cycle once and marks every struct on it", () => {
    const { table, diags } = types(
      "struct a { @0 b: b; }\nstruct b { @0 c: c[2]; }\nstruct c { @0 a: a; }\nstruct d { @0 a: a; }\nstruct e { @0 e: e; }",
    );
    expect(diags).toEqual([
      "LU2007 3:12 struct 'a' contains itself (a -> b -> c -> a)",
      "LU2007 5:12 struct 'e' contains itself (e -> e)",
    ]);
    expect([...table.recursive].sort()).toEqual(["a", "b", "c", "d", "e"]);
  });
});
