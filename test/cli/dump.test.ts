import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { sampleLibxcStream, sampleMemoryImage } from "../fixtures/sample-streams.js";
import { IMAGE, LIBXC, capture, corrupted, sampleLibxlStream, tempPath } from "./inspect-fixtures.js";

interface JsonDoc {
  readonly kind: string;
  readonly records: readonly {
    readonly stream: string;
    readonly offset: number;
    readonly type: number;
    readonly name: string;
    readonly fields: Record<string, unknown>;
  }[];
  readonly headers: readonly { readonly name: string; readonly fields: Record<string, unknown> }[];
  readonly problems: readonly { readonly kind: string; readonly offset: number }[];
}

const dumpJson = (file: string, extra: object = {}): { code: number; doc: JsonDoc } => {
  const r = capture((w, e) => runDump(file, { json: true, ...extra }, w, e));
  return { code: r.code, doc: JSON.parse(r.out) as JsonDoc };
};

describe("the fixtures", () => {
  it("are what test/fixtures/make-fixtures.ts writes today", () => {
    const schemas = loadSchemas();
    expect(new Uint8Array(readFileSync(LIBXC))).toEqual(sampleLibxcStream(schemas));
    const memory = sampleMemoryImage(schemas);
    const image = new Uint8Array(readFileSync(IMAGE));
    const frame = new Uint8Array(memory.pageSize);
    for (let mfn = 0; mfn < memory.frameCount; mfn++) {
      frame.fill(0);
      const backed = memory.peekFrame(mfn);
      if (backed !== undefined) frame.set(backed);
      expect(image.subarray(mfn * memory.pageSize, (mfn + 1) * memory.pageSize)).toEqual(frame);
    }
  });
});

