/**
 * The old hypervisor's side: serialise a host (`HostSpec`) into a live update stream scattered over
 * machine memory, the way docs/specs/live-update-handover.pandoc lays it out:
 *
 *   LU_VERSION, LU_M2P, then per domain LU_DOMAIN_INFO, HVM_PARAMS, HVM_CONTEXT (HVM save records),
 *   LU_DOMAIN_PAGES; END. Data pages anywhere outside the bootmem, a physically contiguous MFN array
 *   listing them, and the breadcrumb in the first words of the bootmem.
 *
 * Frame placement is seeded: a shuffle hands out the guest frames first, then the runtime's
 * PagedRecordWriter allocates the stream pages from what is left and the MFN array from a run kept
 * free for it; every run with the same spec gives the same image. Guest frames are not
 * materialised; only the stream pages, the MFN array and the breadcrumb frame are.
 */
import type { WasmArena } from "../runtime/wasm-arena.js";
import { MachineMemory } from "../runtime/machine-memory.js";
import { extentFrames, guestFrameCount, checkHostSpec, DEFAULT_HOST_SPEC, type HostSpec } from "./host-spec.js";
import { contextBytes, planHvmContext, type HvmRecordPlan } from "./hvm-context-plan.js";
import type { SavedDomain } from "./saved-domain.js";
import { SeededRandom } from "../runtime/seeded-random.js";
import { fillRandom, randomU64 } from "./random-fill.js";
import {
  LU_DOMAIN_TYPE,
  LU_DOMCTL_CDF,
  LU_EXTRA_FLAGS,
  LU_STREAM_FORMAT,
  LuDomainInfo,
  LuDomainPages,
  LuM2pEntry,
  LuVersion,
} from "../generated/live-update.js";
import { XcHvmParam, XcHvmParams } from "../generated/libxc-stream.js";
import { recordLength } from "../runtime/record-framing.js";
import { m2pEntry } from "./m2p-pages.js";
import { writeStream } from "./stream-writer.js";

/** Each M2P page listed in LU_M2P is 2^9 machine frames (2 MiB with 4 KiB pages). */
export const M2P_PAGE_FRAMES_LOG2 = 9;

/** Header + body + padding of a record with `bodyLength` octets of body. */
function recordSpan(bodyLength: number): number {
  return recordLength(LU_STREAM_FORMAT, bodyLength);
}

export interface SavedHost {
  readonly spec: HostSpec;
  readonly memory: MachineMemory;
  readonly pageSize: number;
  readonly frameCount: number;
  readonly bootmemStart: number;
  readonly bootmemFrames: number;
  /** Stream length in bytes, up to and including the END record. */
  readonly streamBytes: number;
  /** Frames of the stream pages, in stream order. */
  readonly streamFrames: Uint32Array;
  /** First frame of the physically contiguous MFN array, and its length in frames. */
  readonly mfnArrayStart: number;
  readonly mfnArrayFrames: number;
  /** LU_M2P entries (page address | order). */
  readonly m2pEntries: readonly bigint[];
  readonly domains: readonly SavedDomain[];
  /** Records in the stream, END included. */
  readonly records: number;
}

/** Where everything goes, before any byte is written. */
export interface SaveLayout {
  readonly hvmPlan: readonly HvmRecordPlan[];
  readonly hvmContextLength: number;
  readonly streamBytes: number;
  readonly streamPages: number;
  readonly mfnArrayFrames: number;
  readonly m2pStart: number;
  readonly m2pPages: number;
  readonly frameCount: number;
}

