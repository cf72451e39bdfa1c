import { describe, expect, it } from "vitest";
import type { AstStruct } from "../../../codegen/ast.js";
import { parseLu } from "../../../codegen/parse/parse.js";
import { DOC_EXAMPLE_FILE, docExample } from "../doc-example.js";

describe("parseLu", () => {
  it("parses the docs/language.md example into declarations with docs and spans", () => {
    const text = docExample();
    const { ast, diagnostics } = parseLu(DOC_EXAMPLE_FILE, text);
    expect(diagnostics).toEqual([]);
    if (ast === null) throw new Error("no AST");
    expect(ast.doc).toMatch(/^Live update handover stream/);
    expect(ast.endian.map((e) => e.endian)).toEqual(["little"]);
    expect(ast.imports.map((i) => i.path)).toEqual(["libxc-stream.lu"]);
    expect(ast.decls.map((d) => `${d.kind} ${d.name.text}`)).toEqual([
      "const PAGE_SHIFT",
      "const LU_MAGIC",
      "enum lu_domain_type",
      "flags domctl_cdf",
      "struct lu_breadcrumb",
      "struct lu_m2p_entry",
      "struct lu_m2p",
      "stream lu_stream",
    ]);
    const crumb = ast.decls[4] as AstStruct;
    expect(crumb.doc).toBe("Breadcrumb at the start of the live update bootmem.");
    const magic = crumb.fields[0];
    expect(magic?.name.text).toBe("magic");
    // The span points at the field's own text, with 1-based line/col.
    if (magic === undefined) throw new Error("no field");
    expect(text.slice(magic.span.start, magic.span.end)).toBe("@0x00 magic:              u64 = LU_MAGIC;");
    const lineText = text.split("\n")[magic.span.line - 1];
    expect(lineText?.slice(magic.span.col - 1)).toBe("@0x00 magic:              u64 = LU_MAGIC;");
  });

  it("reads integers in decimal, hex, binary, with separators, and strings with escapes", () => {
    const { ast } = parseLu(
      "t.lu",
      'const A = 0xFFFF_FFFF; const B = 0b1010; const C = 1_000;\nstruct s { @0 id: ascii[4] = "a\\"\\x41\\0"; }',
    );
    const values = ast?.decls.flatMap((d) => (d.kind === "const" && d.value.kind === "number" ? [d.value.value] : []));
    expect(values).toEqual([0xffffffffn, 10n, 1000n]);
    const s = ast?.decls[3] as AstStruct;
    expect(s.fields[0]?.value).toMatchObject({ kind: "string", value: 'a"A\0' });
  });

  it("gives C precedence to operators", () => {
    const { ast } = parseLu("t.lu", "const X = 1 | 2 ^ 3 & 4 << 5 + 6 * 7;");
    const d = ast?.decls[0];
    if (d?.kind !== "const") throw new Error("no const");
    const show = (e: typeof d.value): string =>
      e.kind === "binary" ? `(${show(e.left)} ${e.op} ${show(e.right)})` : e.kind === "number" ? String(e.value) : "?";
    expect(show(d.value)).toBe("(1 | (2 ^ (3 & (4 << (5 + (6 * 7))))))");
  });

  it("allows keywords as field names but not as declaration names", () => {
    expect(parseLu("t.lu", "struct s { @0 type: u32; @4 reserved: u32 reserved; }").diagnostics).toEqual([]);
    const bad = parseLu("t.lu", "struct struct { }");
    expect(bad.ast).toBeNull();
    expect(bad.diagnostics[0]?.code).toBe("LU1001");
  });

  it("reports one syntax error at the rightmost failure with the expected set", () => {
    const { ast, diagnostics } = parseLu("t.lu", "struct x {\n  @0 a: u32\n}\n");
    expect(ast).toBeNull();
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0];
    expect(d?.code).toBe("LU1001");
    // A missing ';' is located right after the token it should follow, not at the next line.
    expect(d?.span).toMatchObject({ line: 2, col: 12 });
    expect(d?.message).toMatch(/^syntax error: expected .*";".* after 'u32'$/);
    const other = parseLu("t.lu", "struct x {\n  @0 a: u32;\n  @4 b u32;\n}\n").diagnostics[0];
    expect(other?.span).toMatchObject({ line: 3, col: 8 });
  });

  it("keeps /// docs apart from // comments", () => {
    const { ast } = parseLu("t.lu", "// not a doc\n//// not a doc either\n/// one\n/// two\nconst A = 1;");
    expect(ast?.decls[0]?.doc).toBe("one\ntwo");
  });
});
