import { describe, expect, it } from "vitest";
import { checkNames, resolvedPath } from "../../../codegen/check/names.js";
import { checkInput, sink, summary } from "./check-input.js";

describe("names pass", () => {
  it("builds one table across files and reports duplicates with the first declaration", () => {
    const s = sink();
    const names = checkNames(checkInput({ "a.lu": "const X = 1;", "b.lu": 'import "a.lu";\nstruct X { }' }), s);
    expect(summary(s)).toEqual(["LU2002 2:8 duplicate declaration 'X'"]);
    expect(s.list[0]?.notes[0]?.span?.file).toBe("a.lu");
    expect(names.decls.get("X")?.kind).toBe("const");
  });

  it("reports duplicate members, fields, bit ranges and records inside a declaration", () => {
    const s = sink();
    checkNames(
      checkInput({
        "a.lu": `flags f : u8 { a = 1, a = 2 }
struct s { @0 x: u8; @1 x: u8; @2 r: u16 bits { b: 0..1; b: 2..3; }; }
stream t { record A = 1; record A = 2; range q = 1..2; range q = 3..4; }`,
      }),
      s,
    );
    expect(summary(s).map((l) => l.split(" ").slice(0, 1).concat(l.split(" ").slice(3)).join(" "))).toEqual([
      "LU2002 flag 'a'",
      "LU2002 field 'x'",
      "LU2002 bit range 'b'",
      "LU2002 record 'A'",
      "LU2002 range 'q'",
    ]);
  });

  it("sees names of imported files, transitively, but not of other files in the program", () => {
    const s = sink();
    const names = checkNames(
      checkInput({
        "a.lu": 'import "b.lu";\nstruct a { }',
        "b.lu": 'import "c.lu";\nstruct b { }',
        "c.lu": "struct c { }",
        "d.lu": "struct d { }",
      }),
      s,
    );
    const ref = (text: string) => ({ text, span: { file: "a.lu", start: 0, end: 1, line: 1, col: 1 } });
    expect(names.lookup("a.lu", ref("c"), "type", ["struct"])?.file).toBe("c.lu");
    expect(names.lookup("a.lu", ref("d"), "type", ["struct"])).toBeNull();
    expect(s.list.map((d) => [d.code, d.message, d.help])).toEqual([
      ["LU2001", "unknown type 'd'", "'d' is declared in 'd.lu'; import it"],
    ]);
  });

  it("reports a name of the wrong kind", () => {
    const s = sink();
    const names = checkNames(checkInput({ "a.lu": "const K = 1;" }), s);
    const ref = { text: "K", span: { file: "a.lu", start: 0, end: 1, line: 1, col: 1 } };
    expect(names.lookup("a.lu", ref, "type", ["struct", "enum"])).toBeNull();
    expect(summary(s)).toEqual(["LU2006 1:1 'K' is a constant, not a struct or an enum"]);
  });

  it("reports each import cycle once and missing imports", () => {
    const s = sink();
    checkNames(
      checkInput({
        "x/a.lu": 'import "b.lu";\nimport "gone.lu";',
        "x/b.lu": 'import "../x/c.lu";',
        "x/c.lu": 'import "a.lu";',
      }),
      s,
    );
    expect(summary(s)).toEqual([
      "LU2009 2:8 cannot find imported file 'gone.lu' (looked for 'x/gone.lu')",
      "LU2008 1:8 import cycle: 'x/a.lu' -> 'x/b.lu' -> 'x/c.lu' -> 'x/a.lu'",
    ]);
    expect(s.list[1]?.span.file).toBe("x/c.lu");
  });

  it("reports a repeated endian directive", () => {
    const s = sink();
    checkNames(checkInput({ "a.lu": "endian little;\nendian big;" }), s);
    expect(summary(s)).toEqual(["LU2002 2:1 duplicate 'endian' directive"]);
  });
});

describe("resolvedPath", () => {
  it("joins relative to the importing file with posix rules", () => {
    expect(resolvedPath("schema/live-update.lu", "libxc-stream.lu")).toBe("schema/libxc-stream.lu");
    expect(resolvedPath("schema/a/b.lu", "../c.lu")).toBe("schema/c.lu");
    expect(resolvedPath("a.lu", "./sub/./b.lu")).toBe("sub/b.lu");
    expect(resolvedPath("a.lu", "../up.lu")).toBe("../up.lu");
    expect(resolvedPath("/abs/a.lu", "b.lu")).toBe("/abs/b.lu");
  });
});