export function planLayout(spec: HostSpec): SaveLayout {
  const hvmPlan = planHvmContext(spec.vcpus, spec.hvmContextBytes);
  const hvmContextLength = contextBytes(hvmPlan);
  const perDomain =
    recordSpan(LuDomainInfo.SIZE) +
    recordSpan(XcHvmParams.SIZE + XcHvmParam.SIZE * spec.hvmParams) +
    recordSpan(hvmContextLength) +
    recordSpan(LuDomainPages.SIZE + 8 * spec.framesPerDomain);
  const m2pFramesPerPage = 2 ** M2P_PAGE_FRAMES_LOG2;
  let m2pPages = 0;
  for (;;) {
    const streamBytes =
      recordSpan(LuVersion.SIZE) + recordSpan(LuM2pEntry.SIZE * m2pPages) + spec.domains * perDomain + recordSpan(0);
    const streamPages = Math.ceil(streamBytes / spec.pageSize);
    const mfnArrayFrames = Math.ceil((streamPages * 8) / spec.pageSize);
    // With extents, the bootmem and the MFN array each spoil at most two extents, and the last
    // extent below the M2P may be cut short: room for four more keeps every guest frame placeable.
    const extent = extentFrames(spec);
    const extentSlack = extent > 1 ? 4 * extent : 0;
    const below =
      spec.bootmemStart +
      spec.bootmemFrames +
      guestFrameCount(spec) +
      extentSlack +
      streamPages +
      mfnArrayFrames +
      spec.spareFrames;
    const m2pStart = Math.ceil(below / m2pFramesPerPage) * m2pFramesPerPage;
    // The M2P has one 8-byte entry per machine frame, itself included.
    const need = Math.ceil(((m2pStart + m2pPages * m2pFramesPerPage) * 8) / (spec.pageSize * m2pFramesPerPage));
    if (need <= m2pPages) {
      return {
        hvmPlan,
        hvmContextLength,
        streamBytes,
        streamPages,
        mfnArrayFrames,
        m2pStart,
        m2pPages,
        frameCount: m2pStart + m2pPages * m2pFramesPerPage,
      };
    }
    m2pPages = need;
  }
}

/**
 * The guest frames, domain after domain (its first `guestFrameCount(spec)` entries; the rest of
 * the array is unused). Frames outside the bootmem, the MFN array run and the M2P are shuffled with
 * the seed: one by one when the spec's extent is 1, else as aligned extents of that many frames
 * (each extent wholly free), listed in ascending order inside an extent.
 */
function placeGuestFrames(spec: HostSpec, layout: SaveLayout, mfnArrayRun: number, rng: SeededRandom): Uint32Array {
  const guest = guestFrameCount(spec);
  const lowFree = spec.bootmemStart + spec.bootmemFrames;
  const usable = (first: number, count: number): boolean =>
    first + count <= layout.m2pStart &&
    (first + count <= spec.bootmemStart || first >= lowFree) &&
    (first + count <= mfnArrayRun || first >= mfnArrayRun + layout.mfnArrayFrames);
  const extent = extentFrames(spec);
  if (extent === 1) {
    // Every other frame outside the bootmem and the M2P is in the pool; shuffle the part we use.
    const pool = new Uint32Array(layout.m2pStart - spec.bootmemFrames - layout.mfnArrayFrames);
    let n = 0;
    for (let f = 0; f < layout.m2pStart; f++) if (usable(f, 1)) pool[n++] = f;
    shufflePrefix(pool, guest, rng);
    return pool;
  }
  const extents = new Uint32Array(Math.floor(layout.m2pStart / extent));
  let n = 0;
  for (let e = 0; e < extents.length; e++) if (usable(e * extent, extent)) extents[n++] = e;
  const need = Math.ceil(guest / extent);
  if (need > n) throw new RangeError(`host spec needs ${need} extents of ${extent} frames; the machine has ${n}`);
  shufflePrefix(extents.subarray(0, n), need, rng);
  const pool = new Uint32Array(need * extent);
  for (let i = 0; i < need; i++) {
    const first = (extents[i] ?? 0) * extent;
    for (let k = 0; k < extent; k++) pool[i * extent + k] = first + k;
  }
  return pool;
}

