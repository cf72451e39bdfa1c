/**
 * Writes a saved host's live update stream with the runtime's PagedRecordWriter: records appended
 * into stream pages the writer allocates (seeded, random) from the frames the guests left free,
 * bodies filled in place through the growing vmap with the generated accessors (`wrap()` on the
 * record body, `init()` for padding and reserved fields, then the setters); `finish()` writes the
 * physically contiguous MFN array and, last, the breadcrumb (as the old hypervisor's kexec_reloc()
 * does).
 */
import {
  HVM_SAVE_RECORD,
  HvmHwCpu,
  HvmHwCpuXsave,
  HvmHwLapic,
  HvmHwLapicRegs,
  HvmSaveDescriptor,
  HvmSaveHeader,
} from "../generated/hvm-save.js";
import { XcHvmParam, XcHvmParams } from "../generated/libxc-stream.js";
import {
  isLuDomainType,
  LU_STREAM_FORMAT,
  LU_STREAM_RECORD,
  LuDomainInfo,
  LuDomainPages,
  LuM2p,
  LuVersion,
} from "../generated/live-update.js";
import type { ByteSource } from "../runtime/byte-view.js";
import { FrameAllocator } from "../runtime/frame-allocator.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { PagedRecordWriter, type WrittenStream } from "../runtime/paged-record-writer.js";
import type { SeededRandom } from "../runtime/seeded-random.js";
import type { HostSpec } from "./host-spec.js";
import { fillRandom, randomU64 } from "./random-fill.js";
import type { SaveLayout } from "./save.js";
import type { SavedDomain } from "./saved-domain.js";

export interface StreamContents {
  readonly spec: HostSpec;
  readonly layout: SaveLayout;
  readonly domains: readonly SavedDomain[];
  readonly m2pEntries: readonly bigint[];
  /** A free run of `layout.mfnArrayFrames` frames kept for the MFN array (released at finish). */
  readonly mfnArrayRun: number;
  readonly rng: SeededRandom;
}

const R = LU_STREAM_RECORD;

/** One flyweight per body kind, re-pointed at each record's body. */
class BodyWriters {
  readonly version = new LuVersion();
  readonly m2p = new LuM2p();
  readonly info = new LuDomainInfo();
  readonly params = new XcHvmParams();
  readonly pages = new LuDomainPages();
  readonly descriptor = new HvmSaveDescriptor();
  readonly header = new HvmSaveHeader();
  readonly cpu = new HvmHwCpu();
  readonly lapic = new HvmHwLapic();
  readonly lapicRegs = new HvmHwLapicRegs();
  readonly xsave = new HvmHwCpuXsave();
}

