/**
 * The new hypervisor's side: find the stream through the breadcrumb, vmap it, and restore in the
 * passes of the live update design:
 *   pass 0: create each domain from LU_DOMAIN_INFO and its HVM params;
 *   pass 1: page ownership into the frame table;
 *   pass 2: the remaining domain state (HVM_CONTEXT save records, as zero-copy references).
 *
 * Nothing is lost silently: the stream's END must lie in its last page with only zero fill after
 * it (an END earlier leaves pages unread), and a stream that runs past its last page is named as
 * such. Frames of the live update bootmem are marked while pass 1 runs, so a domain page inside it
 * is refused like any other conflict.
 *
 * All-or-nothing: domains are staged and appended to the caller's list only when every pass has
 * succeeded; the locate stage claims the stream pages and MFN array for Xen in the caller's frame
 * table (how a page listed twice is found) and pass 1 the rest, in place; both undo themselves on
 * any failure (no undo log: see pass1-frames.ts). A failure throws one `RestoreError` naming the
 * first problem.
 */
import { LU_STREAM_FORMAT } from "../generated/live-update.js";
import type { ByteSource } from "../runtime/byte-view.js";
import { formatLocation, MissingEndError, TruncatedRecordError } from "../runtime/errors.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { checkStreamEnd } from "../runtime/stream-end.js";
import { vmap } from "../runtime/vmap.js";
import { BOOTMEM_OWNER, ownerName } from "./frame-owner.js";
import { FRAME_FREE, type FrameTable } from "./frame-table.js";
import { locateStream, releaseLocated, type LocatedStream } from "./locate-stream.js";
import { m2pPageFrames } from "./m2p-pages.js";
import { pass0Domains } from "./passes/pass0-domains.js";
import { pass1Frames } from "./passes/pass1-frames.js";
import { pass2HvmContext } from "./passes/pass2-hvm-context.js";
import { asRestoreError, RestoreError } from "./restore-error.js";
import type { RestoreResult } from "./restore-result.js";
import type { RestoredDomain } from "./restored-domain.js";
import { pass1Parallel } from "./workers/pass1-parallel.js";
import type { RestorePool } from "./workers/restore-pool.js";

export interface RestoreOptions {
  /** First frame of the live update bootmem (where the breadcrumb is). */
  readonly bootmem: number;
  /**
   * Frames in the live update bootmem (Xen's `liveupdate=` size): no stream page, MFN array frame
   * or domain page may lie in it. Default 1 (only the breadcrumb's frame is known).
   */
  readonly bootmemFrames?: number;
  /** Page size the stream was written with; must match the memory's. Default: the memory's. */
  readonly pageSize?: number;
  /** One entry per machine frame; filled in place. */
  readonly frameTable: FrameTable;
  /** The hypervisor's domain list; restored domains are appended. */
  readonly domains: RestoredDomain[];
  /**
   * Strict checks (default true): zero record padding, and the must-be-zero and known-bits checks of
   * docs/restore.md "What strict mode enforces". False accepts those (lenient).
   */
  readonly strict?: boolean;
  /** Largest stream (in pages) the breadcrumb may announce. Default 2^24 (64 GiB of 4 KiB pages). */
  readonly maxPages?: number;
  /**
   * Pass 1 claims with the WebAssembly loop (default true) when the frame table and the machine
   * memory live in one `WasmArena`; false keeps the JavaScript loop. Same results either way;
   * `RestoreResult.claimPath` says which ran.
   */
  readonly wasm?: boolean;
  /**
   * A started pool of worker threads for pass 1 (`RestorePool.start()`, liveupdate/workers/): the
   * frame table and the machine memory must then be on SharedArrayBuffers (`sharedFrameTable()`,
   * `MachineMemory` with `shared: true`), else pass 1 runs on this thread alone. Same result, same
   * errors as without. See docs/restore.md, "Parallel restore".
   */
  readonly workers?: RestorePool;
}

export function restore(memory: MachineMemory, options: RestoreOptions): RestoreResult {
  const t0 = performance.now();
  const pageSize = options.pageSize ?? memory.pageSize;
  if (pageSize !== memory.pageSize) {
    throw new RestoreError(
      "breadcrumb",
      "locate",
      `page size ${pageSize} does not match the memory's ${memory.pageSize}`,
    );
  }
  if (options.frameTable.frameCount !== memory.frameCount) {
    throw new RangeError(
      `frame table has ${options.frameTable.frameCount} entries; the machine has ${memory.frameCount} frames`,
    );
  }
  const bootmemFrames = options.bootmemFrames ?? 1;
  const located = locateStream(memory, options.bootmem, options.maxPages ?? 2 ** 24, bootmemFrames, options.frameTable);
  let src;
  try {
    src = vmap(memory, located.pages);
  } catch (e) {
    releaseLocated(located);
    throw e;
  }
  return restoreStream(
    src,
    located,
    { ...options, pageSize, bootmem: { start: options.bootmem, count: bootmemFrames } },
    performance.now() - t0,
  );
}

/**
 * The passes over an already located stream held in `src` (the vmap, or the same bytes gathered
 * into one buffer). `locateMs` is added to the timings as the locate stage.
 */
export function restoreStream(
  src: ByteSource,
  located: LocatedStream,
  options: Omit<RestoreOptions, "bootmem" | "bootmemFrames"> & {
    readonly bootmem?: { readonly start: number; readonly count: number };
  },
  locateMs = 0,
): RestoreResult {
  const t1 = performance.now();
  // The stream pages and MFN array frames are Xen's already when the locate stage claimed them here.
  const preclaimed = located.claimedIn !== undefined;
  if (preclaimed && located.claimedIn !== options.frameTable) {
    throw new RangeError("the stream was located with another frame table than the one given to restore");
  }
  try {
    return restoreLocated(src, located, options, locateMs, t1, preclaimed);
  } catch (e) {
    // Passes 0 and 1 undo their own work; the locate stage's claims are released here.
    releaseLocated(located);
    throw e;
  }
}

