/**
 * Pass 1: page ownership into the frame table. The hypervisor's own frames (stream pages, MFN
 * array, M2P pages) are claimed for Xen first; then each LU_DOMAIN_PAGES list is walked page
 * segment by page segment as 32-bit word pairs over the stream's own memory (no copy), and every
 * frame is checked: inside the machine, not owned yet.
 *
 * On failure the pass undoes exactly what it did (the frames it claimed were all free before, so
 * replaying the same walk up to the failing entry and freeing them restores the table) and throws.
 * Success costs nothing extra: there is no undo log.
 */
import type { ByteSource } from "../../runtime/byte-view.js";
import { DOMID_XEN, FRAME_FREE, type FrameTable } from "../frame-table.js";
import { RestoreError } from "../restore-error.js";
import { LU_STREAM_FORMAT, LU_STREAM_RECORD_NAMES, LuDomainPages, LuM2pEntry } from "../../generated/live-update.js";
import { m2pFirstFrame, m2pOrder, m2pPageFrames } from "../m2p-pages.js";
import type { RecordRef, StagedRestore } from "./record-plan.js";
import { claim, release } from "./claim-frames.js";
import { ownerName } from "../frame-owner.js";
import { U32RunWalker } from "./u32-runs.js";
import { wasmClaimLoop, type WasmClaimLoop } from "./claim-frames-engine.js";
import { VmapSource } from "../../runtime/vmap.js";

/** Octets of a record header, and of one LU_DOMAIN_PAGES entry (a u64 MFN). */
const HEADER = LU_STREAM_FORMAT.headerSize;
const MFN_SIZE = 8;

export interface Pass1Input {
  readonly src: ByteSource;
  readonly table: FrameTable;
  readonly staged: StagedRestore;
  /** Frames the hypervisor uses (the stream pages, then the MFN array): claimed for Xen. */
  readonly xenFrames: ArrayLike<number>;
  /** How many of `xenFrames` are stream pages (the rest are MFN array frames). */
  readonly streamPages: number;
  /** First frame of the MFN array (to locate a bad stream page at its entry). */
  readonly mfnArrayStart: number;
  readonly pageShift: number;
  /**
   * The locate stage has claimed `xenFrames` for Xen already (and releases them itself on a
   * failure): pass 1 then starts with the M2P pages.
   */
  readonly xenFramesClaimed?: boolean;
  /**
   * Claim the domains' frames with the WebAssembly loop when it can work in place (default true):
   * the frame table and the stream's pages in one arena. False, or anything else, uses the
   * JavaScript loop; both give the same table, errors and undo.
   */
  readonly wasm?: boolean;
}

/** Which claim loop pass 1 ran: WebAssembly over the arena, or JavaScript. */
export type ClaimPath = "wasm" | "js";

export interface Pass1Result {
  frames: number;
  bytesCopied: number;
  claimPath: ClaimPath;
  /** Undoes the pass (used when a later pass fails). */
  undo(): void;
}

