import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openLiveUpdateStream } from "../../runtime/breadcrumb.js";
import { WriterError } from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { PagedRecordWriter } from "../../runtime/paged-record-writer.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { LU_DOMAIN_INFO, LU_FORMAT, LU_M2P, LU_VERSION } from "./test-formats.js";

const TYPES = [LU_VERSION, LU_M2P, LU_DOMAIN_INFO, 0xc0000005];

const recordArb = fc.record({
  type: fc.constantFrom(...TYPES),
  body: fc.uint8Array({ maxLength: 9000 }),
  /** Also poke a u64 into the body in place through the vmap setter, at this offset (if it fits). */
  poke: fc.option(fc.tuple(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), { nil: undefined }),
});

describe("PagedRecordWriter → breadcrumb → vmap → RecordReader", () => {
  for (const pageSize of [4096, 65536]) {
    it(`random record sequences on random page placements read back identical (${pageSize}-byte pages)`, () => {
      fc.assert(
        fc.property(
          fc.array(recordArb, { maxLength: 24 }),
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.integer({ min: 0, max: 100 }),
          (records, seed, bootStart) => {
            const memory = new MachineMemory({
              pageSize,
              frameCount: 2048,
              reserved: [{ start: bootStart, count: 8, name: "bootmem" }],
            });
            const writer = new PagedRecordWriter(memory, LU_FORMAT, {
              allocator: new FrameAllocator(memory, { seed }),
            });
            const expected: Uint8Array[] = [];
            for (const r of records) {
              const body = r.body.slice();
              const placed = writer.appendRecord(r.type, r.body);
              if (r.poke !== undefined && body.length >= 8) {
                const at = r.poke[0] % (body.length - 7);
                const v = placed.source.window(placed.offset + at, 8);
                v.setBigUint64(placed.source.windowOffset, r.poke[1], true);
                new DataView(body.buffer).setBigUint64(at, r.poke[1], true);
              }
              expected.push(body);
            }
            const written = writer.finish();
            expect(written.records).toBe(records.length + 1);

            const stream = openLiveUpdateStream(memory, bootStart * pageSize);
            expect(Array.from(stream.mfns)).toEqual(written.mfns);
            for (const mfn of stream.mfns) expect(memory.isReserved(mfn)).toBe(false);
            const reader = new RecordReader(stream.source, LU_FORMAT, { strict: true });
            const got = [...reader];
            expect(got.map((g) => g.type)).toEqual([...records.map((r) => r.type), 0]);
            got.slice(0, -1).forEach((g, i) => {
              expect(g.skipped).toBe(g.type === 0xc0000005);
              expect(stream.source.bytes(g.bodyOffset, g.bodyLength)).toEqual(expected[i]);
            });
            expect(reader.position).toBe(written.streamLength);
          },
        ),
        { seed: 0x5eed, numRuns: pageSize === 4096 ? 60 : 25 },
      );
    });
  }

  it("allocates stream pages and a contiguous MFN array outside the bootmem, and says what it wrote", () => {
    const memory = new MachineMemory({ frameCount: 4096, reserved: [{ start: 10, count: 16, name: "bootmem" }] });
    const writer = new PagedRecordWriter(memory, LU_FORMAT, { allocator: new FrameAllocator(memory, { seed: 4 }) });
    for (let i = 0; i < 600; i++) writer.beginRecord(LU_M2P, 4096 * 2 - 8);
    const w = writer.finish();
    expect(w.nrPages).toBe(1201);
    expect(w.mfnArrayFrames).toBe(3);
    expect(w.streamLength).toBe(600 * 8192 + 8);
    expect(w.breadcrumbPhysAddr).toBe(10 * 4096);
    const arrayFrames = new Set([w.mfnArrayMfn, w.mfnArrayMfn + 1, w.mfnArrayMfn + 2]);
    for (const mfn of w.mfns) {
      expect(mfn < 10 || mfn >= 26).toBe(true);
      expect(arrayFrames.has(mfn)).toBe(false);
    }
    expect(Array.from(memory.read(w.breadcrumbPhysAddr, 8))).toEqual([0x00, 0x60, 0x70, 0x55, 0x65, 0x76, 0x69, 0x4c]);
    expect(() => writer.beginRecord(LU_VERSION, 0)).toThrow(WriterError);
  });

  it("needs the bootmem to be a reserved region", () => {
    const memory = new MachineMemory({ frameCount: 64 });
    expect(() => new PagedRecordWriter(memory, LU_FORMAT)).toThrow(WriterError);
  });
});
