/**
 * One thread's part of a parallel pass 1, the same code on the calling thread and in every worker:
 *
 *   1. count the free frames in slices of the frame table taken from a shared counter (so a
 *      thread that starts late counts less; the workers may start while the calling thread is
 *      still building the run table, which it publishes before it arrives);  barrier
 *   2. take groups of runs from the shared counter and claim them with the single-thread claim
 *      loop (plain loads and stores, four entries in flight); stop at the first entry that cannot
 *      be claimed, or as soon as another thread has found one;             barrier
 *   3. count the free frames again, the same way.
 *
 * Why counting: two threads may claim the same frame at the same moment (both load FRAME_FREE,
 * both store), and plain stores cannot see that (what is counted is entries with bit 15 set, which
 * change exactly as the free frames do: see countFree); an atomic compare-and-exchange per entry could,
 * but measured 3-4x slower per entry than the plain loop (see docs/restore.md, "Parallel
 * restore"). Every claim turns a free frame into an owned one, so when every entry claimed a
 * different frame the table has exactly as many fewer free frames as entries were claimed; a frame
 * claimed twice leaves one fewer owned frame than claims. The caller compares the two sums, and
 * any shortfall, like any entry refused in step 2, fails the pass (and the single-thread pass
 * then names the first conflict in stream order).
 */
import { claim } from "../passes/claim-frames.js";
import { wasmClaimLoopOn, type WasmClaimLoop } from "../passes/claim-frames-engine.js";
import { CONTROL, COUNT_SLICE, RUN_WORDS, type Pass1Job } from "./protocol.js";

/** The job's buffers as typed arrays (built once per job on each thread). */
export interface Pass1Views {
  readonly job: Pass1Job;
  readonly control: Int32Array;
  readonly owners: Uint16Array;
  /** The frame table's buffer as Int32 words (two entries each), for counting. */
  readonly ownerWords: Int32Array;
  readonly runs: Uint32Array;
  readonly done: Uint32Array;
  readonly counts: Float64Array;
  readonly words: readonly Uint32Array[];
  /** The WebAssembly claim loop on the job's memory (`Pass1Job.wasmMemory`), if it has one. */
  readonly loop: WasmClaimLoop | undefined;
}

export function pass1Views(job: Pass1Job): Pass1Views {
  return {
    job,
    control: new Int32Array(job.control),
    owners: new Uint16Array(job.owners, job.ownersOffset, job.ownersLength),
    ownerWords: new Int32Array(job.owners, 0, job.owners.byteLength >>> 2),
    runs: new Uint32Array(job.runs),
    done: new Uint32Array(job.done),
    counts: new Float64Array(job.counts, 0, 2 * job.threads),
    words: job.buffers.map((b) => new Uint32Array(b, 0, b.byteLength >>> 2)),
    loop: job.wasmMemory === undefined ? undefined : wasmClaimLoopOn(job.wasmMemory),
  };
}

/**
 * Runs thread `thread`'s part of the job. An exception its own code throws (a bug: bad input never
 * throws here) is handed to `report` and returned, after still passing every barrier so no thread
 * waits forever.
 */
export function runPass1Part(
  v: Pass1Views,
  thread: number,
  report: (message: string) => void = () => {},
): string | undefined {
  const { control, job } = v;
  let error: string | undefined;
  const step = (f: () => void): void => {
    if (error !== undefined) return;
    try {
      f();
    } catch (e) {
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      Atomics.store(control, CONTROL.failed, 1);
      Atomics.compareExchange(control, CONTROL.error, 0, thread + 1);
    }
  };
  step(() => {
    v.counts[2 * thread] = countSlices(v, CONTROL.countBefore);
  });
  barrier(control, CONTROL.counted, job.threads);
  step(() => claimTasks(v));
  barrier(control, CONTROL.claimed, job.threads);
  if (Atomics.load(control, CONTROL.failed) === 0) {
    step(() => {
      v.counts[2 * thread + 1] = countSlices(v, CONTROL.countAfter);
    });
  }
  // Reported before finishing, so the calling thread finds the message as soon as it sees the count.
  if (error !== undefined) report(error);
  Atomics.add(control, CONTROL.finished, 1);
  Atomics.notify(control, CONTROL.finished);
  return error;
}

