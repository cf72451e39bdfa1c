/**
 * The KHO writer: builds the memory an outgoing Linux kernel leaves for the next one, from a seed:
 * N LUO sessions × M memfd files × K folios, every page placed at a random free frame (folio
 * blocks of order 0..2, aligned), the preserved-memory map written as a kho-v2+ radix tree or as
 * kho-v1 bitmaps, the root FDT, and an x86 setup_data chain from a zero page to a SETUP_KEXEC_KHO
 * node. Everything is written through the generated accessors of schema/kho.lu, luo.lu, memfd.lu
 * and x86-setup-data.lu; the manifest lists where each piece went, so tests can damage a chosen link.
 *
 * `version: 4` writes kho-v4 (radix map, `preserved-data` + `blob-size`, LUO as a luo-v5 blob with
 * block chains, memfd-v2, kexec-metadata, a memblock sub-FDT). `version: 1` writes what kernels
 * v6.19 … v7.0 wrote: kho-v1 bitmaps, subsystem property `fdt`, LUO as a "luo-v1" FDT whose
 * `luo-session` node points at one contiguous session block, contiguous file arrays, memfd-v1.
 */
import {
  KhoBlockHeaderSer,
  KhoKexecMetadata,
  KhoScratch,
  KhoVmalloc,
  KHO_FDT_BLOB_SIZE_PROP_NAME,
  KHO_FDT_MEMORY_MAP_PROP_NAME,
  KHO_FDT_SUB_TREE_PROP_NAME,
  KHO_KEXEC_METADATA_VERSION,
  KHO_METADATA_NODE_NAME,
  KHO_V1_COMPATIBLE,
  KHO_V1_FDT_SUB_TREE_PROP_NAME,
  KHO_V4_COMPATIBLE,
  KHO_VMALLOC_FLAGS,
  MEMBLOCK_KHO_FDT,
  MEMBLOCK_KHO_NODE_COMPATIBLE,
  RESERVE_MEM_KHO_NODE_COMPATIBLE,
  RESERVE_MEM_SIZE_PROP,
  RESERVE_MEM_START_PROP,
} from "../generated/kho.js";
import {
  LuoFileSer,
  LuoFlbHeaderSer,
  LuoFlbSer,
  LuoSer,
  LuoSessionSer,
  LuoV1SessionHeaderSer,
  LUO_FILES_PER_BLOCK,
  LUO_KHO_ENTRY_NAME,
  LUO_SESSIONS_PER_BLOCK,
  LUO_V1_FILE_MAX,
  LUO_V1_SESSION_MAX,
  LUO_V1_SESSION_PGCNT,
  LUO_V1_COMPATIBLE,
  LUO_V1_LIVEUPDATE_NUM_PROP,
  LUO_V1_SESSION_COMPATIBLE,
  LUO_V1_SESSION_HEADER_PROP,
  LUO_V1_SESSION_NODE_NAME,
} from "../generated/luo.js";
import { MemfdLuoFolioSer, MemfdLuoSer, MemfdV1LuoSer, MEMFD_FOLIO_FLAGS } from "../generated/memfd.js";
import { X86KhoData, X86SetupData, X86_BOOT_PARAMS_SETUP_DATA, X86_SETUP_TYPE } from "../generated/x86-setup-data.js";
import { Fdt, FdtBuilder } from "../runtime/fdt.js";
import { FrameSet } from "../runtime/frame-set.js";
import { MachineMemory } from "../runtime/machine-memory.js";
import { PhysicalMemory } from "../runtime/phys-memory.js";
import { SeededRandom } from "../runtime/seeded-random.js";
import { encodeBitmaps, encodeRadix } from "./memory-map.js";
import { DEFAULT_BOOT_PARAMS } from "./locate.js";

const PAGE = 4096;

export interface KhoSeed {
  readonly sessions: number;
  readonly filesPerSession: number;
  readonly foliosPerFile: number;
  readonly seed: number;
  /** 4 (current) or 1 (kho-v1 bitmaps and the LUO FDT era). */
  readonly version: 1 | 4;
  /** kho-v4: File-Lifecycle-Bound objects in the FLB block (default 0, at most 63). */
  readonly flbs?: number;
  /** Frames in the machine. Default: four times what the seed needs, at least 65536 (256 MiB). */
  readonly frameCount?: number;
}

