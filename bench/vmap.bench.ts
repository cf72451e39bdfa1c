/**
 * vmap against one contiguous buffer, same bytes, same run: a live-update stream of at least
 * 64 MiB written into 4 KiB frames scattered over the machine (fixed seed), then
 *   header-walk/*  the record reader's cursor over every header (records/s)
 *   u64-walk/*     one large u64 array (a frame list) walked page segment by page segment (GB/s)
 * and the bytes each source copied. Target: vmap at 0.9× or better, copies under 0.1% of the stream.
 *
 * Two vmaps of the same frames: `vmap` is backed the way MachineMemory backs frames by default
 * (host memory in the order frames are first touched, i.e. stream order), which isolates the
 * runtime's own cost; `vmap-phys` is backed in physical-address order, as real RAM is, so its
 * pages are scattered in host memory too and the walk also pays the memory system's cost
 * (prefetch and TLB misses at every page edge), which no runtime code can remove.
 *
 * `npm run bench:vmap` (add `-- --small` for a quick 16 MiB run).
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import b from "benny";
import {
  LU_DOMAIN_TYPE,
  LU_DOMCTL_CDF_ALL,
  LU_STREAM_FORMAT,
  LU_STREAM_RECORD,
  LuDomainInfo,
  LuDomainPages,
} from "../generated/live-update.js";
import type { ByteSource } from "../runtime/byte-view.js";
import { ContiguousSource } from "../runtime/contiguous-source.js";
import { FrameAllocator } from "../runtime/frame-allocator.js";
import { MachineMemory } from "../runtime/machine-memory.js";
import { PagedRecordWriter } from "../runtime/paged-record-writer.js";
import { RecordReader } from "../runtime/record-reader.js";
import type { StreamFormat } from "../runtime/stream-format.js";
import { walkU64ArrayAsU32Pairs, walkU64ArrayWords } from "../runtime/u64-array-walk.js";
import { vmap, type VmapSource } from "../runtime/vmap.js";
import { BENCH_RESULTS_DIR } from "./bench-paths.js";

export const SEED = 0x1f2e3d4c;
export const REC_END = LU_STREAM_RECORD.END;
export const REC_DOMAIN_INFO = LU_STREAM_RECORD.LU_DOMAIN_INFO;
export const REC_DOMAIN_PAGES = LU_STREAM_RECORD.LU_DOMAIN_PAGES;

/** The live-update framing, as generated from schema/live-update.lu. */
export const BENCH_FORMAT: StreamFormat = LU_STREAM_FORMAT;

/**
 * Body of the small records: a real LU_DOMAIN_INFO (48 octets), so records are 56 long and some
 * straddle a page edge.
 */
export const DOMAIN_INFO_SIZE = LuDomainInfo.SIZE;

export interface ScatteredStream {
  readonly memory: MachineMemory;
  readonly vmapped: VmapSource;
  /** Same pages, backed in physical-address order (scattered in host memory). */
  readonly vmappedPhys: VmapSource;
  readonly contiguous: ContiguousSource;
  readonly streamLength: number;
  readonly records: number;
  /** Offset and element count of the big u64 array (the `mfns` of the LU_DOMAIN_PAGES record). */
  readonly arrayOffset: number;
  readonly arrayCount: number;
}

/** Writes `smallRecords` domain-info records and one u64 array of `arrayCount` frame numbers. */
export function buildScatteredStream(smallRecords: number, arrayCount: number, pageSize = 4096): ScatteredStream {
  const approxPages = Math.ceil((smallRecords * 56 + arrayCount * 8) / pageSize) + 64;
  const geometry = { pageSize, frameCount: approxPages * 4, reserved: [{ start: 16, count: 16, name: "bootmem" }] };
  const memory = new MachineMemory(geometry);
  const writer = new PagedRecordWriter(memory, BENCH_FORMAT, { allocator: new FrameAllocator(memory, { seed: SEED }) });
  const info = new LuDomainInfo();
  const pages = new LuDomainPages();
  const half = smallRecords >>> 1;
  for (let i = 0; i < smallRecords; i++) {
    if (i === half) {
      const placed = writer.beginRecord(REC_DOMAIN_PAGES, LuDomainPages.SIZE + arrayCount * 8);
      const mfns = pages.wrap(placed.source, placed.offset, placed.length).init();
      mfns.count = arrayCount;
      const list = mfns.mfns;
      for (let k = 0; k < arrayCount; k++) list.set(k, BigInt((k * 2654435761) % memory.frameCount));
    }
    const placed = writer.beginRecord(REC_DOMAIN_INFO, DOMAIN_INFO_SIZE);
    const d = info.wrap(placed.source, placed.offset, placed.length).init();
    d.type = LU_DOMAIN_TYPE.x86_hvm;
    d.pageShift = 12;
    d.domainId = i % 0x7ff0;
    d.ssidref = i * 7;
    d.flags = i & LU_DOMCTL_CDF_ALL;
    d.maxVcpus = (i % 64) + 1;
  }
  const written = writer.finish();
  const vmapped = vmap(memory, written.mfns);
  // The same frames in a memory backed in physical order (every frame touched in ascending order).
  const physical = new MachineMemory(geometry);
  for (let mfn = 0; mfn < physical.frameCount; mfn++) physical.frame(mfn);
  written.mfns.forEach((mfn, i) => physical.frame(mfn).set(vmapped.pageBytes(i)));
  const vmappedPhys = vmap(physical, written.mfns);
  const flat = new Uint8Array(written.streamLength);
  vmapped.segments(0, written.streamLength, (piece, at) => flat.set(piece, at));
  const contiguous = new ContiguousSource(flat);
  // Locate the array record once.
  const reader = new RecordReader(contiguous, BENCH_FORMAT);
  let arrayOffset = -1;
  while (reader.next())
    if (reader.type === REC_DOMAIN_PAGES) arrayOffset = reader.bodyOffset + LuDomainPages.MFNS_OFFSET;
  return {
    memory,
    vmapped,
    vmappedPhys,
    contiguous,
    streamLength: written.streamLength,
    records: written.records,
    arrayOffset,
    arrayCount,
  };
}