/** Claims groups of runs until none is left or some thread has failed. */
function claimTasks(v: Pass1Views): void {
  const { control, runs, done, owners, words, loop } = v;
  const runCount = Atomics.load(control, CONTROL.runCount);
  const runsPerTask = Atomics.load(control, CONTROL.runsPerTask);
  for (;;) {
    if (Atomics.load(control, CONTROL.failed) !== 0) return;
    const first = Atomics.add(control, CONTROL.next, 1) * runsPerTask;
    if (first >= runCount) return;
    const end = Math.min(runCount, first + runsPerTask);
    for (let r = first; r < end; r++) {
      const at = r * RUN_WORDS;
      const list = words[runs[at] as number] as Uint32Array;
      const lo = runs[at + 1] as number;
      const hi = runs[at + 2] as number;
      let w: number;
      if (loop === undefined) w = claim(list, lo, hi, owners, runs[at + 3] as number);
      else {
        // Byte addresses in the arena's memory; the answer is the first bad entry's address or -1.
        const a = loop.claim(lo * 4, hi * 4, owners.byteOffset, owners.length, runs[at + 3] as number);
        w = a < 0 ? -1 : a >>> 2;
      }
      if (w >= 0) {
        done[r] = w - lo;
        Atomics.store(control, CONTROL.failed, 1);
        return;
      }
      done[r] = hi - lo;
    }
  }
}

/** Free entries in the slices of the table this thread takes from the counter in `slot`. */
function countSlices(v: Pass1Views, slot: number): number {
  const frames = v.owners.length;
  let n = 0;
  for (;;) {
    const from = Atomics.add(v.control, slot, 1) * COUNT_SLICE;
    if (from >= frames) return n;
    n += countFree(v, from, Math.min(frames, from + COUNT_SLICE));
  }
}

/**
 * Entries with bit 15 set in owners[from, to) (`from` even). FRAME_FREE has it; every owner a claim
 * writes (a domain id, below 0x7FF0) has not, and an entry no claim touches keeps its value, so
 * the difference between the counts before and after the claims is exactly the number of frames
 * the claims turned from free to owned. Counting the bit instead of comparing with FRAME_FREE
 * needs no branch: two shifts per pair of entries.
 */
function countFree(v: Pass1Views, from: number, to: number): number {
  const { owners, ownerWords, loop } = v;
  // In an arena's memory: sixteen entries a step in WebAssembly (claim-frames.wat, count_free).
  if (loop !== undefined) return loop.countFree(owners.byteOffset + 2 * from, to - from);
  let n = 0;
  let i = from;
  if (owners.byteOffset % 4 === 0) {
    const base = owners.byteOffset >>> 2;
    const end = base + (to >>> 1);
    for (let w = base + (from >>> 1); w < end; w++) {
      const x = ownerWords[w] as number;
      n += ((x >>> 15) & 1) + (x >>> 31);
    }
    i = (end - base) * 2;
  }
  for (; i < to; i++) if ((owners[i] as number) >= 0x8000) n++;
  return n;
}

/** How long a thread waits for the others before it calls the pool broken (a worker killed). */
export const PATIENCE_MS = 60_000;

/** Waits until `threads` threads have arrived at the barrier in `slot`. */
function barrier(control: Int32Array, slot: number, threads: number): void {
  if (Atomics.add(control, slot, 1) + 1 >= threads) {
    Atomics.notify(control, slot);
    return;
  }
  waitFor(control, slot, threads);
}

/**
 * Blocks until control[slot] reaches `count`; throws when nothing has moved for `PATIENCE_MS` (a
 * thread of the pool died), so a broken pool is an error, never a hang.
 */
export function waitFor(control: Int32Array, slot: number, count: number): void {
  let last = Atomics.load(control, slot);
  let since = performance.now();
  while (last < count) {
    Atomics.wait(control, slot, last, 1000);
    const now = Atomics.load(control, slot);
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since > PATIENCE_MS) {
      throw new Error(`restore pool: ${count - now} of its threads stopped answering (waited ${PATIENCE_MS / 1000} s)`);
    }
  }
}