export const DEFAULT_KHO_SEED: KhoSeed = { sessions: 3, filesPerSession: 4, foliosPerFile: 20, seed: 1, version: 4 };

/** Where the writer put things (physical addresses), for reports and for tests that damage a link. */
export interface KhoManifest {
  readonly bootParams: bigint;
  readonly setupData: readonly bigint[];
  readonly fdt: bigint;
  readonly memoryMap: bigint;
  readonly luo: bigint;
  /** kho-v4: the session block chain; kho-v1: the one session block. */
  readonly sessionBlocks: readonly bigint[];
  /** Per session: its file blocks (kho-v4) or file array (kho-v1). */
  readonly fileBlocks: readonly (readonly bigint[])[];
  /** Per session, per file: the memfd_luo_ser address. */
  readonly memfds: readonly (readonly bigint[])[];
  /** Per session, per file: the vmalloc chunk pages of the folio array. */
  readonly vmallocChunks: readonly (readonly (readonly bigint[])[])[];
}

export interface KhoImage {
  readonly memory: MachineMemory;
  readonly preserved: FrameSet;
  readonly version: number;
  readonly manifest: KhoManifest;
}

export function checkKhoSeed(seed: KhoSeed): void {
  const int = (v: number, name: string, min: number, max: number): void => {
    if (!(Number.isInteger(v) && v >= min && v <= max))
      throw new RangeError(`${name} ${v} is not an integer between ${min} and ${max}`);
  };
  int(seed.sessions, "sessions", 0, 100_000);
  int(seed.filesPerSession, "files per session", 0, seed.version === 1 ? LUO_V1_FILE_MAX : 100_000);
  int(seed.foliosPerFile, "folios per file", 0, 1_000_000);
  int(seed.seed, "seed", 0, 2 ** 31);
  int(seed.frameCount ?? 65536, "frame count", 64, 2 ** 24);
  int(seed.flbs ?? 0, "FLBs", 0, seed.version === 4 ? Math.floor((PAGE - LuoFlbHeaderSer.SIZE) / LuoFlbSer.SIZE) : 0);
  if (seed.version !== 1 && seed.version !== 4) throw new RangeError(`version ${String(seed.version)} is not 1 or 4`);
  if (seed.version === 1 && seed.sessions > LUO_V1_SESSION_MAX)
    throw new RangeError(
      `kho-v1 (LUO FDT era) holds at most ${LUO_V1_SESSION_MAX} sessions in its ${LUO_V1_SESSION_PGCNT}-page session block`,
    );
}

/** Four times the frames the seed uses (folios average 1.8 pages), rounded up to a power of two. */
export function defaultFrameCount(seed: KhoSeed): number {
  const files = seed.sessions * seed.filesPerSession;
  const need =
    64 + seed.sessions * 2 + files * (4 + Math.ceil(seed.foliosPerFile * 1.8) + Math.ceil(seed.foliosPerFile / 256));
  let n = 65536;
  while (n < need * 4 && n < 2 ** 24) n *= 2;
  return n;
}

class Placer {
  readonly memory: MachineMemory;
  readonly preserved = new FrameSet();
  readonly phys: PhysicalMemory;
  private readonly random: SeededRandom;

  constructor(memory: MachineMemory, seed: number) {
    this.memory = memory;
    this.phys = new PhysicalMemory(memory);
    this.random = new SeededRandom(seed);
  }

  below(n: number): number {
    return this.random.below(n);
  }

  /** A free, aligned block of 2^order frames at a random place; its first frame. */
  block(order: number, preserve: boolean): number {
    const m = this.memory;
    const size = 2 ** order;
    const slots = Math.floor(m.frameCount / size);
    for (let probe = 0; probe < 4096; probe++) {
      const pfn = this.random.below(slots) * size;
      let free = true;
      for (let k = 0; k < size && free; k++) free = m.isFree(pfn + k);
      if (!free) continue;
      for (let k = 0; k < size; k++) m.markAllocated(pfn + k);
      if (preserve) this.preserved.add(pfn, order);
      return pfn;
    }
    throw new RangeError(
      `no free block of order ${order} found: the machine (${m.frameCount} frames) is too small for this seed`,
    );
  }

  /** A preserved page; its physical address. */
  page(preserve = true): bigint {
    return BigInt(this.block(0, preserve)) * BigInt(PAGE);
  }

