import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { runValidate } from "../../cli/validate.js";
import { IMAGE, LIBXC, capture, copyOf, corrupted, sampleLibxlStream, tempPath } from "./inspect-fixtures.js";

interface Report {
  readonly kind: string;
  readonly valid: boolean;
  readonly records: number;
  readonly bytesRead: number;
  readonly problems: readonly {
    readonly kind: string;
    readonly offset: number;
    readonly recordIndex?: number;
    readonly record?: string;
    readonly field?: string;
    readonly message: string;
  }[];
}

const validate = (file: string, extra: object = {}): { code: number; report: Report } => {
  const r = capture((w, e) => runValidate(file, { json: true, ...extra }, w, e));
  return { code: r.code, report: JSON.parse(r.out) as Report };
};

const le32 = (b: Uint8Array, at: number, v: number): void =>
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

/** Offsets in the libxc sample (see `lu dump test/fixtures/sample-libxc.bin`). */
const PAGE_DATA = 128;
const HVM_CONTEXT = 8440;
const END = 9896;

describe("lu validate", () => {
  it("passes both samples", () => {
    expect(validate(LIBXC)).toMatchObject({
      code: 0,
      report: { kind: "libxc", valid: true, records: 8, problems: [] },
    });
    expect(validate(IMAGE, { image: true, bootmem: "0" })).toMatchObject({
      code: 0,
      report: { kind: "image", valid: true, records: 8 },
    });
    const text = capture((w, e) => runValidate(LIBXC, {}, w, e));
    expect(text.out).toBe(`${LIBXC}: ok (libxc, 8 records)\n`);
  });

  it("finds a wrong image header id", () => {
    const file = corrupted(LIBXC, (b) => {
      b[11] = 0x47; // "XENG": no longer a libxc stream at all
    });
    expect(validate(file).report.problems[0]?.kind).toBe("unknown-format");
  });

  it("finds an unsupported version and a non-zero reserved header field", () => {
    const v4 = corrupted(LIBXC, (b) => {
      b[15] = 4;
    });
    expect(validate(v4)).toMatchObject({
      code: 1,
      report: { problems: [{ kind: "unsupported-version", offset: 12 }] },
    });
    const res = corrupted(LIBXC, (b) => {
      b[23] = 1;
    });
    expect(validate(res).report.problems).toEqual([
      expect.objectContaining({ kind: "nonzero-reserved", field: "_res2", offset: 20 }),
    ]);
  });

  it("finds page data that does not match the pfn types", () => {
    const file = corrupted(LIBXC, (b) => {
      // pfn[1] from XTAB (no data) to NOTAB: now 3 pages are owed, 2 are there.
      b[PAGE_DATA + 8 + 8 + 8 + 7] = 0x00;
    });
    expect(validate(file).report.problems).toEqual([
      expect.objectContaining({ kind: "body-length", record: "PAGE_DATA", recordIndex: 3, field: "page_data" }),
    ]);
  });

  it("finds a count larger than the body", () => {
    const file = corrupted(LIBXC, (b) => le32(b, PAGE_DATA + 8, 5000));
    const { code, report } = validate(file);
    expect(code).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: "bad-count", record: "PAGE_DATA" });
  });

  it("finds a bad HVM save header magic inside HVM_CONTEXT", () => {
    const file = corrupted(LIBXC, (b) => {
      b[HVM_CONTEXT + 8 + 8] = 0x87; // HVM_FILE_MAGIC 0x54381286 -> 0x54381287
    });
    expect(validate(file).report.problems).toEqual([
      expect.objectContaining({ kind: "bad-constant", record: "HEADER", field: "magic", offset: HVM_CONTEXT + 16 }),
    ]);
  });

  it("finds an unknown mandatory record and a stream cut before its end", () => {
    const unknown = corrupted(LIBXC, (b) => le32(b, END, 0x13));
    expect(validate(unknown).report.problems).toEqual([
      expect.objectContaining({ kind: "unknown-record", offset: END, recordIndex: 7, record: "0x00000013" }),
    ]);
    const truncated = corrupted(LIBXC, (b) => b.subarray(0, END));
    const t = validate(truncated);
    expect(t.code).toBe(1);
    expect(t.report.problems[0]?.offset).toBe(END);
  });

  it("requires STATIC_DATA_END before memory in a version 3 stream", () => {
    const file = corrupted(LIBXC, (b) => le32(b, 120, 0x0d)); // STATIC_DATA_END -> VERIFY
    expect(validate(file).report.problems).toEqual([
      expect.objectContaining({ kind: "record-order", record: "PAGE_DATA" }),
    ]);
  });

  it("finds a memory image without a breadcrumb, and a corrupted LU_DOMAIN_INFO", () => {
    const noCrumb = corrupted(IMAGE, (b) => {
      b[7] = 0;
    });
    const r = validate(noCrumb, { image: true, bootmem: "0" });
    expect(r.code).toBe(1);
    expect(r.report.problems[0]?.kind).toBe("breadcrumb");
    const image = new Uint8Array(readFileSync(IMAGE));
    const dv = new DataView(image.buffer);
    const mfnArray = Number(dv.getBigUint64(8, true));
    const firstPage = Number(dv.getBigUint64(mfnArray, true)) * 4096;
    const badType = corrupted(IMAGE, (b) => le32(b, firstPage + 48 + 8, 7)); // LU_DOMAIN_INFO.type = 7
    expect(validate(badType, { image: true, bootmem: "0" }).report.problems).toEqual([
      expect.objectContaining({ kind: "unknown-enum", record: "LU_DOMAIN_INFO", field: "type", offset: 56 }),
    ]);
  });

  it("exits 2 on usage and I/O errors", () => {
    expect(capture((w, e) => runValidate(tempPath("nope.bin"), {}, w, e)).code).toBe(2);
    expect(capture((w, e) => runValidate(LIBXC, { bootmem: "0" }, w, e)).code).toBe(2);
  });
});

