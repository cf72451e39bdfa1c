/**
 * The parallel entry point `restoreParallel()`, which takes
 * either a started pool or a thread count (it then starts a pool for this one restore and ends it
 * after, its start-up reported apart from the restore in `poolStartupMs`).
 */
import type { MachineMemory } from "../../runtime/machine-memory.js";
import { restore, type RestoreOptions } from "../restore.js";
import type { RestoreResult } from "../restore-result.js";
import { RestorePool } from "./restore-pool.js";

export { sharedFrameTable } from "./shared-frame-table.js";

export interface ParallelRestoreOptions extends Omit<RestoreOptions, "workers"> {
  /** A started pool, or how many threads to start one with (1: the single-thread restore). */
  readonly workers: RestorePool | number;
}

/**
 * `restore()` with a pool. With a number, a pool of that many threads is started first and
 * closed after; keep a pool instead (`RestorePool.start()`) when restoring more than once.
 */
export async function restoreParallel(memory: MachineMemory, options: ParallelRestoreOptions): Promise<RestoreResult> {
  const { workers, ...rest } = options;
  if (typeof workers !== "number") return restore(memory, { ...rest, workers });
  if (workers === 1) return restore(memory, rest);
  const pool = await RestorePool.start({ threads: workers });
  try {
    return restore(memory, { ...rest, workers: pool });
  } finally {
    await pool.close();
  }
}
