/**
 * `lu fmt` on every construct of codegen/grammar/lu.ohm, one case each: the canonical layout of an
 * irregularly spaced input, the same syntax tree after re-parsing (positions aside), and a second
 * pass that changes nothing. Each case names the AST node kind it must contain, so a case whose
 * input stopped meaning the construct fails instead of passing on nothing.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { astShape, formatLu, layoutRefusal } from "../../../codegen/fmt/format.js";
import { parseLu } from "../../../codegen/parse/parse.js";

interface Case {
  readonly name: string;
  /** A `"kind":"…"` the parsed input must hold. */
  readonly kind: string;
  readonly input: string;
  readonly pretty: string;
}

/** A stream around stream items (`header` and `end` are not needed to parse). */
const inStream = (name: string, kind: string, input: string, pretty: string): Case => ({
  name,
  kind,
  input: `stream s{${input}}\n`,
  pretty: `stream s {\n${pretty
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}\n}\n`,
});

/** A struct around fields. */
const inStruct = (name: string, kind: string, input: string, pretty: string): Case => ({
  name,
  kind,
  input: `struct t{${input}}\n`,
  pretty: `struct t {\n${pretty
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}\n}\n`,
});

const CASES: readonly Case[] = [
  {
    name: "endian and import directives",
    kind: "struct",
    input: 'endian  big ;import"a.lu" ;struct t{}\n',
    pretty: 'endian big;\nimport "a.lu";\nstruct t {}\n',
  },
  {
    name: "const with C operators and unary minus",
    kind: "const",
    input: "const A=-( 1<<3 )|~2^4&5%3 ;\n",
    pretty: "const A = -(1 << 3) | ~2 ^ 4 & 5 % 3;\n",
  },
  {
    name: "numbers: hex, binary, underscores",
    kind: "const",
    input: "const A=0xFFFF_0000+0b1010 + 1_000;\n",
    pretty: "const A = 0xFFFF_0000 + 0b1010 + 1_000;\n",
  },
  {
    name: "enum members with docs",
    kind: "enum",
    input: "enum e:u16{a=1,///b's doc\nb=-2,}\n",
    pretty: "enum e : u16 {\n  a = 1,\n  ///b's doc\n  b = -2,\n}\n",
  },
  {
    name: "flags",
    kind: "flags",
    input: "flags f:u8{x=1<<0,y=1<<1}\n",
    pretty: "flags f : u8 {\n  x = 1 << 0,\n  y = 1 << 1\n}\n",
  },
  {
    name: "struct attributes: size, align, endian, abi",
    kind: "abi",
    input: "struct t size 8 align(4)endian little abi frozen{@0 a:u64;}\n",
    pretty: "struct t size 8 align (4) endian little abi frozen {\n  @0 a: u64;\n}\n",
  },
  {
    name: "load exact",
    kind: "exact",
    input: "struct t size 8 load  exact{@0 a:u64;}\n",
    pretty: "struct t size 8 load exact {\n  @0 a: u64;\n}\n",
  },
  {
    name: "load zero_extend from N, … compat S",
    kind: "zero_extend",
    input: "struct t size 32 load zero_extend from 16 ,24 compat t_old{@0 a:u64;}\n",
    pretty: "struct t size 32 load zero_extend from 16, 24 compat t_old {\n  @0 a: u64;\n}\n",
  },
  {
    name: "load zero_extend alone",
    kind: "zero_extend",
    input: "struct t load zero_extend{}\n",
    pretty: "struct t load zero_extend {}\n",
  },
  inStruct(
    "fields: arrays, tails, values, reserved, nested streams, aligned columns",
    "rest",
    '@0 id:ascii[4]="RI\\x00F";@4 n : u32 = 7 reserved;@8 s:stream st;@ 12 body:u8[ .. ];',
    '@0  id:   ascii[4] = "RI\\x00F";\n@4  n:    u32 = 7 reserved;\n@8  s:    stream st;\n@12 body: u8[..];',
  ),
  inStruct(
    "bit ranges with `as`",
    "bits",
    "@0 f:u32 bits{lo:0..3 as e;/// hi\nhigh:4 .. 31;};",
    "@0 f: u32 bits {\n  lo:   0..3 as e;\n  /// hi\n  high: 4..31;\n};",
  ),
  inStruct("pointer field u64 -> T", "pointer", "@0 next:u64->t;", "@0 next: u64 -> t;"),
  inStruct(
    "chain H(next, count) of E limit N",
    "chain",
    "@0 a:u64->chain h(next,count)of e limit N+1;",
    "@0 a: u64 -> chain h (next, count) of e limit N + 1;",
  ),
  inStruct(
    "chain H(next) of E",
    "chain",
    "@0 a: u64 -> chain h ( next ) of u64 ;",
    "@0 a: u64 -> chain h (next) of u64;",
  ),
  inStruct(
    "match field {…}",
    "match",
    '@0 kind:ascii[8];@8 data:u64->match kind{"a-v1":x,"b" : y,};',
    '@0 kind: ascii[8];\n@8 data: u64 -> match kind {\n  "a-v1": x,\n  "b": y,\n};',
  ),
  inStream(
    "header, align, optional bit, end",
    "optional",
    "header h(type,length);align 8;optional bit 31;end END;",
    "header h (type, length);\nalign 8;\noptional bit 31;\nend END;",
  ),
  inStream(
    "records and ranges with docs",
    "range",
    "///r\nrange r=0x10 .. 0x1F;record A=1;record B=2:b;",
    "///r\nrange r = 0x10..0x1F;\nrecord A = 1;\nrecord B = 2 : b;",
  ),
  inStream(
    "four-character codes",
    "recordCode",
    'record fmt="fmt ":wave_fmt;record data = "data";',
    'record fmt = "fmt " : wave_fmt;\nrecord data = "data";',
  ),
  inStream(
    "entry with magic fields",
    "entry",
    "/// A file.\nentry wav(id,form);",
    "/// A file.\nentry wav (id, form);",
  ),
  inStream("entry without magic", "entry", "entry libxc ;", "entry libxc;"),
  inStream(
    "preamble labels",
    "preambleAs",
    "preamble xc_image_header as image , xc_domain_header;",
    "preamble xc_image_header as image, xc_domain_header;",
  ),
  inStream("end of input", "endOfInput", "end  of  input;", "end of input;"),
  inStream(
    "require … in … if …",
    "require",
    "require h.version in 2,3..5 if h.options.flag in -1 .. 1;",
    "require h.version in 2, 3..5 if h.options.flag in -1..1;",
  ),
  inStream("require with enum values", "require", "require h.e in little;", "require h.e in little;"),
  inStream("first and once", "once", "first fmt;once fmt ;", "first fmt;\nonce fmt;"),
  inStream(
    "order … before … [if …]",
    "order",
    "order A before B,C if h.version in 3;order D before E;",
    "order A before B, C if h.version in 3;\norder D before E;",
  ),
  inStream(
    "max length [for …]",
    "maxLength",
    "max length 1<<20;max length M for A,B;",
    "max length 1 << 20;\nmax length M for A, B;",
  ),
  inStream(
    "payload NAME of RECORD = count(…) << …",
    "payload",
    "payload p of R=count ( pfn where t.type not in a,b..c )<<h.shift;",
    "payload p of R = count(pfn where t.type not in a, b..c) << h.shift;",
  ),
  inStream(
    "payload with arithmetic and a field named like a keyword",
    "payload",
    "payload p of R=(size-8)*2+h.length-1+count(x where y in 1);",
    "payload p of R = (size - 8) * 2 + h.length - 1 + count(x where y in 1);",
  ),
  inStream("after RECORD stream S until R, …", "inline", "after A stream t until B,C;", "after A stream t until B, C;"),
  inStream("after RECORD stream S", "inline", "after A  stream t;", "after A stream t;"),
  { name: "string constant", kind: "string", input: 'const K="kho-v1" ;\n', pretty: 'const K = "kho-v1";\n' },
  {
    name: 'node NAME "name" { compatible …; @"key" / @CONST / @* members, optional }',
    kind: "node",
    input: 'node n"/"{compatible K ,"x-v1";///doc\n@"key" a:u64->t;@K  bb:u32 optional;@*rest:m;}\n',
    pretty:
      'node n "/" {\n  compatible K, "x-v1";\n  ///doc\n  @"key" a:    u64 -> t;\n  @K     bb:   u32 optional;\n  @*     rest: m;\n}\n',
  },
  inStruct("array of pointers T[N] -> S", "pointerArray", "@0 table:u64[512]->t;", "@0 table: u64[512] -> t;"),
  {
    name: "struct attribute scattered(pieces, order, pages), no space before the list",
    kind: "scattered",
    input: "struct v size 16 scattered ( first,order ,total_pages ){@0 first:u64;@8 order:u16;@10 total_pages:u32;}\n",
    pretty:
      "struct v size 16 scattered(first, order, total_pages) {\n  @0  first:       u64;\n  @8  order:       u16;\n  @10 total_pages: u32;\n}\n",
  },
  inStream(
    "a header named scattered keeps the space before its field list",
    "header",
    "header scattered (a,b) ;",
    "header scattered (a, b);",
  ),
  inStruct("area type D of T[N]", "area", "@0 n:u32;@8 f:v of e[ n ];", "@0 n: u32;\n@8 f: v of e[n];"),
  inStruct(
    "length field = length of rest",
    "length",
    "@0 id:ascii[4];@4 size:u32=length of  rest;",
    "@0 id:   ascii[4];\n@4 size: u32 = length of rest;",
  ),
  inStream(
    "memory entry … in memory via S as L",
    "entry",
    "entry image in memory  via lu_breadcrumb as breadcrumb;",
    "entry image in memory via lu_breadcrumb as breadcrumb;",
  ),
  {
    name: "comments inside a construct stay in place",
    kind: "chain",
    input: "struct t {\n  @0 a: u64 -> /* p */ chain h (next, /* c */ count) of u64 // t\n    limit 4;\n}\n",
    pretty: "struct t {\n  @0 a: u64 -> /* p */ chain h (next, /* c */ count) of u64 // t\n    limit 4;\n}\n",
  },
];