describe("data after the END record", () => {
  /** The file ends with END's 8 octets: the sample has no tail. */
  const SIZE = END + 8;
  const withTail = (path: string, tail: Uint8Array): string =>
    corrupted(path, (b) => {
      const out = new Uint8Array(b.length + tail.length);
      out.set(b);
      out.set(tail, b.length);
      return out;
    });

  it("a libxc file that ends with END is clean", () => {
    expect(statSync(LIBXC).size).toBe(SIZE);
    expect(validate(LIBXC).report.problems).toEqual([]);
  });

  it("8 octets after END in a libxc file are one trailing-data problem at the first of them", () => {
    const file = withTail(LIBXC, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const { code, report } = validate(file);
    expect(code).toBe(1);
    expect(report.records).toBe(8);
    expect(report.problems).toEqual([
      { offset: SIZE, recordIndex: 7, record: "END", kind: "trailing-data", message: "8 octets after the END record" },
    ]);
    const text = capture((w, e) => runValidate(file, {}, w, e));
    expect(text.code).toBe(1);
    expect(text.out).toBe(
      `${file}: offset ${SIZE} (0x${SIZE.toString(16)}), record #7, END: 8 octets after the END record [trailing-data]\n${file}: 1 problem(s)\n`,
    );
  });

  it("zero octets after END are still found, and said to be zero", () => {
    const file = withTail(LIBXC, new Uint8Array(8));
    expect(validate(file).report.problems).toEqual([
      expect.objectContaining({
        offset: SIZE,
        kind: "trailing-data",
        message: "8 octets after the END record (all zero)",
      }),
    ]);
    // One non-zero octet at the very end is enough to drop "(all zero)".
    const last = withTail(LIBXC, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 9));
    expect(validate(last).report.problems[0]?.message).toBe("8 octets after the END record");
  });

  it("lu dump lists the problem like any other and still shows every record", () => {
    const file = withTail(LIBXC, new Uint8Array(8).fill(0xff));
    const text = capture((w, e) => runDump(file, {}, w, e));
    expect(text.code).toBe(1);
    expect(text.err).toBe(
      `problem: offset ${SIZE} (0x${SIZE.toString(16)}), record #7, END: 8 octets after the END record\n`,
    );
    const json = capture((w, e) => runDump(file, { json: true }, w, e));
    const doc = JSON.parse(json.out) as { records: unknown[]; problems: Report["problems"] };
    expect(json.code).toBe(1);
    expect(doc.records).toHaveLength(8);
    expect(doc.problems).toEqual([expect.objectContaining({ kind: "trailing-data", offset: SIZE })]);
  });

  it("a tail of a GiB (sparse) is counted from the file size, not read", () => {
    const file = copyOf(LIBXC);
    const fd = openSync(file, "r+");
    try {
      ftruncateSync(fd, SIZE + 2 ** 30);
    } finally {
      closeSync(fd);
    }
    const { code, report } = validate(file);
    expect(code).toBe(1);
    // Too long to scan for zeros: only the count.
    expect(report.problems).toEqual([
      expect.objectContaining({
        offset: SIZE,
        kind: "trailing-data",
        message: `${2 ** 30} octets after the END record`,
      }),
    ]);
    // The records fit in the first 64 KiB chunk; nothing of the tail is read.
    expect(report.bytesRead).toBeLessThanOrEqual(65536);
    rmSync(file);
  });

  it("a libxl file: clean when it ends with the libxl END, one problem for octets after it", () => {
    const bytes = sampleLibxlStream(loadSchemas());
    const clean = tempPath("trailing-libxl-clean.bin");
    writeFileSync(clean, bytes);
    expect(validate(clean)).toMatchObject({ code: 0, report: { kind: "libxl", problems: [] } });
    const dumped = JSON.parse(capture((w, e) => runDump(clean, { json: true }, w, e)).out) as {
      records: { stream: string; name: string; index: number }[];
    };
    const xlEnd = dumped.records.at(-1);
    expect(xlEnd).toMatchObject({ stream: "xl_stream", name: "END" });

    const file = withTail(clean, Uint8Array.of(0, 0, 0, 0, 0xaa, 0, 0, 0));
    const { code, report } = validate(file);
    expect(code).toBe(1);
    expect(report.problems).toEqual([
      {
        offset: bytes.length,
        recordIndex: xlEnd?.index,
        record: "END",
        kind: "trailing-data",
        message: "8 octets after the END record",
      },
    ]);
  });

  it("a libxl record after the embedded libxc stream is numbered in problems as dump numbers it", () => {
    const schemas = loadSchemas();
    const bytes = sampleLibxlStream(schemas);
    // EMULATOR_CONTEXT (28-octet body, 4 of padding) then END (8 octets) close the file.
    const padding = bytes.length - 8 - 4;
    bytes[padding] = 0x5a;
    const file = tempPath("libxl-numbering.bin");
    writeFileSync(file, bytes);
    const dumped = JSON.parse(capture((w, e) => runDump(file, { json: true }, w, e)).out) as {
      records: { stream: string; name: string; index: number }[];
    };
    const ctx = dumped.records.find((r) => r.stream === "xl_stream" && r.name === "EMULATOR_CONTEXT");
    expect(ctx?.index).toBe(2);
    const { code, report } = validate(file);
    expect(code).toBe(1);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ offset: padding, recordIndex: ctx?.index, record: "EMULATOR_CONTEXT" });
  });

  it("a memory image is not flagged for the rest of the stream's last page after END", () => {
    const dumped = JSON.parse(
      capture((w, e) => runDump(IMAGE, { json: true, image: true, bootmem: "0" }, w, e)).out,
    ) as {
      records: { name: string; offset: number }[];
      headers: { name: string; fields: { nr_pages: number } }[];
    };
    const end = dumped.records.at(-1);
    const pages = dumped.headers.find((h) => h.name === "breadcrumb")?.fields.nr_pages ?? 0;
    expect(end?.name).toBe("END");
    // The sample's stream does end inside its last page, so this case is a real one.
    expect((end?.offset ?? 0) + 8).toBeLessThan(pages * 4096);
    expect(validate(IMAGE, { image: true, bootmem: "0" }).report.problems).toEqual([]);
  });
});
