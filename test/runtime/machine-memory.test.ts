import { describe, expect, it } from "vitest";
import { FrameError } from "../../runtime/errors.js";
import { MachineMemory } from "../../runtime/machine-memory.js";

describe("MachineMemory", () => {
  it("backs only the frames that are touched, even for millions of frames", () => {
    const memory = new MachineMemory({ frameCount: 64 * 131072 });
    expect(memory.byteLength).toBe(64 * 131072 * 4096);
    expect(memory.backedCount).toBe(0);
    memory.frame(5_000_000)[7] = 42;
    memory.frame(3)[0] = 1;
    expect(memory.backedCount).toBe(2);
    expect(memory.isBacked(5_000_000)).toBe(true);
    expect(memory.isBacked(5_000_001)).toBe(false);
    expect(memory.peekFrame(5_000_001)).toBeUndefined();
    expect(memory.frame(5_000_000)[7]).toBe(42);
    expect(memory.backedFrames()).toEqual([3, 5_000_000]);
  });

  it("hands out each frame's own bytes: writes to one never show in another", () => {
    const memory = new MachineMemory({ pageSize: 65536, frameCount: 100, chunkBytes: 3 * 65536 });
    for (let mfn = 0; mfn < 10; mfn++) memory.frame(mfn * 7).fill(mfn + 1);
    for (let mfn = 0; mfn < 10; mfn++) {
      const f = memory.frame(mfn * 7);
      expect(f.length).toBe(65536);
      expect(f.every((b) => b === mfn + 1)).toBe(true);
    }
  });

  it("reads and writes physical addresses across frame edges; untouched frames read as zero", () => {
    const memory = new MachineMemory({ frameCount: 8 });
    memory.write(4096 - 3, Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(Array.from(memory.read(4096 - 4, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    expect(Array.from(memory.read(6 * 4096, 4))).toEqual([0, 0, 0, 0]);
    expect(memory.isBacked(6)).toBe(false);
  });

  it("finds the next free frame past reserved and allocated ones, without wrapping", () => {
    const memory = new MachineMemory({ frameCount: 16, reserved: [{ start: 2, count: 3, name: "bootmem" }] });
    for (const f of [0, 5, 6, 15]) memory.markAllocated(f);
    expect(memory.nextFree(0)).toBe(1);
    expect(memory.nextFree(2)).toBe(7);
    expect(memory.nextFree(-4)).toBe(1);
    expect(memory.nextFree(15)).toBe(-1);
    expect(memory.nextFree(99)).toBe(-1);
    memory.release(6);
    expect(memory.nextFree(2)).toBe(6);
  });

  it("rejects frames and addresses outside the machine with FrameError", () => {
    const memory = new MachineMemory({ frameCount: 8 });
    expect(() => memory.frame(8)).toThrow(FrameError);
    expect(() => memory.frame(-1)).toThrow(FrameError);
    expect(() => memory.read(8 * 4096 - 2, 4)).toThrow(FrameError);
    expect(() => memory.write(-1, Uint8Array.of(1))).toThrow(FrameError);
  });

  it("tracks reserved and allocated frames", () => {
    const memory = new MachineMemory({ frameCount: 16, reserved: [{ start: 2, count: 3, name: "bootmem" }] });
    expect(memory.freeCount).toBe(13);
    expect(memory.isReserved(3)).toBe(true);
    expect(memory.reservedRegionOf(4)?.name).toBe("bootmem");
    expect(memory.isFree(3)).toBe(false);
    expect(() => memory.markAllocated(3)).toThrow(FrameError);
    memory.markAllocated(7);
    expect(memory.isFree(7)).toBe(false);
    expect(() => memory.markAllocated(7)).toThrow(FrameError);
    expect(memory.freeCount).toBe(12);
    memory.release(7);
    expect(memory.isFree(7)).toBe(true);
  });

  it("fills frames from a loader the first time they are backed", () => {
    const loaded: number[] = [];
    const memory = new MachineMemory({ frameCount: 8, fill: (mfn, bytes) => (loaded.push(mfn), bytes.fill(mfn)) });
    expect(memory.frame(5)[100]).toBe(5);
    expect(memory.frame(5)[0]).toBe(5);
    expect(loaded).toEqual([5]);
  });

  it("rejects bad geometry", () => {
    expect(() => new MachineMemory({ pageSize: 3000, frameCount: 1 })).toThrow(RangeError);
    expect(() => new MachineMemory({ frameCount: 0 })).toThrow(RangeError);
    expect(() => new MachineMemory({ frameCount: 4, reserved: [{ start: 3, count: 2 }] })).toThrow(RangeError);
  });
});

describe("shared backing", () => {
  it("backs frames with SharedArrayBuffers when asked, ArrayBuffers otherwise", () => {
    const shared = new MachineMemory({ frameCount: 16, shared: true });
    shared.frame(3).fill(7);
    expect(shared.shared).toBe(true);
    expect(shared.chunkBytes(0).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.read(3 * 4096, 2)).toEqual(new Uint8Array([7, 7]));
    const plain = new MachineMemory({ frameCount: 16 });
    plain.frame(3);
    expect(plain.shared).toBe(false);
    expect(plain.chunkBytes(0).buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});
