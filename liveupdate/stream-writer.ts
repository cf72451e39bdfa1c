/**
 * Writes a saved host's live update stream with the runtime's PagedRecordWriter: records appended
 * into stream pages the writer allocates (seeded, random) from the frames the guests left free,
 * bodies filled in place through the growing vmap; `finish()` writes the physically contiguous MFN
 * array and, last, the breadcrumb (as the old hypervisor's kexec_reloc() does).
 */
import type { ByteSource } from "../runtime/byte-view.js";
import { FrameAllocator } from "../runtime/frame-allocator.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { PagedRecordWriter, type WrittenStream } from "../runtime/paged-record-writer.js";
import type { SeededRandom } from "../runtime/seeded-random.js";
import type { HostSpec } from "./host-spec.js";
import { LU_STREAM_FORMAT } from "./lu-stream-format.js";
import { fillRandom } from "./random-fill.js";
import type { SaveLayout } from "./save.js";
import type { SavedDomain } from "./saved-domain.js";
import {
  HVM_FILE_MAGIC,
  HVM_SAVE_CPU,
  HVM_SAVE_CPU_XSAVE,
  HVM_SAVE_DESCRIPTOR_SIZE,
  HVM_SAVE_HEADER,
  HVM_SAVE_LAPIC,
  HVM_SAVE_LAPIC_REGS,
  LU_DOMAIN_INFO_SIZE,
  LU_VERSION_SIZE,
  COUNTED_BODY_HEADER,
  REC_END,
  REC_HVM_CONTEXT,
  REC_HVM_PARAMS,
  REC_LU_DOMAIN_INFO,
  REC_LU_DOMAIN_PAGES,
  REC_LU_M2P,
  REC_LU_VERSION,
} from "./stream-constants.js";

export interface StreamContents {
  readonly spec: HostSpec;
  readonly layout: SaveLayout;
  readonly domains: readonly SavedDomain[];
  readonly m2pEntries: readonly bigint[];
  /** A free run of `layout.mfnArrayFrames` frames kept for the MFN array (released at finish). */
  readonly mfnArrayRun: number;
  readonly rng: SeededRandom;
}

const LE = true;

/** A body of `length` octets at `offset`, filled through one contiguous scratch DataView. */
function fillBody(src: ByteSource, offset: number, length: number, fill: (dv: DataView, bytes: Uint8Array) => void): void {
  const bytes = new Uint8Array(length);
  fill(new DataView(bytes.buffer), bytes);
  src.segments(offset, length, (piece, at) => piece.set(bytes.subarray(at - offset, at - offset + piece.length)));
}

