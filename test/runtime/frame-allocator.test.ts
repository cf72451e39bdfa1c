import { describe, expect, it } from "vitest";
import { OutOfFramesError } from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";

const bootmem = { start: 16, count: 32, name: "bootmem" };

describe("FrameAllocator", () => {
  it("never hands out a reserved frame or the same frame twice, until memory is full", () => {
    const memory = new MachineMemory({ frameCount: 256, reserved: [bootmem] });
    const alloc = new FrameAllocator(memory, { seed: 3 });
    const got = alloc.allocateMany(256 - 32);
    expect(new Set(got).size).toBe(got.length);
    for (const mfn of got) expect(mfn < 16 || mfn >= 48).toBe(true);
    expect(() => alloc.allocate()).toThrow(OutOfFramesError);
  });

  it("is reproducible from its seed and scattered", () => {
    const run = (seed: number): number[] =>
      new FrameAllocator(new MachineMemory({ frameCount: 1 << 20, reserved: [bootmem] }), { seed }).allocateMany(64);
    const a = run(42);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
    const sorted = [...a].sort((x, y) => x - y);
    expect(a).not.toEqual(sorted);
    expect((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toBeGreaterThan(1 << 18);
  });

  it("ascending order hands out the lowest free frames, skipping reserved ones", () => {
    const memory = new MachineMemory({ frameCount: 64, reserved: [{ start: 1, count: 2 }] });
    expect(new FrameAllocator(memory, { order: "ascending" }).allocateMany(4)).toEqual([0, 3, 4, 5]);
  });

  describe("uniform order", () => {
    it("hands out every free frame once, skipping reserved ones and frames others took since", () => {
      const memory = new MachineMemory({ frameCount: 256, reserved: [bootmem] });
      const alloc = new FrameAllocator(memory, { order: "uniform", seed: 5 });
      const first = alloc.allocateMany(10);
      // Another allocator takes frames out of the first one's snapshot.
      const other = new FrameAllocator(memory, { order: "ascending" }).allocateMany(100);
      const rest = alloc.allocateMany(256 - 32 - 110);
      const all = [...first, ...other, ...rest];
      expect(new Set(all).size).toBe(all.length);
      for (const mfn of [...first, ...rest]) expect(mfn < 16 || mfn >= 48).toBe(true);
      expect(() => alloc.allocate()).toThrow(OutOfFramesError);
    });

    it("draws from clustered free frames evenly and reproducibly", () => {
      // A nearly full machine: only two runs of 64 frames are free, far apart.
      const make = (): MachineMemory => {
        const m = new MachineMemory({ frameCount: 1 << 16 });
        for (let f = 0; f < 1 << 16; f++)
          if (!((f >= 1000 && f < 1064) || (f >= 60000 && f < 60064))) m.markAllocated(f);
        return m;
      };
      const got = new FrameAllocator(make(), { order: "uniform", seed: 9 }).allocateMany(64);
      expect(new FrameAllocator(make(), { order: "uniform", seed: 9 }).allocateMany(64)).toEqual(got);
      const low = got.filter((f) => f < 2000).length;
      expect(low).toBeGreaterThan(16);
      expect(low).toBeLessThan(48);
      expect(got).not.toEqual([...got].sort((a, b) => a - b));
    });

    it("sees frames released after its snapshot once the snapshot is used up", () => {
      const memory = new MachineMemory({ frameCount: 8 });
      const alloc = new FrameAllocator(memory, { order: "uniform", seed: 1 });
      const all = alloc.allocateMany(8);
      memory.release(all[3] ?? 0);
      expect(alloc.allocate()).toBe(all[3]);
    });
  });

  it("two allocators on one memory do not hand out the same frame", () => {
    const memory = new MachineMemory({ frameCount: 128 });
    const a = new FrameAllocator(memory, { seed: 1 }).allocateMany(64);
    const b = new FrameAllocator(memory, { seed: 1 }).allocateMany(64);
    expect(new Set([...a, ...b]).size).toBe(128);
  });

  it("allocates a contiguous run of free frames outside reserved regions", () => {
    const memory = new MachineMemory({ frameCount: 200, reserved: [bootmem] });
    const alloc = new FrameAllocator(memory, { seed: 9 });
    const scattered = new Set(alloc.allocateMany(40));
    const first = alloc.allocateContiguous(5);
    for (let i = 0; i < 5; i++) {
      expect(scattered.has(first + i)).toBe(false);
      expect(memory.isReserved(first + i)).toBe(false);
      expect(memory.isAllocated(first + i)).toBe(true);
    }
  });

  it("says so when no contiguous run is left", () => {
    const memory = new MachineMemory({
      frameCount: 10,
      reserved: [
        { start: 3, count: 1 },
        { start: 7, count: 1 },
      ],
    });
    const alloc = new FrameAllocator(memory, { seed: 2 });
    expect(() => alloc.allocateContiguous(4)).toThrow(OutOfFramesError);
    expect([0, 4]).toContain(alloc.allocateContiguous(3));
    expect([0, 4]).toContain(alloc.allocateContiguous(3));
    expect(() => alloc.allocateContiguous(3)).toThrow(OutOfFramesError);
  });
});
