/**
 * `lu dump` / `lu validate` on inputs the samples do not cover: record padding that is not zero,
 * libxc version 2 and 3 streams, 64-bit values at the 2^53 edge in JSON, and files of several GiB
 * (sparse) of which only the records' headers and bodies may be read — checked on the octets the
 * file source (or the image's frame reader) actually read, which both commands report in --json.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import type { InspectProblem } from "../../cli/inspect/inspect-problem.js";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { walkStream } from "../../cli/inspect/walk-stream.js";
import { runValidate } from "../../cli/validate.js";
import {
  LU_STREAM_FORMAT,
  LU_STREAM_RECORD,
  LuDomainPages,
  LuVersion,
  XC_DOMAIN_TYPE,
  XC_ENDIANNESS,
  XC_PAGE_TYPE,
  XC_STREAM_FORMAT,
  XC_STREAM_RECORD,
  XcDomainHeader,
  XcHvmParams,
  XcImageHeader,
  XcPageData,
  XcX86PvVcpu,
  XcX86TscInfo,
} from "../../generated/index.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { FileReadError } from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { writeMemoryImage } from "../../runtime/memory-image.js";
import { PagedRecordWriter } from "../../runtime/paged-record-writer.js";
import { BufferRecordWriter } from "../../runtime/record-writer.js";
import { IMAGE, LIBXC, capture, corrupted, tempPath } from "./inspect-fixtures.js";

interface Located {
  readonly kind: string;
  readonly offset: number;
  readonly recordIndex?: number;
  readonly record?: string;
  readonly field?: string;
}
interface Report {
  readonly kind: string;
  readonly records: number;
  readonly bytesRead: number;
  readonly problems: readonly Located[];
}
interface DumpDoc {
  readonly kind: string;
  readonly bytesRead: number;
  readonly headers: readonly { readonly name: string; readonly fields: Record<string, unknown> }[];
  readonly records: readonly {
    readonly name: string;
    readonly index: number;
    readonly fields: Record<string, unknown>;
  }[];
  readonly problems: readonly Located[];
}

const validate = (file: string, flags: object = {}): { code: number; report: Report } => {
  const r = capture((w, e) => runValidate(file, { json: true, ...flags }, w, e));
  return { code: r.code, report: JSON.parse(r.out) as Report };
};
const dump = (file: string, flags: object = {}): { code: number; doc: DumpDoc; text: string } => {
  const r = capture((w, e) => runDump(file, { json: true, ...flags }, w, e));
  return { code: r.code, doc: JSON.parse(r.out) as DumpDoc, text: r.out };
};

let n = 0;
const file = (tag: string): string => tempPath(`inputs-${tag}-${n++}.bin`);

/** Image and domain headers through the generated classes. */
function writeHeaders(src: ContiguousSource | BufferRecordWriter["source"], version: number, pageShift = 12): void {
  const ih = XcImageHeader.at(src, 0).init();
  ih.version = version;
  ih.endianness = XC_ENDIANNESS.little;
  const dh = XcDomainHeader.at(src, XcImageHeader.SIZE).init();
  dh.type = XC_DOMAIN_TYPE.x86_hvm;
  dh.pageShift = pageShift;
}

describe("record padding", () => {
  it("non-zero padding is a located problem, and dump still shows the record and those after it", () => {
    const w = new BufferRecordWriter(XC_STREAM_FORMAT);
    writeHeaders(w.source, 3);
    w.appendRecord(XC_STREAM_RECORD.STATIC_DATA_END, new Uint8Array(0));
    // 8 + 13 octets of body: 3 octets of record padding.
    const placed = w.beginRecord(XC_STREAM_RECORD.X86_PV_VCPU_BASIC, XcX86PvVcpu.SIZE + 13);
    const vcpu = XcX86PvVcpu.at(placed.source, placed.offset, placed.length).init();
    vcpu.vcpuId = 3;
    vcpu.context.fill(0x11);
    w.end();
    const good = file("pad");
    writeFileSync(good, w.bytes());
    expect(validate(good).code).toBe(0);

    const padAt = placed.offset + placed.length + 1;
    const bad = corrupted(good, (b) => {
      b[padAt] = 0x5a;
    });
    const v = validate(bad);
    expect(v.code).toBe(1);
    expect(v.report.problems).toEqual([
      expect.objectContaining({ kind: "nonzero-padding", offset: padAt, recordIndex: 1, record: "X86_PV_VCPU_BASIC" }),
    ]);
    const text = capture((out, err) => runValidate(bad, {}, out, err)).out;
    expect(text).toContain(
      `offset ${padAt} (0x${padAt.toString(16)}), record #1, X86_PV_VCPU_BASIC: 1 of the 3 record padding octets after the body are not zero [nonzero-padding]`,
    );

    const d = dump(bad);
    expect(d.code).toBe(1);
    expect(d.doc.records.map((r) => r.name)).toEqual(["STATIC_DATA_END", "X86_PV_VCPU_BASIC", "END"]);
    expect(d.doc.records[1]?.fields["vcpu_id"]).toBe(3);
  });
});

