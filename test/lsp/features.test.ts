/**
 * lsp/features.ts on the constructs beyond plain structs: stream rules, record codes, load rules,
 * pointer fields (`->`, `chain`, `match`). Go to definition, hover, keyword completion and document
 * symbols, as pure functions of the text and the checked program (server.test.ts drives the same
 * through the protocol).
 */
import { SymbolKind, type Hover, type Location } from "vscode-languageserver/node";
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../codegen/compile.js";
import type { LayoutProgram } from "../../codegen/ir.js";
import { completion, definition, documentSymbols, hover } from "../../lsp/features.js";
import { positionAt } from "../../lsp/positions.js";

const PATH = "/work/lsp-fixture/slog.lu";
const TEXT = `endian little;
const MAXB = 4;
enum kind : u8 { value = 0, gap = 1 }
struct file_hdr size 8 {
  @0 magic:   ascii[4] = "SLOG";
  @4 version: u16;
  @6 options: u16 bits {
    endianness: 0..0;
  };
}
struct tlv size 8 {
  @0 type:   u32;
  @4 length: u32;
}
struct sample size 2 {
  @0 kind: kind;
  @1 n:    u8;
}
struct block {
  @0 count:   u16;
  @2 _res:    u16 reserved;
  @4 samples: sample[count];
}
struct old size 12 {
  @0 a: u32;
  @4 b: u32;
  @8 c: u32;
}
struct grown size 16 load zero_extend from 8 compat old {
  @0 a: u64;
  @8 b: u64;
}
struct page_hdr size 16 {
  @0 next:  u64;
  @8 count: u64;
}
struct names size 16 {
  @0 compatible: ascii[8];
  @8 data:       u64 -> match compatible {
    "a": old,
    "b": grown,
  };
}
struct roots size 16 {
  @0 first: u64 -> chain page_hdr (next, count) of u64 limit MAXB;
  @8 one:   u64 -> old;
}
stream inner {
  header tlv (type, length);
  end of input;
  record X = 1;
  record Y = 2;
}
stream slog {
  entry slog (magic);
  preamble file_hdr as header;
  header tlv (type, length);
  end of input;
  require file_hdr.options.endianness in 0;
  require BLOCK.count in 1..64 if file_hdr.version in MAXB;
  first START;
  once START;
  order START before BLOCK;
  max length 4096 for BLOCK;
  /// Pages after the samples.
  payload pages of BLOCK = count(samples where kind not in gap) << 12;
  after TEXT stream inner until Y;
  record START = 1;
  record BLOCK = 2 : block;
  /// Free text.
  record TEXT = "TEXT" : block;
}
`;

function compile(): LayoutProgram {
  const r = compileProgram([PATH], (p) => (p === PATH ? TEXT : undefined));
  if (r.program === null) throw new Error(r.diagnostics.map((d) => `${d.span.line}: ${d.message}`).join("\n"));
  return r.program;
}

const program = compile();
const textOf = (p: string): string | undefined => (p === PATH ? TEXT : undefined);

/** The position of the `nth` occurrence of `needle` (after `after`), plus `delta` characters. */
function at(needle: string, after = "", delta = 0, text = TEXT) {
  const from = text.indexOf(after);
  return positionAt(text, text.indexOf(needle, from === -1 ? 0 : from) + delta);
}

/** The text a definition points at, and the line it is on. */
function target(needle: string, after: string): string {
  const loc = definition(TEXT, PATH, at(needle, after), program, textOf) as Location | null;
  if (loc === null) throw new Error(`no definition for ${needle} after ${after}`);
  const lines = TEXT.split("\n");
  const line = lines[loc.range.start.line] ?? "";
  expect(loc.range.start.line).toBe(loc.range.end.line);
  return `${line.slice(loc.range.start.character, loc.range.end.character)} @ ${line.trim()}`;
}