/** Writes the stream, MFN array and breadcrumb into `memory`. */
export function writeStream(memory: MachineMemory, c: StreamContents): WrittenStream {
  const { spec, layout } = c;
  // With guest memory in extents the free frames are a few whole extents: draw from a shuffle of
  // them rather than probing a nearly full machine.
  const allocator = new FrameAllocator(memory, {
    order: (spec.extentFrames ?? 1) > 1 ? "uniform" : "random",
    seed: spec.seed,
  });
  const w = new PagedRecordWriter(memory, LU_STREAM_FORMAT, {
    allocator,
    bootmem: spec.bootmemStart,
    littleEndian: true,
  });
  const b = new BodyWriters();

  let p = w.beginRecord(R.LU_VERSION, LuVersion.SIZE);
  const version = b.version.wrap(p.source, p.offset, p.length).init();
  version.xenMajor = spec.xenMajor;
  version.xenMinor = spec.xenMinor;

  p = w.beginRecord(R.LU_M2P, 8 * c.m2pEntries.length);
  const m2p = b.m2p.wrap(p.source, p.offset, p.length).init().m2pPageData;
  c.m2pEntries.forEach((e, i) => {
    m2p.at(i).raw = e;
  });

  for (const d of c.domains) {
    p = w.beginRecord(R.LU_DOMAIN_INFO, LuDomainInfo.SIZE);
    const info = b.info.wrap(p.source, p.offset, p.length).init();
    if (!isLuDomainType(d.type)) throw new RangeError(`domain ${d.domainId}: type ${d.type} is not a lu_domain_type`);
    info.type = d.type;
    info.pageShift = d.pageShift;
    info.domainId = d.domainId;
    info.domainHandle = d.handle;
    info.ssidref = d.ssidref;
    info.flags = d.flags;
    info.maxVcpus = d.maxVcpus;
    info.emulationFlags = d.emulationFlags;
    info.extraFlags = d.extraFlags;

    p = w.beginRecord(R.HVM_PARAMS, XcHvmParams.SIZE + XcHvmParam.SIZE * d.params.length);
    const params = b.params.wrap(p.source, p.offset, p.length).init();
    params.count = d.params.length;
    const list = params.param;
    d.params.forEach(([index, value], i) => {
      const e = list.at(i);
      e.index = index;
      e.value = value;
    });

    p = w.beginRecord(R.HVM_CONTEXT, layout.hvmContextLength);
    let h = p.offset;
    for (const r of d.hvmRecords) {
      const desc = b.descriptor.wrap(p.source, h).init();
      desc.typecode = r.typecode;
      desc.instance = r.instance;
      desc.length = r.length;
      fillSaveRecord(b, p.source, h + HvmSaveDescriptor.SIZE, r, c.rng);
      h += HvmSaveDescriptor.SIZE + r.length;
    }

    // The frame list is most of the stream: count through the class, the list page segment by page
    // segment in place.
    p = w.beginRecord(R.LU_DOMAIN_PAGES, LuDomainPages.SIZE + 8 * d.frames.length);
    b.pages.wrap(p.source, p.offset, p.length).init().count = d.frames.length;
    writeFrameList(p.source, p.offset + LuDomainPages.MFNS_OFFSET, d.frames);
  }
  w.beginRecord(R.END, 0);
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
      dv.setUint32(o, frames[i] ?? 0, true); // MFNs fit in 32 bits here; the high word stays zero
    }
  });
}

/** The general-purpose registers of `hvm_hw_cpu` that get random values, with rip and rflags. */
const CPU_RANDOM_REGS = [
  "rax",
  "rbx",
  "rcx",
  "rdx",
  "rbp",
  "rsi",
  "rdi",
  "rsp",
  "r8",
  "r9",
  "r10",
  "r11",
  "r12",
  "r13",
  "r14",
  "r15",
  "rip",
  "rflags",
] as const;

/** Gives a save record plausible contents (registers, LAPIC page, XSAVE legacy area). */
function fillSaveRecord(
  b: BodyWriters,
  src: ByteSource,
  at: number,
  r: { readonly typecode: number; readonly instance: number; readonly length: number },
  rng: SeededRandom,
): void {
  switch (r.typecode) {
    case HVM_SAVE_RECORD.HEADER: {
      const h = b.header.wrap(src, at, r.length).init(); // init() writes the magic and version
      h.changeset = 0x4_13_0000n;
      h.cpuid = 0x000906ea;
      h.gtscKhz = 2_400_000;
      break;
    }
    case HVM_SAVE_RECORD.CPU: {
      const cpu = b.cpu.wrap(src, at, r.length).init();
      for (const reg of CPU_RANDOM_REGS) cpu[reg] = randomU64(rng);
      cpu.cr0 = 0x80050033n;
      cpu.cr3 = BigInt(rng.nextU32()) << 12n;
      cpu.cr4 = 0x3706f0n;
      cpu.flags = 1; // XEN_X86_FPU_INITIALISED
      break;
    }
    case HVM_SAVE_RECORD.LAPIC: {
      const lapic = b.lapic.wrap(src, at, r.length).init();
      lapic.apicBaseMsr = 0xfee00900n | (r.instance === 0 ? 0x100n : 0n);
      break;
    }
    case HVM_SAVE_RECORD.LAPIC_REGS: {
      const regs = new Uint8Array(HvmHwLapicRegs.SIZE);
      fillRandom(rng, regs);
      b.lapicRegs.wrap(src, at, r.length).init().data = regs;
      break;
    }
    case HVM_SAVE_RECORD.CPU_XSAVE: {
      const xsave = b.xsave.wrap(src, at, r.length).init();
      xsave.xfeatureMask = 0x7n;
      xsave.xcr0 = 0x7n;
      xsave.xcr0Accum = 0x7n;
      const legacy = new Uint8Array(512);
      fillRandom(rng, legacy);
      xsave.fpuSse = legacy;
      break;
    }
    default:
      break;
  }
}
