/**
 * The generated accessors on a vmap against the same accessors on one contiguous buffer: the
 * generated `LuDomainInfo` class (generated/live-update.ts), one instance per source re-pointed
 * with `wrap()` per record, reading four fields of every LU_DOMAIN_INFO record. Records are 56
 * octets (8-octet header + 48-octet body), so about 1.4% of them straddle a 4 KiB page edge; their
 * view is then the vmap's straddle view, which copies only fields that themselves straddle (none
 * here: every field is naturally aligned).
 *
 * `npx tsx bench/accessors.bench.ts` (add `--small` for a quick run).
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import b from "benny";
import { LuDomainInfo } from "../generated/live-update.js";
import type { ByteSource } from "../runtime/byte-view.js";
import { RecordReader } from "../runtime/record-reader.js";
import { BENCH_RESULTS_DIR } from "./bench-paths.js";
import { BENCH_FORMAT, REC_DOMAIN_INFO, SEED, buildScatteredStream } from "./vmap.bench.js";

/**
 * Reads four fields of every LU_DOMAIN_INFO record through `info` (wrap per record: one bounds
 * check against the body length, no allocation); returns a checksum.
 */
export function readDomainInfos(src: ByteSource, info: LuDomainInfo): number {
  const reader = new RecordReader(src, BENCH_FORMAT);
  let sum = 0;
  while (reader.next()) {
    if (reader.type !== REC_DOMAIN_INFO) continue;
    const d = info.wrap(src, reader.bodyOffset, reader.bodyLength);
    sum = (sum + d.domainId + d.flags + d.maxVcpus + d.ssidref) | 0;
  }
  return sum;
}

async function main(): Promise<void> {
  const small = process.argv.includes("--small");
  const outDir = BENCH_RESULTS_DIR;
  const s = buildScatteredStream(small ? 150_000 : 600_000, 1024);
  console.log(
    `stream: ${(s.streamLength / 2 ** 20).toFixed(1)} MiB, ${s.records} records in ${s.vmapped.pageCount} scattered 4 KiB pages (seed 0x${SEED.toString(16)})`,
  );
  const onVmap = new LuDomainInfo();
  const onFlat = new LuDomainInfo();
  if (readDomainInfos(s.vmapped, onVmap) !== readDomainInfos(s.contiguous, onFlat))
    throw new Error("vmap and contiguous disagree");
  const before = s.vmapped.bytesCopied;
  readDomainInfos(s.vmapped, onVmap);
  const copiedPerPass = s.vmapped.bytesCopied - before;

  const figures = new Map<string, number>();
  const caseOptions = { minSamples: 10, maxTime: small ? 1 : 3 };
  await b.suite(
    "accessors",
    b.add("domain-info/vmap", () => void readDomainInfos(s.vmapped, onVmap), caseOptions),
    b.add("domain-info/contiguous", () => void readDomainInfos(s.contiguous, onFlat), caseOptions),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) figures.set(r.name, r.ops);
    }),
    b.save({ file: "accessors", folder: outDir, format: "json", details: false }),
  );
  const v = figures.get("domain-info/vmap") ?? Number.NaN;
  const c = figures.get("domain-info/contiguous") ?? Number.NaN;
  const n = s.records - 2;
  console.log(
    `\ndomain-info/vmap        ${((v * n) / 1e6).toFixed(1)} M records/s (generated LuDomainInfo, 4 fields each)`,
  );
  console.log(`domain-info/contiguous  ${((c * n) / 1e6).toFixed(1)} M records/s`);
  console.log(`ratio vmap/contiguous: ${(v / c).toFixed(2)}×`);
  console.log(
    `bytes copied per pass (straddling fields): ${copiedPerPass} of ${s.streamLength} (${((100 * copiedPerPass) / s.streamLength).toFixed(4)}%)`,
  );
}

const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(realpathSync(invoked)).href) await main();