function formatted(text: string): string {
  const r = formatLu("t.lu", text);
  if (!r.ok) throw new Error(r.reason);
  return r.text;
}

function tree(text: string): string {
  const r = parseLu("t.lu", text);
  if (r.ast === null) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return astShape(r.ast);
}

describe("lu fmt, construct by construct", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const input = tree(c.input);
      expect(input).toContain(`"kind":"${c.kind}"`);
      const out = formatted(c.input);
      expect(out).toBe(c.pretty);
      expect(tree(out)).toBe(input);
      expect(formatted(out)).toBe(out);
    });
  }
});

describe("docs/cli.md", () => {
  it("shows lu fmt's canonical layout in its sketches", () => {
    const md = readFileSync("docs/cli.md", "utf8");
    const section = md.slice(md.indexOf("### `lu fmt`"), md.indexOf("### `lu lsp`"));
    const blocks = [...section.matchAll(/```lu\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of blocks) expect(formatted(b)).toBe(b);
  });
});

describe("lu fmt refuses a layout it cannot vouch for", () => {
  const text = "struct t {\n  @0 a: u64;\n  @8 b: u64 -> t;\n}\n";
  const ast = parseLu("t.lu", text).ast;

  it("accepts the canonical layout", () => {
    expect(layoutRefusal("t.lu", text, ast, text)).toBeNull();
  });

  it("names the line whose tokens a layout would change", () => {
    const split = text.replace("->", "- >");
    expect(layoutRefusal("t.lu", text, ast, split)).toMatch(
      /^formatting would change the tokens at line 3 \(a construct lu fmt does not know/,
    );
  });

  it("names the line whose meaning a layout would change", () => {
    // Same tokens, a tree that differs on line 3: what a layout that moved a value would give.
    const other = parseLu("t.lu", "struct t {\n  @0 a: u64;\n  @8 b: u64 -> u;\n}\n").ast;
    expect(layoutRefusal("t.lu", text, other, text)).toMatch(/^formatting would change what line 3 means/);
  });
});