describe("lu dump", () => {
  it("decodes the libxc sample: headers, every record, nested HVM save records", () => {
    const { code, doc } = dumpJson(LIBXC);
    expect(code).toBe(0);
    expect(doc.kind).toBe("libxc");
    expect(doc.headers.map((h) => h.name)).toEqual(["image_header", "domain_header"]);
    expect(doc.headers[0]?.fields["id"]).toBe("XENF");
    expect(doc.records.map((r) => r.name)).toEqual([
      "X86_CPUID_POLICY",
      "X86_MSR_POLICY",
      "STATIC_DATA_END",
      "PAGE_DATA",
      "X86_TSC_INFO",
      "HVM_PARAMS",
      "HVM_CONTEXT",
      "END",
    ]);
    expect(doc.records[0]?.offset).toBe(40);
    const page = doc.records[3]?.fields as {
      pfn: { pfn_type: { pfn: number; type: string; raw: string | number } }[];
      page_data: unknown;
    };
    expect(page.pfn.map((p) => [p.pfn_type.pfn, p.pfn_type.type])).toEqual([
      [0x100, "notab"],
      [0x101, "xtab"],
      [0x102, "l1tab"],
    ]);
    // u64 above 2^53 - 1 is a decimal string.
    expect(page.pfn[1]?.pfn_type.raw).toBe("17293822569102704897");
    // Every octet of the page data, so `lu encode` can write the file back (`--summary`: the count).
    const pages = readFileSync(LIBXC).subarray(128 + 8 + 8 + 3 * 8, 128 + 8 + 8 + 3 * 8 + 8192);
    expect(page.page_data).toEqual({ bytes: 8192, hex: Buffer.from(pages).toString("hex") });
    expect((dumpJson(LIBXC, { summary: true }).doc.records[3]?.fields as { page_data: unknown }).page_data).toEqual({
      bytes: 8192,
    });
    const hvm = doc.records[6]?.fields["records"] as { name: string; fields: Record<string, unknown> }[];
    expect(hvm.map((r) => r.name)).toEqual(["HEADER", "CPU", "PIC", "PIC", "LAPIC", "MTRR", "CPU_MSR", "END"]);
    expect(hvm[3]?.fields["instance"]).toBe(1);
    expect(hvm[1]?.fields["rip"]).toBe("18446744071578845184");
    expect(hvm[1]?.fields["pending_event"]).toMatchObject({ pending_vector: 14, pending_valid: 1 });
  });

  it("prints records human-readably, big blobs summarised", () => {
    const r = capture((w, e) => runDump(LIBXC, {}, w, e));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^#3 @128 \(0x80\) PAGE_DATA \(0x00000001\) length 8224 \[xc_stream\]$/m);
    expect(r.out).toMatch(/page_data: \{ bytes: 8192 \(0x2000\) \}/);
    expect(r.out).toMatch(/fpu_regs: \{ bytes: 512 \(0x200\), nonzero: 0, head: 0{64} \}/);
    expect(r.err).toBe("");
  });

  it("walks a memory image from the breadcrumb", () => {
    const { code, doc } = dumpJson(IMAGE, { image: true, bootmem: "0" });
    expect(code).toBe(0);
    expect(doc.kind).toBe("image");
    expect(doc.records.map((r) => r.name)).toEqual([
      "LU_VERSION",
      "LU_M2P",
      "LU_DOMAIN_INFO",
      "LU_DOMAIN_PAGES",
      "X86_TSC_INFO",
      "HVM_PARAMS",
      "HVM_CONTEXT",
      "END",
    ]);
    const m2p = doc.records[1]?.fields["m2p_page_data"] as { raw: { raw: number } }[];
    expect(m2p[0]?.raw.raw).toBe(0x4c000001e);
    expect(doc.records[2]?.fields["flags"]).toEqual(["hvm", "hap", "iommu"]);
    expect(doc.records[3]?.fields["mfns"]).toEqual([20, 21, 22, 23]);
  });

  it("reports problems with locations and exits 1 on a corrupted stream", () => {
    const file = corrupted(LIBXC, (b) => {
      b[40 + 8 + 4] = 0x00; // X86_CPUID_POLICY leaf 0 subleaf: only data, no problem
      b[136 + 4] = 1; // PAGE_DATA reserved field
    });
    const { code, doc } = dumpJson(file);
    expect(code).toBe(1);
    expect(doc.problems).toEqual([expect.objectContaining({ kind: "nonzero-reserved", offset: 140 })]);
    expect(doc.records).toHaveLength(8);
  });

  it("says what a file is not, and exits 2 on usage or I/O errors", () => {
    const notStream = corrupted(LIBXC, (b) => {
      b[3] = 0;
    });
    expect(dumpJson(notStream).doc.problems[0]?.kind).toBe("unknown-format");
    expect(capture((w, e) => runDump(tempPath("missing.bin"), {}, w, e)).code).toBe(2);
    expect(capture((w, e) => runDump(IMAGE, { image: true }, w, e))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--bootmem/) as unknown,
    });
    expect(capture((w, e) => runDump(IMAGE, { image: true, bootmem: "1000" }, w, e))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/beyond the image/) as unknown,
    });
    expect(capture((w, e) => runDump(IMAGE, { image: true, bootmem: "0", pageSize: "3000" }, w, e)).code).toBe(2);
  });
});

describe("lu dump on a libxl stream", () => {
  it("hands over to the libxc stream after LIBXC_CONTEXT and resumes libxl records after its END", () => {
    const file = tempPath("sample-libxl.bin");
    writeFileSync(file, sampleLibxlStream(loadSchemas()));
    const { code, doc } = dumpJson(file);
    expect(doc.problems).toEqual([]);
    expect(code).toBe(0);
    expect(doc.kind).toBe("libxl");
    expect(doc.records.map((r) => `${r.stream}:${r.name}`)).toEqual([
      "xl_stream:EMULATOR_XENSTORE_DATA",
      "xl_stream:LIBXC_CONTEXT",
      "xc_stream:X86_CPUID_POLICY",
      "xc_stream:X86_MSR_POLICY",
      "xc_stream:STATIC_DATA_END",
      "xc_stream:PAGE_DATA",
      "xc_stream:X86_TSC_INFO",
      "xc_stream:HVM_PARAMS",
      "xc_stream:HVM_CONTEXT",
      "xc_stream:END",
      "xl_stream:EMULATOR_CONTEXT",
      "xl_stream:END",
    ]);
    expect(doc.records[0]?.fields["emulator_id"]).toBe("qemu_upstream");
    expect(doc.headers.map((h) => h.name)).toEqual(["libxl_header", "image_header", "domain_header"]);
  });
});
