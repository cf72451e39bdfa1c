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
    expect(typeLabel({ kind: "array", element: { kind: "prim", prim: "u16", endian: "big" }, stride: 2, count: { kind: "fixed", n: 3 } })).toBe("u16be[3]");
  });

  it("renders a text table with hex and decimal offsets", () => {
    const text = renderLayoutText(layoutListing(program, [DOC_EXAMPLE_FILE]));
    expect(text).toContain("struct lu_breadcrumb  size 24  align 8  (schema/live-update.lu)");
    expect(text).toMatch(/0x0010 +16 {2}shifted_nr_pages +8 {2}u64/);
    expect(text).toMatch(/entries +var {2}lu_m2p_entry\[\.\.\]/);
  });
});
