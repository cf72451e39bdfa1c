/**
 * The new hypervisor's side: find the stream through the breadcrumb, vmap it, and restore in the
 * passes of the live update design:
 *   pass 0: create each domain from LU_DOMAIN_INFO and its HVM params;
 *   pass 1: page ownership into the frame table;
 *   pass 2: the remaining domain state (HVM_CONTEXT save records, as zero-copy references).
 *
 * All-or-nothing: domains are staged and appended to the caller's list only when every pass has
 * succeeded; pass 1 writes the caller's frame table in place and undoes itself on any failure (no
 * undo log: see pass1-frames.ts). A failure throws one `RestoreError` naming the first problem.
 */
import type { ByteSource } from "../runtime/byte-view.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { vmap } from "../runtime/vmap.js";
import type { FrameTable } from "./frame-table.js";
import { locateStream, type LocatedStream } from "./locate-stream.js";
import { m2pPageFrames } from "./m2p-pages.js";
import { pass0Domains } from "./passes/pass0-domains.js";
import { pass1Frames } from "./passes/pass1-frames.js";
import { pass2HvmContext } from "./passes/pass2-hvm-context.js";
import { RestoreError } from "./restore-error.js";
import type { RestoreResult } from "./restore-result.js";
import type { RestoredDomain } from "./restored-domain.js";

export interface RestoreOptions {
  /** First frame of the live update bootmem (where the breadcrumb is). */
  readonly bootmem: number;
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
}

export function restore(memory: MachineMemory, options: RestoreOptions): RestoreResult {
  const t0 = performance.now();
  const pageSize = options.pageSize ?? memory.pageSize;
  if (pageSize !== memory.pageSize) {
    throw new RestoreError("breadcrumb", "locate", `page size ${pageSize} does not match the memory's ${memory.pageSize}`);
  }
  if (options.frameTable.frameCount !== memory.frameCount) {
    throw new RangeError(`frame table has ${options.frameTable.frameCount} entries; the machine has ${memory.frameCount} frames`);
  }
  const located = locateStream(memory, options.bootmem, options.maxPages ?? 2 ** 24);
  const src = vmap(memory, located.pages);
  return restoreStream(src, located, { ...options, pageSize }, performance.now() - t0);
}

/**
 * The passes over an already located stream held in `src` (the vmap, or the same bytes gathered
 * into one buffer). `locateMs` is added to the timings as the locate stage.
 */
export function restoreStream(
  src: ByteSource,
  located: LocatedStream,
  options: Omit<RestoreOptions, "bootmem">,
  locateMs = 0,
): RestoreResult {
  const t1 = performance.now();
  const copiedBefore = src.bytesCopied;
  const pageShift = Math.log2(options.pageSize ?? 4096);

  const staged = pass0Domains(src, {
    strict: options.strict ?? true,
    existingDomainIds: new Set(options.domains.map((d) => d.domainId)),
    pageShift,
  });
  const t2 = performance.now();

  const xenFrames = new Uint32Array(located.pages.length + located.mfnArrayFrames);
  xenFrames.set(located.pages);
  for (let f = 0; f < located.mfnArrayFrames; f++) xenFrames[located.pages.length + f] = located.mfnArrayStart + f;
  const p1 = pass1Frames({ src, table: options.frameTable, staged, xenFrames,
    streamPages: located.pages.length,
    mfnArrayStart: located.mfnArrayStart,
    pageShift,
  });
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
  const xenCount = xenFrames.length + countM2pFrames(staged.m2pEntries, pageShift) + countM2pFrames(staged.m2pCompatEntries, pageShift);
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
  };
}

function countM2pFrames(entries: readonly bigint[], pageShift: number): number {
  let n = 0;
  for (const e of entries) n += m2pPageFrames(e, pageShift);
  return n;
}
