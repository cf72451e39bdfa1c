import { describe, expect, it } from "vitest";
import { checkConstants } from "../../../codegen/check/constants.js";
import { checkLayout } from "../../../codegen/check/layout.js";
import { checkNames } from "../../../codegen/check/names.js";
import { checkTypes } from "../../../codegen/check/types.js";
import { checkInput, sink, summary } from "./check-input.js";

function layout(text: string) {
  const s = sink();
  const input = checkInput({ "a.lu": text });
  const names = checkNames(input, s);
  const consts = checkConstants(input, names, s);
  const result = checkLayout(input, names, consts, checkTypes(input, names, consts, s), s);
  return { structs: result.structs, declaredAbi: result.declaredAbi, diags: summary(s), all: s.list };
}

describe("layout pass", () => {
  it("reports a counted array before its count field", () => {
    const { structs, diags } = layout(`
      endian big;
      enum k : u16le { a = 1 }
      struct inner size 8 { @0 x: u32; @4 y: u16; @6 _pad: pad[2]; }
      struct s endian little {
        @0 a: u8;
        @1 _p: pad[1];
        @2 b: k;
        @4 c: u32be;
        @8 d: inner[2];
        @24 e: inner;
        @32 f: f64;
        @40 g: ascii[4];
        @44 h: u16[count];
        @44 count: u16;
      }`);
    expect(diags.filter((d) => !d.startsWith("LU3005"))).toEqual([]);
    expect(structs.get("inner")).toMatchObject({ size: 8, align: 4, endian: "big" });
    expect(diags).toEqual([
      "LU3005 14:20 count field 'count' of 'h' must come before it",
      "LU3005 14:9 variable-length field 'h' must be the last field",
    ]);
  });

  it("produces the IR of a well-formed struct", () => {
    const { structs, diags } = layout(`
      endian big;
      enum k : u16le { a = 1 }
      struct inner size 8 { @0 x: u32; @4 y: u16; @6 _pad: pad[2]; }
      struct s endian little {
        @0 a: u8;
        @1 _p: pad[1];
        @2 b: k;
        @4 c: u32be;
        @8 d: inner[2];
        @24 e: inner;
        @32 f: f64;
        @40 g: ascii[4] = "XENF";
        @44 count: u16 = 7;
        @46 h: u16[count];
      }`);
    expect(diags).toEqual([]);
    const s = structs.get("s");
    expect(s).toMatchObject({ size: 46, align: 8, endian: "little", abi: "free" });
    expect(s?.fields.map((f) => [f.name, f.offset, f.size, f.align])).toEqual([
      ["a", 0, 1, 1],
      ["_p", 1, 1, 1],
      ["b", 2, 2, 2],
      ["c", 4, 4, 4],
      ["d", 8, 16, 4],
      ["e", 24, 8, 4],
      ["f", 32, 8, 8],
      ["g", 40, 4, 1],
      ["count", 44, 2, 2],
      ["h", 46, 0, 2],
    ]);
    const type = (name: string) => s?.fields.find((f) => f.name === name)?.type;
    expect(type("b")).toEqual({ kind: "enum", prim: "u16", endian: "little", enumName: "k" });
    expect(type("c")).toEqual({ kind: "prim", prim: "u32", endian: "big" });
    expect(type("d")).toEqual({
      kind: "array",
      element: { kind: "struct", structName: "inner" },
      stride: 8,
      count: { kind: "fixed", n: 2 },
    });
    expect(type("h")).toEqual({
      kind: "array",
      element: { kind: "prim", prim: "u16", endian: "little" },
      stride: 2,
      count: { kind: "field", field: "count" },
    });
    expect(s?.trailing?.name).toBe("h");
    expect(s?.fields.find((f) => f.name === "g")?.constValue).toBe("XENF");
    expect(s?.fields.find((f) => f.name === "count")?.constValue).toBe(7n);
  });

  it("derives size from the last field and alignment from the fields", () => {
    const { structs, diags } = layout(
      "struct a { @0 x: u16; @2 y: u8[6]; }\nstruct b { @0 n: u32; @4 rest: u8[..]; }\nstruct c align 16 size 16 { @0 x: u64; @8 _p: pad[8]; }",
    );
    expect(diags).toEqual([]);
    expect(structs.get("a")).toMatchObject({ size: 8, align: 2 });
    expect(structs.get("b")).toMatchObject({ size: 4, align: 4 });
    expect(structs.get("b")?.trailing?.type).toEqual({ kind: "bytes", count: { kind: "rest" } });
    expect(structs.get("c")).toMatchObject({ size: 16, align: 16 });
  });

  it("checks order, overlap, gaps, size and tail padding", () => {
    expect(layout("struct s size 12 {\n@0 a: u32;\n@2 b: u16;\n@1 c: u8;\n@8 d: u64;\n}").diags).toEqual([
      "LU3001 3:1 field 'b' overlaps 'a' (bytes 2..4)",
      "LU3009 4:1 field 'c' at offset 1 comes after 'b' at offset 2",
      "LU3003 5:1 field 'd' ends at byte 16, beyond the declared size 12",
    ]);
    expect(layout("struct s size 16 {\n@0 a: u32;\n@8 d: u64;\n}").diags).toEqual([
      "LU3002 3:1 undeclared gap before field 'd' (bytes 4..8)",
    ]);
    expect(layout("struct s size 12 {\n@0 a: u32;\n@4 b: u32;\n}").diags).toEqual([
      "LU3004 1:10 struct 's' declares size 12 but its fields end at byte 8",
    ]);
    expect(layout("struct s size 12 {\n@0 a: u64;\n}").diags).toEqual([
      "LU3004 1:10 struct 's' declares size 12 but its fields end at byte 8",
      "LU3007 1:10 size 12 of struct 's' is not a multiple of its alignment 8",
    ]);
    expect(layout("struct s size 8 { @0 a: u32; }").diags).toEqual([
      "LU3004 1:10 struct 's' declares size 8 but its fields end at byte 4",
    ]);
    expect(layout("struct s { @0 a: u32; @4 b: u8; }").diags).toEqual([
      "LU3002 1:8 struct 's' needs undeclared tail padding to its alignment 4 (bytes 5..8)",
    ]);
  });

  it("reports the root cause only: no gap, size or alignment diagnostics measured from a misplaced field", () => {
    // The gap after an overlapping field is where it was meant to go.
    expect(layout("struct s size 16 {\n@0 a: u64;\n@4 b: u32;\n@12 c: u32;\n}").diags).toEqual([
      "LU3001 3:1 field 'b' overlaps 'a' (bytes 4..8)",
    ]);
    // The fields fall short of the size only because one of them overlaps another.
    expect(layout("struct s size 16 {\n@0 a: u64;\n@8 b: u32;\n@8 c: u32;\n}").diags).toEqual([
      "LU3001 4:1 field 'c' overlaps 'b' (bytes 8..12)",
    ]);
    // Misaligned because misplaced: the overlap says it.
    expect(layout("struct s size 8 {\n@0 a: u32;\n@2 b: u32;\n@6 c: u16;\n}").diags).toEqual([
      "LU3001 3:1 field 'b' overlaps 'a' (bytes 2..4)",
    ]);
    // A size too small for a field is one error, not also an alignment error.
    expect(layout("struct s size 4 { @0 y: u64; }").diags).toEqual([
      "LU3003 1:19 field 'y' ends at byte 8, beyond the declared size 4",
    ]);
  });

  it("names the base type of an enum that does not fit its slot", () => {
    const { diags, all } = layout("enum k : u16 { a = 1 }\nstruct s size 4 {\n@0 kind: k;\n@1 x: u8;\n@2 y: u16;\n}");
    expect(diags).toEqual(["LU3001 4:1 field 'x' overlaps 'kind' (bytes 1..2)"]);
    expect(all[0]?.notes.map((n) => n.message)).toEqual([
      "'kind' is declared here",
      "'kind' is enum 'k', whose base type u16 takes 2 octets (bytes 0..2); only 1 octet lies between 'kind' and 'x'",
    ]);
  });

  it("warns about misaligned fields unless the struct is packed", () => {
    expect(layout("struct s size 8 { @0 a: u8; @1 b: u32; @5 c: u8[3]; }").diags).toEqual([
      "LU3006 1:29 field 'b' at offset 1 is not aligned to 4 bytes",
    ]);
    const packed = layout("struct s align 1 { @0 a: u8; @1 b: u32; }");
    expect(packed.diags).toEqual([]);
    expect(packed.structs.get("s")).toMatchObject({ size: 5, align: 1 });
  });

  it("checks bit ranges and constant values", () => {
    expect(
      layout(
        "struct s { @0 r: u32 bits { a: 0..15; b: 16..31; }; @4 x: u8 = 255; @5 y: i8 = -128; @6 z: u16 = 0x1_0000; }",
      ).diags,
    ).toEqual(["LU3010 1:98 value 65536 does not fit field 'z' of type u16 (0..65535)"]);
  });

  it("rejects variable-length arrays of empty structs", () => {
    expect(layout("struct e { }\nstruct s { @0 n: u32; @4 items: e[n]; }").diags).toEqual([
      "LU3005 2:33 elements of variable-length field 'items' have size 0",
    ]);
  });

  it("records which structs declare their abi", () => {
    const { structs, declaredAbi } = layout("struct a abi frozen { @0 x: u8; }\nstruct b { @0 x: u8; }");
    expect(structs.get("a")?.abi).toBe("frozen");
    expect([...declaredAbi]).toEqual(["a"]);
  });

  it("does not report layout errors that follow from a broken field", () => {
    expect(layout("struct s { @0 a: nope; @4 b: u32; }\nstruct t { @0 s: s; @4 c: u32; }").diags).toEqual([
      "LU2001 1:18 unknown type 'nope'",
    ]);
  });
});
