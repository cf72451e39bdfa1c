/**
 * Pass 1 over a restore pool: the same result as the single-thread pass (pass1-frames.ts), with
 * the LU_DOMAIN_PAGES lists claimed by every thread of the pool at once.
 *
 * 1. Xen's own frames (stream pages, MFN array, M2P pages) are claimed first by the calling thread,
 *    with the single-thread code: a few thousand frames, and the first thing the single-thread pass
 *    checks, so a failure there is already reported exactly as it would be.
 * 2. The lists are cut into runs (the piece of one list inside one stream page: a range of 32-bit
 *    words of a machine memory chunk, and the domain id) in stream order. Threads take groups of
 *    runs from a shared counter, so a single huge domain is split as well as many small ones, and a
 *    thread that is slowed down (a loaded machine) simply takes fewer groups.
 * 3. Conflicts between threads are found by counting (pass1-job.ts). On any failure every thread
 *    has stopped, the claims are freed from the per-run progress, Xen's frames are freed, and the
 *    single-thread pass runs again from the untouched table: it throws the very error a
 *    single-thread restore throws (the first conflict in stream order, same message and location)
 *    and leaves the table as it was. A failing restore so costs one more single-thread pass; a
 *    successful one nothing.
 *
 * The lists must lie in SharedArrayBuffers (a machine memory made with `shared: true`) and the
 * frame table too (`sharedFrameTable()`); otherwise, or with a pool of one thread, this is the
 * single-thread pass, and `threads` in the result says 1.
 */
import { LU_STREAM_FORMAT, LuDomainPages } from "../../generated/live-update.js";
import { pass1Frames, type Pass1Input, type Pass1Result } from "../passes/pass1-frames.js";
import { release as releaseWords } from "../passes/claim-frames.js";
import { U32RunWalker } from "../passes/u32-runs.js";
import { VmapSource } from "../../runtime/vmap.js";
import { appendArenaRuns } from "./arena-runs.js";
import { CONTROL, RUN_WORDS, type Pass1Job } from "./protocol.js";
import type { Pass1InFlight, RestorePool } from "./restore-pool.js";

export interface ParallelPass1Result extends Pass1Result {
  /** Threads that claimed the lists (1 when the pass ran on the calling thread alone). */
  readonly threads: number;
}

/** Scratch buffers kept with each pool between restores (grown when a stream needs more). */
interface Scratch {
  runs: Uint32Array;
  done: Uint32Array;
  counts: Float64Array;
}
const scratchOf = new WeakMap<RestorePool, Scratch>();

function scratch(pool: RestorePool, runs: number): Scratch {
  let s = scratchOf.get(pool);
  if (s === undefined || s.done.length < runs) {
    const cap = Math.max(1024, 2 ** Math.ceil(Math.log2(Math.max(1, runs))));
    s = {
      runs: new Uint32Array(new SharedArrayBuffer(cap * RUN_WORDS * 4)),
      done: new Uint32Array(new SharedArrayBuffer(cap * 4)),
      counts: new Float64Array(new SharedArrayBuffer(pool.threads * 2 * 8)),
    };
    scratchOf.set(pool, s);
  }
  return s;
}

const HEADER = LU_STREAM_FORMAT.headerSize;