/** Writes the stream, MFN array and breadcrumb into `memory`. */
export function writeStream(memory: MachineMemory, c: StreamContents): WrittenStream {
  const { spec, layout } = c;
  const allocator = new FrameAllocator(memory, { order: "random", seed: spec.seed });
  const w = new PagedRecordWriter(memory, LU_STREAM_FORMAT, { allocator, bootmem: spec.bootmemStart, littleEndian: LE });

  let p = w.beginRecord(REC_LU_VERSION, LU_VERSION_SIZE);
  fillBody(p.source, p.offset, p.length, (dv) => {
    dv.setUint32(0, spec.xenMajor, LE);
    dv.setUint32(4, spec.xenMinor, LE);
  });

  p = w.beginRecord(REC_LU_M2P, 8 * c.m2pEntries.length);
  fillBody(p.source, p.offset, p.length, (dv) => c.m2pEntries.forEach((e, i) => dv.setBigUint64(8 * i, e, LE)));

  for (const d of c.domains) {
    p = w.beginRecord(REC_LU_DOMAIN_INFO, LU_DOMAIN_INFO_SIZE);
    fillBody(p.source, p.offset, p.length, (dv, bytes) => {
      dv.setUint32(0, d.type, LE);
      dv.setUint16(4, d.pageShift, LE);
      dv.setUint16(6, d.domainId, LE);
      bytes.set(d.handle, 8);
      dv.setUint32(24, d.ssidref, LE);
      dv.setUint32(28, d.flags, LE);
      dv.setUint32(32, d.maxVcpus, LE);
      dv.setUint32(36, d.emulationFlags, LE);
      dv.setUint32(40, d.extraFlags, LE);
    });

    p = w.beginRecord(REC_HVM_PARAMS, COUNTED_BODY_HEADER + 16 * d.params.length);
    fillBody(p.source, p.offset, p.length, (dv) => {
      dv.setUint32(0, d.params.length, LE);
      d.params.forEach(([index, value], i) => {
        dv.setBigUint64(8 + 16 * i, index, LE);
        dv.setBigUint64(16 + 16 * i, value, LE);
      });
    });

    p = w.beginRecord(REC_HVM_CONTEXT, layout.hvmContextLength);
    fillBody(p.source, p.offset, p.length, (dv, bytes) => {
      let h = 0;
      for (const r of d.hvmRecords) {
        dv.setUint16(h, r.typecode, LE);
        dv.setUint16(h + 2, r.instance, LE);
        dv.setUint32(h + 4, r.length, LE);
        fillSaveRecord(bytes, dv, h + HVM_SAVE_DESCRIPTOR_SIZE, r.typecode, r.instance, c.rng);
        h += HVM_SAVE_DESCRIPTOR_SIZE + r.length;
      }
    });

    // The frame list is most of the stream: write it page segment by page segment in place.
    p = w.beginRecord(REC_LU_DOMAIN_PAGES, COUNTED_BODY_HEADER + 8 * d.frames.length);
    const head = p.source.window(p.offset, 4);
    head.setUint32(p.source.windowOffset, d.frames.length, LE);
    writeFrameList(p.source, p.offset + COUNTED_BODY_HEADER, d.frames);
  }
  w.beginRecord(REC_END, 0);
  for (let f = 0; f < layout.mfnArrayFrames; f++) memory.release(c.mfnArrayRun + f);
  const written = w.finish();
  if (written.streamLength !== layout.streamBytes) {
    throw new Error(`stream plan said ${layout.streamBytes} bytes, wrote ${written.streamLength}`);
  }
  return written;
}

/** Writes `frames` as u64 LE entries at `offset` (8-aligned), one page piece at a time. */
function writeFrameList(src: ByteSource, offset: number, frames: Uint32Array): void {
  src.segments(offset, frames.length * 8, (piece, at) => {
    const dv = new DataView(piece.buffer, piece.byteOffset, piece.byteLength);
    const first = (at - offset) / 8;
    for (let o = 0, i = first; o < piece.length; o += 8, i++) {
      dv.setUint32(o, frames[i] ?? 0, LE); // MFNs fit in 32 bits here; the high word stays zero
    }
  });
}

/** Gives a save record plausible contents (registers, LAPIC page, XSAVE legacy area). */
function fillSaveRecord(
  buf: Uint8Array,
  dv: DataView,
  at: number,
  typecode: number,
  instance: number,
  rng: SeededRandom,
): void {
  switch (typecode) {
    case HVM_SAVE_HEADER:
      dv.setUint32(at, HVM_FILE_MAGIC, LE);
      dv.setUint32(at + 4, 1, LE);
      dv.setBigUint64(at + 8, 0x4_13_0000n, LE);
      dv.setUint32(at + 16, 0x000906ea, LE);
      dv.setUint32(at + 20, 2_400_000, LE);
      break;
    case HVM_SAVE_CPU:
      fillRandom(rng, buf.subarray(at + 512, at + 512 + 18 * 8)); // rax..r15, rip, rflags
      dv.setBigUint64(at + 512 + 18 * 8, 0x80050033n, LE); // cr0
      dv.setBigUint64(at + 512 + 20 * 8, BigInt(rng.nextU32()) << 12n, LE); // cr3
      dv.setBigUint64(at + 512 + 21 * 8, 0x3706f0n, LE); // cr4
      dv.setUint32(at + 1024, 1, LE); // flags: XEN_X86_FPU_INITIALISED
      break;
    case HVM_SAVE_LAPIC:
      dv.setBigUint64(at, 0xfee00900n | (instance === 0 ? 0x100n : 0n), LE);
      break;
    case HVM_SAVE_LAPIC_REGS:
      fillRandom(rng, buf.subarray(at, at + 1024));
      break;
    case HVM_SAVE_CPU_XSAVE:
      dv.setBigUint64(at, 0x7n, LE);
      dv.setBigUint64(at + 8, 0x7n, LE);
      dv.setBigUint64(at + 16, 0x7n, LE);
      fillRandom(rng, buf.subarray(at + 24, at + 24 + 512));
      break;
    default:
      break;
  }
}
