import { describe, expect, it } from "vitest";
import { ImportSet } from "../../../../codegen/emit/ts/imports.js";

describe("ImportSet", () => {
  it("prints imports sorted by code unit, runtime modules before sibling files, type-only where nothing is a value", () => {
    const s = new ImportSet();
    expect(s.value("zeta", "../runtime/b.js")).toBe("zeta");
    s.type("Problem", "../runtime/problem.js");
    s.value("Other", "./other.js");
    s.type("ByteView", "../runtime/b.js");
    s.value("alpha", "../runtime/b.js");
    expect(s.render()).toBe(
      [
        'import { type ByteView, alpha, zeta } from "../runtime/b.js";',
        'import type { Problem } from "../runtime/problem.js";',
        'import { Other } from "./other.js";',
      ].join("\n"),
    );
  });

  it("a symbol used both as a type and as a value is imported as a value", () => {
    const a = new ImportSet();
    a.type("X", "./x.js");
    a.value("X", "./x.js");
    const b = new ImportSet();
    b.value("X", "./x.js");
    b.type("X", "./x.js");
    expect(a.render()).toBe('import { X } from "./x.js";');
    expect(b.render()).toBe(a.render());
  });

  it("prints nothing when nothing was asked for", () => {
    expect(new ImportSet().render()).toBe("");
  });
});
