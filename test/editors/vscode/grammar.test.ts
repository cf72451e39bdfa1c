/**
 * The TextMate grammar of editors/vscode, run by vscode-textmate on vscode-oniguruma (the engine
 * VS Code uses) over the repo's schemas: the scopes of keywords, offsets, types, numbers, strings
 * and comments.
 */
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../../", import.meta.url);
const GRAMMAR = new URL("editors/vscode/syntaxes/lu.tmLanguage.json", ROOT);

interface Tok {
  readonly line: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === "source.lu" ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, "utf8"), GRAMMAR.pathname) : null,
  });
  const g = await registry.loadGrammar("source.lu");
  if (g === null) throw new Error("grammar did not load");
  grammar = g;
});

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let state = vsctm.INITIAL;
  text.split("\n").forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  });
  return out;
}

/** The innermost scope of the first token with this text on a line containing `context`. */
function scopeOf(toks: readonly Tok[], source: string, context: string, text: string): string {
  const lines = source.split("\n");
  const lineNo = lines.findIndex((l) => l.includes(context)) + 1;
  expect(lineNo, context).toBeGreaterThan(0);
  const tok = toks.find((t) => t.line === lineNo && t.text.trim() === text);
  if (tok === undefined)
    throw new Error(
      `no token '${text}' on the line of '${context}': ${JSON.stringify(toks.filter((t) => t.line === lineNo).map((t) => t.text))}`,
    );
  return tok.scopes[tok.scopes.length - 1] ?? "";
}

const schemaFiles = [
  ...readdirSync(new URL("schema/", ROOT))
    .filter((n) => n.endsWith(".lu"))
    .map((n) => `schema/${n}`),
  ...readdirSync(new URL("examples/", ROOT))
    .filter((n) => n.endsWith(".lu"))
    .map((n) => `examples/${n}`),
].sort();

/** `at(context, text)` over a repo file. */
function scopesIn(file: string): (context: string, text: string) => string {
  const src = readFileSync(new URL(file, ROOT), "utf8");
  const toks = tokenize(src);
  return (context, text) => scopeOf(toks, src, context, text);
}

