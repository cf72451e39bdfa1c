import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openLiveUpdateStream } from "../../runtime/breadcrumb.js";
import { FileReadError } from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { openMemoryImage, writeMemoryImage } from "../../runtime/memory-image.js";
import { PagedRecordWriter } from "../../runtime/paged-record-writer.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { LU_FORMAT, LU_M2P } from "./test-formats.js";

const dir = mkdtempSync(join(tmpdir(), "lu-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("memory images", () => {
  it("write with holes; byte offset in the file is the physical address", () => {
    const memory = new MachineMemory({ frameCount: 256 });
    memory.frame(7).fill(0xaa);
    memory.frame(200)[5] = 1;
    memory.frame(9); // touched but all zero: stays a hole
    const path = join(dir, "small.img");
    expect(writeMemoryImage(memory, path)).toEqual({ framesWritten: 2, fileBytes: 256 * 4096 });
    const file = readFileSync(path);
    expect(file.length).toBe(256 * 4096);
    expect(file[7 * 4096]).toBe(0xaa);
    expect(file[200 * 4096 + 5]).toBe(1);
    expect(file[9 * 4096]).toBe(0);
  });

  it("write a raw dump from a base: file offset + base = physical address, nothing below the base", () => {
    const memory = new MachineMemory({ frameCount: 256 });
    memory.frame(7).fill(0xaa);
    memory.frame(200)[5] = 1;
    memory.frame(3); // touched but all zero: may lie below the base
    const path = join(dir, "raw.img");
    expect(writeMemoryImage(memory, path, { base: 4 * 4096 })).toEqual({ framesWritten: 2, fileBytes: 252 * 4096 });
    const file = readFileSync(path);
    expect(file[3 * 4096]).toBe(0xaa);
    expect(file[196 * 4096 + 5]).toBe(1);
    expect(() => writeMemoryImage(memory, join(dir, "raw2.img"), { base: 8 * 4096 })).toThrow(
      /frame 7 .*holds data below the base 0x8000/,
    );
    expect(() => writeMemoryImage(memory, join(dir, "raw3.img"), { base: 100 })).toThrow(
      /not a multiple of the 4096-octet page size/,
    );
  });

  it("a stream saved to an image restores reading only the pages it asks for", () => {
    const pageSize = 65536;
    const bootmem = { start: 3, count: 2, name: "bootmem" };
    const memory = new MachineMemory({ pageSize, frameCount: 4096, reserved: [bootmem] });
    // Domain memory the restore never reads.
    const alloc = new FrameAllocator(memory, { seed: 8 });
    for (const mfn of alloc.allocateMany(40)) memory.frame(mfn).fill(0x5a);
    const writer = new PagedRecordWriter(memory, LU_FORMAT, { allocator: alloc });
    for (let i = 0; i < 3; i++) writer.appendRecord(LU_M2P, new Uint8Array(70000).fill(i + 1));
    const written = writer.finish();
    const path = join(dir, "machine.img");
    writeMemoryImage(memory, path);
    expect(statSync(path).size).toBe(4096 * pageSize);

    const image = openMemoryImage(path, { pageSize, reserved: [bootmem] });
    try {
      const stream = openLiveUpdateStream(image.memory, bootmem.start * pageSize);
      const recs = [...new RecordReader(stream.source, LU_FORMAT, { strict: true })];
      expect(recs.map((r) => r.bodyLength)).toEqual([70000, 70000, 70000, 0]);
      expect(stream.source.bytes(recs[2]?.bodyOffset ?? 0, 70000).every((b) => b === 3)).toBe(true);
      // bootmem frame + MFN array frame + the data pages; none of the 40 domain frames.
      expect(image.framesRead()).toBe(1 + written.mfnArrayFrames + written.nrPages);
    } finally {
      image.close();
    }
  });

  it("rejects an image that is not a whole number of pages", () => {
    const memory = new MachineMemory({ pageSize: 4096, frameCount: 3 });
    const path = join(dir, "odd.img");
    writeMemoryImage(memory, path);
    expect(() => openMemoryImage(path, { pageSize: 8192 })).toThrow(FileReadError);
  });
});
