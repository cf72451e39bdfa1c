/**
 * Pointer field types (`u64 -> T`, `-> page`, `-> chain H(next, count) of E limit N`, `-> match f { … }`):
 * what the checker accepts, what it reports, and the IR it gives.
 */
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../../codegen/compile.js";

function compile(text: string) {
  return compileProgram(["a.lu"], (p) => (p === "a.lu" ? text : undefined));
}
const codes = (text: string): string[] =>
  compile(text).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.col} ${d.message}`);

const BASE = `
struct hdr size 16 { @0 next: u64; @8 count: u64; }
struct item size 8 { @0 v: u64; }
struct other size 4 { @0 w: u32; }
`;

describe("pointer fields", () => {
  it("records every kind of target in the IR and keeps the field an ordinary u64", () => {
    const r = compile(`${BASE}
struct root size 40 {
  @0 one: u64 -> item;
  @8 raw: u64 -> page;
  @16 list: u64 -> chain hdr(next, count) of item limit 10;
  @24 kind: ascii[8];
  @32 any: u64 -> match kind { "item-v1": item, "other-v1": other };
}`);
    expect(r.diagnostics).toEqual([]);
    const root = r.program?.schemas[0]?.structs.find((s) => s.name === "root");
    expect(root?.fields.map((f) => [f.name, f.type.kind, f.size, f.pointer ?? null])).toEqual([
      ["one", "prim", 8, { kind: "struct", structName: "item" }],
      ["raw", "prim", 8, { kind: "page" }],
      [
        "list",
        "prim",
        8,
        {
          kind: "chain",
          header: "hdr",
          next: "next",
          count: "count",
          entry: { kind: "struct", structName: "item" },
          limit: 10,
        },
      ],
      ["kind", "ascii", 8, null],
      [
        "any",
        "prim",
        8,
        {
          kind: "match",
          field: "kind",
          arms: [
            { compatible: "item-v1", structName: "item" },
            { compatible: "other-v1", structName: "other" },
          ],
        },
      ],
    ]);
  });

  it("lets a chain end at a zero entry and defaults its limit", () => {
    const r = compile(`${BASE}\nstruct v size 8 { @0 first: u64 -> chain hdr(next) of u64; }`);
    const f = r.program?.schemas[0]?.structs.find((s) => s.name === "v")?.fields[0];
    expect(f?.pointer).toEqual({
      kind: "chain",
      header: "hdr",
      next: "next",
      count: null,
      entry: { kind: "prim", prim: "u64", endian: "little" },
      limit: 65536,
    });
  });

  it("allows a struct to point at itself (a pointer does not embed)", () => {
    expect(codes(`struct node size 8 { @0 next: u64 -> node; }`)).toEqual([]);
  });

  it("reports bad bases, unknown targets and header fields, a non-ascii selector and duplicate arms", () => {
    expect(
      codes(`${BASE}
struct bad size 48 {
  @0 a: u16 -> item;
  @8 b: u64 -> nothing;
  @16 c: u64 -> chain hdr(nxt, count) of item;
  @24 d: u64 -> match v2 { "x": item };
  @32 e: u64 -> match a { "x": item };
  @40 f: u64 -> chain hdr(next, count) of item limit 0;
}
struct dup size 16 { @0 k: ascii[8]; @8 p: u64 -> match k { "x": item, "x": other }; }`),
    ).toEqual([
      "LU2006 7:9 a pointer field (u32 or u64) must be an integer type, not 'u16'",
      "LU2001 8:16 unknown struct 'nothing'",
      "LU2001 9:27 unknown field 'nxt'",
      "LU2001 10:23 unknown field 'v2'",
      "LU2006 11:23 'a' is not an ascii field, not the selector of a pointer match (an ascii[N] field)",
      "LU2003 12:54 chain limit 0 is out of range (1..2147483648)",
      "LU2002 14:72 duplicate match arm 'x'",
    ]);
  });

  it("prints the target in lu layout's type column", async () => {
    const { layoutListing } = await import("../../../codegen/layout-listing.js");
    const r = compile(`${BASE}\nstruct p size 8 { @0 l: u64 -> chain hdr(next, count) of item limit 5; }`);
    const program = r.program;
    if (program === null) throw new Error("compile failed");
    const p = layoutListing(program).structs.find((s) => s.name === "p");
    expect(p?.fields[0]?.type).toBe("u64 -> chain hdr(next, count) of item limit 5");
  });

  it("gives an array of pointers an ordinary integer array type and each element's target", async () => {
    const { layoutListing } = await import("../../../codegen/layout-listing.js");
    const r = compile(`${BASE}\nstruct table size 32 { @0 slots: u64[4] -> item; }`);
    expect(r.diagnostics).toEqual([]);
    const f = r.program?.schemas[0]?.structs.find((s) => s.name === "table")?.fields[0];
    expect([f?.type, f?.size, f?.pointer]).toEqual([
      {
        kind: "array",
        element: { kind: "prim", prim: "u64", endian: "little" },
        stride: 8,
        count: { kind: "fixed", n: 4 },
      },
      32,
      { kind: "struct", structName: "item" },
    ]);
    const program = r.program;
    if (program === null) throw new Error("compile failed");
    expect(layoutListing(program).structs.find((s) => s.name === "table")?.fields[0]?.type).toBe("u64[4] -> item");
  });

  it("ties a scattered-area descriptor to the elements a field's area holds", () => {
    const r = compile(`${BASE}
struct area size 16 scattered(first, order, pages) {
  @0 first: u64 -> chain hdr(next) of u64;
  @8 pages: u32;
  @12 order: u32;
}
struct owner size 24 {
  @0 n: u64;
  @8 items: area of item[n];
}`);
    expect(r.diagnostics).toEqual([]);
    const structs = r.program?.schemas[0]?.structs ?? [];
    expect(structs.find((s) => s.name === "area")?.scattered).toEqual({
      pieces: "first",
      order: "order",
      pages: "pages",
    });
    const items = structs.find((s) => s.name === "owner")?.fields[1];
    expect([items?.type, items?.size, items?.area]).toEqual([
      { kind: "struct", structName: "area" },
      16,
      { element: { kind: "struct", structName: "item" }, stride: 8, count: { kind: "field", field: "n" } },
    ]);
  });
});