  /** `n` physically contiguous preserved pages (an order-aligned block, pages past n left unused). */
  pages(n: number): bigint {
    let order = 0;
    while (2 ** order < n) order++;
    return BigInt(this.block(order, true)) * BigInt(PAGE);
  }

  at<T>(
    cls: { at(src: import("../runtime/byte-view.js").ByteSource, offset: number): T; readonly SIZE: number },
    address: bigint,
    length = cls.SIZE,
  ): T {
    const r = this.phys.resolve(address, length, "writer");
    return cls.at(r.src, r.offset);
  }

  write(address: bigint, bytes: Uint8Array): void {
    this.memory.write(Number(address), bytes);
  }
}

/** Builds the whole handover. */
export function writeKho(seed: KhoSeed): KhoImage {
  checkKhoSeed(seed);
  const frameCount = seed.frameCount ?? defaultFrameCount(seed);
  // Frames 0..15: the zero page and the setup_data chain live at fixed low addresses.
  const memory = new MachineMemory({ frameCount, reserved: [{ start: 0, count: 16, name: "low memory" }] });
  const p = new Placer(memory, seed.seed);

  const sessions: { name: string; files: { token: bigint; memfd: bigint; chunks: bigint[] }[] }[] = [];
  for (let s = 0; s < seed.sessions; s++) {
    const files: { token: bigint; memfd: bigint; chunks: bigint[] }[] = [];
    for (let f = 0; f < seed.filesPerSession; f++) {
      const { memfd, chunks } = writeMemfd(p, seed.foliosPerFile, seed.version);
      files.push({ token: BigInt(s * 1000 + f + 1), memfd, chunks });
    }
    sessions.push({ name: `session-${s}`, files });
  }

  let luo: bigint;
  let sessionBlocks: bigint[];
  let fileBlocks: bigint[][];
  const compatible = seed.version === 4 ? "memfd-v2" : "memfd-v1";
  const fileEntry = (file: LuoFileSer, x: { token: bigint; memfd: bigint }): void => {
    file.compatible = compatible;
    file.data = x.memfd;
    file.token = x.token;
  };
  const root = new FdtBuilder().beginNode("");
  if (seed.version === 4) {
    luo = p.page();
    fileBlocks = sessions.map((s) =>
      writeChain(p, s.files, LUO_FILES_PER_BLOCK, LuoFileSer.SIZE, (src, off, x) =>
        fileEntry(p.at(LuoFileSer, src + BigInt(off)), x),
      ),
    );
    sessionBlocks = writeChain(p, sessions, LUO_SESSIONS_PER_BLOCK, LuoSessionSer.SIZE, (src, off, s) => {
      const i = sessions.indexOf(s);
      const e = p.at(LuoSessionSer, src + BigInt(off));
      e.name = s.name;
      e.fileSetSer.files = fileBlocks[i]?.[0] ?? 0n;
      e.fileSetSer.count = BigInt(s.files.length);
    });
    const flb = p.page();
    const hdr = p.at(LuoFlbHeaderSer, flb);
    hdr.pgcnt = 1n;
    const flbs = seed.flbs ?? 0;
    hdr.count = BigInt(flbs);
    for (let i = 0; i < flbs; i++) {
      const e = p.at(LuoFlbSer, flb + BigInt(LuoFlbHeaderSer.SIZE + i * LuoFlbSer.SIZE));
      e.name = `test-flb-${i}-v1`;
      e.data = p.page();
      e.count = BigInt(i + 1);
    }
    const ser = p.at(LuoSer, luo).init();
    ser.liveupdateNum = BigInt(seed.seed % 100);
    ser.sessionsPa = sessionBlocks[0] ?? 0n;
    ser.flbsPa = flb;
    const meta = p.page();
    const m = p.at(KhoKexecMetadata, meta);
    m.version = KHO_KEXEC_METADATA_VERSION;
    m.previousRelease = "7.2.0-rc1-lu-codec";
    m.kexecCount = 1;
    const memblock = new FdtBuilder()
      .beginNode("")
      .propString("compatible", MEMBLOCK_KHO_NODE_COMPATIBLE)
      .beginNode("test")
      .propString("compatible", RESERVE_MEM_KHO_NODE_COMPATIBLE)
      .propU64(RESERVE_MEM_START_PROP, 0x100000n, true)
      .propU64(RESERVE_MEM_SIZE_PROP, 0x10000n, true)
      .endNode()
      .endNode()
      .finish();
    const mb = p.page();
    p.write(mb, memblock);
    root.propString("compatible", KHO_V4_COMPATIBLE);
    root.propU64(KHO_FDT_MEMORY_MAP_PROP_NAME, 0n, true); // patched below, once the map is written
    for (const [name, address, size] of [
      [LUO_KHO_ENTRY_NAME, luo, LuoSer.SIZE],
      [KHO_METADATA_NODE_NAME, meta, KhoKexecMetadata.SIZE],
      [MEMBLOCK_KHO_FDT, mb, memblock.length],
    ] as const) {
      root
        .beginNode(name)
        .propU64(KHO_FDT_SUB_TREE_PROP_NAME, address, true)
        .propU64(KHO_FDT_BLOB_SIZE_PROP_NAME, BigInt(size), true)
        .endNode();
    }
  } else {
    fileBlocks = sessions.map((s) => {
      if (s.files.length === 0) return [];
      const at = p.pages(Math.ceil((s.files.length * LuoFileSer.SIZE) / PAGE));
      s.files.forEach((x, i) => fileEntry(p.at(LuoFileSer, at + BigInt(i * LuoFileSer.SIZE)), x));
      return [at];
    });
    const block = p.pages(Math.ceil((8 + sessions.length * LuoSessionSer.SIZE) / PAGE));
    p.at(LuoV1SessionHeaderSer, block).count = BigInt(sessions.length);
    sessions.forEach((s, i) => {
      const e = p.at(LuoSessionSer, block + BigInt(8 + i * LuoSessionSer.SIZE));
      e.name = s.name;
      e.fileSetSer.files = fileBlocks[i]?.[0] ?? 0n;
      e.fileSetSer.count = BigInt(s.files.length);
    });
    sessionBlocks = [block];
    const luoFdt = new FdtBuilder()
      .beginNode("")
      .propString("compatible", LUO_V1_COMPATIBLE)
      .propU64(LUO_V1_LIVEUPDATE_NUM_PROP, BigInt(seed.seed % 100), true)
      .beginNode(LUO_V1_SESSION_NODE_NAME)
      .propString("compatible", LUO_V1_SESSION_COMPATIBLE)
      .propU64(LUO_V1_SESSION_HEADER_PROP, block, true)
      .endNode()
      .endNode()
      .finish();
    luo = p.page();
    p.write(luo, luoFdt);
    root.propString("compatible", KHO_V1_COMPATIBLE);
    root.propU64(KHO_FDT_MEMORY_MAP_PROP_NAME, 0n, true);
    root.beginNode(LUO_KHO_ENTRY_NAME).propU64(KHO_V1_FDT_SUB_TREE_PROP_NAME, luo, true).endNode();
  }
  const fdtBytes = root.endNode().finish();
  const fdt = p.page();

  // The map's own pages are not preserved: written last, once the preserved set is complete.
  const newPage = (): number => p.block(0, false);
  const map =
    seed.version === 4 ? encodeRadix(memory, p.preserved, newPage) : encodeBitmaps(memory, p.preserved, newPage);
  patchU64Property(fdtBytes, KHO_FDT_MEMORY_MAP_PROP_NAME, map);
  p.write(fdt, fdtBytes);

  // x86 boot: zero page at 0x1000, setup_data RNG_SEED at 0x2000 -> KEXEC_KHO at 0x3000, scratch at 0x4000.
  const bootParams = DEFAULT_BOOT_PARAMS;
  const rng = 0x2000n;
  const khoNode = 0x3000n;
  const scratch = 0x4000n;
  memory.frameView(Number(bootParams) / PAGE).setBigUint64(X86_BOOT_PARAMS_SETUP_DATA, rng, true);
  const n1 = p.at(X86SetupData, rng);
  n1.next = khoNode;
  n1.type = X86_SETUP_TYPE.rng_seed;
  n1.len = 32;
  for (let i = 0; i < 32; i++) memory.frameView(2).setUint8(16 + i, p.below(256));
  const n2 = p.at(X86SetupData, khoNode);
  n2.next = 0n;
  n2.type = X86_SETUP_TYPE.kexec_kho;
  n2.len = X86KhoData.SIZE;
  const kd = p.at(X86KhoData, khoNode + 16n);
  kd.fdtAddr = fdt;
  kd.fdtSize = BigInt(PAGE);
  kd.scratchAddr = scratch;
  kd.scratchSize = BigInt(KhoScratch.SIZE);
  const sc = p.at(KhoScratch, scratch);
  sc.addr = 0x100000n;
  sc.size = 0x400000n;

  return {
    memory,
    preserved: p.preserved,
    version: seed.version,
    manifest: {
      bootParams,
      setupData: [rng, khoNode],
      fdt,
      memoryMap: map,
      luo,
      sessionBlocks,
      fileBlocks,
      memfds: sessions.map((s) => s.files.map((f) => f.memfd)),
      vmallocChunks: sessions.map((s) => s.files.map((f) => f.chunks)),
    },
  };
}

