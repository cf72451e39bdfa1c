import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BREADCRUMB_SIZE,
  breadcrumbMagic,
  openLiveUpdateStream,
  readBreadcrumb,
  writeBreadcrumb,
} from "../../runtime/breadcrumb.js";
import { BreadcrumbError, type BreadcrumbProblem } from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { PagedRecordWriter } from "../../runtime/paged-record-writer.js";
import { LU_FORMAT, LU_VERSION } from "./test-formats.js";

const BOOT = 8;

/** A machine with a small finished stream; returns what was written. */
function machine(pageSize = 4096) {
  const memory = new MachineMemory({
    pageSize,
    frameCount: 512,
    reserved: [{ start: BOOT, count: 4, name: "bootmem" }],
  });
  const writer = new PagedRecordWriter(memory, LU_FORMAT, { allocator: new FrameAllocator(memory, { seed: 12 }) });
  for (let i = 0; i < 5; i++) writer.beginRecord(LU_VERSION, pageSize - 8);
  const written = writer.finish();
  return { memory, written, crumb: BOOT * pageSize };
}

function problem(fn: () => unknown): { problem: BreadcrumbProblem; error: BreadcrumbError } {
  try {
    fn();
  } catch (e) {
    if (e instanceof BreadcrumbError) return { problem: e.problem, error: e };
    throw e;
  }
  throw new Error("expected a BreadcrumbError");
}

function setWord(memory: MachineMemory, physAddr: number, value: bigint, le = true): void {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, value, le);
  memory.write(physAddr, new Uint8Array(dv.buffer));
}

