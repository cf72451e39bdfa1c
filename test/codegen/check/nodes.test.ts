/**
 * String constants and device-tree node declarations: the IR the checker gives for them (names in
 * the tree, compatible strings, properties with their value layout, children).
 */
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../../codegen/compile.js";

function compile(text: string) {
  return compileProgram(["a.lu"], (p) => (p === "a.lu" ? text : undefined));
}

describe("string constants", () => {
  it("are listed apart from integer constants, with their text", () => {
    const r = compile(`const A = "kho-v1";\nconst N = 3;\nconst B = "x\\x41\\n";`);
    expect(r.diagnostics).toEqual([]);
    const s = r.program?.schemas[0];
    expect(s?.strings.map((c) => [c.name, c.value])).toEqual([
      ["A", "kho-v1"],
      ["B", "xA\n"],
    ]);
    expect(s?.consts.map((c) => c.name)).toEqual(["N"]);
  });
});

describe("node declarations", () => {
  const text = `
endian little;
const COMPAT = "thing-v1";
const DATA = "preserved-data";
struct blob size 8 { @0 v: u64; }
node child_node { @"size" size: u32be; }
node root "/" {
  compatible COMPAT, "thing-v0";
  @DATA data: u64 -> blob;
  @"name" label: string optional;
  @"reg" reg: u32be[..];
  @"pair" pair: u64be[2];
  @"raw" raw: u8[..];
  @"kid" kid: child_node optional;
  @* rest: child_node;
}`;

  it("resolves names, compatible strings, value layouts and children in the IR", () => {
    const r = compile(text);
    expect(r.diagnostics).toEqual([]);
    const root = r.program?.schemas[0]?.nodes.find((n) => n.name === "root");
    expect(root?.nodeName).toBe("/");
    expect(root?.compatible).toEqual(["thing-v1", "thing-v0"]);
    expect(root?.properties.map((p) => [p.name, p.key, p.type, p.optional])).toEqual([
      [
        "data",
        "preserved-data",
        { kind: "int", prim: "u64", endian: "little", pointer: { kind: "struct", structName: "blob" } },
        false,
      ],
      ["label", "name", { kind: "string" }, true],
      ["reg", "reg", { kind: "cells", prim: "u32", endian: "big", count: null }, false],
      ["pair", "pair", { kind: "cells", prim: "u64", endian: "big", count: 2 }, false],
      ["raw", "raw", { kind: "bytes" }, false],
    ]);
    expect(root?.children.map((c) => [c.name, c.key, c.node, c.optional])).toEqual([
      ["kid", "kid", "child_node", true],
      ["rest", null, "child_node", false],
    ]);
    expect(r.program?.declaredIn.get("root")).toBe("a.lu");
  });

  it("leaves a node without a name or compatible open on both", () => {
    const child = compile(text).program?.schemas[0]?.nodes.find((n) => n.name === "child_node");
    expect([child?.nodeName, child?.compatible]).toEqual([null, []]);
  });
});