function hoverText(needle: string, after: string): string {
  const h = hover(TEXT, PATH, at(needle, after), program) as Hover | null;
  return h !== null && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
}

describe("go to definition", () => {
  it("takes a stream rule's record name to the record", () => {
    expect(target("START", "first ")).toBe("START @ record START = 1;");
    expect(target("BLOCK", "order START before")).toBe("BLOCK @ record BLOCK = 2 : block;");
    expect(target("BLOCK", "max length")).toBe("BLOCK @ record BLOCK = 2 : block;");
    expect(target("BLOCK", "payload pages of")).toBe("BLOCK @ record BLOCK = 2 : block;");
    expect(target("TEXT", "after ")).toBe('TEXT @ record TEXT = "TEXT" : block;');
  });

  it("takes `until` records to the stream in line, and its name to the stream", () => {
    expect(target("Y", "until ")).toBe("Y @ record Y = 2;");
    expect(target("inner", "after TEXT stream")).toBe("inner @ stream inner {");
  });

  it("takes rule paths to fields and bit ranges, through the record's body or the preamble struct", () => {
    expect(target("count", "require BLOCK.")).toBe("count @ @0 count:   u16;");
    expect(target("endianness", "require file_hdr.options.")).toBe("endianness @ endianness: 0..0;");
    expect(target("version", "if file_hdr.")).toBe("version @ @4 version: u16;");
    expect(target("file_hdr", "require ")).toBe("file_hdr @ struct file_hdr size 8 {");
  });

  it("takes entry, header and payload names to their fields", () => {
    expect(target("magic", "entry slog (")).toBe('magic @ @0 magic:   ascii[4] = "SLOG";');
    expect(target("length", "header tlv (type, ")).toBe("length @ @4 length: u32;");
    expect(target("samples", "count(")).toBe("samples @ @4 samples: sample[count];");
    expect(target("kind", "where ")).toBe("kind @ @0 kind: kind;");
  });

  it("takes a rule's enum values to the enum members, and constants to their declarations", () => {
    expect(target("gap", "not in ")).toBe("gap @ enum kind : u8 { value = 0, gap = 1 }");
    expect(target("MAXB", "if file_hdr.version in ")).toBe("MAXB @ const MAXB = 4;");
    const h = hover(TEXT, PATH, at("gap", "not in "), program) as Hover | null;
    expect(h !== null && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "").toBe(
      "**gap**",
    );
  });

  it("takes pointer targets, chain headers and fields, match fields and compat structs to their declarations", () => {
    expect(target("page_hdr", "-> chain ")).toBe("page_hdr @ struct page_hdr size 16 {");
    expect(target("next", "chain page_hdr (")).toBe("next @ @0 next:  u64;");
    expect(target("MAXB", "limit ")).toBe("MAXB @ const MAXB = 4;");
    expect(target("old", "@8 one:   u64 -> ")).toBe("old @ struct old size 12 {");
    expect(target("compatible", "-> match ")).toBe("compatible @ @0 compatible: ascii[8];");
    expect(target("grown", '"b": ')).toBe("grown @ struct grown size 16 load zero_extend from 8 compat old {");
    expect(target("old", "compat ")).toBe("old @ struct old size 12 {");
  });
});

