import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FrameTable } from "../../../liveupdate/frame-table.js";
import { SMALL_HOST_SPEC } from "../../../liveupdate/host-spec.js";
import { restore } from "../../../liveupdate/restore.js";
import { RestoreError } from "../../../liveupdate/restore-error.js";
import { save } from "../../../liveupdate/save.js";
import { restoreParallel } from "../../../liveupdate/workers/restore-parallel.js";
import { RestorePool } from "../../../liveupdate/workers/restore-pool.js";
import { sharedFrameTable } from "../../../liveupdate/workers/shared-frame-table.js";
import { savedStream } from "../stream-fixture.js";

let pool: RestorePool;
beforeAll(async () => {
  pool = await RestorePool.start({ threads: 3 });
});
afterAll(() => pool.close());

/** One domain whose list is long enough to be split over every thread. */
const ONE_BIG = { ...SMALL_HOST_SPEC, domains: 1, framesPerDomain: 64 * 1024, extentFrames: 1 };

function failure(f: () => unknown): RestoreError {
  try {
    f();
  } catch (e) {
    if (e instanceof RestoreError) return e;
    throw e;
  }
  throw new Error("restored");
}

describe("parallel pass 1", () => {
  it("reports the pool's threads and start-up apart from the restore", () => {
    const saved = save(ONE_BIG, { sharedMemory: true });
    const r = restore(saved.memory, {
      bootmem: saved.bootmemStart,
      frameTable: sharedFrameTable(saved.frameCount),
      domains: [],
      workers: pool,
    });
    expect(r.threads).toBe(3);
    expect(r.poolStartupMs).toBe(pool.startupMs);
    expect(pool.startupMs).toBeGreaterThan(0);
    expect(r.frames).toBe(ONE_BIG.framesPerDomain);
    expect(r.bytesCopied).toBe(0);
  });

  it("runs on one thread, and says so, when the memory or the table is not shared", () => {
    const saved = save(ONE_BIG);
    const table = sharedFrameTable(saved.frameCount);
    const r = restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: table, domains: [], workers: pool });
    expect(r.threads).toBe(1);
    const shared = save(ONE_BIG, { sharedMemory: true });
    const plain = new FrameTable(shared.frameCount);
    expect(
      restore(shared.memory, { bootmem: shared.bootmemStart, frameTable: plain, domains: [], workers: pool }).threads,
    ).toBe(1);
    expect(Array.from(plain.owners)).toEqual(Array.from(table.owners));
  });

  // The second half of one list repeats the first half, and the threads take the list's pages in
  // turn, so the same frames are claimed by different threads (found by a claim that sees the
  // other thread's store, or by the free-frame count when both stored at once). Every run must
  // fail with the single-thread error and leave the table as it was.
  it("a list repeating its first half, split over the threads: the single-thread error every time", () => {
    const saved = save(ONE_BIG, { sharedMemory: true });
    const { src, records } = savedStream(saved);
    const list = records.find((r) => r.type === 0x40000004);
    if (list === undefined) throw new Error("no list");
    const half = ONE_BIG.framesPerDomain / 2;
    for (let k = 0; k < half; k++) {
      const at = list.offset + 16 + 8 * k;
      src
        .window(at + 8 * half, 8)
        .setBigUint64(src.windowOffset, src.window(at, 8).getBigUint64(src.windowOffset, true), true);
    }
    const single = failure(() =>
      restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: new FrameTable(saved.frameCount), domains: [] }),
    );
    expect(single.where.offset).toBe(list.offset + 16 + 8 * half);
    for (let i = 0; i < 20; i++) {
      const table = sharedFrameTable(saved.frameCount);
      const before = table.owners.slice();
      const err = failure(() =>
        restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: table, domains: [], workers: pool }),
      );
      expect({ message: err.message, where: err.where, problem: err.problem }).toEqual({
        message: single.message,
        where: single.where,
        problem: single.problem,
      });
      expect(Buffer.from(table.owners.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    }
  });

  it("restoreParallel() starts a pool of N threads for one restore and ends it", async () => {
    const saved = save(ONE_BIG, { sharedMemory: true });
    const r = await restoreParallel(saved.memory, {
      bootmem: saved.bootmemStart,
      frameTable: sharedFrameTable(saved.frameCount),
      domains: [],
      workers: 2,
    });
    expect(r.threads).toBe(2);
    expect(r.poolStartupMs).toBeGreaterThan(0);
    const one = await restoreParallel(saved.memory, {
      bootmem: saved.bootmemStart,
      frameTable: sharedFrameTable(saved.frameCount),
      domains: [],
      workers: 1,
    });
    expect(one.threads).toBe(1);
    expect(one.poolStartupMs).toBeUndefined();
  });

  it("refuses to restore over a closed pool, leaving the table as it was", async () => {
    const closed = await RestorePool.start({ threads: 2 });
    await closed.close();
    const saved = save(ONE_BIG, { sharedMemory: true });
    const table = sharedFrameTable(saved.frameCount);
    expect(() =>
      restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: table, domains: [], workers: closed }),
    ).toThrow(/restore pool is closed/);
    expect(table.ownedCount()).toBe(0);
  });

  it("refuses a thread count that is not a positive integer", async () => {
    await expect(RestorePool.start({ threads: 0 })).rejects.toThrow(/threads must be an integer/);
  });
});