function restoreLocated(
  src: ByteSource,
  located: LocatedStream,
  options: Omit<RestoreOptions, "bootmem" | "bootmemFrames"> & {
    readonly bootmem?: { readonly start: number; readonly count: number };
  },
  locateMs: number,
  t1: number,
  preclaimed: boolean,
): RestoreResult {
  const copiedBefore = src.bytesCopied;
  const pageSize = options.pageSize ?? 4096;
  const pageShift = Math.log2(pageSize);

  let staged;
  try {
    staged = pass0Domains(src, {
      strict: options.strict ?? true,
      existingDomainIds: new Set(options.domains.map((d) => d.domainId)),
      pageShift,
    });
  } catch (e) {
    throw pastLastPage(e, located.pages, pageSize);
  }
  const endProblem = checkStreamEnd(
    src,
    staged.streamEnd - LU_STREAM_FORMAT.headerSize,
    staged.streamEnd,
    pageSize,
    located.pages,
  );
  if (endProblem !== undefined)
    throw asRestoreError(endProblem, endProblem.problem === "early-end" ? "missing-end" : "padding", 0);
  const t2 = performance.now();

  const xenFrames = new Uint32Array(located.pages.length + located.mfnArrayFrames);
  xenFrames.set(located.pages);
  for (let f = 0; f < located.mfnArrayFrames; f++) xenFrames[located.pages.length + f] = located.mfnArrayStart + f;
  const owners = options.frameTable.owners;
  const bootmem = options.bootmem;
  if (bootmem !== undefined) markBootmem(owners, bootmem.start, bootmem.count, pageSize);
  let p1;
  try {
    const input = {
      src,
      table: options.frameTable,
      staged,
      xenFrames,
      streamPages: located.pages.length,
      mfnArrayStart: located.mfnArrayStart,
      pageShift,
      xenFramesClaimed: preclaimed,
      ...(options.wasm === undefined ? {} : { wasm: options.wasm }),
    };
    p1 = options.workers === undefined ? { ...pass1Frames(input), threads: 1 } : pass1Parallel(options.workers, input);
  } finally {
    // The bootmem is the new hypervisor's boot allocator, not a frame anyone owns after the restore.
    if (bootmem !== undefined) owners.fill(FRAME_FREE, bootmem.start, bootmem.start + bootmem.count);
  }
  const t3 = performance.now();

  let hvmSaveRecords: number;
  try {
    hvmSaveRecords = pass2HvmContext(src, staged);
  } catch (e) {
    p1.undo();
    throw e;
  }
  const t4 = performance.now();

  // Commit.
  for (const d of staged.domains) options.domains.push(d);
  const xenCount =
    xenFrames.length +
    countM2pFrames(staged.m2pEntries, pageShift) +
    countM2pFrames(staged.m2pCompatEntries, pageShift);
  return {
    domains: staged.domains,
    frames: p1.frames,
    xenFrames: xenCount,
    records: staged.records,
    hvmSaveRecords,
    streamBytes: staged.streamEnd,
    streamPages: located.pages.length,
    bytesCopied: src.bytesCopied - copiedBefore + staged.bytesCopied + p1.bytesCopied,
    xenVersion: staged.xenVersion,
    m2pEntries: staged.m2pEntries.length,
    m2pCompatEntries: staged.m2pCompatEntries.length,
    passes: { locate: locateMs, pass0: t2 - t1, pass1: t3 - t2, pass2: t4 - t3 },
    restoreMs: locateMs + (t4 - t1),
    claimPath: p1.claimPath,
    threads: p1.threads,
    poolStartupMs: options.workers?.startupMs,
  };
}

/**
 * Marks the bootmem frames for pass 1; a bootmem frame the caller's table already gives an owner is
 * refused (nothing is marked then), located at the frame's physical address.
 */
function markBootmem(owners: Uint16Array, start: number, count: number, pageSize: number): void {
  for (let f = start; f < start + count; f++) {
    const owner = owners[f];
    if (owner !== FRAME_FREE) {
      throw new RestoreError(
        "frame-owned",
        1,
        `bootmem frame ${f} is already owned by ${owner === undefined ? "nobody (outside the machine)" : ownerName(owner)}`,
        {
          offset: f * pageSize,
        },
      );
    }
  }
  owners.fill(BOOTMEM_OWNER, start, start + count);
}

/**
 * A stream that ends inside a record or without END at the end of its last page: the breadcrumb
 * promised fewer pages than the records need. Says so, naming the last page.
 */
function pastLastPage(e: unknown, pages: Uint32Array, pageSize: number): unknown {
  if (!(e instanceof RestoreError) || e.stage !== 0) return e;
  const cause = e.cause;
  if (!(cause instanceof TruncatedRecordError || cause instanceof MissingEndError)) return e;
  const n = pages.length;
  const err = new RestoreError(
    e.problem,
    0,
    `${withoutLocation(e)}: the stream runs past its last page (page ${n - 1}, frame ${pages[n - 1] ?? -1}; ${n} pages, ${n * pageSize} bytes)`,
    e.where,
    e.expected,
    e.actual,
  );
  err.cause = cause;
  return err;
}

function withoutLocation(e: RestoreError): string {
  const prefix = `${formatLocation(e.where)}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

function countM2pFrames(entries: readonly bigint[], pageShift: number): number {
  let n = 0;
  for (const e of entries) n += m2pPageFrames(e, pageShift);
  return n;
}