describe("hover", () => {
  it("shows a record with its type value, character code, body and doc", () => {
    expect(hoverText("TEXT", "after ")).toBe(
      '**record TEXT** = `0x54584554` "TEXT" : `block` in stream `slog`\n\nFree text.',
    );
    expect(hoverText("START", "first ")).toBe("**record START** = `0x1`, no body in stream `slog`");
  });

  it("shows a rule path's field with its layout", () => {
    expect(hoverText("version", "if file_hdr.")).toContain(
      "**version**: `u16` in struct `file_hdr`\n\noffset 4 (0x4), size 2, align 2, little-endian",
    );
  });

  it("shows a struct's load rule and a stream's rules on their names", () => {
    expect(hoverText("grown", '"b": ')).toContain(
      "load: zero-extended (`load zero_extend from 8 compat old`): a body of 16 octets, or of an older size, 8 octets, whose missing fields read as zero; a body of the size of `old` is laid out as that struct;",
    );
    const stream = hoverText("inner", "after TEXT stream");
    expect(stream).toContain("**stream inner**: header `tlv`, 2 record types");
    const slog = hoverText("slog", "stream slog");
    expect(slog).toContain("- **First record**: `START`.");
    expect(slog).toContain("- **Stream in line**: after each `TEXT` record a whole `inner` stream follows");
  });

  it("explains the keywords of stream rules, load rules and pointers", () => {
    expect(hoverText("payload", "")).toContain("`payload NAME of R = SIZE`");
    expect(hoverText("zero_extend", "")).toContain("older sizes");
    expect(hoverText("chain", "-> ")).toContain("linked list of pages");
  });
});

describe("completion", () => {
  const labels = (text: string, needle: string, delta: number): string[] =>
    completion(text, PATH, positionAt(text, text.indexOf(needle) + delta), program).map((c) => c.label);

  it("offers the stream items at the start of a stream statement", () => {
    const text = TEXT.replace("  first START;\n", "  fi\n  first START;\n");
    expect(labels(text, "  fi\n", 4)).toEqual(
      expect.arrayContaining([
        "entry",
        "require",
        "first",
        "once",
        "order",
        "max length",
        "payload",
        "after",
        "end of input",
        "record",
      ]),
    );
  });

  it("offers the stream's records after first, order … before, payload … of, and the inner stream's after until", () => {
    expect(labels(TEXT.replace("first START;", "first ;"), "first ;", 6)).toEqual(["START", "BLOCK", "TEXT"]);
    expect(labels(TEXT.replace("order START before BLOCK;", "order START before ;"), "before ;", 7)).toEqual([
      "START",
      "BLOCK",
      "TEXT",
    ]);
    expect(
      labels(TEXT.replace("after TEXT stream inner until Y;", "after TEXT stream inner until ;"), "until ;", 6),
    ).toEqual(["X", "Y"]);
    expect(labels(TEXT.replace("after TEXT stream inner until Y;", "after TEXT stream ;"), "stream ;", 7)).toEqual([
      "inner",
      "slog",
    ]);
  });

  it("offers load rules and struct attributes after a struct's name", () => {
    expect(labels(TEXT.replace("struct old size 12 {", "struct old size 12 load {"), "load {", 5)).toEqual([
      "exact",
      "zero_extend",
    ]);
    expect(
      labels(TEXT.replace("load zero_extend from 8 compat old {", "load zero_extend from 8 {"), "from 8 {", 7),
    ).toEqual(expect.arrayContaining(["compat", "size"]));
  });

  it("offers chain, match and struct names after ->", () => {
    const text = TEXT.replace("@8 one:   u64 -> old;", "@8 one:   u64 -> ;");
    expect(labels(text, "u64 -> ;", 7)).toEqual(expect.arrayContaining(["chain", "match", "old", "page_hdr"]));
  });

  it("offers length, then of, then rest and input after a field's =, and constants in its expression", () => {
    const typed = (value: string): string => TEXT.replace("@4 length: u32;", `@4 length: u32 = ${value};`);
    const after = (value: string): string[] => labels(typed(value), `= ${value};`, 2 + value.length);
    expect(after("")).toEqual(["length", "MAXB"]);
    expect(after("len")).toEqual(["length", "MAXB"]);
    expect(after("length ")).toEqual(["of"]);
    expect(after("length o")).toEqual(["of"]);
    expect(after("length of ")).toEqual(["rest", "input"]);
    expect(after("length of re")).toEqual(["rest", "input"]);
    expect(after("MAXB * ")).toEqual(["MAXB"]);
    // Aligned the way lu fmt writes fields, and an ascii field's string value.
    expect(labels(TEXT.replace("@4 version: u16;", "@4 version: u16     = length of ;"), "length of ;", 10)).toEqual([
      "rest",
      "input",
    ]);
    expect(labels(TEXT, '"SLOG"', 2)).toEqual([]);
    // Before the =, the type position still offers type names.
    expect(labels(TEXT.replace("@4 length: u32;", "@4 length: ;"), "@4 length: ;", 11)).toEqual(
      expect.arrayContaining(["u32", "kind"]),
    );
  });

  it("offers nothing inside a comment", () => {
    expect(labels(TEXT.replace("const MAXB = 4;\n", "const MAXB = 4;\n/// st\n"), "/// st\n", 6)).toEqual([]);
    expect(labels(TEXT.replace("  first START;\n", "  first START; // fi\n"), "// fi\n", 5)).toEqual([]);
  });

  it("offers declaration keywords at top level, and still type names after a field's colon", () => {
    expect(labels(TEXT.replace("const MAXB = 4;\n", "const MAXB = 4;\nst\n"), "\nst\n", 3)).toEqual([
      "struct",
      "enum",
      "flags",
      "const",
      "stream",
      "node",
      "import",
      "endian",
    ]);
    expect(labels(TEXT.replace("@1 n:    u8;", "@1 n:    ;"), "@1 n:    ;", 9)).toEqual(
      expect.arrayContaining(["u8", "kind", "block"]),
    );
  });
});

