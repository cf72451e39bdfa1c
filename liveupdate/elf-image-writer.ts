/**
 * Writing a machine's memory as an ELF64 core file, the shape a kdump `vmcore` or QEMU's
 * `dump-guest-memory` has: an ELF header, one PT_LOAD program header per run of frames that hold
 * data (placed by `p_paddr`), then the runs' octets, page-aligned. Frames no run covers are holes of
 * the dump; a machine whose every frame holds data is one contiguous segment. When the machine's last
 * frame holds nothing, a last PT_LOAD with `p_filesz` 0 and `p_memsz` one page keeps the machine's
 * size (ELF reads it as zeros). The headers are written through the accessors generated from
 * schema/elf-core.lu; more than 65534 segments put the count in section header 0 (PN_XNUM).
 */
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import {
  ELF_PN_XNUM,
  ELF_SEGMENT_FLAGS,
  ELF_SEGMENT_TYPE,
  ELF_TYPE,
  EM_X86_64,
  Elf64Ehdr,
  Elf64Phdr,
  Elf64Shdr,
} from "../generated/elf-core.js";
import { ContiguousSource } from "../runtime/contiguous-source.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { isAllZero } from "../runtime/memory-image.js";

/** A physical run of frames one PT_LOAD describes. */
export interface ElfSegmentPlan {
  readonly firstFrame: number;
  readonly frames: number;
  /** Frames of the run the file holds (the rest read as zeros): `frames`, or 0 for the size marker. */
  readonly fileFrames: number;
}

export interface WrittenElfImage {
  /** Frames written with data (backed and not all zeros). */
  readonly framesWritten: number;
  /** Size of the ELF file. */
  readonly fileBytes: number;
  /** PT_LOAD segments. */
  readonly segments: number;
}

/** The PT_LOAD runs for `memory`: maximal runs of backed frames, plus the size marker if needed. */
export function planElfSegments(memory: MachineMemory): ElfSegmentPlan[] {
  const runs: ElfSegmentPlan[] = [];
  let start = -1;
  let prev = -2;
  for (const mfn of memory.backedFrames()) {
    if (mfn !== prev + 1) {
      if (start >= 0) runs.push({ firstFrame: start, frames: prev - start + 1, fileFrames: prev - start + 1 });
      start = mfn;
    }
    prev = mfn;
  }
  if (start >= 0) runs.push({ firstFrame: start, frames: prev - start + 1, fileFrames: prev - start + 1 });
  const last = memory.frameCount - 1;
  if (prev !== last) runs.push({ firstFrame: last, frames: 1, fileFrames: 0 });
  return runs;
}

/** Octets before the first segment: headers (and section header 0 under PN_XNUM), page-aligned. */
function headerBytes(segments: number, pageSize: number): number {
  const xnum = segments >= ELF_PN_XNUM;
  const raw = Elf64Ehdr.SIZE + segments * Elf64Phdr.SIZE + (xnum ? Elf64Shdr.SIZE : 0);
  return Math.ceil(raw / pageSize) * pageSize;
}

/** The ELF header, program headers (and section header 0) for `plan`, as bytes. */
export function elfHeaders(plan: readonly ElfSegmentPlan[], pageSize: number): Uint8Array {
  const n = plan.length;
  const xnum = n >= ELF_PN_XNUM;
  const phoff = Elf64Ehdr.SIZE;
  const shoff = phoff + n * Elf64Phdr.SIZE;
  const bytes = new Uint8Array(Elf64Ehdr.SIZE + n * Elf64Phdr.SIZE + (xnum ? Elf64Shdr.SIZE : 0));
  const src = new ContiguousSource(bytes);
  const eh = Elf64Ehdr.at(src, 0).init();
  eh.type = ELF_TYPE.core;
  eh.machine = EM_X86_64;
  eh.phoffNumber = phoff;
  eh.phnum = xnum ? ELF_PN_XNUM : n;
  if (xnum) {
    eh.shoffNumber = shoff;
    eh.shentsize = Elf64Shdr.SIZE;
    eh.shnum = 1;
    const sh = Elf64Shdr.at(src, shoff).init();
    sh.info = n;
  }
  const ph = new Elf64Phdr();
  let fileOffset = headerBytes(n, pageSize);
  plan.forEach((seg, i) => {
    ph.wrap(src, phoff + i * Elf64Phdr.SIZE).init();
    ph.type = ELF_SEGMENT_TYPE.load;
    ph.flags = ELF_SEGMENT_FLAGS.r | ELF_SEGMENT_FLAGS.w | ELF_SEGMENT_FLAGS.x;
    ph.offsetFieldNumber = fileOffset;
    // Physical memory seen through an identity map, as QEMU writes a guest without paging.
    ph.vaddrNumber = seg.firstFrame * pageSize;
    ph.paddrNumber = seg.firstFrame * pageSize;
    ph.fileszNumber = seg.fileFrames * pageSize;
    ph.memszNumber = seg.frames * pageSize;
    ph.alignNumber = pageSize;
    fileOffset += seg.fileFrames * pageSize;
  });
  return bytes;
}

/** Writes `memory` to `path` as an ELF64 core file (overwrites the file; all-zero frames stay sparse). */
export function writeElfImage(memory: MachineMemory, path: string): WrittenElfImage {
  const ps = memory.pageSize;
  const plan = planElfSegments(memory);
  const headers = elfHeaders(plan, ps);
  const fd = openSync(path, "w");
  let framesWritten = 0;
  let fileOffset = headerBytes(plan.length, ps);
  try {
    let done = 0;
    while (done < headers.length) done += writeSync(fd, headers, done, headers.length - done, done);
    for (const seg of plan) {
      for (let k = 0; k < seg.fileFrames; k++) {
        const bytes = memory.frame(seg.firstFrame + k);
        const at = fileOffset + k * ps;
        if (isAllZero(bytes)) continue;
        let n = 0;
        while (n < bytes.length) n += writeSync(fd, bytes, n, bytes.length - n, at + n);
        framesWritten++;
      }
      fileOffset += seg.fileFrames * ps;
    }
    ftruncateSync(fd, fileOffset);
  } finally {
    closeSync(fd);
  }
  return { framesWritten, fileBytes: fileOffset, segments: plan.length };
}
