/**
 * A `restore()` that runs every call twice, once on a single thread and once over a restore pool,
 * checks the two agree exactly (result, domains, frame table, or the error: class, problem, stage,
 * message, location, and the table left behind), and hands the caller the pool's outcome. The
 * restore test files are run through it with 2 and 4 threads (restore-2-threads.test.ts, ...), so
 * every image they build, valid or damaged, is restored in parallel too and their own assertions
 * (error locations, all-or-nothing undo) check the parallel path.
 *
 * The pool's run needs the machine memory and the frame table on SharedArrayBuffers; the test
 * images are built on ordinary memory, so each call restores a shared copy of the memory (its
 * backed frames) and of the table, and copies the table back.
 */
import { expect } from "vitest";
import { FrameTable } from "../../../liveupdate/frame-table.js";
import type { restore as restoreFn, RestoreOptions } from "../../../liveupdate/restore.js";
import type { RestoreResult } from "../../../liveupdate/restore-result.js";
import type { RestoredDomain } from "../../../liveupdate/restored-domain.js";
import { RestorePool } from "../../../liveupdate/workers/restore-pool.js";
import { sharedFrameTable } from "../../../liveupdate/workers/shared-frame-table.js";
import { MachineMemory } from "../../../runtime/machine-memory.js";

type Restore = typeof restoreFn;

/** The same machine memory on SharedArrayBuffers (backed frames copied). */
export function sharedCopy(memory: MachineMemory): MachineMemory {
  if (memory.shared) return memory;
  const copy = new MachineMemory({
    pageSize: memory.pageSize,
    frameCount: memory.frameCount,
    reserved: memory.reserved,
    shared: true,
  });
  for (const mfn of memory.backedFrames()) copy.frame(mfn).set(memory.frame(mfn));
  return copy;
}

/** A domain as plain data (its `source` is the memory it was restored from, a copy for the pool). */
function plainDomain(d: RestoredDomain): Record<string, unknown> {
  const { source: _s, handle, params, ...rest } = d;
  return { ...rest, handle: Array.from(handle), params: Array.from(params, String) };
}

/** What must agree between the two runs (times and thread counts differ by design). */
function comparable(r: RestoreResult): Record<string, unknown> {
  const { passes: _p, restoreMs: _r, threads: _t, poolStartupMs: _s, domains, ...rest } = r;
  return { ...rest, domains: domains.map(plainDomain) };
}

function errorFacts(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const d = e as Error & { problem?: unknown; stage?: unknown; where?: unknown; expected?: unknown; actual?: unknown };
  return {
    name: e.constructor.name,
    message: e.message,
    problem: d.problem,
    stage: d.stage,
    where: d.where,
    expected: d.expected,
    actual: d.actual,
  };
}

/** Counts calls that really ran in parallel, so a test can check the wrapper was not bypassed. */
export const parallelRuns = { count: 0 };

export async function sameAsSingleThread(real: Restore, threads: number): Promise<Restore> {
  const pool = await RestorePool.start({ threads });
  return (memory: MachineMemory, options: RestoreOptions): RestoreResult => {
    // Single thread, on copies of the caller's table and list.
    // (in the caller's WebAssembly arena when its table is there, so both runs take the same claim path)
    const singleTable =
      options.frameTable.arena === undefined
        ? new FrameTable(options.frameTable.owners.slice())
        : new FrameTable(options.frameTable.frameCount, { arena: options.frameTable.arena });
    if (singleTable.arena !== undefined) singleTable.owners.set(options.frameTable.owners);
    const singleDomains = [...options.domains];
    let single: { result: RestoreResult } | { error: unknown };
    try {
      single = { result: real(memory, { ...options, frameTable: singleTable, domains: singleDomains }) };
    } catch (error) {
      single = { error };
    }
    // Over the pool, on shared copies.
    // A table in a WebAssembly arena stays there (the workers then claim with the WebAssembly loop).
    const arena = options.frameTable.arena;
    const table =
      options.frameTable.frameCount !== memory.frameCount
        ? options.frameTable
        : arena !== undefined
          ? new FrameTable(memory.frameCount, { arena })
          : sharedFrameTable(memory.frameCount);
    if (table !== options.frameTable) table.owners.set(options.frameTable.owners);
    const domains: RestoredDomain[] = [...options.domains];
    let parallel: { result: RestoreResult } | { error: unknown };
    try {
      parallel = { result: real(sharedCopy(memory), { ...options, frameTable: table, domains, workers: pool }) };
    } catch (error) {
      parallel = { error };
    }
    if ("error" in single) {
      expect("error" in parallel ? errorFacts(parallel.error) : "restored").toEqual(errorFacts(single.error));
    } else {
      expect("result" in parallel ? comparable(parallel.result) : errorFacts(parallel.error)).toEqual(
        comparable(single.result),
      );
      if ("result" in parallel && parallel.result.streamPages > 0) {
        expect(parallel.result.threads).toBe(threads);
        parallelRuns.count++;
      }
    }
    expect(domains.map(plainDomain)).toEqual(singleDomains.map(plainDomain));
    expect(
      Buffer.from(table.owners.buffer, table.owners.byteOffset, table.owners.byteLength).equals(
        Buffer.from(singleTable.owners.buffer, singleTable.owners.byteOffset, singleTable.owners.byteLength),
      ),
    ).toBe(true);
    // Hand the caller the pool's outcome.
    if (table !== options.frameTable) options.frameTable.owners.set(table.owners);
    if (singleTable.arena !== undefined) singleTable.free();
    if (table !== options.frameTable && table.arena !== undefined) table.free();
    options.domains.splice(0, options.domains.length, ...domains);
    if ("error" in parallel) throw parallel.error;
    return parallel.result;
  };
}