describe("document symbols", () => {
  it("lists a stream's records (character codes too), its entry and its payloads", () => {
    const slog = documentSymbols(TEXT, PATH).find((s) => s.name === "slog");
    expect(slog?.children?.map((c) => [c.name, c.kind, c.detail])).toEqual([
      ["slog", SymbolKind.Key, "entry"],
      ["pages", SymbolKind.Field, "payload of BLOCK"],
      ["START", SymbolKind.Event, undefined],
      ["BLOCK", SymbolKind.Event, undefined],
      ["TEXT", SymbolKind.Event, '"TEXT"'],
    ]);
  });
});

const TREE_PATH = "/work/lsp-fixture/tree.lu";
const TREE = `/// Compatible string of the root.
const ROOT_V1 = "demo-v1";
const MAP_KEY = "memory-map";
struct leaf size 8 align 8 {
  @0 bits: u64;
}
struct level size 16 align 8 {
  @0 table: u64[2] -> leaf;
}
struct hdr size 8 align 8 {
  @0 next: u64;
}
struct area size 16 align 8 scattered(first, order, total_pages) {
  @0  first:       u64 -> chain hdr (next) of u64;
  @8  total_pages: u32;
  @12 flags:       u16;
  @14 order:       u16;
}
struct item size 16 align 1 {
  @0 a: u64;
  @8 b: u64;
}
struct holder size 24 align 1 {
  @0 n:     u64;
  @8 items: area of item[n];
}
/// The root of a demo tree.
node demo_root "/" {
  compatible ROOT_V1, "demo-v2";
  @MAP_KEY map: u64 -> level;
  @"extra" extra: demo_sub optional;
  @* subs: demo_sub;
}
node demo_sub {
  @"size" size: u64;
}
`;