describe("breadcrumb", () => {
  it("stores the magic masked with the page mask, host-endian (x86-64: 00 60 70 55 65 76 69 4c)", () => {
    expect(breadcrumbMagic(4096)).toBe(0x4c69766555706000n);
    expect(breadcrumbMagic(65536)).toBe(0x4c69766555700000n);
    const { memory, crumb, written } = machine();
    expect(Array.from(memory.read(crumb, 8))).toEqual([0x00, 0x60, 0x70, 0x55, 0x65, 0x76, 0x69, 0x4c]);
    const read = readBreadcrumb(memory, crumb);
    expect(read).toMatchObject({ nrPages: written.nrPages, mfnArrayPhysAddr: written.mfnArrayPhysAddr });
    expect(read.shiftedNrPages).toBe(BigInt(written.nrPages) << 12n);
    expect(BREADCRUMB_SIZE).toBe(24);
  });

  it("opens the stream it points to with 64 KiB pages too", () => {
    const { memory, crumb, written } = machine(65536);
    const stream = openLiveUpdateStream(memory, crumb);
    expect(Array.from(stream.mfns)).toEqual(written.mfns);
    expect(stream.source.byteLength).toBe(written.nrPages * 65536);
  });

  it("explains no live update at all", () => {
    const memory = new MachineMemory({ frameCount: 64, reserved: [{ start: BOOT, count: 1 }] });
    const { problem: p, error } = problem(() => readBreadcrumb(memory, BOOT * 4096));
    expect(p).toBe("no-live-update");
    expect(error.where.offset).toBe(BOOT * 4096);
    expect(error.message).toContain("no live update");
  });

  it("explains a byte-swapped magic (other endianness)", () => {
    const { memory, crumb } = machine();
    setWord(memory, crumb, breadcrumbMagic(4096), false);
    expect(problem(() => readBreadcrumb(memory, crumb)).problem).toBe("magic-byte-swapped");
  });

  it("explains a magic masked for another page size", () => {
    const { memory, crumb } = machine();
    setWord(memory, crumb, breadcrumbMagic(65536));
    const { problem: p, error } = problem(() => readBreadcrumb(memory, crumb));
    expect(p).toBe("magic-page-size");
    // The magic has zero bits 15..19, so 32 KiB to 1 MiB masks all look alike.
    expect(error.message).toContain("pages of 32768 to 1048576 bytes, this machine uses 4096-byte pages");
    // And the other way round: a 4 KiB host's breadcrumb read by a 64 KiB machine.
    const big = machine(65536);
    setWord(big.memory, big.crumb, breadcrumbMagic(4096));
    expect(problem(() => readBreadcrumb(big.memory, big.crumb)).error.message).toContain("pages of 2048 to 8192 bytes");
  });

  it("rejects low bits set in shifted_nr_pages", () => {
    const { memory, crumb } = machine();
    setWord(memory, crumb + 16, (6n << 12n) | 0x10n);
    const { problem: p, error } = problem(() => readBreadcrumb(memory, crumb));
    expect(p).toBe("shifted-low-bits");
    expect(error.where.offset).toBe(crumb + 16);
  });

  it("rejects zero pages and a page count above the limit", () => {
    const { memory, crumb } = machine();
    setWord(memory, crumb + 16, 0n);
    expect(problem(() => readBreadcrumb(memory, crumb)).problem).toBe("zero-pages");
    setWord(memory, crumb + 16, 6n << 12n);
    expect(problem(() => readBreadcrumb(memory, crumb, { maxPages: 5 })).problem).toBe("too-many-pages");
    setWord(memory, crumb + 16, (2n ** 40n) << 12n);
    expect(problem(() => readBreadcrumb(memory, crumb)).problem).toBe("too-many-pages");
  });

  it("rejects an MFN array outside memory", () => {
    const { memory, crumb } = machine();
    setWord(memory, crumb + 8, 511n * 4096n); // 6 entries fit in the last frame...
    expect(() => readBreadcrumb(memory, crumb)).not.toThrow();
    setWord(memory, crumb + 8, 512n * 4096n); // ...but not past the last frame
    expect(problem(() => readBreadcrumb(memory, crumb)).problem).toBe("mfn-array-outside");
    setWord(memory, crumb + 8, 2n ** 63n);
    expect(problem(() => readBreadcrumb(memory, crumb)).problem).toBe("mfn-array-outside");
  });

  it("rejects an MFN array address that is not page-aligned", () => {
    const { memory, crumb, written } = machine();
    setWord(memory, crumb + 8, BigInt(written.mfnArrayPhysAddr + 8));
    expect(problem(() => readBreadcrumb(memory, crumb)).problem).toBe("mfn-array-misaligned");
  });

  function corruptEntry(index: number, value: bigint): { problem: BreadcrumbProblem; error: BreadcrumbError } {
    const { memory, crumb, written } = machine();
    setWord(memory, written.mfnArrayPhysAddr + index * 8, value);
    const result = problem(() => openLiveUpdateStream(memory, crumb));
    expect(result.error.index).toBe(index);
    expect(result.error.where.offset).toBe(written.mfnArrayPhysAddr + index * 8);
    return result;
  }

  it("rejects a data page outside memory", () => {
    expect(corruptEntry(2, 512n).problem).toBe("page-outside");
    expect(corruptEntry(3, 2n ** 40n).problem).toBe("page-outside");
  });

  it("rejects the same MFN twice", () => {
    const { memory, crumb, written } = machine();
    setWord(memory, written.mfnArrayPhysAddr + 4 * 8, BigInt(written.mfns[1] ?? 0));
    const r = problem(() => openLiveUpdateStream(memory, crumb));
    expect(r.problem).toBe("page-duplicate");
    expect(r.error.index).toBe(4);
  });

  it("reports whichever comes first in the array, a duplicate or another bad entry", () => {
    const at = (written: { mfnArrayPhysAddr: number }, i: number): number => written.mfnArrayPhysAddr + i * 8;
    {
      // Entry 3 repeats entry 1; entry 4 is outside the machine: the duplicate is first.
      const { memory, crumb, written } = machine();
      expect(written.nrPages).toBeGreaterThan(4);
      setWord(memory, at(written, 3), BigInt(written.mfns[1] ?? 0));
      setWord(memory, at(written, 4), 2n ** 40n);
      const r = problem(() => openLiveUpdateStream(memory, crumb));
      expect([r.problem, r.error.index]).toEqual(["page-duplicate", 3]);
    }
    {
      // Entry 2 is outside; entry 4 repeats entry 0: the outside entry is first.
      const { memory, crumb, written } = machine();
      setWord(memory, at(written, 2), 2n ** 40n);
      setWord(memory, at(written, 4), BigInt(written.mfns[0] ?? 0));
      const r = problem(() => openLiveUpdateStream(memory, crumb));
      expect([r.problem, r.error.index]).toEqual(["page-outside", 2]);
    }
    {
      // Entries 3 and 4 both repeat entry 1: the first repeat is reported.
      const { memory, crumb, written } = machine();
      setWord(memory, at(written, 3), BigInt(written.mfns[1] ?? 0));
      setWord(memory, at(written, 4), BigInt(written.mfns[1] ?? 0));
      const r = problem(() => openLiveUpdateStream(memory, crumb));
      expect([r.problem, r.error.index]).toEqual(["page-duplicate", 3]);
    }
  });

  it("rejects a data page inside the bootmem", () => {
    expect(corruptEntry(1, BigInt(BOOT + 2)).problem).toBe("page-in-bootmem");
  });

  it("rejects a data page overlapping the MFN array", () => {
    const { memory, crumb, written } = machine();
    setWord(memory, written.mfnArrayPhysAddr, BigInt(written.mfnArrayMfn));
    expect(problem(() => openLiveUpdateStream(memory, crumb)).problem).toBe("page-overlaps-mfn-array");
  });

  it("reads a big-endian breadcrumb and MFN array when told the machine is big-endian", () => {
    const memory = new MachineMemory({ frameCount: 64, reserved: [{ start: 0, count: 1 }] });
    const writer = new PagedRecordWriter(memory, LU_FORMAT, { littleEndian: false });
    writer.beginRecord(LU_VERSION, 16);
    const w = writer.finish();
    const stream = openLiveUpdateStream(memory, 0, { littleEndian: false });
    expect(Array.from(stream.mfns)).toEqual(w.mfns);
    expect(problem(() => readBreadcrumb(memory, 0)).problem).toBe("magic-byte-swapped");
    writeBreadcrumb(memory, 0, { mfnArrayPhysAddr: w.mfnArrayPhysAddr, nrPages: w.nrPages, littleEndian: true });
    expect(readBreadcrumb(memory, 0).nrPages).toBe(w.nrPages);
  });
});

describe("breadcrumb on hostile memory", () => {
  it("random breadcrumbs and MFN arrays give a stream or a BreadcrumbError, nothing else", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0n, 1n, 5n, 300n, 2n ** 32n, 2n ** 63n),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.array(fc.bigInt({ min: 0n, max: 600n }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (arrayFrame, shiftedNoise, entries, validShift) => {
          const memory = new MachineMemory({ frameCount: 512, reserved: [{ start: BOOT, count: 4, name: "bootmem" }] });
          setWord(memory, BOOT * 4096, breadcrumbMagic(4096));
          setWord(memory, BOOT * 4096 + 8, arrayFrame * 4096n);
          setWord(memory, BOOT * 4096 + 16, validShift ? BigInt(entries.length) << 12n : shiftedNoise);
          if (arrayFrame < 512n) entries.forEach((e, i) => setWord(memory, Number(arrayFrame) * 4096 + i * 8, e));
          try {
            const stream = openLiveUpdateStream(memory, BOOT * 4096);
            expect(stream.source.byteLength).toBe(stream.mfns.length * 4096);
          } catch (e) {
            expect(e).toBeInstanceOf(BreadcrumbError);
          }
        },
      ),
      { seed: 0x5eed, numRuns: 300 },
    );
  });
});
