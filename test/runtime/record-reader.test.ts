import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import {
  LuDataError,
  MissingEndError,
  NonZeroPaddingError,
  RecordLimitError,
  TruncatedRecordError,
  UnknownRecordError,
} from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { vmap } from "../../runtime/vmap.js";
import { HVM_FORMAT, LU_DOMAIN_INFO, LU_FORMAT, LU_VERSION } from "./test-formats.js";

/** Builds raw LU stream bytes: [type, body bytes, padding bytes?] per record. */
function raw(records: ReadonlyArray<readonly [number, number[], number[]?]>): Uint8Array {
  const parts: number[] = [];
  for (const [type, body, padding] of records) {
    const head = new DataView(new ArrayBuffer(8));
    head.setUint32(0, type >>> 0, true);
    head.setUint32(4, body.length, true);
    parts.push(...new Uint8Array(head.buffer), ...body);
    const pad = padding ?? new Array<number>((8 - (body.length % 8)) % 8).fill(0);
    parts.push(...pad);
  }
  return Uint8Array.from(parts);
}

function readAll(bytes: Uint8Array, strict = false) {
  return [...new RecordReader(new ContiguousSource(bytes), LU_FORMAT, { strict })];
}

describe("RecordReader", () => {
  it("walks records with offsets, indices, bodies in place and padding", () => {
    const bytes = raw([
      [LU_VERSION, [1, 0, 0, 0, 2, 0, 0, 0]],
      [LU_DOMAIN_INFO, [9, 9, 9]],
      [0, []],
    ]);
    const src = new ContiguousSource(bytes);
    const recs = [...new RecordReader(src, LU_FORMAT)];
    expect(recs.map((r) => [r.index, r.offset, r.type, r.name, r.bodyOffset, r.bodyLength, r.recordLength])).toEqual([
      [0, 0, LU_VERSION, "LU_VERSION", 8, 8, 16],
      [1, 16, LU_DOMAIN_INFO, "LU_DOMAIN_INFO", 24, 3, 16],
      [2, 32, 0, "END", 40, 0, 8],
    ]);
    expect(recs[2]?.isEnd).toBe(true);
    expect(src.bytes(24, 3)).toEqual(Uint8Array.of(9, 9, 9));
    expect(src.bytes(24, 3).buffer).toBe(bytes.buffer);
  });

  it("the cursor API reuses one object and stops after the end record", () => {
    const reader = new RecordReader(
      new ContiguousSource(
        raw([
          [LU_VERSION, [1]],
          [0, []],
        ]),
      ),
      LU_FORMAT,
    );
    expect(reader.next()).toBe(true);
    expect(reader.type).toBe(LU_VERSION);
    expect(reader.next()).toBe(true);
    expect(reader.isEnd).toBe(true);
    expect(reader.next()).toBe(false);
    expect(reader.next()).toBe(false);
    expect(reader.position).toBe(24);
    reader.reset();
    expect(reader.next() && reader.index === 0).toBe(true);
  });

  it("skips unknown optional records and reports them as skipped", () => {
    const recs = readAll(
      raw([
        [0xc0000007, [1, 2, 3]],
        [0x80000001, []],
        [0, []],
      ]),
    );
    expect(recs.map((r) => [r.skipped, r.name])).toEqual([
      [true, undefined],
      [true, undefined],
      [false, "END"],
    ]);
  });

  it("rejects an unknown mandatory type with its location", () => {
    const bytes = raw([
      [LU_VERSION, [1]],
      [0x40000099, [1, 2]],
      [0, []],
    ]);
    const err = (() => {
      try {
        readAll(bytes);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UnknownRecordError);
    expect(err).toMatchObject({ where: { offset: 16, recordIndex: 1, recordType: 0x40000099 } });
    expect(String((err as Error).message)).toContain("record #1");
  });

  it("rejects a stream without its end record", () => {
    expect(() => readAll(raw([[LU_VERSION, [1]]]))).toThrow(MissingEndError);
    expect(() => readAll(new Uint8Array(0))).toThrow(MissingEndError);
    try {
      readAll(raw([[LU_VERSION, [1]]]));
    } catch (e) {
      expect(e).toMatchObject({ where: { offset: 16, recordIndex: 1 } });
    }
  });

  it("rejects a truncated header", () => {
    const bytes = raw([
      [LU_VERSION, [1]],
      [0, []],
    ]).subarray(0, 20);
    expect(() => readAll(bytes)).toThrow(TruncatedRecordError);
    try {
      readAll(bytes);
    } catch (e) {
      expect(e).toMatchObject({ part: "header", expected: 8, actual: 4, where: { offset: 16, recordIndex: 1 } });
    }
  });

  it("rejects a body_length running past the end (truncated body)", () => {
    const bytes = raw([
      [LU_VERSION, [1, 2, 3, 4, 5, 6, 7, 8]],
      [0, []],
    ]);
    new DataView(bytes.buffer).setUint32(4, 0xfffffff0, true);
    try {
      new RecordReader(new ContiguousSource(bytes), LU_FORMAT, { maxBodyLength: 2 ** 32 }).next();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TruncatedRecordError);
      expect(e).toMatchObject({
        part: "body",
        code: "body-overrun",
        where: { offset: 0, recordIndex: 0, recordName: "LU_VERSION" },
      });
    }
    expect(() => readAll(raw([[LU_VERSION, [1, 2, 3, 4, 5, 6, 7, 8]]]).subarray(0, 12))).toThrow(TruncatedRecordError);
  });

  it("rejects truncated padding", () => {
    const bytes = raw([[LU_VERSION, [1, 2, 3]]]).subarray(0, 12);
    expect(() => readAll(bytes)).toThrow(expect.objectContaining({ part: "padding" }));
  });

  it("strict mode rejects non-zero padding, lenient mode accepts it", () => {
    const bytes = raw([
      [LU_VERSION, [1, 2, 3], [0, 0, 7, 0, 0]],
      [0, []],
    ]);
    expect(readAll(bytes)).toHaveLength(2);
    try {
      readAll(bytes, true);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NonZeroPaddingError);
      expect(e).toMatchObject({ actual: 7, where: { offset: 13, recordIndex: 0, recordType: LU_VERSION } });
    }
  });

  it("enforces record-count and body-size limits", () => {
    const many = raw([...Array.from({ length: 10 }, (): [number, number[]] => [LU_VERSION, [1]]), [0, []]]);
    expect(() => [...new RecordReader(new ContiguousSource(many), LU_FORMAT, { maxRecords: 5 })]).toThrow(
      RecordLimitError,
    );
    expect(() => [...new RecordReader(new ContiguousSource(many), LU_FORMAT, { maxBodyLength: 0 })]).toThrow(
      RecordLimitError,
    );
  });

  it("reads a stream of all-zero bytes as one END record (never loops)", () => {
    expect(readAll(new Uint8Array(4096))).toHaveLength(1);
  });

  it("reads other framings: u16 types, no padding", () => {
    const dv = new DataView(new ArrayBuffer(8 + 3 + 8));
    dv.setUint16(0, 2, true);
    dv.setUint32(4, 3, true);
    const recs = [...new RecordReader(new ContiguousSource(dv), HVM_FORMAT)];
    expect(recs.map((r) => [r.name, r.offset, r.bodyLength])).toEqual([
      ["CPU", 0, 3],
      ["END", 11, 0],
    ]);
    // Without an optional bit every unknown type is mandatory.
    dv.setUint16(0, 0x8002, true);
    expect(() => [...new RecordReader(new ContiguousSource(dv), HVM_FORMAT)]).toThrow(UnknownRecordError);
  });
});

