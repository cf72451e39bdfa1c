/**
 * What the calling thread and the pool's workers share for one parallel pass 1, and the messages
 * between them. Everything a worker reads or writes during the pass lives in SharedArrayBuffers:
 * the frame table, the machine memory's chunks holding the LU_DOMAIN_PAGES lists, the run table
 * (which words of which chunk belong to which domain), and a small control block of Int32 slots
 * that the threads update with Atomics. Messages only hand those buffers over and report a
 * worker's own failure; no frame number travels in a message.
 */
import type { WasmMemory } from "../../runtime/wasm-api.js";

/** Slots of the control block (an Int32Array). */
export const CONTROL = {
  /** Next task (group of runs) to hand out: Atomics.add by every thread. */
  next: 0,
  /** Set to 1 by the first thread that finds an entry it cannot claim; everyone stops. */
  failed: 1,
  /** Barrier: threads that have counted the free frames of their region before the claims. */
  counted: 2,
  /** Barrier: threads done claiming. */
  claimed: 3,
  /** Threads done with the whole job (the calling thread waits for all of them). */
  finished: 4,
  /** 1 + the index of a thread whose code threw (a bug, not bad input); 0 when none. */
  error: 5,
  /** Next slice of the frame table to count, before and after the claims. */
  countBefore: 6,
  countAfter: 7,
  /**
   * Runs in the run table, and runs handed out at a time: written by the calling thread before it
   * arrives at the `counted` barrier (the job is posted before the run table is built, so the
   * workers count the table while the calling thread builds it), read by every thread after it.
   */
  runCount: 8,
  runsPerTask: 9,
} as const;
export const CONTROL_SLOTS = 10;

/** Frame-table entries counted at a time (a slice taken from `countBefore`/`countAfter`). */
export const COUNT_SLICE = 1 << 18;

/** Words per run in the run table: buffer index, first word, end word, domain id. */
export const RUN_WORDS = 4;

/** One pass 1 job as handed to a worker (every view is rebuilt on its side). */
export interface Pass1Job {
  readonly control: SharedArrayBuffer;
  /** The frame table: a Uint16Array of `ownersLength` entries at `ownersOffset` in `owners`. */
  readonly owners: SharedArrayBuffer;
  readonly ownersOffset: number;
  readonly ownersLength: number;
  /**
   * Run table, `RUN_WORDS` Uint32 words per run, `CONTROL.runCount` runs in stream order (the
   * buffer may be larger).
   */
  readonly runs: SharedArrayBuffer;
  /** Per run: words (2 per entry) claimed from its first word on; the undo frees exactly these. */
  readonly done: SharedArrayBuffer;
  /** Float64 per thread: free frames in the slices it counted before the claims, then after. */
  readonly counts: SharedArrayBuffer;
  /** The buffers the runs point into (machine memory chunks), by run buffer index. */
  readonly buffers: readonly SharedArrayBuffer[];
  /** Threads taking part: the calling thread (index 0) and the workers (1 ..). */
  readonly threads: number;
  /**
   * Set when the frame table and every buffer are one WasmArena's memory (`buffers` is then that
   * memory's buffer): every thread claims with the WebAssembly loop on this memory, in place;
   * `ownersOffset` is the table's byte address there and run words are word addresses in it.
   */
  readonly wasmMemory?: WasmMemory;
}

/** calling thread → worker */
export type ToWorker = { readonly kind: "pass1"; readonly thread: number; readonly job: Pass1Job };

/** worker → calling thread: `ready` once at start-up; `error` when its part of a job threw. */
export type FromWorker =
  | { readonly kind: "ready" }
  | { readonly kind: "error"; readonly thread: number; readonly message: string };