/** Writes items into a kho_block_header_ser chain of preserved pages; returns the block addresses. */
function writeChain<T>(
  p: Placer,
  items: readonly T[],
  perBlock: number,
  entrySize: number,
  put: (block: bigint, offset: number, item: T) => void,
): bigint[] {
  const blocks: bigint[] = [];
  for (let i = 0; i < items.length; i += perBlock) blocks.push(p.page());
  blocks.forEach((b, k) => {
    const h = p.at(KhoBlockHeaderSer, b);
    h.next = blocks[k + 1] ?? 0n;
    const part = items.slice(k * perBlock, (k + 1) * perBlock);
    h.count = BigInt(part.length);
    part.forEach((x, i) => put(b, KhoBlockHeaderSer.SIZE + i * entrySize, x));
  });
  return blocks;
}

/** One memfd: its folios (preserved blocks), the folio array in scattered pages, its chunk list. */
function writeMemfd(p: Placer, folios: number, version: 1 | 4): { memfd: bigint; chunks: bigint[] } {
  const arrayPages = Math.ceil((folios * MemfdLuoFolioSer.SIZE) / PAGE);
  const pieces: bigint[] = [];
  for (let i = 0; i < arrayPages; i++) pieces.push(p.page());
  const chunks: bigint[] = [];
  for (let i = 0; i < pieces.length; i += 511) chunks.push(p.page());
  chunks.forEach((c, k) => {
    const v = p.memory.frameView(Number(c / BigInt(PAGE)));
    v.setBigUint64(0, chunks[k + 1] ?? 0n, true);
    pieces.slice(k * 511, (k + 1) * 511).forEach((addr, i) => v.setBigUint64(8 + i * 8, addr, true));
  });
  let index = 0n;
  let bytes = 0;
  for (let i = 0; i < folios; i++) {
    const order = [0, 0, 0, 1, 2][p.below(5)] ?? 0;
    const pfn = p.block(order, true);
    const at = BigInt(i * MemfdLuoFolioSer.SIZE);
    const piece = pieces[Number(at / BigInt(PAGE))] ?? 0n;
    const f = p.at(MemfdLuoFolioSer, piece + (at % BigInt(PAGE)));
    f.pfn = pfn;
    f.flags = MEMFD_FOLIO_FLAGS.dirty | MEMFD_FOLIO_FLAGS.uptodate;
    f.index = index;
    index += BigInt(2 ** order);
    bytes += 2 ** order * PAGE;
  }
  const memfd = p.page();
  const vm: KhoVmalloc = version === 4 ? p.at(MemfdLuoSer, memfd).folios : p.at(MemfdV1LuoSer, memfd).folios;
  if (version === 4) {
    const m = p.at(MemfdLuoSer, memfd);
    m.pos = 0n;
    m.size = BigInt(bytes);
    m.seals = 0;
    m.flags = 0;
    m.nrFolios = BigInt(folios);
  } else {
    const m = p.at(MemfdV1LuoSer, memfd);
    m.pos = 0n;
    m.size = BigInt(bytes);
    m.nrFolios = BigInt(folios);
  }
  vm.first = chunks[0] ?? 0n;
  vm.totalPages = arrayPages;
  vm.flags = KHO_VMALLOC_FLAGS.alloc;
  vm.order = 0;
  return { memfd, chunks };
}

/** Rewrites the value of a u64 root property in a finished blob (the map address is known last). */
function patchU64Property(blob: Uint8Array, name: string, value: bigint): void {
  const prop = Fdt.parse(blob, "writer").root.properties.find((x) => x.name === name);
  if (prop?.value.length !== 8) throw new RangeError(`internal: property ${name} not in the blob`);
  new DataView(prop.value.buffer, prop.value.byteOffset, 8).setBigUint64(0, value, true);
}
