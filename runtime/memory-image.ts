/**
 * Raw physical-memory image files: byte offset in the file = physical address. Writing leaves
 * holes where frames were never touched or are all zeros (the file is sparse on file systems that
 * support it); opening an image gives a `MachineMemory` that reads each frame from the file the
 * first time it is touched, so a restore reads only the pages it asks for.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { FileReadError } from "./errors.js";
import { MachineMemory, type FrameRange } from "./machine-memory.js";

export interface WrittenImage {
  /** Frames written (backed and not all zeros). */
  readonly framesWritten: number;
  /** Size of the image file: the whole physical address space. */
  readonly fileBytes: number;
}

/** Writes `memory` to `path` as a sparse raw image (overwrites the file). */
export function writeMemoryImage(memory: MachineMemory, path: string): WrittenImage {
  const fd = openSync(path, "w");
  let framesWritten = 0;
  try {
    for (const mfn of memory.backedFrames()) {
      const bytes = memory.frame(mfn);
      if (isAllZero(bytes)) continue;
      let done = 0;
      while (done < bytes.length) {
        done += writeSync(fd, bytes, done, bytes.length - done, mfn * memory.pageSize + done);
      }
      framesWritten++;
    }
    ftruncateSync(fd, memory.byteLength);
  } finally {
    closeSync(fd);
  }
  return { framesWritten, fileBytes: memory.byteLength };
}

export interface OpenMemoryImageOptions {
  /** Page size of the machine the image came from. Default 4096. */
  readonly pageSize?: number;
  /** Reserved regions (the bootmem) of that machine. */
  readonly reserved?: readonly FrameRange[];
}

/** A machine memory backed by an image file, read frame by frame on demand. */
export interface MemoryImage {
  readonly memory: MachineMemory;
  readonly path: string;
  /** Frames read from the file so far. */
  readonly framesRead: () => number;
  close(): void;
}

/** Opens a raw image; its size must be a whole number of pages. */
export function openMemoryImage(path: string, options: OpenMemoryImageOptions = {}): MemoryImage {
  const pageSize = options.pageSize ?? 4096;
  const fd = openSync(path, "r");
  let framesRead = 0;
  let closed = false;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileReadError(path, "is a directory, not a memory image");
    const size = stat.size;
    if (size === 0 || size % pageSize !== 0) {
      throw new FileReadError(path, `image size ${size} bytes is not a whole, non-zero number of ${pageSize}-byte pages`);
    }
    const memory = new MachineMemory({
      pageSize,
      frameCount: size / pageSize,
      reserved: options.reserved ?? [],
      fill: (mfn, bytes) => {
        if (closed) throw new FileReadError(path, "the memory image is closed", { offset: mfn * pageSize });
        let done = 0;
        while (done < bytes.length) {
          let n: number;
          try {
            n = readSync(fd, bytes, done, bytes.length - done, mfn * pageSize + done);
          } catch (e) {
            // An I/O error is the file's problem, reported like one (never a bare Node error).
            throw new FileReadError(path, `cannot read frame ${mfn}: ${e instanceof Error ? e.message : String(e)}`, { offset: mfn * pageSize + done });
          }
          if (n <= 0) throw new FileReadError(path, `image ended inside frame ${mfn}`, { offset: mfn * pageSize + done });
          done += n;
        }
        framesRead++;
      },
    });
    return {
      memory,
      path,
      framesRead: () => framesRead,
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

function isAllZero(bytes: Uint8Array): boolean {
  const words = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : bytes;
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}
