/**
 * Hands out free frames of a `MachineMemory`: anywhere outside its reserved regions and outside
 * frames already handed out (by this or any other allocator on the same memory). In `random`
 * order the placement is reproducible from the seed; in `ascending` order it is the lowest free
 * frame first.
 *
 * `random` probes a few random frames, then takes the next free one after a random place: cheap,
 * and spread out when the free frames are. On a nearly full machine whose free frames sit in a few
 * clusters that scan gets long and the choice lopsided; `uniform` draws from a seeded shuffle of the
 * frames free when it first allocates instead (4 bytes a free frame, one pass over the machine,
 * then constant time a frame).
 */
import { OutOfFramesError } from "./errors.js";
import type { MachineMemory } from "./machine-memory.js";
import { SeededRandom } from "./seeded-random.js";

export interface FrameAllocatorOptions {
  /** `random` (default) scatters frames over the machine, reproducibly from `seed`. */
  readonly order?: "random" | "uniform" | "ascending";
  /** Seed for the random order. Default 1. */
  readonly seed?: number;
}

/** Random probes before falling back to a scan for the next free frame. */
const PROBES = 16;

export class FrameAllocator {
  readonly memory: MachineMemory;
  readonly order: "random" | "uniform" | "ascending";
  private readonly random: SeededRandom;
  private cursor = 0;
  /** `uniform`: the frames free at the last snapshot, shuffled up to `drawn`. */
  private snapshot: Uint32Array | undefined;
  private drawn = 0;

  constructor(memory: MachineMemory, options: FrameAllocatorOptions = {}) {
    this.memory = memory;
    this.order = options.order ?? "random";
    this.random = new SeededRandom(options.seed ?? 1);
  }

  /** One free frame, now marked allocated. */
  allocate(): number {
    const m = this.memory;
    if (m.freeCount === 0) throw new OutOfFramesError(1, `no free frame left (${m.frameCount} frames)`);
    let mfn: number;
    if (this.order === "ascending") {
      mfn = this.scanFree(this.cursor);
      this.cursor = mfn + 1;
    } else if (this.order === "uniform") {
      mfn = this.drawUniform();
    } else {
      mfn = -1;
      for (let i = 0; i < PROBES && mfn < 0; i++) {
        const probe = this.random.below(m.frameCount);
        if (m.isFree(probe)) mfn = probe;
      }
      if (mfn < 0) mfn = this.scanFree(this.random.below(m.frameCount));
    }
    m.markAllocated(mfn);
    return mfn;
  }

  /**
   * The next frame of the shuffled snapshot that is still free (others may have taken some); a new
   * snapshot when this one is used up (frames released since are only in the new one).
   */
  private drawUniform(): number {
    const m = this.memory;
    for (let pass = 0; pass < 2; pass++) {
      if (this.snapshot === undefined) {
        const free = new Uint32Array(m.freeCount);
        let n = 0;
        for (let f = m.nextFree(0); f >= 0 && n < free.length; f = m.nextFree(f + 1)) free[n++] = f;
        this.snapshot = free.subarray(0, n);
        this.drawn = 0;
      }
      const pool = this.snapshot;
      while (this.drawn < pool.length) {
        const i = this.drawn++;
        const j = i + this.random.below(pool.length - i);
        const mfn = pool[j] ?? 0;
        pool[j] = pool[i] ?? 0;
        pool[i] = mfn;
        if (m.isFree(mfn)) return mfn;
      }
      this.snapshot = undefined;
    }
    throw new OutOfFramesError(1, `no free frame left (${m.frameCount} frames)`);
  }

  /** `count` free frames, in the order they were handed out. */
  allocateMany(count: number): number[] {
    if (count > this.memory.freeCount) {
      throw new OutOfFramesError(count, `${count} frames requested, ${this.memory.freeCount} free`);
    }
    const out: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.allocate();
    return out;
  }

  /**
   * A physically contiguous run of `count` free frames, now marked allocated; returns the first
   * frame. Random order starts the search at a random frame and wraps around once.
   */
  allocateContiguous(count: number): number {
    const m = this.memory;
    if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`cannot allocate ${count} contiguous frames`);
    const start = this.order === "ascending" ? 0 : this.random.below(m.frameCount);
    const first =
      this.findRun(start, m.frameCount, count) ?? this.findRun(0, Math.min(m.frameCount, start + count), count);
    if (first === undefined) {
      throw new OutOfFramesError(count, `no run of ${count} contiguous free frames (${m.freeCount} free in all)`);
    }
    for (let i = 0; i < count; i++) m.markAllocated(first + i);
    return first;
  }

  /** First start of `count` free frames within `[from, to)`, or undefined. */
  private findRun(from: number, to: number, count: number): number | undefined {
    const m = this.memory;
    let run = 0;
    for (let mfn = from; mfn < to; mfn++) {
      if (m.isFree(mfn)) {
        run++;
        if (run === count) return mfn - count + 1;
      } else {
        run = 0;
      }
    }
    return undefined;
  }

  /** The first free frame at or after `from`, wrapping around. Caller ensures one exists. */
  private scanFree(from: number): number {
    const m = this.memory;
    const ahead = m.nextFree(from);
    if (ahead >= 0) return ahead;
    const wrapped = m.nextFree(0);
    if (wrapped >= 0) return wrapped;
    throw new OutOfFramesError(1, `no free frame left (${m.frameCount} frames)`);
  }
}