describe("device-tree nodes, string constants, pointer arrays and scattered areas", () => {
  const r = compileProgram([TREE_PATH], (p) => (p === TREE_PATH ? TREE : undefined));
  if (r.program === null) throw new Error(r.diagnostics.map((d) => `${d.span.line}: ${d.message}`).join("\n"));
  const tree = r.program;
  const treeText = (p: string): string | undefined => (p === TREE_PATH ? TREE : undefined);
  const pos = (needle: string, after: string) => at(needle, after, 0, TREE);
  const goTo = (needle: string, after: string): string => {
    const loc = definition(TREE, TREE_PATH, pos(needle, after), tree, treeText) as Location | null;
    if (loc === null) throw new Error(`no definition for ${needle} after ${after}`);
    const line = TREE.split("\n")[loc.range.start.line] ?? "";
    return `${line.slice(loc.range.start.character, loc.range.end.character)} @ ${line.trim()}`;
  };
  const hoverOf = (needle: string, after: string): string => {
    const h = hover(TREE, TREE_PATH, pos(needle, after), tree) as Hover | null;
    return h !== null && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
  };

  it("lists nodes with their members, and string constants with their value", () => {
    const syms = documentSymbols(TREE, TREE_PATH);
    const root = syms.find((s) => s.name === "demo_root");
    expect([root?.kind, root?.detail]).toEqual([SymbolKind.Class, 'node "/"']);
    expect(root?.children?.map((c) => [c.name, c.kind, c.detail])).toEqual([
      ["map", SymbolKind.Property, "@MAP_KEY"],
      ["extra", SymbolKind.Property, '@"extra"'],
      ["subs", SymbolKind.Property, "@*"],
    ]);
    const c = syms.find((s) => s.name === "ROOT_V1");
    expect([c?.kind, c?.detail]).toEqual([SymbolKind.String, 'const "demo-v1"']);
  });

  it("takes node member types, keys, compatible constants, pointer-array targets and area types to their declarations", () => {
    expect(goTo("level", "@MAP_KEY map: u64 -> ")).toBe("level @ struct level size 16 align 8 {");
    expect(goTo("demo_sub", "@* subs: ")).toBe("demo_sub @ node demo_sub {");
    expect(goTo("MAP_KEY", "@")).toBe('MAP_KEY @ const MAP_KEY = "memory-map";');
    expect(goTo("ROOT_V1", "compatible ")).toBe('ROOT_V1 @ const ROOT_V1 = "demo-v1";');
    expect(goTo("leaf", "u64[2] -> ")).toBe("leaf @ struct leaf size 8 align 8 {");
    expect(goTo("area", "@8 items: ")).toBe(
      "area @ struct area size 16 align 8 scattered(first, order, total_pages) {",
    );
    expect(goTo("item[", "area of ")).toBe("item @ struct item size 16 align 1 {");
    expect(goTo("n", "item[")).toBe("n @ @0 n:     u64;");
  });

  it("shows nodes, string constants and area element types on hover", () => {
    const node = hoverOf("demo_sub", "@* subs: ");
    expect(node).toContain("**node demo_sub**");
    expect(node).toContain('- `"size"` size: u64');
    const root = hoverOf("demo_root", "node ");
    expect(root).toContain('its `compatible` is one of `"demo-v1"`, `"demo-v2"`');
    expect(root).toContain("- `*` subs: node demo_sub");
    expect(root).toContain('- `"extra"` extra: node demo_sub (optional)');
    expect(hoverOf("ROOT_V1", "compatible ")).toBe('**const ROOT_V1** = `"demo-v1"`\n\nCompatible string of the root.');
    expect(hoverOf("item[", "area of ")).toContain("**struct item**");
  });

  it("offers node items, node names and optional inside a node, scattered after a struct's name", () => {
    const labels = (text: string, needle: string, delta: number): string[] =>
      completion(text, TREE_PATH, positionAt(text, text.indexOf(needle) + delta), tree).map((c) => c.label);
    expect(labels(TREE.replace('  @"size" size: u64;\n', "  co\n"), "  co\n", 4)).toEqual(["compatible", "@*"]);
    expect(labels(TREE.replace("@* subs: demo_sub;", "@* subs: ;"), "subs: ;", 6)).toEqual(["demo_root", "demo_sub"]);
    expect(labels(TREE.replace("@* subs: demo_sub;", "@* subs: demo_sub ;"), "demo_sub ;", 9)).toEqual(["optional"]);
    expect(
      labels(TREE.replace("struct item size 16 align 1 {", "struct item size 16 align 1 sc {"), "align 1 sc", 10),
    ).toContain("scattered");
  });
});
