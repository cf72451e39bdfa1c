import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runValidate } from "../../cli/validate.js";
import { IMAGE, LIBXC, capture, corrupted, tempPath } from "./inspect-fixtures.js";

interface Report {
  readonly kind: string;
  readonly valid: boolean;
  readonly records: number;
  readonly problems: readonly { readonly kind: string; readonly offset: number; readonly recordIndex?: number; readonly record?: string; readonly field?: string }[];
}

const validate = (file: string, extra: object = {}): { code: number; report: Report } => {
  const r = capture((w, e) => runValidate(file, { json: true, ...extra }, w, e));
  return { code: r.code, report: JSON.parse(r.out) as Report };
};

const le32 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

/** Offsets in the libxc sample (see `lu dump test/fixtures/sample-libxc.bin`). */
const PAGE_DATA = 128;
const HVM_CONTEXT = 8440;
const END = 9888;

describe("lu validate", () => {
  it("passes both samples", () => {
    expect(validate(LIBXC)).toMatchObject({ code: 0, report: { kind: "libxc", valid: true, records: 8, problems: [] } });
    expect(validate(IMAGE, { image: true, bootmem: "0" })).toMatchObject({ code: 0, report: { kind: "image", valid: true, records: 8 } });
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
    expect(validate(v4)).toMatchObject({ code: 1, report: { problems: [{ kind: "unsupported-version", offset: 12 }] } });
    const res = corrupted(LIBXC, (b) => {
      b[23] = 1;
    });
    expect(validate(res).report.problems).toEqual([expect.objectContaining({ kind: "nonzero-reserved", field: "_res2", offset: 20 })]);
  });

  it("finds page data that does not match the pfn types", () => {
    const file = corrupted(LIBXC, (b) => {
      // pfn[1] from XTAB (no data) to NOTAB: now 3 pages are owed, 2 are there.
      b[PAGE_DATA + 8 + 8 + 8 + 7] = 0x00;
    });
    expect(validate(file).report.problems).toEqual([expect.objectContaining({ kind: "body-length", record: "PAGE_DATA", recordIndex: 3, field: "page_data" })]);
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
    expect(validate(file).report.problems).toEqual([expect.objectContaining({ kind: "bad-constant", record: "HEADER", field: "magic", offset: HVM_CONTEXT + 16 })]);
  });

  it("finds an unknown mandatory record and a stream cut before its end", () => {
    const unknown = corrupted(LIBXC, (b) => le32(b, END, 0x13));
    expect(validate(unknown).report.problems).toEqual([expect.objectContaining({ kind: "unknown-record", offset: END, recordIndex: 7, record: "0x00000013" })]);
    const truncated = corrupted(LIBXC, (b) => b.subarray(0, END));
    const t = validate(truncated);
    expect(t.code).toBe(1);
    expect(t.report.problems[0]?.offset).toBe(END);
  });

  it("requires STATIC_DATA_END before memory in a version 3 stream", () => {
    const file = corrupted(LIBXC, (b) => le32(b, 120, 0x0d)); // STATIC_DATA_END -> VERIFY
    expect(validate(file).report.problems).toEqual([expect.objectContaining({ kind: "record-order", record: "PAGE_DATA" })]);
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
    expect(validate(badType, { image: true, bootmem: "0" }).report.problems).toEqual([expect.objectContaining({ kind: "unknown-enum", record: "LU_DOMAIN_INFO", field: "type", offset: 56 })]);
  });

  it("exits 2 on usage and I/O errors", () => {
    expect(capture((w, e) => runValidate(tempPath("nope.bin"), {}, w, e)).code).toBe(2);
    expect(capture((w, e) => runValidate(LIBXC, { bootmem: "0" }, w, e)).code).toBe(2);
  });
});
