import { describe, expect, it } from "vitest";
import { markdownPages } from "../../../codegen/doc/markdown.js";
import { programOf, repoProgram } from "./compile-schemas.js";

describe("markdownPages", () => {
  const pages = markdownPages(repoProgram());
  const page = (name: string): string => {
    const p = pages.find((x) => x.path === name);
    if (p === undefined) throw new Error(`no page ${name}`);
    return p.text;
  };

  it("writes one page per schema file", () => {
    expect(pages.map((p) => p.path).sort()).toEqual([
      "hvm-save.md",
      "libxc-stream.md",
      "libxl-stream.md",
      "live-update.md",
    ]);
  });

  it("gives every struct a heading, a diagram and a field table", () => {
    const program = repoProgram();
    for (const schema of program.schemas) {
      const text = page(schema.file.replace("schema/", "").replace(".lu", ".md"));
      for (const s of schema.structs) {
        const at = text.indexOf(`\n### ${s.name}\n`);
        expect(at, s.name).toBeGreaterThan(0);
        const section = text.slice(at, text.indexOf("\n### ", at + 1) >>> 0);
        expect(section, s.name).toContain("     0     1     2     3     4     5     6     7 octet");
        if (s.fields.length > 0)
          expect(section, s.name).toContain("| Offset | Size | Field | Type | Endian | Description |");
        for (const f of s.fields) expect(section, `${s.name}.${f.name}`).toContain(`| \`${f.name}\` |`);
      }
    }
  });

  it("lists enum values in the field table and links the type to its declaration", () => {
    const text = page("live-update.md");
    expect(text).toContain(
      "| 0 | 4 | `type` | [lu_domain_type](#lu_domain_type) (u32) | LE | `0x00000000` reserved<br>`0x00000001` x86_pv<br>`0x00000002` x86_hvm |",
    );
    expect(text).toContain("| `0x00000001` | `privileged` | The domain is privileged. |");
  });

  it("describes bit ranges, big-endian fields, constants, reserved fields and growth rules", () => {
    const text = page("libxc-stream.md");
    expect(text).toContain(
      "| 16 | 2 | `options` | u16 bits | BE | Bits 1-15 are reserved.<br>bit 0: endianness (xc_endianness): Byte order of the domain header and of every record.<br>other bits (15): reserved |",
    );
    expect(text).toContain('| 8 | 4 | `id` | ascii[4] | - | 0x58454E46.<br>Always `"XENF"`. |');
    expect(text).toContain(
      "Growth: 24 octets today; may grow only by fields appended at the end, existing fields never move (`abi append`).",
    );
    expect(text).toContain("Growth: exact size, 8 octets; never changes (`abi frozen`).");
    expect(text).toContain(
      "| 4 | 4 | `_res1` | u32 | LE | Reserved: zero; may gain a meaning only in a new record type. |",
    );
    expect(text).toContain("| 8 | 8 × C | `pfn` | [xc_page_data_pfn](#xc_page_data_pfn)[count] | - |");
  });

  it("tables each stream's records and ranges in value order, with which are optional", () => {
    const text = page("libxl-stream.md");
    const rows = text.split("\n").filter((l) => /^\| 0x/.test(l));
    expect(rows[0]).toBe("| 0x00000000 | `END` | - | no | Ends the stream. END: the final record; no body. |");
    expect(rows).toContain(
      "| 0x00000002 | `EMULATOR_XENSTORE_DATA` | [xl_emulator_xenstore_data](#xl_emulator_xenstore_data) | no |  |",
    );
    expect(rows).toContain(
      "| 0x80000000 - 0xFFFFFFFF | *future_optional* | - | yes | Reserved range. Reserved for future optional records. |",
    );
    expect(text).toContain("Preamble: [xl_header](#xl_header) (as `libxl_header`), once, before the records.");
    const lu = page("live-update.md");
    expect(lu).toContain("Record header: [xc_rhdr](libxc-stream.md#xc_rhdr)");
  });

  it("states each stream's rules: entry, requirements, order, longest body, payload, stream in line", () => {
    const xc = page("libxc-stream.md");
    const section = xc.slice(xc.indexOf("\n### xc_stream\n"), xc.indexOf("\n| Type | Record |"));
    expect(section).toContain(
      '- **File entry** `libxc` (what `lu dump` reports the file as): a file is this stream when `xc_image_header.marker` is `0xFFFFFFFFFFFFFFFF` and `xc_image_header.id` is `"XENF"`.',
    );
    expect(section).toContain(
      "- **Requires** `xc_image_header.options.endianness` is little; otherwise the file is not read further (`unsupported-endianness`).",
    );
    expect(section).toContain(
      "- **Requires** `PAGE_DATA.count` is in 1..0xFFFFFFFF in every `PAGE_DATA` record; otherwise a `bad-count` problem.",
    );
    expect(section).toContain(
      "- **Order**: no `PAGE_DATA`, `X86_PV_P2M_FRAMES`, `X86_PV_VCPU_BASIC`, `HVM_CONTEXT`, `SHARED_INFO` before the first `STATIC_DATA_END` when `xc_image_header.version` is 3 (`record-order`).",
    );
    expect(section).toContain("- **Longest body** of any record: 134217728 octets (`body-too-long`).");
    expect(section).toContain(
      "- **Payload** `page_data` of `PAGE_DATA`: `count(pfn where pfn_type.type not in broken, xalloc, xtab) << xc_domain_header.page_shift` octets after the body's fields",
    );
    expect(section).toContain(
      "Preamble: [xc_image_header](#xc_image_header) (as `image_header`), [xc_domain_header](#xc_domain_header) (as `domain_header`)",
    );
    const xl = page("libxl-stream.md");
    expect(xl).toContain(
      "- **Stream in line**: after each `LIBXC_CONTEXT` record a whole [xc_stream](libxc-stream.md#xc_stream) stream follows (its preamble, then its records up to its end record or `CHECKPOINT`), outside any record body.",
    );
  });

  it("states the load rule of a struct that declares one, next to its growth rule", () => {
    const text = page("hvm-save.md");
    const cpu = text.slice(
      text.indexOf("\n### hvm_hw_cpu\n"),
      text.indexOf("| Offset |", text.indexOf("\n### hvm_hw_cpu\n")),
    );
    expect(cpu).toContain(
      "Load: zero-extended (`load zero_extend from 1024 compat hvm_hw_cpu_compat`): a body of 1032 octets, or of an older size, 1024 octets, whose missing fields read as zero; a body of the size of [hvm_hw_cpu_compat](#hvm_hw_cpu_compat) is laid out as that struct;",
    );
    expect(text).toContain(
      "Load: zero-extended (`load zero_extend from 16, 24`): a body of 32 octets, or of an older size, 16 or 24 octets,",
    );
    // A struct without a load rule says nothing of one.
    const xc = page("libxc-stream.md");
    expect(xc).not.toContain("Load:");
  });

  it("documents a user's schema, including a mixed optional range and flags", () => {
    const [only] = markdownPages(
      programOf({
        "user/dev.lu": `/// A device log.
endian big;
flags caps : u16 { a = 1, b = 4 }
struct hdr size 4 { @0 kind: u16; @2 len: u16; }
struct entry size 8 { @0 caps: caps; @2 n: u16; @4 t: u32; }
stream log { header hdr (kind, len); align 4; optional bit 15; end E; range any = 0x10..0xFFFF; record E = 0; record ENTRY = 1 : entry; }
`,
      }),
    );
    expect(only?.path).toBe("dev.md");
    const text = only?.text ?? "";
    expect(text).toContain("| 0x0010 - 0xFFFF | *any* | - | mixed | Reserved range. |");
    expect(text).toContain("|           | padding (0 to 3 octets)             |");
    expect(text).toContain(
      "| 0 | 2 | `caps` | [caps](#caps) (u16) | BE | `0x0001` a<br>`0x0004` b<br>Other bits: reserved. |",
    );
    expect(text).toContain("Default byte order: big-endian.");
  });
});
