import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { WriterError } from "../../runtime/errors.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { BufferRecordWriter } from "../../runtime/record-writer.js";
import { HVM_FORMAT, LIBXC_FORMAT, LU_FORMAT } from "./test-formats.js";

describe("BufferRecordWriter", () => {
  it("writes a libxc-style stream: preamble filled in place, records, end; reads back", () => {
    const w = new BufferRecordWriter(LIBXC_FORMAT, { initialCapacity: 16 });
    // Fill the image header's marker and id through the source, as generated setters would.
    const head = w.source.window(0, 24);
    head.setBigUint64(w.source.windowOffset, 0xffff_ffff_ffff_ffffn, false);
    head.setUint32(w.source.windowOffset + 8, 0x58454e46, false);
    const body = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    w.appendRecord(1, body);
    const placed = w.beginRecord(0x0f, 12);
    w.source.window(placed.offset, 12).setUint32(w.source.windowOffset + 4, 0xabcdef01, false);
    w.end();
    const bytes = w.bytes();
    expect(bytes.length).toBe(40 + 8 + 1000 + 8 + 16 + 8);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, false)).toBe(0x58454e46);
    const src = new ContiguousSource(bytes);
    const recs = [...new RecordReader(src, LIBXC_FORMAT, { strict: true })];
    expect(recs.map((r) => [r.name, r.offset, r.bodyLength])).toEqual([
      ["PAGE_DATA", 40, 1000],
      ["CHECKPOINT_DIRTY_PFN_LIST", 1048, 12],
      ["END", 1072, 0],
    ]);
    expect(src.bytes(48, 1000)).toEqual(body);
    expect(src.window(1056, 8).getUint32(src.windowOffset + 4, false)).toBe(0xabcdef01);
    // Big-endian header fields on the wire.
    expect(Array.from(bytes.subarray(40, 48))).toEqual([0, 0, 0, 1, 0, 0, 0x03, 0xe8]);
  });

  it("writes no padding for align 1 and u16 types", () => {
    const w = new BufferRecordWriter(HVM_FORMAT);
    w.appendRecord(2, Uint8Array.of(1, 2, 3));
    w.end();
    expect(w.bytes().length).toBe(8 + 3 + 8);
    expect([...new RecordReader(new ContiguousSource(w.bytes()), HVM_FORMAT)].map((r) => r.name)).toEqual([
      "CPU",
      "END",
    ]);
  });

  it("rejects values its header fields cannot hold and records after the end", () => {
    const w = new BufferRecordWriter(HVM_FORMAT);
    expect(() => w.beginRecord(0x10000, 0)).toThrow(WriterError);
    expect(() => w.beginRecord(1, -1)).toThrow(WriterError);
    const lu = new BufferRecordWriter(LU_FORMAT);
    lu.end();
    expect(() => lu.beginRecord(0x40000000, 0)).toThrow(WriterError);
  });
});