describe("libxc stream versions", () => {
  /** TSC info, a page, END: without STATIC_DATA_END (fine in v2, out of order in v3). */
  function stream(version: number): string {
    const w = new BufferRecordWriter(XC_STREAM_FORMAT);
    writeHeaders(w.source, version);
    const tsc = w.beginRecord(XC_STREAM_RECORD.X86_TSC_INFO, XcX86TscInfo.SIZE);
    XcX86TscInfo.at(tsc.source, tsc.offset, tsc.length).init().khz = 2_000_000;
    const page = w.beginRecord(XC_STREAM_RECORD.PAGE_DATA, XcPageData.SIZE + 8 + 4096);
    const pd = XcPageData.at(page.source, page.offset, page.length).init();
    pd.count = 1;
    pd.pfn.at(0).pfn = 0x42;
    pd.pfn.at(0).type = XC_PAGE_TYPE.notab;
    w.end();
    const path = file(`v${version}`);
    writeFileSync(path, w.bytes());
    return path;
  }

  it("detects version 2 from the image header and does not ask it for STATIC_DATA_END", () => {
    const path = stream(2);
    const d = dump(path);
    expect(d.doc.kind).toBe("libxc");
    expect(d.doc.headers[0]?.fields).toMatchObject({ marker: "18446744073709551615", id: "XENF", version: 2 });
    expect(d.doc.records.map((r) => r.name)).toEqual(["X86_TSC_INFO", "PAGE_DATA", "END"]);
    expect(validate(path)).toMatchObject({ code: 0, report: { kind: "libxc", records: 3, problems: [] } });
  });

  it("detects version 3 and requires STATIC_DATA_END before memory", () => {
    const path = stream(3);
    expect(dump(path).doc.headers[0]?.fields["version"]).toBe(3);
    const v = validate(path);
    expect(v.code).toBe(1);
    expect(v.report.problems).toEqual([
      expect.objectContaining({ kind: "record-order", record: "PAGE_DATA", recordIndex: 1 }),
    ]);
  });
});

describe("preambles", () => {
  it("reserved bits of the image header options are found (by XcImageHeader.validate(), once)", () => {
    const file = corrupted(LIBXC, (b) => {
      b[17] = 0x02; // options (big-endian u16 at 16): bit 1
    });
    const v = validate(file);
    expect(v.code).toBe(1);
    expect(v.report.problems).toEqual([
      expect.objectContaining({ kind: "nonzero-reserved", field: "options", offset: 16 }),
    ]);
    expect(v.report.problems[0]?.recordIndex).toBeUndefined();
  });
});

describe("64-bit values in --json", () => {
  it("are numbers up to 2^53 - 1 and decimal strings above", () => {
    const w = new BufferRecordWriter(XC_STREAM_FORMAT);
    writeHeaders(w.source, 3);
    w.appendRecord(XC_STREAM_RECORD.STATIC_DATA_END, new Uint8Array(0));
    const values = [2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n];
    const placed = w.beginRecord(XC_STREAM_RECORD.HVM_PARAMS, XcHvmParams.SIZE + 16 * values.length);
    const params = XcHvmParams.at(placed.source, placed.offset, placed.length).init();
    params.count = values.length;
    values.forEach((v, i) => {
      params.param.at(i).index = BigInt(i + 1);
      params.param.at(i).value = v;
    });
    w.end();
    const path = file("u64");
    writeFileSync(path, w.bytes());
    const d = dump(path);
    expect(d.code).toBe(0);
    // On the text, so a rounded float could not pass for the exact value.
    expect(d.text).toContain(
      '"param":[{"index":1,"value":9007199254740991},{"index":2,"value":"9007199254740992"},{"index":3,"value":"18446744073709551615"}]',
    );
  });
});

