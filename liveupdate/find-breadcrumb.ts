/**
 * Finding the live update breadcrumb without being told where the bootmem is (`--bootmem auto`):
 * every page start of a range (the `liveupdate=` range when known, else the whole machine) is
 * compared with the breadcrumb magic, masked for the page size as schema/live-update.lu declares
 * LU_MAGIC (its low PAGE_SHIFT bits cleared). A page that starts with it is only a candidate: it is
 * accepted when its breadcrumb words are sound (runtime `readBreadcrumb`), the MFN array they point at
 * is present, its first entry names a present frame outside the array, and that frame starts with a
 * record header of the live update stream (a type the schema names or marks optional, a body that
 * fits the pages the breadcrumb counts). Deeper damage (a later MFN array entry, a later record) is
 * left to the restore, which reports it with its location once the breadcrumb is known.
 *
 * The scan reads runs of present frames 64 KiB at a time through `readPages`, which keeps nothing: a
 * read per page start would cost a system call per page (ten times slower on a sparse file, where
 * the kernel hands out zeros), a frame backed per page would cost the machine's size in memory.
 */
import { LU_MAGIC_UNMASKED, LU_STREAM_FORMAT } from "../generated/live-update.js";
import { readBreadcrumb } from "../runtime/breadcrumb.js";
import { LuDataError } from "../runtime/errors.js";
import type { FrameRange, MachineMemory } from "../runtime/machine-memory.js";
import { isOptionalType, readHeaderField } from "../runtime/record-framing.js";

/** Copies the present frames `[mfn, mfn + count)` into `into` (`count` pages long), keeping nothing. */
export type PageReader = (mfn: number, count: number, into: Uint8Array) => void;

export interface FindBreadcrumbOptions {
  /** Frames to scan (default: the whole machine). */
  readonly within?: FrameRange;
  /** How pages are read (default: `memory.read`, which backs the frames of a memory with a loader). */
  readonly readPages?: PageReader;
  /** Largest page count a breadcrumb may give (default: the machine's frames, at most 2^24). */
  readonly maxPages?: number;
  /** Called now and then while scanning: frames scanned so far, frames to scan. */
  readonly onProgress?: (scanned: number, total: number) => void;
}

export interface BreadcrumbCandidate {
  /** Frame whose first octets hold the magic. */
  readonly frame: number;
  readonly accepted: boolean;
  /** Why it was refused, or what was found when accepted. */
  readonly reason: string;
  /** Pages the breadcrumb counts (accepted candidates). */
  readonly nrPages?: number;
}

export interface FindBreadcrumbResult {
  /** The page starts holding the magic, in frame order, judged (at most `MAX_JUDGED`). */
  readonly candidates: readonly BreadcrumbCandidate[];
  /** Further page starts holding the magic, past `MAX_JUDGED`: counted, not judged. */
  readonly unjudged: number;
  /** The frames scanned: `[start, start + count)`. */
  readonly scanned: FrameRange;
  /** Frames of that range that are absent from the memory (holes of a dump), not read. */
  readonly absent: number;
}