/** Fisher-Yates over the first `count` places of `a` (drawn from all of it). */
function shufflePrefix(a: Uint32Array, count: number, rng: SeededRandom): void {
  for (let i = 0; i < count; i++) {
    const j = i + rng.below(a.length - i);
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
}

/** Saves `spec` into a fresh sparse machine memory. */
export interface SaveOptions {
  /** Back the machine memory with this WebAssembly arena (see `MachineMemoryOptions.arena`). */
  readonly arena?: WasmArena;
  /** Back the machine memory with SharedArrayBuffers, for a parallel restore. Default false. */
  readonly sharedMemory?: boolean;
}

export function save(spec: HostSpec = DEFAULT_HOST_SPEC, options: SaveOptions = {}): SavedHost {
  checkHostSpec(spec);
  const layout = planLayout(spec);
  const rng = new SeededRandom(spec.seed);
  const pageShift = Math.log2(spec.pageSize);

  // Keep one contiguous run free for the MFN array (somewhere between the bootmem and the M2P).
  const lowFree = spec.bootmemStart + spec.bootmemFrames;
  const mfnArrayRun = lowFree + rng.below(layout.m2pStart - lowFree - layout.mfnArrayFrames + 1);

  const guest = guestFrameCount(spec);
  const pool = placeGuestFrames(spec, layout, mfnArrayRun, rng);

  const domains: SavedDomain[] = [];
  for (let d = 0; d < spec.domains; d++) {
    const handle = new Uint8Array(16);
    fillRandom(rng, handle);
    handle[6] = ((handle[6] ?? 0) & 0x0f) | 0x40; // UUID version 4
    handle[8] = ((handle[8] ?? 0) & 0x3f) | 0x80;
    const params: Array<readonly [bigint, bigint]> = [];
    for (let p = 0; p < spec.hvmParams; p++) params.push([BigInt(p), randomU64(rng)]);
    domains.push({
      type: LU_DOMAIN_TYPE.x86_hvm,
      pageShift: 12,
      domainId: d + 1,
      handle,
      ssidref: rng.below(0x1000),
      // hvm | hap, every other one s3_integrity
      flags: LU_DOMCTL_CDF.hvm | LU_DOMCTL_CDF.hap | (d % 2 === 0 ? LU_DOMCTL_CDF.s3_integrity : 0),
      maxVcpus: spec.vcpus,
      emulationFlags: 0x3ff, // XEN_X86_EMU_ALL
      extraFlags: d === 0 ? LU_EXTRA_FLAGS.privileged : 0,
      params,
      frames: pool.subarray(d * spec.framesPerDomain, (d + 1) * spec.framesPerDomain),
      hvmRecords: layout.hvmPlan,
    });
  }

  const m2pEntries: bigint[] = [];
  for (let i = 0; i < layout.m2pPages; i++) {
    // The entry's order is log2 of the page's size in octets (live-update-handover.pandoc).
    const mfn = layout.m2pStart + i * 2 ** M2P_PAGE_FRAMES_LOG2;
    m2pEntries.push(m2pEntry(mfn, M2P_PAGE_FRAMES_LOG2 + pageShift, pageShift));
  }

  const memory = new MachineMemory({
    pageSize: spec.pageSize,
    frameCount: layout.frameCount,
    reserved: [{ start: spec.bootmemStart, count: spec.bootmemFrames, name: "bootmem" }],
    ...(options.arena === undefined ? {} : { arena: options.arena }),
    shared: options.sharedMemory ?? false,
  });
  // Guest frames first; the stream pages then come from what is left (the writer's allocator).
  for (let i = 0; i < guest; i++) memory.markAllocated(pool[i] ?? 0);
  for (let f = 0; f < layout.mfnArrayFrames; f++) memory.markAllocated(mfnArrayRun + f);
  for (let f = layout.m2pStart; f < layout.frameCount; f++) memory.markAllocated(f);
  const written = writeStream(memory, { spec, layout, domains, m2pEntries, mfnArrayRun, rng });

  return {
    spec,
    memory,
    pageSize: spec.pageSize,
    frameCount: layout.frameCount,
    bootmemStart: spec.bootmemStart,
    bootmemFrames: spec.bootmemFrames,
    streamBytes: layout.streamBytes,
    streamFrames: Uint32Array.from(written.mfns),
    mfnArrayStart: written.mfnArrayMfn,
    mfnArrayFrames: written.mfnArrayFrames,
    m2pEntries,
    domains,
    records: written.records,
  };
}
