/**
 * Physical-memory image files. The flat kind has byte offset in the file = physical address;
 * writing one leaves holes where frames were never touched or are all zeros (the file is sparse on
 * file systems that support it). Other layouts (an ELF core file's PT_LOAD segments, a raw dump
 * taken from a base address) are given as extents: physical ranges and where the file holds them.
 * Opening an image gives a `MachineMemory` that reads each frame from the file the first time it is
 * touched, so a restore reads only the pages it asks for; frames no extent covers are absent.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { FileReadError } from "./errors.js";
import { MachineMemory, type FrameRange } from "./machine-memory.js";
import type { WasmArena } from "./wasm-arena.js";

export interface WrittenImage {
  /** Frames written (backed and not all zeros). */
  readonly framesWritten: number;
  /** Size of the image file: the whole physical address space. */
  readonly fileBytes: number;
}

export interface WriteMemoryImageOptions {
  /**
   * Physical address of the file's first octet (a multiple of the page size; default 0, the flat
   * layout): a raw dump of physical memory from `base` on. Frames below it must hold no data.
   */
  readonly base?: number;
}

/**
 * Writes `memory` to `path` as a sparse image: byte offset + `base` = physical address (overwrites
 * the file). Throws a RangeError, before writing anything, when `base` is not a page multiple inside
 * the machine or a frame below it holds data.
 */
export function writeMemoryImage(
  memory: MachineMemory,
  path: string,
  options: WriteMemoryImageOptions = {},
): WrittenImage {
  const base = options.base ?? 0;
  const ps = memory.pageSize;
  if (!(Number.isSafeInteger(base) && base >= 0 && base % ps === 0 && base < memory.byteLength)) {
    throw new RangeError(
      `base 0x${base.toString(16)} is not a multiple of the ${ps}-octet page size inside the machine (${memory.byteLength} octets)`,
    );
  }
  const firstFrame = base / ps;
  const frames = memory.backedFrames();
  for (const mfn of frames) {
    if (mfn >= firstFrame) break;
    if (!isAllZero(memory.frame(mfn))) {
      throw new RangeError(
        `frame ${mfn} (physical 0x${(mfn * ps).toString(16)}) holds data below the base 0x${base.toString(16)}: a raw dump from there would lose it`,
      );
    }
  }
  const fd = openSync(path, "w");
  let framesWritten = 0;
  try {
    for (const mfn of frames) {
      if (mfn < firstFrame) continue;
      const bytes = memory.frame(mfn);
      if (isAllZero(bytes)) continue;
      let done = 0;
      while (done < bytes.length) {
        done += writeSync(fd, bytes, done, bytes.length - done, mfn * ps - base + done);
      }
      framesWritten++;
    }
    ftruncateSync(fd, memory.byteLength - base);
  } finally {
    closeSync(fd);
  }
  return { framesWritten, fileBytes: memory.byteLength - base };
}

/** A physical range of memory and where an image file holds it. */
export interface ImageExtent {
  /** Physical address of the first octet (a multiple of the page size). */
  readonly physAddr: number;
  /** Octets of memory the extent covers. */
  readonly memBytes: number;
  /** File offset of the first octet. */
  readonly fileOffset: number;
  /** Octets the file holds from `fileOffset` (at most `memBytes`); the rest reads as zeros. */
  readonly fileBytes: number;
}

export interface OpenMemoryImageOptions {
  /** Page size of the machine the image came from. Default 4096. */
  readonly pageSize?: number;
  /** Reserved regions (the bootmem) of that machine. */
  readonly reserved?: readonly FrameRange[];
  /**
   * How the file maps onto physical memory: extents sorted by address, not overlapping. A frame is
   * present when one extent covers all of it, absent otherwise. Default: the flat layout (the whole
   * file from physical address 0), whose size must then be a whole, non-zero number of pages.
   */
  readonly extents?: readonly ImageExtent[];
  /** Frames in the machine. Default: up to the end of the last extent. */
  readonly frameCount?: number;
  /**
   * Read the frames into this WebAssembly arena's memory (see `MachineMemoryOptions.arena`), where
   * a WebAssembly loop can use them in place. Default: ArrayBuffers of the memory's own.
   */
  readonly arena?: WasmArena;
  /** Frames read into SharedArrayBuffers (`MachineMemoryOptions.shared`), for a parallel restore. */
  readonly shared?: boolean;
}

/** A machine memory backed by an image file, read frame by frame on demand. */
export interface MemoryImage {
  readonly memory: MachineMemory;
  readonly path: string;
  /** Frames read from the file so far. */
  readonly framesRead: () => number;
  /**
   * Copies `into.length` octets the file holds from physical address `physAddr` on (present frames
   * only) without backing any frame: a scan that looks at every frame once (the start of each page,
   * for the breadcrumb) keeps nothing. Throws `FileReadError` for an absent frame or an I/O failure.
   */
  readonly peek: (physAddr: number, into: Uint8Array) => void;
  close(): void;
}

/**
 * The frames `extents` leave uncovered (wholly or in part) in `[0, frameCount)`, as ranges.
 */
