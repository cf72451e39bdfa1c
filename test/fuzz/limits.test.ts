/**
 * The limits exist, have the documented defaults, and are enforced before anything is allocated
 * for them: a length field at its maximum costs nothing.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { RecordLimitError, TruncatedRecordError, BreadcrumbError } from "../../runtime/errors.js";
import { DEFAULT_MAX_BODY_LENGTH, DEFAULT_MAX_RECORDS, RecordReader } from "../../runtime/record-reader.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { breadcrumbMagic, readBreadcrumb } from "../../runtime/breadcrumb.js";
import { fuzzFormat } from "../../fuzz/formats.js";
import { DEFAULT_MAX_EXPRESSION_DEPTH, DEFAULT_MAX_NESTING } from "../../codegen/parse/parse.js";

const doc = readFileSync(new URL("../../docs/limits.md", import.meta.url), "utf8");

function external(): number {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

describe("limits", () => {
  it("documents the reader defaults it has", () => {
    expect(DEFAULT_MAX_RECORDS).toBe(2 ** 24);
    expect(DEFAULT_MAX_BODY_LENGTH).toBe(2 ** 30);
    expect(doc).toContain(`| ${DEFAULT_MAX_NESTING} parentheses and unary operators`);
    expect(doc).toContain(`| ${DEFAULT_MAX_EXPRESSION_DEPTH} operators on one path`);
    for (const name of [
      "maxRecords",
      "maxBodyLength",
      "maxPages",
      "frameCount",
      "pageSize",
      "caseTimeMs",
      "caseMemoryBytes",
      "maxNesting",
      "maxExpressionDepth",
    ]) {
      expect(doc, name).toMatch(new RegExp(`\`[^\`]*\\b${name}\``));
    }
  });

  it("a body_length of 0xFFFFFFFF is refused by the limit, and under a raised limit by the stream's end, allocating nothing", () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(0, 0x40000000, true);
    new DataView(bytes.buffer).setUint32(4, 0xffffffff, true);
    const before = external();
    expect(() => new RecordReader(new ContiguousSource(bytes), fuzzFormat("lu")).next()).toThrow(RecordLimitError);
    expect(() =>
      new RecordReader(new ContiguousSource(bytes), fuzzFormat("lu"), {
        maxBodyLength: 2 ** 32,
      }).next(),
    ).toThrow(TruncatedRecordError);
    expect(external() - before).toBeLessThan(8 * 2 ** 20);
  });

  it("maxRecords stops a stream of empty records", () => {
    const bytes = new Uint8Array(8 * 1000); // 1000 optional records of type 0x80000000, no END
    for (let i = 0; i < 1000; i++) new DataView(bytes.buffer).setUint32(8 * i, 0x80000000, true);
    const reader = new RecordReader(new ContiguousSource(bytes), fuzzFormat("lu"), { maxRecords: 100 });
    let n = 0;
    expect(() => {
      while (reader.next()) n++;
    }).toThrow(RecordLimitError);
    expect(n).toBe(100);
  });

  it("a breadcrumb announcing 2^52 pages is refused before any page list is allocated", () => {
    const memory = new MachineMemory({
      frameCount: 64,
      reserved: [{ start: 0, count: 1, name: "bootmem" }],
    });
    const crumb = new DataView(new ArrayBuffer(24));
    crumb.setBigUint64(0, breadcrumbMagic(4096), true);
    crumb.setBigUint64(8, 4096n * 8n, true);
    crumb.setBigUint64(16, (2n ** 52n) << 12n, true);
    memory.write(0, new Uint8Array(crumb.buffer));
    const before = external();
    expect(() => readBreadcrumb(memory, 0, { littleEndian: true })).toThrow(BreadcrumbError);
    expect(external() - before).toBeLessThan(8 * 2 ** 20);
  });
});
