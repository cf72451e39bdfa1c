import { describe, expect, it } from "vitest";
import { compileProgram } from "../../codegen/compile.js";
import { DOC_EXAMPLE_FILE, docFiles } from "./doc-example.js";

function compileDoc() {
  const files = docFiles();
  return compileProgram([DOC_EXAMPLE_FILE], (p) => files.get(p));
}

describe("compileProgram on the docs/language.md example", () => {
  it("produces the program with no diagnostics", () => {
    const { program, diagnostics } = compileDoc();
    expect(diagnostics).toEqual([]);
    expect(program?.schemas.map((s) => s.file)).toEqual(["schema/live-update.lu", "schema/libxc-stream.lu"]);
    expect(program?.declaredIn.get("rhdr")).toBe("schema/libxc-stream.lu");
    expect(program?.declaredIn.get("lu_breadcrumb")).toBe("schema/live-update.lu");
    expect(program?.schemas[0]?.imports).toEqual(["schema/libxc-stream.lu"]);
  });

  it("evaluates constants in 64 bits", () => {
    const lu = compileDoc().program?.schemas[0];
    const magic = lu?.consts.find((c) => c.name === "LU_MAGIC");
    expect(magic?.value).toBe(0x4c69766555706461n & ~((1n << 12n) - 1n) & 0xffff_ffff_ffff_ffffn);
  });

  it("lays out the breadcrumb with its magic value", () => {
    const s = compileDoc().program?.schemas[0]?.structs.find((x) => x.name === "lu_breadcrumb");
    expect(s).toMatchObject({
      size: 24,
      align: 8,
      endian: "little",
      abi: "free",
      doc: "Breadcrumb at the start of the live update bootmem.",
    });
    expect(s?.fields.map((f) => [f.name, f.offset, f.size])).toEqual([
      ["magic", 0, 8],
      ["mfn_array_physaddr", 8, 8],
      ["shifted_nr_pages", 16, 8],
    ]);
    expect(s?.fields[0]?.constValue).toBe(0x4c69766555706000n);
    expect(s?.fields[0]?.type).toEqual({ kind: "prim", prim: "u64", endian: "little" });
  });

  it("resolves bit ranges, rest-of-body arrays, enums and flags", () => {
    const lu = compileDoc().program?.schemas[0];
    const entry = lu?.structs.find((x) => x.name === "lu_m2p_entry");
    const raw = entry?.fields[0]?.type;
    expect(raw?.kind === "bits" ? raw.ranges.map((r) => [r.name, r.lo, r.hi]) : null).toEqual([
      ["order", 0, 11],
      ["mfn", 12, 63],
    ]);
    const m2p = lu?.structs.find((x) => x.name === "lu_m2p");
    expect(m2p).toMatchObject({ size: 0, align: 8, abi: "frozen" });
    expect(m2p?.trailing?.name).toBe("entries");
    expect(m2p?.trailing?.type).toEqual({
      kind: "array",
      element: { kind: "struct", structName: "lu_m2p_entry" },
      stride: 8,
      count: { kind: "rest" },
    });
    expect(lu?.enums[0]?.members.map((m) => [m.name, m.value])).toEqual([
      ["reserved", 0n],
      ["x86_pv", 1n],
      ["x86_hvm", 2n],
    ]);
    expect(lu?.flags[0]).toMatchObject({ name: "domctl_cdf", base: "u32" });
    expect(lu?.flags[0]?.members.map((m) => m.value)).toEqual([1n, 2n]);
  });

  it("resolves the stream, its records and the ABI defaults", () => {
    const { program } = compileDoc();
    const stream = program?.schemas[0]?.streams[0];
    expect(stream).toMatchObject({
      name: "lu_stream",
      header: "rhdr",
      typeField: "type",
      lengthField: "length",
      align: 8,
      optionalBit: 31,
      end: "END",
    });
    expect(stream?.records.map((r) => [r.name, r.value, r.body, r.optional])).toEqual([
      ["END", 0, null, false],
      ["LU_M2P", 0x40000001, "lu_m2p", false],
    ]);
    expect(stream?.ranges.map((r) => [r.name, r.lo, r.hi])).toEqual([["future_mandatory_lu", 0x40000005, 0x7fffffff]]);
    expect(program?.schemas[1]?.structs[0]).toMatchObject({ name: "rhdr", abi: "append", size: 8 });
  });
});

describe("compileProgram loading", () => {
  it("resolves imports relative to the importing file and normalises paths", () => {
    const files = new Map([
      ["schema/a.lu", 'import "sub/b.lu";\nstruct a { @0 b: b; }'],
      ["schema/sub/b.lu", 'import "../c.lu";\nstruct b { @0 c: c; }'],
      ["schema/c.lu", "struct c { @0 x: u32; }"],
    ]);
    const read: string[] = [];
    const { program, diagnostics } = compileProgram(["./schema/a.lu"], (p) => {
      read.push(p);
      return files.get(p);
    });
    expect(diagnostics).toEqual([]);
    expect(read).toEqual(["schema/a.lu", "schema/sub/b.lu", "schema/c.lu"]);
    expect(program?.schemas.find((s) => s.file === "schema/a.lu")?.structs[0]?.size).toBe(4);
  });

  it("checks several entry files as one program with unique names", () => {
    const files = new Map([
      ["a.lu", "struct s { @0 x: u32; }"],
      ["b.lu", "struct s { @0 y: u32; }"],
    ]);
    const { program, diagnostics } = compileProgram(["a.lu", "b.lu"], (p) => files.get(p));
    expect(program).toBeNull();
    expect(diagnostics.map((d) => d.code)).toEqual(["LU2002"]);
  });

  it("returns the program when there are only warnings", () => {
    const { program, diagnostics } = compileProgram(
      ["a.lu"],
      () => "struct s size 8 { @0 a: u16; @2 b: u32; @6 c: u16; }",
    );
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["LU3006", "warning"]]);
    expect(program?.schemas[0]?.structs[0]?.size).toBe(8);
  });

  it("reports an unreadable entry file", () => {
    const { program, diagnostics } = compileProgram(["missing.lu"], () => undefined);
    expect(program).toBeNull();
    expect(diagnostics[0]?.code).toBe("LU2009");
  });
});