/** The breadcrumb magic as stored by a host with `pageSize`-octet pages (schema LU_MAGIC, generalised). */
export function maskedMagic(pageSize: number): bigint {
  return LU_MAGIC_UNMASKED & ~BigInt(pageSize - 1) & 0xffff_ffff_ffff_ffffn;
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/**
 * The default reader, through `memory.read`: untouched frames of a plain machine read as zeros
 * without being backed; a memory with a loader (an image file) backs each frame it reads, so callers
 * scanning a large image pass the image's own `peek`.
 */
function memoryReader(memory: MachineMemory): PageReader {
  return (mfn, count, into) => into.set(memory.read(mfn * memory.pageSize, count * memory.pageSize));
}

/** Octets read at a time while scanning. */
const SCAN_CHUNK = 64 * 1024;

/**
 * Candidates judged at most: judging one reads three frames into the machine model, so an image
 * whose every page starts with the magic must not cost a frame per page.
 */
export const MAX_JUDGED = 64;

/** Checks the candidate at `frame`; returns why it is refused, or what it holds. */
function judge(memory: MachineMemory, frame: number, maxPages: number): BreadcrumbCandidate {
  const ps = memory.pageSize;
  const refuse = (reason: string): BreadcrumbCandidate => ({ frame, accepted: false, reason });
  let crumb;
  try {
    crumb = readBreadcrumb(memory, frame * ps, { maxPages, littleEndian: true });
  } catch (e) {
    if (e instanceof LuDataError) return refuse(e.message);
    throw e;
  }
  const arrayStart = crumb.mfnArrayPhysAddr / ps;
  const arrayFrames = Math.ceil((crumb.nrPages * 8) / ps);
  const arrayText = arrayFrames === 1 ? `frame ${arrayStart}` : `frames ${arrayStart}..${arrayStart + arrayFrames - 1}`;
  if (frame >= arrayStart && frame < arrayStart + arrayFrames)
    return refuse(`its MFN array (${arrayText}) holds the breadcrumb's own frame`);
  for (let f = arrayStart; f < arrayStart + arrayFrames; f++) {
    if (!memory.isPresent(f)) return refuse(`MFN array frame ${f} (of ${arrayText}) is absent from the memory`);
  }
  const entry = memory.read(crumb.mfnArrayPhysAddr, 8);
  const first = new DataView(entry.buffer, entry.byteOffset, 8).getBigUint64(0, true);
  if (first >= BigInt(memory.frameCount))
    return refuse(`MFN array entry 0 is frame ${first}, outside the machine (${memory.frameCount} frames)`);
  const page = Number(first);
  if (!memory.isPresent(page)) return refuse(`MFN array entry 0 is frame ${page}, absent from the memory`);
  if (page === frame || (page >= arrayStart && page < arrayStart + arrayFrames)) {
    return refuse(`MFN array entry 0 is frame ${page}, the breadcrumb's own frame or one of the array's`);
  }
  const fmt = LU_STREAM_FORMAT;
  const header = memory.read(page * ps, fmt.headerSize);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const type = readHeaderField(view, fmt.typeOffset, fmt.typeSize, fmt.littleEndian);
  const length = readHeaderField(view, fmt.lengthOffset, fmt.lengthSize, fmt.littleEndian);
  const name = fmt.recordNames.get(type);
  if (name === undefined && !isOptionalType(fmt, type)) {
    return refuse(
      `stream page 0 (frame ${page}) does not start with a ${fmt.name} record: type ${hex(type)} is not one the schema names`,
    );
  }
  const streamBytes = crumb.nrPages * ps;
  if (fmt.headerSize + length > streamBytes) {
    return refuse(
      `the first record (${name ?? hex(type)}, ${length} octets of body) is longer than the ${crumb.nrPages} stream page(s) the breadcrumb counts`,
    );
  }
  return {
    frame,
    accepted: true,
    nrPages: crumb.nrPages,
    reason: `MFN array at ${arrayText} lists ${crumb.nrPages} stream page(s); the first record is ${name ?? hex(type)} (${length} octets of body) in frame ${page}`,
  };
}

/** Scans the page starts of `options.within` (or the whole machine) for breadcrumbs and judges each. */
export function findBreadcrumb(memory: MachineMemory, options: FindBreadcrumbOptions = {}): FindBreadcrumbResult {
  const within = options.within ?? { start: 0, count: memory.frameCount };
  if (
    !(
      Number.isSafeInteger(within.start) &&
      Number.isSafeInteger(within.count) &&
      within.start >= 0 &&
      within.count >= 1 &&
      within.start + within.count <= memory.frameCount
    )
  ) {
    throw new RangeError(
      `the range to scan (${within.count} frames from ${within.start}) is not inside the machine (${memory.frameCount} frames)`,
    );
  }
  const magic = maskedMagic(memory.pageSize);
  const lo = Number(magic & 0xffff_ffffn);
  const hi = Number(magic >> 32n);
  const read = options.readPages ?? memoryReader(memory);
  const ps = memory.pageSize;
  const chunkFrames = Math.max(1, Math.floor(SCAN_CHUNK / ps));
  const buffer = new Uint8Array(chunkFrames * ps);
  const view = new DataView(buffer.buffer);
  const maxPages = options.maxPages ?? Math.min(memory.frameCount, 2 ** 24);
  const candidates: BreadcrumbCandidate[] = [];
  let unjudged = 0;
  let absent = 0;
  const end = within.start + within.count;
  const every = 1 << 16;
  let reported = -every;
  for (let f = within.start; f < end; ) {
    if (options.onProgress !== undefined && f - within.start >= reported + every) {
      reported = f - within.start;
      options.onProgress(reported, within.count);
    }
    if (!memory.isPresent(f)) {
      absent++;
      f++;
      continue;
    }
    // A run of present frames, up to a chunk.
    let n = 1;
    while (n < chunkFrames && f + n < end && memory.isPresent(f + n)) n++;
    read(f, n, n === chunkFrames ? buffer : buffer.subarray(0, n * ps));
    for (let k = 0; k < n; k++) {
      if (view.getUint32(k * ps, true) !== lo || view.getUint32(k * ps + 4, true) !== hi) continue;
      if (candidates.length < MAX_JUDGED) candidates.push(judge(memory, f + k, maxPages));
      else unjudged++;
    }
    f += n;
  }
  options.onProgress?.(within.count, within.count);
  return { candidates, unjudged, scanned: within, absent };
}

/** What the scan concluded: the one accepted frame, or why there is none. */
export type BreadcrumbVerdict =
  | { readonly kind: "found"; readonly frame: number; readonly candidate: BreadcrumbCandidate }
  | { readonly kind: "none" | "ambiguous"; readonly message: string };

/** "frames 16..31" or "frame 16". */
function rangeText(r: FrameRange): string {
  return r.count === 1 ? `frame ${r.start}` : `frames ${r.start}..${r.start + r.count - 1}`;
}

export function breadcrumbVerdict(result: FindBreadcrumbResult, pageSize: number): BreadcrumbVerdict {
  const accepted = result.candidates.filter((c) => c.accepted);
  const only = accepted[0];
  const where = `${result.scanned.count - result.absent} page start(s) of ${rangeText(result.scanned)}${result.absent > 0 ? ` (${result.absent} absent frame(s) skipped)` : ""}`;
  if (result.unjudged > 0 && accepted.length <= 1) {
    // An unjudged one might be consistent too: one accepted candidate is not known to be the only one.
    return {
      kind: "ambiguous",
      message: `${result.candidates.length + result.unjudged} of the ${where} hold the live update magic; only the first ${result.candidates.length} were judged (${accepted.length} consistent): give the liveupdate= range with --bootmem auto:FRAME:COUNT, or the bootmem with --bootmem FRAME[:COUNT]`,
    };
  }
  if (accepted.length === 1 && only !== undefined) return { kind: "found", frame: only.frame, candidate: only };
  if (accepted.length > 1) {
    const list = accepted.map((c) => `frame ${c.frame} (${c.nrPages ?? 0} pages)`).join(", ");
    return {
      kind: "ambiguous",
      message: `${accepted.length} consistent breadcrumbs in ${where}: ${list}; give the bootmem with --bootmem FRAME[:COUNT]`,
    };
  }
  const magic = hex(maskedMagic(pageSize));
  if (result.candidates.length === 0)
    return { kind: "none", message: `no breadcrumb found: none of ${where} holds the live update magic ${magic}` };
  const refused = result.candidates.map((c) => `frame ${c.frame}: ${c.reason}`).join("; ");
  return {
    kind: "none",
    message: `no consistent breadcrumb in ${where}: ${result.candidates.length} page(s) start with the magic ${magic} but were refused (${refused})`,
  };
}
