import { describe, expect, it } from "vitest";
import { jsdoc } from "../../../../codegen/emit/ts/jsdoc.js";

describe("jsdoc", () => {
  it("is empty without text, one line for one short paragraph", () => {
    expect(jsdoc(null, undefined, "  ")).toBe("");
    expect(jsdoc("Hello.")).toBe("/** Hello. */");
  });

  it("separates paragraphs with a blank comment line", () => {
    expect(jsdoc("One.\nTwo.", null, "Three.")).toBe(
      ["/**", " * One.", " * Two.", " *", " * Three.", " */"].join("\n"),
    );
  });

  it("cannot be closed early by a schema doc", () => {
    const c = jsdoc("a */ b");
    expect(c).toBe("/** a *\\/ b */");
    expect(c.indexOf("*/")).toBe(c.length - 2);
  });

  it("wraps long generated prose at spaces", () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const lines = jsdoc(long).split("\n");
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(104);
    expect(
      lines
        .slice(1, -1)
        .map((l) => l.slice(3))
        .join(" "),
    ).toBe(long);
  });
});