export function absentFrames(extents: readonly ImageExtent[], pageSize: number, frameCount: number): FrameRange[] {
  const out: FrameRange[] = [];
  let next = 0; // first frame not yet known to be covered
  for (const e of extents) {
    const first = Math.ceil(e.physAddr / pageSize);
    const end = Math.floor((e.physAddr + e.memBytes) / pageSize);
    if (first >= end) continue;
    if (first > next) out.push({ start: next, count: Math.min(first, frameCount) - next });
    next = Math.max(next, end);
    if (next >= frameCount) break;
  }
  if (next < frameCount) out.push({ start: next, count: frameCount - next });
  return out.filter((r) => r.count > 0);
}

/** Opens an image: flat by default, or laid out by `options.extents`. */
export function openMemoryImage(path: string, options: OpenMemoryImageOptions = {}): MemoryImage {
  const pageSize = options.pageSize ?? 4096;
  const fd = openSync(path, "r");
  let framesRead = 0;
  let closed = false;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileReadError(path, "is a directory, not a memory image");
    const size = stat.size;
    let extents = options.extents;
    if (extents === undefined) {
      if (size === 0 || size % pageSize !== 0) {
        throw new FileReadError(
          path,
          `image size ${size} bytes is not a whole, non-zero number of ${pageSize}-byte pages`,
        );
      }
      extents = [{ physAddr: 0, memBytes: size, fileOffset: 0, fileBytes: size }];
    }
    const last = extents[extents.length - 1];
    const frameCount =
      options.frameCount ?? (last === undefined ? 0 : Math.ceil((last.physAddr + last.memBytes) / pageSize));
    const list = extents;
    // The extent a frame lies in: the last one found is tried first (a restore reads runs of frames).
    let hint = 0;
    const extentOf = (phys: number): ImageExtent | undefined => {
      const h = list[hint];
      if (h !== undefined && phys >= h.physAddr && phys < h.physAddr + h.memBytes) return h;
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const e = list[mid] as ImageExtent;
        if (phys < e.physAddr) hi = mid - 1;
        else if (phys >= e.physAddr + e.memBytes) lo = mid + 1;
        else {
          hint = mid;
          return e;
        }
      }
      return undefined;
    };
    const memory = new MachineMemory({
      pageSize,
      frameCount,
      reserved: options.reserved ?? [],
      shared: options.shared ?? false,
      absent: options.extents === undefined ? [] : absentFrames(list, pageSize, frameCount),
      ...(options.arena === undefined ? {} : { arena: options.arena }),
      fill: (mfn, bytes) => {
        if (closed) throw new FileReadError(path, "the memory image is closed", { offset: mfn * pageSize });
        const phys = mfn * pageSize;
        const e = extentOf(phys);
        if (e === undefined)
          throw new FileReadError(path, `frame ${mfn} is in no extent of the image`, { offset: phys });
        const inExtent = phys - e.physAddr;
        // Octets of this frame the file holds; the rest of the frame stays zero.
        const held = Math.max(0, Math.min(pageSize, e.fileBytes - inExtent));
        const at = e.fileOffset + inExtent;
        let done = 0;
        while (done < held) {
          let n: number;
          try {
            n = readSync(fd, bytes, done, held - done, at + done);
          } catch (err) {
            // An I/O error is the file's problem, reported like one (never a bare Node error).
            throw new FileReadError(
              path,
              `cannot read frame ${mfn}: ${err instanceof Error ? err.message : String(err)}`,
              { offset: at + done },
            );
          }
          if (n <= 0) throw new FileReadError(path, `image ended inside frame ${mfn}`, { offset: at + done });
          done += n;
        }
        framesRead++;
      },
    });
    const peek = (physAddr: number, into: Uint8Array): void => {
      let done = 0;
      while (done < into.length) {
        const at = physAddr + done;
        const mfn = Math.floor(at / pageSize);
        const e = extentOf(at);
        if (e === undefined || !memory.isPresent(mfn))
          throw new FileReadError(path, `frame ${mfn} is absent from the image`, { offset: at });
        if (closed) throw new FileReadError(path, "the memory image is closed", { offset: at });
        const inExtent = at - e.physAddr;
        const n = Math.min(into.length - done, e.memBytes - inExtent);
        // Octets the file holds; the rest of the extent reads as zeros.
        const held = Math.max(0, Math.min(n, e.fileBytes - inExtent));
        into.fill(0, done + held, done + n);
        let got = 0;
        while (got < held) {
          let k: number;
          try {
            k = readSync(fd, into, done + got, held - got, e.fileOffset + inExtent + got);
          } catch (err) {
            throw new FileReadError(
              path,
              `cannot read frame ${mfn}: ${err instanceof Error ? err.message : String(err)}`,
              { offset: e.fileOffset + inExtent + got },
            );
          }
          if (k <= 0)
            throw new FileReadError(path, `image ended inside frame ${Math.floor((at + got) / pageSize)}`, {
              offset: e.fileOffset + inExtent + got,
            });
          got += k;
        }
        done += n;
      }
    };
    return {
      memory,
      path,
      framesRead: () => framesRead,
      peek,
      close: () => {
        if (!closed) closeSync(fd);
        closed = true;
      },
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** True when every octet of `bytes` is zero (a frame a sparse writer leaves as a hole). */
export function isAllZero(bytes: Uint8Array): boolean {
  const words =
    bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0
      ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
      : bytes;
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}
