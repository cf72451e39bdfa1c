/**
 * Opening a machine-memory image for `lu restore`, `lu dump --image` and `lu validate --image`, in
 * any of the shapes a host's memory is dumped in:
 *   - `elf`: an ELF64 core file (kdump `vmcore`, QEMU `dump-guest-memory`), PT_LOAD segments by
 *     physical address, holes absent (elf-layout.ts);
 *   - `raw`: a dump of physical memory from `--base ADDR` on (frames below it absent);
 *   - `flat`: byte offset = physical address (a raw dump from 0).
 * The format is detected from the file (the ELF magic, else flat, or raw when a base is given) and
 * can be forced. Frames are read lazily, one at a time, the first time something touches them;
 * the headers through a `FileSource`, so opening a 64 GiB vmcore reads its program headers only.
 *
 * Damage that leaves memory readable (a size that is not a whole number of pages, a segment cut
 * short, overlapping segments) is a list of located problems and the frames concerned are absent;
 * damage that leaves nothing readable is `fatal`.
 */
import { FileReadError } from "../../runtime/errors.js";
import { FileSource } from "../../runtime/file-source.js";
import type { FrameRange } from "../../runtime/machine-memory.js";
import { openMemoryImage, type ImageExtent, type MemoryImage } from "../../runtime/memory-image.js";
import type { WasmArena } from "../../runtime/wasm-arena.js";
import type { InspectProblem } from "../inspect/inspect-problem.js";
import { elfLayout, isElf } from "./elf-layout.js";

export type ImageFormat = "flat" | "raw" | "elf";

export interface ImageInputOptions {
  readonly pageSize: number;
  /** Force a format; default: detected (ELF magic, else raw with a base, else flat). */
  readonly format?: ImageFormat;
  /** Physical address of a raw dump's first octet (a multiple of the page size). */
  readonly base?: number;
  readonly reserved?: readonly FrameRange[];
  /** Read the frames into this WebAssembly arena (see `OpenMemoryImageOptions.arena`). */
  readonly arena?: WasmArena;
  /** Read frames into SharedArrayBuffers (a parallel restore's workers read them). */
  readonly shared?: boolean;
}

export interface ImageInput {
  readonly format: ImageFormat;
  /** Undefined when `fatal`. */
  readonly image: MemoryImage | undefined;
  /** Problems of the file itself, located at file offsets. */
  readonly problems: InspectProblem[];
  readonly fatal: boolean;
}

/** Whether the file starts with the ELF magic; a failing read is the file's I/O error. */
function detectElf(src: FileSource, path: string): boolean {
  try {
    return isElf(src);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(
      path,
      `cannot read its first octets to detect the format: ${e instanceof Error ? e.message : String(e)}`,
      { offset: 0 },
    );
  }
}

/** Frames a machine model can have (MachineMemory's limit). */
const MAX_FRAMES = 2 ** 28;

/** Usage trouble: an option that cannot apply (exit 2), as opposed to a damaged file (exit 1). */
export class ImageUsageError extends Error {}

/** Parses `--image-format`. */
export function parseImageFormat(text: string | undefined): ImageFormat | undefined {
  if (text === undefined || text === "auto") return undefined;
  if (text === "flat" || text === "raw" || text === "elf") return text;
  throw new ImageUsageError(`--image-format '${text}' is not auto, flat, raw or elf`);
}

/** Parses `--base` (decimal or 0x-hex octets, a multiple of the page size). */
export function parseBase(text: string | undefined, pageSize: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new ImageUsageError(`--base '${text}' is not a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new ImageUsageError(`--base '${text}' is too large`);
  if (n % pageSize !== 0)
    throw new ImageUsageError(`--base ${text} is not a multiple of the ${pageSize}-byte page size`);
  return n;
}

/**
 * Opens `path` as a memory image. Throws `ImageUsageError` for options that do not fit the file,
 * and the file system's error when the file cannot be opened.
 */
export function openImageInput(path: string, options: ImageInputOptions): ImageInput {
  const ps = options.pageSize;
  const src = FileSource.open(path);
  let format: ImageFormat;
  let extents: ImageExtent[];
  let elfEnd = 0;
  const problems: InspectProblem[] = [];
  try {
    const size = src.byteLength;
    format = options.format ?? (detectElf(src, path) ? "elf" : options.base !== undefined ? "raw" : "flat");
    if (format === "elf") {
      if (options.base !== undefined)
        throw new ImageUsageError("--base is for raw dumps; an ELF core file places its segments itself");
      const layout = elfLayout(src, ps);
      problems.push(...layout.problems);
      if (layout.fatal) return { format, image: undefined, problems, fatal: true };
      extents = layout.extents;
      elfEnd = layout.endAddr;
    } else {
      if (format === "flat" && options.base !== undefined && options.base !== 0)
        throw new ImageUsageError("--base goes with a raw dump (--image-format raw), not a flat image");
      const base = format === "raw" ? (options.base ?? 0) : 0;
      if (size === 0) {
        problems.push({ offset: 0, kind: "image-empty", message: "the image file is empty" });
        return { format, image: undefined, problems, fatal: true };
      }
      const whole = Math.floor(size / ps) * ps;
      if (whole !== size) {
        problems.push({
          offset: whole,
          kind: "image-partial-page",
          message: `image size ${size} octets is not a whole number of ${ps}-octet pages: the last ${size - whole} octets (part of frame ${(base + whole) / ps}) are not read, that frame is absent`,
        });
      }
      extents = whole > 0 ? [{ physAddr: base, memBytes: whole, fileOffset: 0, fileBytes: whole }] : [];
      if (extents.length === 0) return { format, image: undefined, problems, fatal: true };
    }
    const last = extents[extents.length - 1];
    const endAddr = last === undefined ? 0 : last.physAddr + last.memBytes;
    // A partial final page of a flat or raw image counts as a frame of the machine (absent), so a
    // reference to it says "absent" rather than "outside the machine".
    const frameCount = Math.ceil(
      Math.max(endAddr, format === "elf" ? elfEnd : (options.base ?? 0) + src.byteLength) / ps,
    );
    if (frameCount > MAX_FRAMES) {
      problems.push({
        offset: 0,
        kind: "image-too-large",
        message: `the image spans ${frameCount} frames of ${ps} octets (up to physical ${`0x${endAddr.toString(16)}`}), above the limit of 2^28 frames`,
      });
      return { format, image: undefined, problems, fatal: true };
    }
    const image = openMemoryImage(path, {
      pageSize: ps,
      reserved: options.reserved ?? [],
      extents,
      frameCount,
      shared: options.shared ?? false,
      ...(options.arena === undefined ? {} : { arena: options.arena }),
    });
    return { format, image, problems, fatal: false };
  } finally {
    src.close();
  }
}