export function pass1Parallel(pool: RestorePool | undefined, input: Pass1Input): ParallelPass1Result {
  const owners = input.table.owners;
  if (pool?.isClosed === true) throw new Error("restore pool is closed");
  if (pool === undefined || pool.threads <= 1 || !(owners.buffer instanceof SharedArrayBuffer)) return single(input);
  const { src, staged } = input;

  // 1. Xen's frames, on this thread (throws the single-thread error, table untouched, on failure).
  const xen = pass1Frames({ ...input, staged: { ...staged, pageRecords: [] } });

  // 2. The runs, in stream order. Each run lies in one stream page, so there are at most as many
  // as pages plus lists.
  const s = scratch(pool, input.streamPages + staged.pageRecords.length);
  const runs = s.runs;
  const buffers: SharedArrayBuffer[] = [];
  const bufferIndex = new Map<ArrayBufferLike, number>();
  // With the table and the machine memory in one WasmArena (what `lu restore` does) the runs lie
  // in that memory (or the pass goes to one thread), so the buffers are known before the runs:
  // the workers get the job now and count the table's free frames while this thread builds the
  // run table. Run words are then word addresses in that memory (any buffer object of it serves).
  const arena = input.table.arena;
  const inArena = arena !== undefined && arena.owns(owners.buffer);
  const early = inArena && src instanceof VmapSource && src.memory.arena === arena;
  // The WebAssembly loop on every thread when the table and the lists are one arena's memory, as
  // on one thread (pass1-frames.ts).
  let wasm = input.wasm !== false && early;
  const jobOf = (): Omit<Pass1Job, "control" | "threads"> => ({
    owners: owners.buffer as SharedArrayBuffer,
    ownersOffset: owners.byteOffset,
    ownersLength: owners.length,
    runs: runs.buffer as SharedArrayBuffer,
    done: s.done.buffer as SharedArrayBuffer,
    counts: s.counts.buffer as SharedArrayBuffer,
    buffers,
    ...(wasm && arena !== undefined ? { wasmMemory: arena.memory } : {}),
  });
  let job: Pass1InFlight | undefined;
  if (early) {
    buffers.push(arena.buffer as SharedArrayBuffer);
    job = begin(pool, jobOf(), xen);
  }
  let runCount = 0;
  let shareable = true;
  let entries = 0;
  const counts: number[] = [];
  const pages = new LuDomainPages();
  const walker = new U32RunWalker();
  for (const ref of staged.pageRecords) {
    const d = staged.domains[ref.domain];
    const count = pages.wrap(src, ref.offset + HEADER, ref.bodyLength).count;
    counts.push(count);
    // A body that does not fit its count: the single-thread pass names it.
    if (d === undefined || LuDomainPages.SIZE + 8 * count !== ref.bodyLength) {
      shareable = false;
      break;
    }
    const domid = d.domainId;
    const listAt = ref.offset + HEADER + LuDomainPages.MFNS_OFFSET;
    if (early && src instanceof VmapSource) {
      const after = appendArenaRuns(src, listAt, count, domid, runs, runCount, arena);
      if (after < 0) {
        shareable = false;
        break;
      }
      runCount = after;
      entries += count;
      continue;
    }
    walker.walk(src, listAt, count, (words, from, to) => {
      const buffer = words.buffer;
      if (
        !(buffer instanceof SharedArrayBuffer) ||
        walker.bytesCopied > 0 ||
        (runCount + 1) * RUN_WORDS > runs.length
      ) {
        shareable = false;
        return false;
      }
      let b = bufferIndex.get(buffer);
      if (b === undefined) {
        b = buffers.length;
        buffers.push(buffer);
        bufferIndex.set(buffer, b);
      }
      // Word indices into the whole buffer: a chunk may be a region of a larger one (a WasmArena).
      const base = words.byteOffset >>> 2;
      const at = runCount++ * RUN_WORDS;
      runs[at] = b;
      runs[at + 1] = base + from;
      runs[at + 2] = base + to;
      runs[at + 3] = domid;
      return true;
    });
    if (!shareable) break;
    entries += count;
  }
  if (!shareable) {
    if (job !== undefined) {
      // Called off before any claim: the workers count, pass the barriers and stop.
      Atomics.store(job.control, CONTROL.failed, 1);
      finish(job, xen, () => {});
    }
    xen.undo();
    return single(input);
  }
  s.done.fill(0, 0, runCount);

  // 3. Claim on every thread, then check the counts.
  const runsPerTask = Math.max(1, Math.min(64, Math.ceil(runCount / (pool.threads * 16))));
  const words = buffers.map((b) => new Uint32Array(b, 0, b.byteLength >>> 2));
  // Frees the words each run had claimed (all of them after a success); `s` is this pool's
  // scratch, which no other restore touches before this one returns.
  const release = (whole: boolean): void => {
    for (let r = 0; r < runCount; r++) {
      const at = r * RUN_WORDS;
      const from = runs[at + 1] as number;
      const to = whole ? (runs[at + 2] as number) : from + (s.done[r] as number);
      if (to > from) releaseWords(words[runs[at] as number] as Uint32Array, from, to, owners);
    }
  };
  if (job === undefined) {
    wasm = input.wasm !== false && inArena && buffers.every((b) => arena.owns(b));
    job = begin(pool, jobOf(), xen);
  }
  // Published before this thread reaches the first barrier, after which the workers read them.
  Atomics.store(job.control, CONTROL.runCount, runCount);
  Atomics.store(job.control, CONTROL.runsPerTask, runsPerTask);
  const error = finish(job, xen, () => release(false));
  const failed = error !== undefined || Atomics.load(job.control, CONTROL.failed) !== 0;
  let newlyOwned = 0;
  for (let t = 0; t < pool.threads; t++) newlyOwned += (s.counts[2 * t] ?? 0) - (s.counts[2 * t + 1] ?? 0);
  if (failed || newlyOwned !== entries) {
    release(false);
    xen.undo();
    if (error !== undefined) throw new Error(`parallel restore: ${error}`);
    return single(input);
  }

  // Success: what the single-thread pass records per domain.
  let frames = 0;
  staged.pageRecords.forEach((ref, k) => {
    const d = staged.domains[ref.domain];
    const n = counts[k] ?? 0;
    if (d !== undefined) d.frames += n;
    frames += n;
  });
  return {
    frames,
    bytesCopied: 0,
    claimPath: wasm ? "wasm" : "js",
    threads: pool.threads,
    undo: () => {
      release(true);
      xen.undo();
    },
  };
}

/** Posts the job to the workers; if the pool cannot take it, Xen's frames are freed first. */
function begin(pool: RestorePool, job: Omit<Pass1Job, "control" | "threads">, xen: Pass1Result): Pass1InFlight {
  try {
    return pool.beginPass1(job);
  } catch (e) {
    xen.undo();
    throw e;
  }
}

/**
 * This thread's part, then the others'; the message of a worker that threw. When the pool itself
 * fails (a thread stopped answering), `undoClaims` and Xen's frames are undone and the error
 * thrown: the table is left as it was.
 */
function finish(job: Pass1InFlight, xen: Pass1Result, undoClaims: () => void): string | undefined {
  try {
    return job.finish().error;
  } catch (e) {
    undoClaims();
    xen.undo();
    throw e;
  }
}

function single(input: Pass1Input): ParallelPass1Result {
  return { ...pass1Frames(input), threads: 1 };
}
