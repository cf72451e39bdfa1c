/**
 * The ```lu examples of docs/language.md after the first (which imports a file and is compiled by
 * test/codegen/compile.test.ts) are code: each compiles without errors, the stream rules
 * example reads as the text says, and the length fields example encodes, validates and reports a
 * wrong length as the text says. A block with a line that is only an elision (`…`) is a sketch of part of a
 * schema, not a whole program, and is not compiled. Every block, the first and the sketches too, is
 * in the layout `lu fmt` gives it (a sketch without its elision lines).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { runEncode } from "../../cli/encode.js";
import { runValidate } from "../../cli/validate.js";
import { compileProgram, renderDiagnostics } from "../../codegen/compile.js";
import { formatLu } from "../../codegen/fmt/format.js";

const allBlocks = [...readFileSync("docs/language.md", "utf8").matchAll(/```lu\n([\s\S]*?)```/g)].map(
  (m) => m[1] ?? "",
);
const blocks = allBlocks.slice(1).filter((b) => !/^\s*…\s*$/m.test(b));

function compile(source: string) {
  const file = "example.lu";
  const result = compileProgram([file], (path) => (path === file ? source : undefined));
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(
    errors,
    renderDiagnostics(result.diagnostics, (f) => (f === file ? source : undefined)),
  ).toEqual([]);
  return result.program;
}

describe("docs/language.md examples", () => {
  it("has the stream rules example", () => {
    expect(blocks.some((b) => b.includes("payload pages of BLOCK"))).toBe(true);
  });

  it.each(blocks.map((b, i) => [i + 1, b] as const))("example %i compiles", (_i, source) => {
    compile(source);
  });

  it.each(allBlocks.map((b, i) => [i, b] as const))("example %i is in lu fmt's layout", (_i, block) => {
    // A sketch is checked without its elision lines, which lu fmt cannot parse.
    const source = block.replace(/^\s*…\s*\n/gm, "");
    const result = formatLu("example.lu", source);
    if (!result.ok) throw new Error(result.reason);
    expect(source, "run the block through lu fmt").toBe(result.text);
  });

  it("the stream rules example resolves as documented", () => {
    const program = compile(blocks.find((b) => b.includes("payload pages of BLOCK")) ?? "");
    const slog = program?.schemas[0]?.streams[0];
    expect(slog).toMatchObject({
      end: null,
      preambleLabels: ["header"],
      entry: { kind: "slog", magic: ["magic"] },
      maxLength: [{ value: 4096, records: [] }],
      order: [
        { kind: "first", record: "START" },
        { kind: "once", record: "START" },
        { kind: "before", record: "START", later: ["BLOCK"], when: { values: [{ lo: 2n, hi: 2n }] } },
      ],
      payloads: [
        {
          name: "pages",
          record: "BLOCK",
          size: {
            kind: "binary",
            op: "<<",
            left: { kind: "count", array: "samples", negate: true, values: [{ lo: 1n, hi: 1n }] },
          },
        },
      ],
    });
    expect(slog?.requires.map((r) => [r.scope, r.path.root, r.path.fields.join(".")])).toEqual([
      ["preamble", "slog_header", "version"],
      ["record", "BLOCK", "count"],
    ]);
    expect(slog?.records.find((r) => r.name === "TEXT")?.value).toBe(0x7478);
  });

  it("the length fields example: encode computes both lengths, validate finds a wrong one", () => {
    const dir = mkdtempSync(join(tmpdir(), "lu-length-doc-"));
    const schema = join(dir, "form.lu");
    writeFileSync(schema, blocks.find((b) => b.includes("length of rest; // the chunks end")) ?? "");
    const doc = {
      kind: "iff",
      headers: [{ name: "form_header", fields: { id: "FORM", form: "TEST" } }],
      records: [{ stream: "form", name: "NAME", fields: { text: "abc" } }],
    };
    writeFileSync(join(dir, "in.json"), JSON.stringify(doc));
    let bytes: Uint8Array = new Uint8Array(0);
    let err = "";
    expect(
      runEncode(
        join(dir, "in.json"),
        { schema },
        (b) => (bytes = b),
        (t) => (err += t),
      ),
    ).toBe(0);
    expect(err).toBe("");
    // FORM, size 18 (form type, 8-octet chunk header, 5-octet body, 1 pad octet), TEST, NAME, 5, len 3, "abc", pad.
    expect(Buffer.from(bytes).toString("hex")).toBe(
      Buffer.concat([
        Buffer.from("FORM"),
        Buffer.from([0, 0, 0, 18]),
        Buffer.from("TESTNAME"),
        Buffer.from([0, 0, 0, 5, 0, 3]),
        Buffer.from("abc"),
        Buffer.from([0]),
      ]).toString("hex"),
    );
    const file = join(dir, "f.iff");
    writeFileSync(file, bytes);
    let out = "";
    expect(
      runValidate(
        file,
        { schema },
        (t) => (out += t),
        (t) => (out += t),
      ),
    ).toBe(0);
    const bad = Buffer.from(bytes);
    bad.writeUInt16BE(2, 20); // the body's len
    bad.writeUInt32BE(30, 4); // the form's size
    writeFileSync(file, bad);
    let json = "";
    expect(
      runDump(
        file,
        { schema, json: true },
        (t) => (json += t),
        () => undefined,
      ),
    ).toBe(1);
    expect((JSON.parse(json) as { problems: unknown[] }).problems).toEqual([
      expect.objectContaining({
        offset: 4,
        field: "size",
        kind: "length-mismatch",
        message: "size is 30 (= length of rest), but 18 octets follow it",
      }),
      expect.objectContaining({
        offset: 20,
        record: "NAME",
        field: "len",
        kind: "length-mismatch",
        message: "len is 2 (= length of rest), but 3 octets follow it",
      }),
    ]);
  });

  it("the device-tree node example resolves as documented", () => {
    const program = compile(blocks.find((b) => b.includes("node kho_root")) ?? "");
    const nodes = program?.schemas[0]?.nodes ?? [];
    expect(nodes.map((n) => [n.name, n.nodeName, n.compatible])).toEqual([
      ["kho_root", "/", ["kho-v3", "kho-v4"]],
      ["kho_subsystem", null, []],
    ]);
    expect(nodes[0]?.properties[0]).toMatchObject({
      key: "preserved-memory-map",
      type: { kind: "int", prim: "u64", pointer: { kind: "struct", structName: "kho_radix_node" } },
    });
    expect(nodes[1]?.properties.map((p) => [p.key, p.type.kind, p.optional])).toEqual([
      ["preserved-data", "int", false],
      ["blob-size", "int", false],
      ["label", "string", true],
      ["reg", "cells", false],
    ]);
  });

  it("the array-of-pointers and scattered-area examples resolve as documented", () => {
    const radix =
      compile(blocks.find((b) => b.includes("struct kho_radix_bottom_node")) ?? "")?.schemas[0]?.structs ?? [];
    expect(radix.map((s) => [s.name, s.fields[0]?.pointer ?? null])).toEqual([
      ["kho_radix_leaf", null],
      ["kho_radix_bottom_node", { kind: "struct", structName: "kho_radix_leaf" }],
      ["kho_radix_node", { kind: "struct", structName: "kho_radix_node" }],
    ]);
    const memfd =
      compile(blocks.find((b) => b.includes("kho_vmalloc of memfd_luo_folio_ser")) ?? "")?.schemas[0]?.structs ?? [];
    expect(memfd.find((s) => s.name === "kho_vmalloc")?.scattered).toEqual({
      pieces: "first",
      order: "order",
      pages: "total_pages",
    });
    const folios = memfd.find((s) => s.name === "memfd_luo_ser")?.fields.find((f) => f.name === "folios");
    expect([folios?.offset, folios?.size, folios?.area?.count]).toEqual([
      32,
      16,
      { kind: "field", field: "nr_folios" },
    ]);
  });
});