export function pass1Frames(input: Pass1Input): Pass1Result {
  const { src, table, staged } = input;
  const owners = table.owners;
  // Frames claimed for Xen, in order, so a failure can free exactly those (sized up front: the
  // stream pages and MFN array, plus every M2P page's frames).
  const m2pLists = [
    { entries: staged.m2pEntries, ref: staged.m2pRecord, name: "LU_M2P", what: "M2P" },
    { entries: staged.m2pCompatEntries, ref: staged.m2pCompatRecord, name: "LU_M2P_COMPAT", what: "compat M2P" },
  ];
  let m2pFrames = 0;
  for (const list of m2pLists) for (const e of list.entries) m2pFrames += m2pPageFrames(e, input.pageShift);
  const xenClaimed = new Uint32Array(input.xenFrames.length + Math.min(m2pFrames, owners.length));
  let xenCount = 0;
  const walker = new U32RunWalker();
  const pages = new LuDomainPages();
  let frames = 0;
  // How far the walk got: records [0, doneRecords) fully, then `partial` entries of the next.
  let doneRecords = 0;
  // The WebAssembly loop, when the table and the stream's pages share its memory.
  const arena = table.arena;
  const loop: WasmClaimLoop | undefined =
    input.wasm !== false && arena !== undefined && src instanceof VmapSource && src.memory.arena === arena
      ? wasmClaimLoop(arena)
      : undefined;
  const tableAt = table.owners.byteOffset;
  /** Claims words[from..to) for domid; returns the word index of the first bad entry, or -1. */
  const claimRun = (words: Uint32Array, from: number, to: number, domid: number): number => {
    if (loop === undefined || !(arena as NonNullable<typeof arena>).owns(words.buffer))
      return claim(words, from, to, owners, domid);
    const at = loop.claim(from * 4, to * 4, tableAt, owners.length, domid);
    return at < 0 ? -1 : at >>> 2;
  };
  const releaseRun = (words: Uint32Array, from: number, to: number): void => {
    if (loop === undefined || !(arena as NonNullable<typeof arena>).owns(words.buffer))
      release(words, from, to, owners);
    else loop.release(from * 4, to * 4, tableAt);
  };

  const undo = (partialEntries: number): void => {
    for (let k = 0; k <= doneRecords && k < staged.pageRecords.length; k++) {
      const ref = staged.pageRecords[k];
      if (ref === undefined) break;
      const limit = k < doneRecords ? pages.wrap(src, ref.offset + HEADER, ref.bodyLength).count : partialEntries;
      if (limit <= 0) continue;
      walker.walk(src, mfnsOffset(ref), limit, (words, from, to) => {
        releaseRun(words, from, to);
        return true;
      });
    }
    for (let i = 0; i < xenCount; i++) owners[xenClaimed[i] ?? 0] = FRAME_FREE;
  };

  const claimXen = (mfn: number, what: string, where: RecordRef | undefined, offset: number | undefined): void => {
    if (!(mfn >= 0 && mfn < owners.length)) {
      undo(0);
      throw frameError(
        "frame-outside",
        `${what} frame ${mfn} is outside the machine (${owners.length} frames)`,
        where,
        offset,
      );
    }
    if (owners[mfn] !== FRAME_FREE) {
      undo(0);
      throw frameError(
        "frame-owned",
        `${what} frame ${mfn} is already owned by ${ownerName(owners[mfn] ?? 0)}`,
        where,
        offset,
      );
    }
    owners[mfn] = DOMID_XEN;
    xenClaimed[xenCount++] = mfn;
  };

  // Located like the locate stage does: a stream page at its MFN array entry, an MFN array
  // frame at its own physical address.
  const ps = 2 ** input.pageShift;
  // The message and location are only worked out for a frame that cannot be claimed: per frame
  // they would be a string and a heap number each, megabytes of garbage on a large stream.
  for (let i = input.xenFramesClaimed === true ? input.xenFrames.length : 0; i < input.xenFrames.length; i++) {
    const mfn = input.xenFrames[i] ?? -1;
    if (mfn >= 0 && mfn < owners.length && owners[mfn] === FRAME_FREE) {
      owners[mfn] = DOMID_XEN;
      xenClaimed[xenCount++] = mfn;
      continue;
    }
    const stream = i < input.streamPages;
    claimXen(
      mfn,
      stream ? `stream page ${i}:` : "MFN array",
      undefined,
      stream ? input.mfnArrayStart * ps + 8 * i : mfn * ps,
    );
  }
  // M2P pages (pass 0 checked every order): a discontiguity marker (order 0) covers no frame.
  for (const list of m2pLists) {
    list.entries.forEach((e, i) => {
      const count = m2pPageFrames(e, input.pageShift);
      if (count === 0) return;
      const first = m2pFirstFrame(e, input.pageShift);
      const at = list.ref === undefined ? undefined : list.ref.offset + HEADER + LuM2pEntry.SIZE * i;
      if (first + count > owners.length) {
        undo(0);
        throw frameError(
          "frame-outside",
          `${list.name} page at frame ${first} (order ${m2pOrder(e)}) runs outside the machine`,
          list.ref,
          at,
        );
      }
      for (let f = first; f < first + count; f++) claimXen(f, list.what, list.ref, at);
    });
  }

  for (const ref of staged.pageRecords) {
    const d = staged.domains[ref.domain];
    if (d === undefined) throw new Error("pass 0 recorded LU_DOMAIN_PAGES without a domain");
    // Pass 0 checked the body (count fits exactly, reserved zero in strict mode) through the same class.
    const count = pages.wrap(src, ref.offset + HEADER, ref.bodyLength).count;
    const need = LuDomainPages.SIZE + MFN_SIZE * count;
    if (need !== ref.bodyLength) {
      undo(0);
      throw frameError(
        "domain-pages",
        `LU_DOMAIN_PAGES count ${count} needs ${need} bytes; body is ${ref.bodyLength}`,
        ref,
        ref.offset + HEADER,
      );
    }
    const domid = d.domainId;
    let failedRunFirst = 0;
    let bad = -1;
    let badLo = 0;
    let badHi = 0;
    let badOwner = FRAME_FREE;
    walker.walk(src, mfnsOffset(ref), count, (words, from, to, first) => {
      const w = claimRun(words, from, to, domid);
      if (w < 0) return true;
      bad = first + (w - from) / 2;
      badLo = words[w] ?? 0;
      badHi = words[w + 1] ?? 0;
      // Read the owner before the release below: the frame may be one this very run claimed.
      badOwner = badHi === 0 && badLo < owners.length ? (owners[badLo] ?? FRAME_FREE) : FRAME_FREE;
      // Free what this run claimed before the bad entry; earlier runs are undone below.
      releaseRun(words, from, w);
      failedRunFirst = first;
      return false;
    });
    if (bad >= 0) {
      const lo = badLo;
      const hi = badHi;
      const mfn = hi * 2 ** 32 + lo;
      const at = mfnsOffset(ref) + MFN_SIZE * bad;
      const outside = hi !== 0 || lo >= owners.length;
      const owner = badOwner;
      // Entries before the failing run are still claimed; undo() frees them and every earlier record.
      undo(failedRunFirst);
      if (outside) {
        throw frameError(
          "frame-outside",
          `frame ${mfn} of domain ${domid} is outside the machine (${owners.length} frames)`,
          ref,
          at,
        );
      }
      throw frameError(
        "frame-owned",
        `frame ${mfn} of domain ${domid} is already owned by ${ownerName(owner)}`,
        ref,
        at,
      );
    }
    d.frames += count;
    frames += count;
    doneRecords++;
  }
  return {
    frames,
    bytesCopied: walker.bytesCopied,
    claimPath: loop === undefined ? "js" : "wasm",
    undo: () => undo(0),
  };
}

/** Stream offset of an LU_DOMAIN_PAGES record's first MFN. */
function mfnsOffset(ref: RecordRef): number {
  return ref.offset + HEADER + LuDomainPages.MFNS_OFFSET;
}

function frameError(
  problem: "frame-outside" | "frame-owned" | "domain-pages",
  message: string,
  ref: RecordRef | undefined,
  offset: number | undefined,
): RestoreError {
  if (ref === undefined) return new RestoreError(problem, 1, message, offset === undefined ? {} : { offset });
  const name = LU_STREAM_RECORD_NAMES.get(ref.type);
  return new RestoreError(problem, 1, message, {
    offset: offset ?? ref.offset,
    recordIndex: ref.index,
    recordType: ref.type,
    ...(name === undefined ? {} : { recordName: name }),
  });
}
