import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES, diag, hasErrors, renderDiagnostic, renderDiagnostics } from "../../codegen/diagnostics.js";
import { LineIndex } from "../../codegen/parse/line-index.js";

const FILE = "schema/x.lu";
const TEXT = "struct rhdr {\n  @0 length: u32;\n\t@2 flags: u32;\n}\n";
const lines = new LineIndex(FILE, TEXT);
const spanOf = (needle: string) => {
  const start = TEXT.indexOf(needle);
  return lines.span(start, start + needle.length);
};

describe("renderDiagnostic", () => {
  it("prints location, code, excerpt with caret and tildes, notes and help", () => {
    const d = diag.overlap(spanOf("@2 flags: u32;"), "flags", "length", 2, 4, spanOf("@0 length: u32;"));
    expect(renderDiagnostic(d, (f) => (f === FILE ? TEXT : undefined))).toBe(
      [
        "schema/x.lu:3:2: error LU3001: field 'flags' overlaps 'length' (bytes 2..4)",
        " 3 | \t@2 flags: u32;",
        `   | \t^${"~".repeat(13)}`,
        "note: schema/x.lu:2:3: 'length' is declared here",
      ].join("\n"),
    );
  });

  it("prints warnings, help lines, and no excerpt without the source", () => {
    const d = diag.misaligned(spanOf("@2 flags: u32;"), "flags", 2, 4);
    expect(renderDiagnostic(d, () => undefined)).toBe(
      "schema/x.lu:3:2: warning LU3006: field 'flags' at offset 2 is not aligned to 4 bytes\nhelp: declare the struct 'align 1' if it is packed",
    );
    expect(hasErrors([d])).toBe(false);
  });

  it("underlines only the first line of a multi-line span, and shows an empty span as one caret", () => {
    const whole = lines.span(0, TEXT.length);
    const out = renderDiagnostic(diag.constExpr(whole, "boom"), () => TEXT).split("\n");
    expect(out.slice(1)).toEqual([" 1 | struct rhdr {", `   | ^${"~".repeat(12)}`]);
    const empty = renderDiagnostic(diag.constExpr(lines.span(4, 4), "boom"), () => TEXT).split("\n");
    expect(empty[2]).toBe("   |     ^");
  });

  it("widens the gutter to the line number and joins several diagnostics", () => {
    const text = `${"\n".repeat(11)}const A = 1 / 0;\n`;
    const li = new LineIndex("a.lu", text);
    const start = text.indexOf("1 / 0");
    const d = diag.constExpr(li.span(start, start + 5), "division by zero");
    const out = renderDiagnostics([d, d], () => text).split("\n");
    expect(out.slice(0, 3)).toEqual([
      "a.lu:12:11: error LU2010: division by zero",
      " 12 | const A = 1 / 0;",
      "    |           ^~~~~",
    ]);
    expect(out).toHaveLength(6);
  });
});

describe("diagnostic catalogue", () => {
  it("uses only the documented codes, each grouped by phase", () => {
    for (const code of DIAGNOSTIC_CODES) expect(code).toMatch(/^LU[123]\d{3}$/);
    expect(new Set(DIAGNOSTIC_CODES).size).toBe(DIAGNOSTIC_CODES.length);
  });
});
