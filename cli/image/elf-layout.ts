/**
 * The memory layout of an ELF64 core file (a kdump `vmcore`, QEMU's `dump-guest-memory`): its
 * PT_LOAD program headers, read through the generated accessors of schema/elf-core.lu, become
 * extents (physical range → file range). What the file cannot back is a located problem and the
 * frames concerned are absent, never zeros: a segment cut short by the end of the file, program
 * headers past the file, segments that overlap (the first keeps the range), `p_filesz` above
 * `p_memsz`. A segment's `p_memsz` beyond its `p_filesz` reads as zeros, as ELF says.
 */
import {
  ELF_CLASS,
  ELF_DATA,
  ELF_MAGIC,
  ELF_PN_XNUM,
  ELF_SEGMENT_TYPE,
  Elf64Ehdr,
  Elf64Phdr,
  Elf64Shdr,
} from "../../generated/elf-core.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import type { ImageExtent } from "../../runtime/memory-image.js";
import type { InspectProblem } from "../inspect/inspect-problem.js";

export interface ElfLayout {
  /** PT_LOAD extents, sorted by physical address, overlaps removed. Empty when `fatal`. */
  readonly extents: ImageExtent[];
  /** Problems of the file, located at file offsets. */
  readonly problems: InspectProblem[];
  /** True when no memory can be read at all (the headers themselves are unusable). */
  readonly fatal: boolean;
  /** PT_LOAD segments the file lists. */
  readonly segments: number;
  /** End of the highest physical range a PT_LOAD declares (cut segments included): the machine's size. */
  readonly endAddr: number;
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/** True when the file starts with the ELF magic. */
export function isElf(src: ByteSource): boolean {
  if (src.byteLength < 4) return false;
  const v = src.window(0, 4);
  return v.getUint32(src.windowOffset, true) === ELF_MAGIC;
}

/** A u64 field as a safe number, or undefined (then a problem). */
function safe(v: bigint): number | undefined {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

interface Segment {
  readonly index: number;
  readonly headerAt: number;
  readonly physAddr: number;
  readonly memBytes: number;
  readonly fileOffset: number;
  readonly fileBytes: number;
}

/** Reads the ELF header and program headers of `src` (the whole file) for pages of `pageSize`. */
export function elfLayout(src: ByteSource, pageSize: number): ElfLayout {
  const problems: InspectProblem[] = [];
  const fatal = (offset: number, kind: string, message: string): ElfLayout => {
    problems.push({ offset, kind, message });
    return { extents: [], problems, fatal: true, segments: 0, endAddr: 0 };
  };
  const size = src.byteLength;
  if (size < Elf64Ehdr.SIZE)
    return fatal(0, "elf-truncated", `the ELF header needs ${Elf64Ehdr.SIZE} octets, the file has ${size}`);
  const eh = Elf64Ehdr.at(src, 0);
  if (eh.class !== ELF_CLASS.class64)
    return fatal(4, "elf-unsupported", `ELF class ${eh.class} is not ELFCLASS64 (2): only 64-bit core files are read`);
  if (eh.data !== ELF_DATA.lsb)
    return fatal(
      5,
      "elf-unsupported",
      `ELF data encoding ${eh.data} is not little-endian (1): big-endian core files are not read`,
    );
  if (eh.phentsize !== Elf64Phdr.SIZE)
    return fatal(
      54,
      "elf-bad-header",
      `e_phentsize is ${eh.phentsize}, an ELF64 program header is ${Elf64Phdr.SIZE} octets`,
    );
  let phnum = eh.phnum;
  if (phnum === ELF_PN_XNUM) {
    // The real count is in section header 0's sh_info.
    const shoff = safe(eh.shoff);
    if (shoff === undefined || shoff + Elf64Shdr.SIZE > size) {
      return fatal(
        40,
        "elf-bad-header",
        `e_phnum is PN_XNUM but section header 0 (at e_shoff ${hex(eh.shoff)}) is past the end of the file (${size} octets)`,
      );
    }
    phnum = Elf64Shdr.at(src, shoff).info;
  }
  const phoff = safe(eh.phoff);
  if (phoff === undefined || phoff + phnum * Elf64Phdr.SIZE > size) {
    return fatal(
      32,
      "elf-headers-past-file",
      `the ${phnum} program headers (${phnum * Elf64Phdr.SIZE} octets at e_phoff ${hex(eh.phoff)}) run past the end of the file (${size} octets)`,
    );
  }
  const ph = new Elf64Phdr();
  const segments: Segment[] = [];
  let declaredEnd = 0;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * Elf64Phdr.SIZE;
    ph.wrap(src, at, Elf64Phdr.SIZE);
    if (ph.type !== ELF_SEGMENT_TYPE.load) continue;
    const paddr = safe(ph.paddr);
    const offset = safe(ph.offsetField);
    let filesz = safe(ph.filesz);
    const memsz = safe(ph.memsz);
    if (paddr === undefined || offset === undefined || filesz === undefined || memsz === undefined) {
      problems.push({
        offset: at,
        kind: "elf-bad-segment",
        message: `PT_LOAD ${i}: an address or size above 2^53 (p_paddr ${hex(ph.paddr)}, p_offset ${hex(ph.offsetField)}, p_filesz ${hex(ph.filesz)}, p_memsz ${hex(ph.memsz)}): segment ignored`,
      });
      continue;
    }
    if (memsz === 0) continue;
    if (filesz > memsz) {
      problems.push({
        offset: at + 32,
        kind: "elf-bad-segment",
        message: `PT_LOAD ${i}: p_filesz ${hex(filesz)} is above p_memsz ${hex(memsz)}: only p_memsz octets are used`,
      });
      filesz = memsz;
    }
    if (paddr % pageSize !== 0 || (paddr + memsz) % pageSize !== 0) {
      problems.push({
        offset: at + 24,
        kind: "elf-unaligned-segment",
        message: `PT_LOAD ${i}: physical range ${hex(paddr)}..${hex(paddr + memsz)} is not page-aligned: its partial pages are absent`,
      });
    }
    declaredEnd = Math.max(declaredEnd, paddr + memsz);
    let memBytes = memsz;
    let fileBytes = filesz;
    if (offset + filesz > size) {
      // What the file does not hold is absent, and so is the zero tail: zeros only follow a
      // complete p_filesz.
      fileBytes = Math.max(0, size - offset);
      memBytes = fileBytes;
      const firstAbsent = Math.floor((paddr + fileBytes) / pageSize);
      const endFrame = Math.ceil((paddr + memsz) / pageSize);
      problems.push({
        offset: at + 8,
        kind: "elf-truncated-segment",
        message: `PT_LOAD ${i} (physical ${hex(paddr)}, ${filesz} octets at file offset ${hex(offset)}) runs past the end of the file (${size} octets): frames ${firstAbsent}..${endFrame - 1} are absent`,
      });
    }
    if (memBytes > 0)
      segments.push({ index: i, headerAt: at, physAddr: paddr, memBytes, fileOffset: offset, fileBytes });
  }
  // By physical address; a segment overlapping an earlier one keeps only what is new.
  segments.sort((a, b) => a.physAddr - b.physAddr || a.index - b.index);
  const extents: ImageExtent[] = [];
  let end = 0;
  let endIndex = -1;
  for (const s of segments) {
    let { physAddr, memBytes, fileOffset, fileBytes } = s;
    if (extents.length > 0 && physAddr < end) {
      problems.push({
        offset: s.headerAt + 24,
        kind: "elf-overlapping-segments",
        message: `PT_LOAD ${s.index} (physical ${hex(physAddr)}..${hex(physAddr + memBytes)}) overlaps PT_LOAD ${endIndex} (up to ${hex(end)}): the overlap is read from PT_LOAD ${endIndex}`,
      });
      const cut = Math.min(end - physAddr, memBytes);
      physAddr += cut;
      memBytes -= cut;
      fileOffset += cut;
      fileBytes = Math.max(0, fileBytes - cut);
      if (memBytes === 0) continue;
    }
    extents.push({ physAddr, memBytes, fileOffset, fileBytes });
    if (physAddr + memBytes > end) {
      end = physAddr + memBytes;
      endIndex = s.index;
    }
  }
  if (extents.length === 0 && problems.length === 0) {
    problems.push({
      offset: 32,
      kind: "elf-no-memory",
      message: "the ELF file has no PT_LOAD segment: it holds no memory",
    });
    return { extents, problems, fatal: true, segments: 0, endAddr: 0 };
  }
  return { extents, problems, fatal: extents.length === 0, segments: segments.length, endAddr: declaredEnd };
}