describe("TextMate grammar for .lu", () => {
  it("scopes keywords, offsets, field names, types, numbers, strings and comments of live-update.lu", () => {
    const src = readFileSync(new URL("schema/live-update.lu", ROOT), "utf8");
    const toks = tokenize(src);
    const at = (context: string, text: string): string => scopeOf(toks, src, context, text);
    expect(at("struct lu_breadcrumb", "struct")).toBe("storage.type.struct.lu");
    expect(at("struct lu_breadcrumb", "lu_breadcrumb")).toBe("entity.name.type.lu");
    expect(at("abi frozen {", "frozen")).toBe("constant.language.lu");
    expect(at("struct lu_breadcrumb", "size")).toBe("keyword.other.lu");
    expect(at("mfn_array_physaddr:", "@")).toBe("punctuation.definition.offset.lu");
    expect(at("shifted_nr_pages:", "16")).toBe("constant.numeric.offset.lu");
    expect(at("shifted_nr_pages:", "shifted_nr_pages")).toBe("variable.other.member.lu");
    expect(at("shifted_nr_pages:", "u64")).toBe("support.type.primitive.lu");
    expect(at("lu_domain_type;", "lu_domain_type")).toBe("entity.name.type.lu");
    expect(at("domain_handle:", "16")).toBe("constant.numeric.decimal.lu");
    expect(at("const LU_MAGIC_UNMASKED", "0x4c69766555706461")).toBe("constant.numeric.hex.lu");
    expect(at("const LU_MAGIC_UNMASKED", "LU_MAGIC_UNMASKED")).toBe("variable.other.constant.lu");
    expect(at('import "libxc-stream.lu"', "import")).toBe("keyword.control.import.lu");
    expect(at('import "libxc-stream.lu"', "libxc-stream.lu")).toBe("string.quoted.double.lu");
    expect(at("/// PAGE_SHIFT on x86-64.", "/// PAGE_SHIFT on x86-64.")).toBe("comment.line.documentation.lu");
    expect(
      at(
        "// libxc records used as-is",
        "// libxc records used as-is (libxc-migration-stream.pandoc), domain specific.",
      ),
    ).toBe("comment.line.double-slash.lu");
    expect(at("record LU_VERSION", "record")).toBe("keyword.other.record.lu");
    expect(at("record LU_VERSION", "LU_VERSION")).toBe("variable.other.enummember.lu");
    expect(at("record LU_VERSION", "lu_version")).toBe("entity.name.type.lu");
    expect(at("header xc_rhdr", "xc_rhdr")).toBe("entity.name.type.lu");
    expect(at("order: 0..11;", "..")).toBe("keyword.operator.range.lu");
    expect(at("enum lu_domain_type : u32", "u32")).toBe("support.type.primitive.lu");
  });

  it("scopes strings with escapes, nested streams, big-endian types and block comments", () => {
    const src =
      'struct s endian big {\n  @0 id: ascii[4] = "XE\\x4eF"; /* four */\n  @4 n: u32be;\n  @8 rest: stream st;\n}\n';
    const toks = tokenize(src);
    const at = (context: string, text: string): string => scopeOf(toks, src, context, text);
    expect(at("@0 id", "\\x4e")).toBe("constant.character.escape.lu");
    expect(at("@0 id", "ascii")).toBe("support.type.primitive.lu");
    expect(at("@0 id", "/*")).toBe("punctuation.definition.comment.begin.lu");
    expect(at("@4 n", "u32be")).toBe("support.type.primitive.lu");
    expect(at("@8 rest", "stream")).toBe("storage.type.stream.lu");
    expect(at("@8 rest", "st")).toBe("entity.name.type.lu");
  });

  it("scopes the stream rules of libxc-stream.lu and libxl-stream.lu: keywords, record names, paths", () => {
    const xc = scopesIn("schema/libxc-stream.lu");
    expect(xc("entry libxc (marker, id);", "entry")).toBe("keyword.other.entry.lu");
    expect(xc("entry libxc (marker, id);", "libxc")).toBe("entity.name.label.lu");
    expect(xc("preamble xc_image_header as", "as")).toBe("keyword.other.as.lu");
    expect(xc("preamble xc_image_header as", "image_header")).toBe("entity.name.label.lu");
    expect(xc("preamble xc_image_header as", "xc_domain_header")).toBe("entity.name.type.lu");
    expect(xc("require xc_image_header.version in 2, 3;", "require")).toBe("keyword.other.require.lu");
    expect(xc("require xc_image_header.version in 2, 3;", "in")).toBe("keyword.other.in.lu");
    expect(xc("require xc_image_header.version in 2, 3;", ".")).toBe("punctuation.accessor.lu");
    expect(xc("max length XC_REC_LENGTH_MAX;", "max")).toBe("keyword.other.max.lu");
    expect(xc("max length XC_REC_LENGTH_MAX;", "length")).toBe("keyword.other.length.lu");
    expect(xc("payload page_data of PAGE_DATA =", "payload")).toBe("keyword.other.payload.lu");
    expect(xc("payload page_data of PAGE_DATA =", "page_data")).toBe("variable.other.member.lu");
    expect(xc("payload page_data of PAGE_DATA =", "PAGE_DATA")).toBe("variable.other.enummember.lu");
    expect(xc("payload page_data of PAGE_DATA =", "count")).toBe("keyword.other.count.lu");
    expect(xc("payload page_data of PAGE_DATA =", "where")).toBe("keyword.other.where.lu");
    expect(xc("payload page_data of PAGE_DATA =", "not")).toBe("keyword.other.not.lu");
    expect(xc("order STATIC_DATA_END before", "order")).toBe("keyword.other.order.lu");
    expect(xc("order STATIC_DATA_END before", "STATIC_DATA_END")).toBe("variable.other.enummember.lu");
    expect(xc("order STATIC_DATA_END before", "before")).toBe("keyword.other.before.lu");
    expect(xc("order STATIC_DATA_END before", "HVM_CONTEXT")).toBe("variable.other.enummember.lu");
    expect(xc("order STATIC_DATA_END before", "if")).toBe("keyword.other.if.lu");
    const xl = scopesIn("schema/libxl-stream.lu");
    expect(xl("after LIBXC_CONTEXT stream", "after")).toBe("keyword.other.after.lu");
    expect(xl("after LIBXC_CONTEXT stream", "LIBXC_CONTEXT")).toBe("variable.other.enummember.lu");
    expect(xl("after LIBXC_CONTEXT stream", "xc_stream")).toBe("entity.name.type.lu");
    expect(xl("after LIBXC_CONTEXT stream", "until")).toBe("keyword.other.until.lu");
    expect(xl("after LIBXC_CONTEXT stream", "CHECKPOINT")).toBe("variable.other.enummember.lu");
  });

  it("scopes end of input, first, once and four-character codes of examples/riff-wave.lu", () => {
    const wav = scopesIn("examples/riff-wave.lu");
    expect(wav("end of input; // no end chunk", "input")).toBe("keyword.other.input.lu");
    expect(wav("first fmt;", "first")).toBe("keyword.other.first.lu");
    expect(wav("first fmt;", "fmt")).toBe("variable.other.enummember.lu");
    expect(wav("once data;", "data")).toBe("variable.other.enummember.lu");
    expect(wav('record fmt = "fmt "', "fmt")).toBe("variable.other.enummember.lu");
    const src = readFileSync(new URL("examples/riff-wave.lu", ROOT), "utf8");
    const line = src.split("\n").findIndex((l) => l.includes('record fmt = "fmt "')) + 1;
    const code = tokenize(src).find((t) => t.line === line && t.text === "fmt ");
    expect(code?.scopes[code.scopes.length - 1]).toBe("string.quoted.double.lu");
    expect(wav('record fmt = "fmt "', "wave_fmt")).toBe("entity.name.type.lu");
  });

  it("scopes a memory entry and length fields: in memory via … as …, = length of rest", () => {
    const lu = scopesIn("schema/live-update.lu");
    expect(lu("entry image in memory via", "memory")).toBe("keyword.other.memory.lu");
    expect(lu("entry image in memory via", "via")).toBe("keyword.other.via.lu");
    expect(lu("entry image in memory via", "lu_breadcrumb")).toBe("entity.name.type.lu");
    expect(lu("entry image in memory via", "as")).toBe("keyword.other.as.lu");
    expect(lu("entry image in memory via", "breadcrumb")).toBe("entity.name.label.lu");
    const wav = scopesIn("examples/riff-wave.lu");
    expect(wav("= length of rest", "length")).toBe("keyword.other.length.lu");
    expect(wav("= length of rest", "of")).toBe("keyword.other.of.lu");
    expect(wav("= length of rest", "rest")).toBe("keyword.other.rest.lu");
  });

  it("scopes load rules and pointer targets: zero_extend, compat, ->, chain, match", () => {
    const hvm = scopesIn("schema/hvm-save.lu");
    expect(hvm("struct hvm_hw_cpu size 1032", "load")).toBe("keyword.other.load.lu");
    expect(hvm("struct hvm_hw_cpu size 1032", "zero_extend")).toBe("constant.language.lu");
    expect(hvm("struct hvm_hw_cpu size 1032", "from")).toBe("keyword.other.from.lu");
    expect(hvm("struct hvm_hw_cpu size 1032", "compat")).toBe("keyword.other.compat.lu");
    expect(hvm("struct hvm_hw_cpu size 1032", "hvm_hw_cpu_compat")).toBe("entity.name.type.lu");
    const luo = scopesIn("schema/luo.lu");
    expect(luo("@16 sessions_pa:", "->")).toBe("keyword.operator.pointer.lu");
    expect(luo("@16 sessions_pa:", "chain")).toBe("keyword.other.chain.lu");
    expect(luo("@16 sessions_pa:", "kho_block_header_ser")).toBe("entity.name.type.lu");
    expect(luo("@16 sessions_pa:", "of")).toBe("keyword.other.of.lu");
    expect(luo("@16 sessions_pa:", "luo_session_ser")).toBe("entity.name.type.lu");
    expect(luo("@16 sessions_pa:", "limit")).toBe("keyword.other.limit.lu");
    expect(luo("@24 flbs_pa:", "luo_flb_header_ser")).toBe("entity.name.type.lu");
    expect(luo("@48 data:", "match")).toBe("keyword.other.match.lu");
    expect(luo("@48 data:", "compatible")).toBe("variable.other.member.lu");
    expect(luo('"memfd-v2": memfd_luo_ser', "memfd_luo_ser")).toBe("entity.name.type.lu");
  });

  it("scopes device-tree nodes, string constants, pointer arrays and scattered areas of kho.lu, luo.lu, memfd.lu", () => {
    const kho = scopesIn("schema/kho.lu");
    expect(kho('const KHO_V1_COMPATIBLE = "kho-v1"', "const")).toBe("storage.type.const.lu");
    expect(kho('const KHO_V1_COMPATIBLE = "kho-v1"', "KHO_V1_COMPATIBLE")).toBe("variable.other.constant.lu");
    expect(kho('const KHO_V1_COMPATIBLE = "kho-v1"', "kho-v1")).toBe("string.quoted.double.lu");
    expect(kho('node kho_v1_root "/"', "node")).toBe("storage.type.node.lu");
    expect(kho('node kho_v1_root "/"', "kho_v1_root")).toBe("entity.name.type.lu");
    expect(kho('node kho_v1_root "/"', "/")).toBe("string.quoted.double.lu");
    expect(kho("compatible KHO_V3_COMPATIBLE, KHO_V4_COMPATIBLE;", "compatible")).toBe("keyword.other.compatible.lu");
    expect(kho("compatible KHO_V3_COMPATIBLE, KHO_V4_COMPATIBLE;", "KHO_V4_COMPATIBLE")).toBe(
      "variable.other.constant.lu",
    );
    expect(kho("@KHO_FDT_MEMORY_MAP_PROP_NAME memory_map: u64 -> kho_radix_node;", "@")).toBe(
      "punctuation.definition.key.lu",
    );
    expect(
      kho("@KHO_FDT_MEMORY_MAP_PROP_NAME memory_map: u64 -> kho_radix_node;", "KHO_FDT_MEMORY_MAP_PROP_NAME"),
    ).toBe("variable.other.constant.lu");
    expect(kho("@KHO_FDT_MEMORY_MAP_PROP_NAME memory_map: u64 -> kho_radix_node;", "memory_map")).toBe(
      "variable.other.member.lu",
    );
    expect(kho("subsystems: kho_v1_subsystem;", "*")).toBe("constant.language.wildcard.lu");
    expect(kho("subsystems: kho_v1_subsystem;", "subsystems")).toBe("variable.other.member.lu");
    expect(kho("subsystems: kho_v1_subsystem;", "kho_v1_subsystem")).toBe("entity.name.type.lu");
    expect(kho("@0 table: u64[512] -> kho_radix_node;", "->")).toBe("keyword.operator.pointer.lu");
    expect(kho("@0 table: u64[512] -> kho_radix_node;", "kho_radix_node")).toBe("entity.name.type.lu");
    expect(kho("scattered(first, order, total_pages)", "scattered")).toBe("keyword.other.scattered.lu");
    expect(kho("scattered(first, order, total_pages)", "total_pages")).toBe("variable.other.member.lu");
    const luo = scopesIn("schema/luo.lu");
    expect(luo("session:        luo_v1_session optional;", "luo_v1_session")).toBe("entity.name.type.lu");
    expect(luo("session:        luo_v1_session optional;", "optional")).toBe("keyword.other.lu");
    const memfd = scopesIn("schema/memfd.lu");
    expect(memfd("@32 folios:    kho_vmalloc of memfd_luo_folio_ser[nr_folios];", "kho_vmalloc")).toBe(
      "entity.name.type.lu",
    );
    expect(memfd("@32 folios:    kho_vmalloc of memfd_luo_folio_ser[nr_folios];", "of")).toBe("keyword.other.of.lu");
    expect(memfd("@32 folios:    kho_vmalloc of memfd_luo_folio_ser[nr_folios];", "memfd_luo_folio_ser")).toBe(
      "entity.name.type.lu",
    );
  });

  it("scopes a string-keyed node member and its string constant", () => {
    const src = 'node n "n" {\n  compatible "a-v1", B;\n  @"key" k: u64 optional;\n}\n';
    const toks = tokenize(src);
    const at = (context: string, text: string): string => scopeOf(toks, src, context, text);
    expect(at('@"key"', '"key"')).toBe("string.quoted.double.lu");
    expect(at('@"key"', "k")).toBe("variable.other.member.lu");
    expect(at('@"key"', "u64")).toBe("support.type.primitive.lu");
    expect(at('@"key"', "optional")).toBe("keyword.other.lu");
    expect(at("compatible", "a-v1")).toBe("string.quoted.double.lu");
    expect(at("compatible", "B")).toBe("variable.other.constant.lu");
  });

  it("on every schema of schema/ and examples/ (kho.lu, luo.lu, memfd.lu among them): every doc line is a doc comment, every field offset an offset, every word scoped", () => {
    for (const name of schemaFiles) {
      const src = readFileSync(new URL(name, ROOT), "utf8");
      const toks = tokenize(src);
      const lines = src.split("\n");
      lines.forEach((line, i) => {
        const on = toks.filter((t) => t.line === i + 1);
        if (/^\s*\/\/\/(?!\/)/.test(line)) {
          expect(
            on.filter((t) => t.text.trim() !== "").every((t) => t.scopes.includes("comment.line.documentation.lu")),
            `${name}:${i + 1}`,
          ).toBe(true);
        }
        const field = /^\s*@(0[xX][0-9A-Fa-f_]+|[0-9]+)\s/.exec(line);
        if (field?.[1] !== undefined) {
          const off = on.find((t) => t.text === field[1]);
          expect(off?.scopes, `${name}:${i + 1}`).toContain("constant.numeric.offset.lu");
        }
        for (const t of on) {
          if (/^[A-Za-z0-9_]+$/.test(t.text))
            expect(t.scopes.length, `${name}:${i + 1} '${t.text}'`).toBeGreaterThan(1);
        }
      });
    }
    expect(schemaFiles).toEqual(expect.arrayContaining(["schema/kho.lu", "schema/luo.lu", "schema/memfd.lu"]));
  });

  it("ships a VS Code language contribution that points at the grammar and configuration", () => {
    const manifest = JSON.parse(readFileSync(new URL("editors/vscode/package.json", ROOT), "utf8")) as {
      contributes: {
        languages: { id: string; extensions: string[]; configuration: string }[];
        grammars: { scopeName: string; path: string }[];
      };
    };
    expect(manifest.contributes.languages[0]).toMatchObject({ id: "lu", extensions: [".lu"] });
    expect(manifest.contributes.grammars[0]?.scopeName).toBe("source.lu");
    const config = JSON.parse(
      readFileSync(
        join(new URL("editors/vscode/", ROOT).pathname, manifest.contributes.languages[0]?.configuration ?? ""),
        "utf8",
      ),
    ) as { comments: { lineComment: string } };
    expect(config.comments.lineComment).toBe("//");
    expect(
      readFileSync(
        join(new URL("editors/vscode/", ROOT).pathname, manifest.contributes.grammars[0]?.path ?? ""),
        "utf8",
      ),
    ).toContain('"scopeName": "source.lu"');
  });
});
