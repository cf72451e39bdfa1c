import { describe, expect, it } from "vitest";
import { compileProgram } from "../../codegen/compile.js";
import { layoutListing, renderLayoutText, typeLabel } from "../../codegen/layout-listing.js";
import { DOC_EXAMPLE_FILE, docFiles } from "./doc-example.js";

describe("layout listing", () => {
  const files = docFiles();
  const { program } = compileProgram([DOC_EXAMPLE_FILE], (p) => files.get(p));
  if (program === null) throw new Error("doc example does not compile");

  it("lists the structs of the given files in the JSON shape", () => {
    const listing = layoutListing(program, [DOC_EXAMPLE_FILE]);
    expect(listing.structs.map((s) => s.name)).toEqual(["lu_breadcrumb", "lu_m2p_entry", "lu_m2p"]);
    expect(listing.structs[0]).toMatchObject({
      name: "lu_breadcrumb",
      size: 24,
      align: 8,
      fields: [
        { name: "magic", offset: 0, size: 8, type: "u64" },
        { name: "mfn_array_physaddr", offset: 8, size: 8, type: "u64" },
        { name: "shifted_nr_pages", offset: 16, size: 8, type: "u64" },
      ],
    });
    expect(listing.structs[2]?.fields).toEqual([{ name: "entries", offset: 0, size: 0, type: "lu_m2p_entry[..]" }]);
    expect(layoutListing(program).structs.map((s) => s.name)).toContain("rhdr");
  });

  it("labels every kind of type readably", () => {
    expect(typeLabel({ kind: "prim", prim: "u64", endian: "big" })).toBe("u64be");
    expect(typeLabel({ kind: "prim", prim: "u8", endian: "big" })).toBe("u8");
    expect(typeLabel({ kind: "prim", prim: "u32", endian: "little" })).toBe("u32");
    expect(typeLabel({ kind: "bytes", count: { kind: "fixed", n: 16 } })).toBe("u8[16]");
    expect(typeLabel({ kind: "bytes", count: { kind: "field", field: "n" } })).toBe("u8[n]");
    expect(typeLabel({ kind: "flags", prim: "u32", endian: "little", flagsName: "domctl_cdf" })).toBe("domctl_cdf");
    expect(typeLabel({ kind: "ascii", length: 4, count: { kind: "fixed", n: 4 } })).toBe("ascii[4]");
    expect(typeLabel({ kind: "ascii", length: 0, count: { kind: "field", field: "n" } })).toBe("ascii[n]");
    expect(typeLabel({ kind: "ascii", length: 0, count: { kind: "rest" } })).toBe("ascii[..]");
    expect(typeLabel({ kind: "pad", length: 2 })).toBe("pad[2]");
    expect(typeLabel({ kind: "stream", streamName: "hvm" })).toBe("stream hvm");
    expect(
      typeLabel({
        kind: "array",
        element: { kind: "prim", prim: "u16", endian: "big" },
        stride: 2,
        count: { kind: "fixed", n: 3 },
      }),
    ).toBe("u16be[3]");
  });

  it("renders a text table with hex and decimal offsets", () => {
    const text = renderLayoutText(layoutListing(program, [DOC_EXAMPLE_FILE]));
    expect(text).toContain("struct lu_breadcrumb  size 24  align 8  (schema/live-update.lu)");
    expect(text).toMatch(/0x0010 +16 {2}shifted_nr_pages +8 {2}u64/);
    expect(text).toMatch(/entries +var {2}lu_m2p_entry\[\.\.\]/);
  });

  it("lists integer and string constants, and what a constant or length field must hold", () => {
    const source = [
      "endian big;",
      "const PAGE = 0x1000;",
      'const COMPAT = "kho-v1";',
      "struct form size 16 {",
      '  @0  id:    ascii[4] = "FORM";',
      "  @4  size:  u32 = length of rest;",
      "  @8  magic: u16 = 0xCAFE;",
      "  @10 plain: u16;",
      "  @12 total: u32 = length of input;",
      "}",
      "",
    ].join("\n");
    const compiled = compileProgram(["t.lu"], (p) => (p === "t.lu" ? source : undefined)).program;
    if (compiled === null) throw new Error("does not compile");
    const listing = layoutListing(compiled);
    expect(listing.consts).toEqual([
      { name: "PAGE", type: "integer", value: "0x1000", file: "t.lu" },
      { name: "COMPAT", type: "string", value: '"kho-v1"', file: "t.lu" },
    ]);
    expect(listing.structs[0]?.fields).toEqual([
      { name: "id", offset: 0, size: 4, type: "ascii[4]", value: '"FORM"' },
      { name: "size", offset: 4, size: 4, type: "u32be", value: "length of rest" },
      { name: "magic", offset: 8, size: 2, type: "u16be", value: "0xcafe" },
      { name: "plain", offset: 10, size: 2, type: "u16be" },
      { name: "total", offset: 12, size: 4, type: "u32be", value: "length of input" },
    ]);
    const text = renderLayoutText(listing).split("\n");
    expect(text.slice(0, 3)).toEqual([
      "const PAGE   = 0x1000 (4096)  (t.lu)",
      'const COMPAT = "kho-v1"       (t.lu)',
      "",
    ]);
    expect(text).toContain("  0x0004     4  size      4  u32be = length of rest");
    expect(text).toContain("  0x000c    12  total     4  u32be = length of input");
    expect(text).toContain('  0x0000     0  id        4  ascii[4] = "FORM"');
    expect(text).toContain("  0x000a    10  plain     2  u16be");
  });

  it("lists only the constants of the files asked for", () => {
    expect(layoutListing(program, [DOC_EXAMPLE_FILE]).consts.every((c) => c.file === DOC_EXAMPLE_FILE)).toBe(true);
  });
});
