/** What a successful restore reports. */
import type { RestoredDomain } from "./restored-domain.js";

export interface PassTimes {
  /** Finding the stream: breadcrumb, MFN array, vmap. */
  readonly locate: number;
  readonly pass0: number;
  readonly pass1: number;
  readonly pass2: number;
}

export interface RestoreResult {
  /** The domains this restore created (also appended to the caller's list). */
  readonly domains: readonly RestoredDomain[];
  /** Guest frames given an owner. */
  readonly frames: number;
  /** Frames claimed for the hypervisor (stream pages, MFN array, M2P and compat M2P pages). */
  readonly xenFrames: number;
  /** Stream records, END included. */
  readonly records: number;
  /** HVM save records across all domains, END records included. */
  readonly hvmSaveRecords: number;
  /** Stream bytes up to and including the END record. */
  readonly streamBytes: number;
  /** Stream pages mapped. */
  readonly streamPages: number;
  /** Bytes the restore copied out of the stream (straddling values); zero-copy means ~0. */
  readonly bytesCopied: number;
  readonly xenVersion: { readonly major: number; readonly minor: number } | undefined;
  /** LU_M2P entries, and LU_M2P_COMPAT entries (the 32-bit guests' M2P pages). */
  readonly m2pEntries: number;
  readonly m2pCompatEntries: number;
  /** Milliseconds per stage. */
  readonly passes: PassTimes;
  /** Milliseconds for the whole restore. */
  readonly restoreMs: number;
  /**
   * Which loop claimed the domains' frames in pass 1: "wasm" (the WebAssembly module, on the
   * frame table and pages in a `WasmArena`) or "js".
   */
  readonly claimPath: "wasm" | "js";
  /** Threads that claimed frames in pass 1: 1 for the single-thread pass, else the pool's. */
  readonly threads: number;
  /** Milliseconds it took to start the restore pool used, if any: not part of `restoreMs`. */
  readonly poolStartupMs: number | undefined;
}
