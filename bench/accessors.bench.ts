/**
 * Accessors on a vmap against the same accessors on one contiguous buffer: a hand-written
 * flyweight of the generated shape (fields `view` and `offset`, `wrap` through `src.window`, one
 * DataView call per getter with a literal offset and endianness) reading a few fields of every
 * LU_DOMAIN_INFO record. Records are 56 octets, so about 1.4% of them straddle a 4 KiB page edge
 * and go through the straddle view. The generated classes replace the flyweight once they exist.
 *
 * `npx tsx bench/accessors.bench.ts` (add `--small` for a quick run).
 */
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import b from "benny";
import type { ByteSource, ByteView } from "../runtime/byte-view.js";
import { BoundsError } from "../runtime/errors.js";
import { RecordReader } from "../runtime/record-reader.js";
import { BENCH_FORMAT, DOMAIN_INFO_SIZE, REC_DOMAIN_INFO, SEED, buildScatteredStream } from "./vmap.bench.js";

const UNPLACED = new DataView(new ArrayBuffer(0));

/** The shape the generator emits for a record body (hand-written here). */
class DomainInfo {
  static readonly SIZE = DOMAIN_INFO_SIZE;
  view: ByteView = UNPLACED;
  offset = 0;

  /** Re-points this flyweight at `offset` of `src` (one bounds check) and returns it. */
  wrap(src: ByteSource, offset: number): this {
    this.view = src.window(offset, DomainInfo.SIZE);
    this.offset = src.windowOffset;
    return this;
  }

  get domid(): number {
    return this.view.getUint16(this.offset + 0, true);
  }
  get flags(): number {
    return this.view.getUint32(this.offset + 4, true);
  }
  get maxVcpus(): number {
    return this.view.getUint32(this.offset + 8, true);
  }
  get pages(): bigint {
    return this.view.getBigUint64(this.offset + 36, true);
  }
}

/** Reads four fields of every domain-info record; returns a checksum. */
export function readDomainInfos(src: ByteSource, info: DomainInfo): number {
  const reader = new RecordReader(src, BENCH_FORMAT);
  let sum = 0;
  while (reader.next()) {
    if (reader.type !== REC_DOMAIN_INFO) continue;
    if (reader.bodyLength < DomainInfo.SIZE) throw new BoundsError(reader.bodyOffset, DomainInfo.SIZE, reader.bodyLength);
    const d = info.wrap(src, reader.bodyOffset);
    sum = (sum + d.domid + d.flags + d.maxVcpus + Number(d.pages & 0xffffn)) | 0;
  }
  return sum;
}

async function main(): Promise<void> {
  const small = process.argv.includes("--small");
  const outDir = join(dirname(fileURLToPath(import.meta.url)), "results");
  const s = buildScatteredStream(small ? 150_000 : 600_000, 1024);
  console.log(
    `stream: ${(s.streamLength / 2 ** 20).toFixed(1)} MiB, ${s.records} records in ${s.vmapped.pageCount} scattered 4 KiB pages (seed 0x${SEED.toString(16)})`,
  );
  const onVmap = new DomainInfo();
  const onFlat = new DomainInfo();
  if (readDomainInfos(s.vmapped, onVmap) !== readDomainInfos(s.contiguous, onFlat)) throw new Error("vmap and contiguous disagree");
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
  console.log(`\ndomain-info/vmap        ${((v * n) / 1e6).toFixed(1)} M records/s (4 fields each)`);
  console.log(`domain-info/contiguous  ${((c * n) / 1e6).toFixed(1)} M records/s`);
  console.log(`ratio vmap/contiguous: ${(v / c).toFixed(2)}×`);
  console.log(
    `bytes copied per pass (straddling fields): ${copiedPerPass} of ${s.streamLength} (${((100 * copiedPerPass) / s.streamLength).toFixed(4)}%)`,
  );
}

const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(realpathSync(invoked)).href) await main();