describe("large files are never read whole", () => {
  const MiB = 1024 * 1024;

  it("validates and dumps a sparse libxc stream of over 4 GiB reading a few chunks per record", () => {
    // Pages of 1 MiB (page_shift 20), 36 PAGE_DATA records of 120 pages each (below libxc's
    // REC_LENGTH_MAX of 128 MiB); the page data is left as holes, only headers and pfn arrays are
    // written.
    const PAGE_SHIFT = 20;
    const RECORDS = 36;
    const PFNS = 120;
    const path = file("sparse-xc");
    const fd = openSync(path, "w");
    let at = 0;
    const put = (bytes: Uint8Array): void => {
      writeSync(fd, bytes, 0, bytes.length, at);
      at += bytes.length;
    };
    try {
      const head = new Uint8Array(40 + 8);
      writeHeaders(new ContiguousSource(head), 3, PAGE_SHIFT);
      new DataView(head.buffer).setUint32(40, XC_STREAM_RECORD.STATIC_DATA_END, true);
      put(head);
      for (let r = 0; r < RECORDS; r++) {
        const bodyLength = XcPageData.SIZE + 8 * PFNS + PFNS * 2 ** PAGE_SHIFT;
        const rec = new Uint8Array(8 + XcPageData.SIZE + 8 * PFNS);
        const dv = new DataView(rec.buffer);
        dv.setUint32(0, XC_STREAM_RECORD.PAGE_DATA, true);
        dv.setUint32(4, bodyLength, true);
        const pd = XcPageData.at(new ContiguousSource(rec), 8, rec.length - 8).init();
        pd.count = PFNS;
        for (let i = 0; i < PFNS; i++) pd.pfn.at(i).pfn = r * PFNS + i;
        put(rec);
        at += PFNS * 2 ** PAGE_SHIFT; // the page data: a hole
      }
      put(new Uint8Array(8)); // END
    } finally {
      closeSync(fd);
    }
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(4 * 1024 * MiB);

    const v = validate(path);
    expect(v.report.problems).toEqual([]);
    expect(v).toMatchObject({ code: 0, report: { kind: "libxc", records: RECORDS + 2 } });
    // Each record's header and pfn array sit in one or two 64 KiB chunks.
    expect(v.report.bytesRead).toBeLessThanOrEqual((2 * RECORDS + 2) * 64 * 1024);

    // A --summary dump counts the page data without reading it (the complete JSON reads it all).
    const d = dump(path, { summary: true });
    expect(d.code).toBe(0);
    expect(d.doc.records[1]?.fields["page_data"]).toEqual({ bytes: PFNS * 2 ** PAGE_SHIFT });
    expect(d.doc.bytesRead).toBe(v.report.bytesRead);
    rmSync(path);
  });

  it("validates a sparse 4 GiB memory image reading only the breadcrumb, MFN array and stream frames", () => {
    const memory = new MachineMemory({
      pageSize: 4096,
      frameCount: 2 ** 20,
      reserved: [{ start: 0, count: 2, name: "bootmem" }],
    });
    const w = new PagedRecordWriter(memory, LU_STREAM_FORMAT, {
      allocator: new FrameAllocator(memory, { seed: 3 }),
      bootmem: 0,
      littleEndian: true,
    });
    const ver = w.beginRecord(LU_STREAM_RECORD.LU_VERSION, LuVersion.SIZE);
    const lv = LuVersion.at(ver.source, ver.offset, ver.length).init();
    lv.xenMajor = 4;
    lv.xenMinor = 19;
    // 3000 MFNs: the stream spans several pages, each at a random frame of the 4 GiB.
    const MFNS = 3000;
    const body = new Uint8Array(LuDomainPages.SIZE + 8 * MFNS);
    const pages = LuDomainPages.at(new ContiguousSource(body), 0, body.length).init();
    pages.count = MFNS;
    for (let i = 0; i < MFNS; i++) pages.mfns.set(i, BigInt(0x10000 + i));
    w.appendRecord(LU_STREAM_RECORD.LU_DOMAIN_PAGES, body);
    const written = w.finish();
    const path = file("sparse-image");
    writeMemoryImage(memory, path);
    expect(statSync(path).size).toBe(4 * 1024 * MiB);
    const spread = Math.max(...written.mfns) - Math.min(...written.mfns);
    expect(spread * 4096).toBeGreaterThan(1024 * MiB);

    const v = validate(path, { image: true, bootmem: "0" });
    expect(v.report.problems).toEqual([]);
    expect(v).toMatchObject({ code: 0, report: { kind: "image", records: 3 } });
    expect(v.report.bytesRead).toBeLessThanOrEqual((1 + written.mfnArrayFrames + written.nrPages) * 4096);
    expect(v.report.bytesRead).toBeGreaterThanOrEqual(written.nrPages * 4096);
    rmSync(path);
  });
});

describe("errors", () => {
  it("a directory is a usage error, not a stack trace", () => {
    for (const run of [runValidate, runDump]) {
      const r = capture((w, e) => run(tmpdir(), {}, w, e));
      expect(r).toMatchObject({
        code: 2,
        err: expect.stringMatching(/cannot open .*: it is a directory\n$/) as unknown,
      });
    }
  });

  it("a read failure in the middle of a walk ends it as an I/O error (exit 2), not as a data problem", () => {
    const bytes = new Uint8Array(readFileSync(LIBXC));
    const inner = new ContiguousSource(bytes);
    const failing: ByteSource = {
      byteLength: inner.byteLength,
      get windowOffset() {
        return inner.windowOffset;
      },
      bytesCopied: 0,
      window: (offset, length) => {
        if (offset >= 8440) throw new FileReadError("sample", "disk gone", { offset });
        return inner.window(offset, length);
      },
      bytes: (offset, length) => inner.bytes(offset, length),
      segments: (offset, length, visit) => inner.segments(offset, length, visit),
    };
    const problems: InspectProblem[] = [];
    expect(() =>
      walkStream({
        schemas: loadSchemas(),
        source: failing,
        streamName: "xc_stream",
        problems,
        onRecord: () => undefined,
      }),
    ).toThrow(FileReadError);
    expect(problems).toEqual([]);
  });

  it("says once where a missing breadcrumb was looked for", () => {
    const r = capture((w, e) => runValidate(IMAGE, { image: true, bootmem: "1" }, w, e));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^\S+: offset 4096 \(0x1000\): no live update: the bootmem does not start with the breadcrumb magic/,
    );
  });
});
