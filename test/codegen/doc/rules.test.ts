/** codegen/doc/rules.ts: load rules and stream rules in words, on a schema using every rule. */
import { describe, expect, it } from "vitest";
import { docIndex } from "../../../codegen/doc/describe.js";
import { htmlPages } from "../../../codegen/doc/html.js";
import { markdownPages } from "../../../codegen/doc/markdown.js";
import { loadRuleText, preambleText, sizeExprText, streamRuleLines } from "../../../codegen/doc/rules.js";
import type { LayoutProgram } from "../../../codegen/ir.js";
import { programOf } from "./compile-schemas.js";

const SOURCE = `endian little;
enum kind : u8 { value = 0, gap = 1, skip = 2 }
struct file_hdr size 8 {
  @0 magic: ascii[4] = "SLOG";
  @4 version: u16;
  @6 page_shift: u16;
}
struct tlv size 8 { @0 type: u32; @4 length: u32; }
struct sample size 2 { @0 kind: kind; @1 n: u8; }
struct block { @0 count: u16; @2 _res: u16 reserved; @4 samples: sample[count]; }
struct old size 4 { @0 a: u32; }
struct grown size 16 load zero_extend from 8, 12 compat old { @0 a: u64; @8 b: u32; @12 c: u32; }
struct fixed size 4 load exact { @0 a: u32; }
struct plain size 4 { @0 a: u32; }
stream inner { header tlv (type, length); end of input; record X = 1; record Y = 2; }
stream slog {
  /// Sensor logs.
  entry slog (magic);
  preamble file_hdr as header;
  header tlv (type, length);
  end of input;
  require file_hdr.version in 1, 3..5;
  /// Blocks are never empty.
  require BLOCK.count in 1..0x1_0000 if file_hdr.version in 3..5;
  first START;
  once START;
  order START before BLOCK, TEXT if file_hdr.version in 2;
  max length 4096 for BLOCK, TEXT;
  payload pages of BLOCK = (count(samples where kind not in gap, skip) + 1) * 2 << file_hdr.page_shift;
  after TEXT stream inner until Y;
  record START = 1;
  record BLOCK = 2 : block;
  record TEXT = "TEXT" : block;
}
stream bare { entry raw; header tlv (type, length); end of input; record A = 1; }
`;

const program: LayoutProgram = programOf({ "user/slog.lu": SOURCE });
const index = docIndex(program);
const schema = program.schemas[0];
const stream = (name: string) => {
  const s = schema?.streams.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stream ${name}`);
  return s;
};
const struct = (name: string) => {
  const s = schema?.structs.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no struct ${name}`);
  return s;
};

describe("loadRuleText", () => {
  it("says what sizes a zero-extended struct takes and which compat struct a size selects", () => {
    expect(loadRuleText(struct("grown"))).toBe(
      "zero-extended (`load zero_extend from 8, 12 compat old`): a body of 16 octets, or of an older size, 8 or 12 octets, whose missing fields read as zero; a body of the size of [[old]] is laid out as that struct; a longer body, or a shorter one of another size, is a problem.",
    );
  });

  it("says an exact struct takes its size only, and nothing for a struct without a load rule", () => {
    expect(loadRuleText(struct("fixed"))).toBe(
      "exact (`load exact`): a body of exactly 4 octets; a shorter or longer one is a problem.",
    );
    expect(loadRuleText(struct("plain"))).toBeNull();
  });
});

describe("streamRuleLines", () => {
  const lines = streamRuleLines(stream("slog"), index);

  it("states every rule of the stream, in order, with its doc comment", () => {
    expect(lines).toEqual([
      '**File entry** `slog` (what `lu dump` reports the file as): a file is this stream when `file_hdr.magic` is `"SLOG"`. Sensor logs.',
      "**Requires** `file_hdr.version` is one of 1, 3..5; otherwise the file is not read further (`unsupported-version`).",
      "**Requires** `BLOCK.count` is in 1..0x10000 in every `BLOCK` record when `file_hdr.version` is in 3..5; otherwise a `bad-count` problem. Blocks are never empty.",
      "**First record**: `START`.",
      "**At most once**: `START` (`record-repeated`).",
      "**Order**: no `BLOCK`, `TEXT` before the first `START` when `file_hdr.version` is 2 (`record-order`).",
      "**Longest body** of `BLOCK`, `TEXT`: 4096 octets (`body-too-long`).",
      "**Payload** `pages` of `BLOCK`: `(count(samples where kind not in gap, skip) + 1) * 2 << file_hdr.page_shift` octets after the body's fields, within the record's length.",
      "**Stream in line**: after each `TEXT` record a whole [[inner]] stream follows (its preamble, then its records up to its end record or `Y`), outside any record body.",
    ]);
  });

  it("says an entry without fields is taken only when it is the only one", () => {
    expect(streamRuleLines(stream("bare"), index)).toEqual([
      "**File entry** `raw` (what `lu dump` reports the file as): it is taken when it is the only entry tried (no identifying fields).",
    ]);
  });

  it("says a memory entry is reached through its struct, not told by fields", () => {
    const memory = programOf({
      "user/mem.lu": `endian little;
struct crumb size 16 { @0 magic: u64; @8 addr: u64; }
struct rec size 8 { @0 type: u32; @4 length: u32; }
stream mem { entry image in memory via crumb as breadcrumb; header rec (type, length); end END; record END = 0; }
`,
    });
    const st = memory.schemas[0]?.streams.find((s) => s.name === "mem");
    expect(st).toBeDefined();
    if (st === undefined) return;
    expect(streamRuleLines(st, docIndex(memory))).toEqual([
      "**Memory entry** `image` (what `lu dump` reports the image as): the stream lies in the pages of a machine-memory image, reached through `crumb` (shown as `breadcrumb`).",
    ]);
  });

  it("names preamble structs with the label lu dump gives them", () => {
    expect(preambleText(stream("slog"))).toBe("[[file_hdr]] (as `header`)");
  });

  it("writes payload sizes with the parentheses precedence needs, and none it does not", () => {
    const size = stream("slog").payloads[0]?.size;
    if (size === undefined) throw new Error("no payload");
    expect(sizeExprText(size, index)).toBe(
      "(count(samples where kind not in gap, skip) + 1) * 2 << file_hdr.page_shift",
    );
  });
});

describe("pages", () => {
  it("show four-character record codes, the rules and the load rule in Markdown", () => {
    const md = markdownPages(program)[0]?.text ?? "";
    expect(md).toContain('| 0x54584554 "TEXT" | `TEXT` | [block](#block) | no |  |');
    expect(md).toContain("Rules:\n\n- **File entry** `slog`");
    expect(md).toContain("- **Stream in line**: after each `TEXT` record a whole [inner](#inner) stream follows");
    expect(md).toContain("Load: zero-extended (`load zero_extend from 8, 12 compat old`): a body of 16 octets");
    expect(md).toContain("a body of the size of [old](#old) is laid out as that struct");
  });

  it("show them in HTML, code and links in markup", () => {
    const html = htmlPages(program)[0]?.text ?? "";
    expect(html).toContain('<ul class="rules">');
    expect(html).toContain(
      "<li><strong>File entry</strong> <code>slog</code> (what <code>lu dump</code> reports the file as)",
    );
    expect(html).toContain('a whole <a class="ref" href="#inner">inner</a> stream follows');
    expect(html).toContain('<p class="load">Load: zero-extended (<code>load zero_extend from 8, 12 compat old</code>)');
    expect(html).toContain('<td class="num">0x54584554 &quot;TEXT&quot;</td>');
  });
});