describe("RecordReader on hostile bytes", () => {
  it("random streams end in records or a typed error, never a RangeError or a hang", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.tuple(fc.nat(600), fc.constantFrom(0, 0x40000000, 0xc0000001, 0x40000099, 5, 0x7fffffff)), {
          maxLength: 6,
        }),
        fc.array(fc.tuple(fc.nat(600), fc.nat(700)), { maxLength: 4 }),
        fc.boolean(),
        (noise, types, lengths, strict) => {
          const bytes = noise.slice();
          const dv = new DataView(bytes.buffer);
          // Plant plausible headers so the walk gets somewhere before it fails.
          for (const [at, type] of types) if (at + 4 <= bytes.length) dv.setUint32(at - (at % 8), type, true);
          for (const [at, len] of lengths) if (at + 8 <= bytes.length) dv.setUint32(at - (at % 8) + 4, len, true);
          const memory = new MachineMemory({ pageSize: 64, frameCount: 64 });
          const pages = Math.ceil(bytes.length / 64);
          const src = vmap(memory, new FrameAllocator(memory, { seed: bytes.length }).allocateMany(pages));
          src.segments(0, bytes.length, (piece, at) => piece.set(bytes.subarray(at, at + piece.length)));
          for (const source of [new ContiguousSource(bytes), src]) {
            const reader = new RecordReader(source, LU_FORMAT, { strict, end: bytes.length });
            let steps = 0;
            try {
              while (reader.next()) steps++;
              expect(reader.isEnd).toBe(true);
            } catch (e) {
              expect(e).toBeInstanceOf(LuDataError);
            }
            expect(steps).toBeLessThanOrEqual(bytes.length / 8);
          }
        },
      ),
      { seed: 0x5eed, numRuns: 500 },
    );
  });
});