/** Header-only walk; returns a checksum so the work cannot be optimised away. */
export function headerWalk(src: ByteSource): number {
  const reader = new RecordReader(src, BENCH_FORMAT);
  let sum = 0;
  while (reader.next()) sum = (sum + reader.type + reader.bodyLength) | 0;
  return sum;
}

/** Sums the low words of the u64 array, page segment by page segment (no allocation per page). */
export function u64Walk(src: ByteSource, offset: number, count: number): number {
  let sum = 0;
  walkU64ArrayWords(src, offset, count, (words, start, end) => {
    for (let k = start; k < end; k += 2) sum = (sum + (words[k] ?? 0)) | 0;
  });
  return sum;
}

/** The same walk through `walkU64ArrayAsU32Pairs` (one Uint32Array per page segment). */
export function u64PairsWalk(src: ByteSource, offset: number, count: number): number {
  let sum = 0;
  walkU64ArrayAsU32Pairs(src, offset, count, (words) => {
    for (let k = 0; k < words.length; k += 2) sum = (sum + (words[k] ?? 0)) | 0;
  });
  return sum;
}

interface CaseFigure {
  readonly name: string;
  readonly ops: number;
}

async function main(): Promise<void> {
  const small = process.argv.includes("--small");
  const outDir = BENCH_RESULTS_DIR;
  // 64+ MiB: ~34 MiB of 56-octet records and a 32 MiB array of 4M frame numbers.
  const smallRecords = small ? 150_000 : 600_000;
  const arrayCount = small ? 1 << 20 : 1 << 22;
  const t0 = performance.now();
  const s = buildScatteredStream(smallRecords, arrayCount);
  const mib = s.streamLength / 2 ** 20;
  console.log(
    `stream: ${mib.toFixed(1)} MiB, ${s.records} records, ${s.vmapped.pageCount} pages of 4 KiB scattered over ` +
      `${s.memory.frameCount} frames (seed 0x${SEED.toString(16)}); u64 array ${s.arrayCount} elements; built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Agreement before timing.
  const sources: ReadonlyArray<readonly [string, ByteSource]> = [
    ["vmap", s.vmapped],
    ["vmap-phys", s.vmappedPhys],
    ["contiguous", s.contiguous],
  ];
  const headerSum = headerWalk(s.contiguous);
  const arraySum = u64Walk(s.contiguous, s.arrayOffset, s.arrayCount);
  for (const [name, src] of sources) {
    if (headerWalk(src) !== headerSum || u64Walk(src, s.arrayOffset, s.arrayCount) !== arraySum) {
      throw new Error(`${name} disagrees with the contiguous buffer`);
    }
  }
  const copiedBefore = s.vmapped.bytesCopied;
  headerWalk(s.vmapped);
  u64Walk(s.vmapped, s.arrayOffset, s.arrayCount);
  const copiedPerWalk = s.vmapped.bytesCopied - copiedBefore;

  const caseOptions = { minSamples: 10, maxTime: small ? 1 : 3 };
  const figures: CaseFigure[] = [];
  await b.suite(
    "vmap",
    ...sources.map(([name, src]) => b.add(`header-walk/${name}`, () => void headerWalk(src), caseOptions)),
    ...sources.map(([name, src]) =>
      b.add(`u64-walk/${name}`, () => void u64Walk(src, s.arrayOffset, s.arrayCount), caseOptions),
    ),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) figures.push({ name: r.name, ops: r.ops });
    }),
    b.save({ file: "vmap", folder: outDir, format: "json", details: false }),
  );

  const ops = (name: string): number => figures.find((f) => f.name === name)?.ops ?? Number.NaN;
  const arrayBytes = s.arrayCount * 8;
  console.log("\ncase                       rate");
  for (const [kind] of sources) {
    console.log(
      `header-walk/${kind.padEnd(12)} ${((ops(`header-walk/${kind}`) * s.records) / 1e6).toFixed(1)} M records/s`,
    );
  }
  for (const [kind] of sources) {
    console.log(`u64-walk/${kind.padEnd(15)} ${((ops(`u64-walk/${kind}`) * arrayBytes) / 1e9).toFixed(2)} GB/s`);
  }
  const ratio = (kind: string, walk: string): string => (ops(`${walk}/${kind}`) / ops(`${walk}/contiguous`)).toFixed(2);
  console.log(
    `\nratio vmap/contiguous: header walk ${ratio("vmap", "header-walk")}×, u64 walk ${ratio("vmap", "u64-walk")}× (target ≥ 0.90×)`,
  );
  console.log(
    `ratio vmap-phys/contiguous (pages scattered in host memory too): header walk ${ratio("vmap-phys", "header-walk")}×, ` +
      `u64 walk ${ratio("vmap-phys", "u64-walk")}×`,
  );
  console.log(
    `bytes copied by the vmap per header walk + u64 walk: ${copiedPerWalk} of ${s.streamLength} ` +
      `(${((100 * copiedPerWalk) / s.streamLength).toFixed(4)}%, target < 0.1%); contiguous: ${s.contiguous.bytesCopied}`,
  );
}

const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(realpathSync(invoked)).href) await main();
