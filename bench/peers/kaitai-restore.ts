/**
 * Line 5 of the benchmark: Kaitai Struct. The benchmark compiles `lu-stream.ksy` with the npm
 * kaitai-struct-compiler into bench/results/kaitai/ and loads the output; the parser reads the
 * gathered stream into objects and the restore walks them. Kaitai's JavaScript runtime reads u8
 * (64-bit) fields as doubles, so values above 2^53 lose their low bits: the benchmark's agreement
 * check leaves the HVM param checksum out for this line and says so.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { FRAME_FREE, type FrameTable } from "../../liveupdate/frame-table.js";
import { BENCH_DIR } from "../bench-paths.js";
import type { PeerDomain, PeerResult } from "./peer-result.js";
import { claimXenFrames, type XenFrames } from "./xen-frames.js";

const require = createRequire(import.meta.url);

interface KsDomainInfo {
  type: number;
  pageShift: number;
  domainId: number;
  handle: Uint8Array;
  ssidref: number;
  flags: number;
  maxVcpus: number;
  emulationFlags: number;
  extraFlags: number;
}
interface KsRecord {
  type: number;
  bodyLength: number;
  body: KsDomainInfo & {
    count: number;
    entries: Array<{ index: number; value: number }>;
    mfns: number[];
    /** LU_M2P(_COMPAT) entries (doubles: exact below 2^53, which a page address is on any real machine). */
    pages: number[];
    records: unknown[];
  };
}
type KsStreamCtor = new (io: unknown) => { records: KsRecord[] };
interface KsRuntime {
  new (buf: ArrayBuffer | Uint8Array): unknown;
}

export interface KaitaiPeer {
  /** `xen` says where the stream pages and the MFN array are; the M2P pages come from LU_M2P. */
  restore(gathered: Uint8Array, table: FrameTable, xen: Omit<XenFrames, "m2pEntries">): PeerResult;
  /** Where the compiled parser was written. */
  readonly compiledPath: string;
}

/** Compiles the .ksy with kaitai-struct-compiler (npm) and loads the generated parser. */
export async function loadKaitaiPeer(outDir: string): Promise<KaitaiPeer> {
  const compiler = require("kaitai-struct-compiler") as {
    compile(lang: string, ksy: unknown, importer: null, debug: boolean): Promise<Record<string, string>>;
  };
  const ksy: unknown = JSON.parse(readFileSync(join(BENCH_DIR, "peers", "lu-stream.ksy"), "utf8"));
  const files = await compiler.compile("javascript", ksy, null, false);
  const src = files["LuStream.js"];
  if (src === undefined) throw new Error(`kaitai-struct-compiler produced ${Object.keys(files).join(", ")}`);
  mkdirSync(outDir, { recursive: true });
  const compiledPath = resolve(outDir, "LuStream.cjs");
  // The generated module requires its runtime by package name; point it at this project's copy so
  // it loads from any directory (a test's temporary one too), not only from inside the project.
  const runtime = JSON.stringify(require.resolve("kaitai-struct/KaitaiStream"));
  writeFileSync(compiledPath, src.replaceAll("require('kaitai-struct/KaitaiStream')", `require(${runtime})`));
  const mod = require(compiledPath) as { LuStream?: KsStreamCtor } | KsStreamCtor;
  const LuStream = typeof mod === "function" ? mod : mod.LuStream;
  if (LuStream === undefined) throw new Error("compiled Kaitai module has no LuStream");
  const KaitaiStream = require("kaitai-struct/KaitaiStream") as KsRuntime;
  return {
    compiledPath,
    restore(gathered, table, xen) {
      const parsed = new LuStream(new KaitaiStream(gathered));
      return restoreFromKaitai(parsed.records, table, xen);
    },
  };
}

function restoreFromKaitai(records: KsRecord[], table: FrameTable, xen: Omit<XenFrames, "m2pEntries">): PeerResult {
  const owners = table.owners;
  const nframes = owners.length;
  const domains: PeerDomain[] = [];
  const m2pEntries: bigint[] = [];
  let current: PeerDomain | undefined;
  for (const r of records) {
    if (r.type === 0x40000001 || r.type === 0x40000002) {
      for (const e of r.body.pages) m2pEntries.push(BigInt(e));
      continue;
    }
    if (r.type === 0x40000003) {
      const b = r.body;
      current = {
        type: b.type,
        pageShift: b.pageShift,
        domainId: b.domainId,
        handle: b.handle,
        ssidref: b.ssidref,
        flags: b.flags,
        maxVcpus: b.maxVcpus,
        emulationFlags: b.emulationFlags,
        extraFlags: b.extraFlags,
        paramCount: 0,
        paramChecksum: 0n,
        frames: 0,
        hvmRecords: 0,
      };
      domains.push(current);
    } else if (r.type === 0x0a && current !== undefined) {
      let sum = 0n;
      for (const e of r.body.entries) sum += BigInt(e.index) ^ BigInt(e.value);
      current.paramCount = r.body.count;
      current.paramChecksum = sum & 0xffff_ffff_ffff_ffffn;
    }
  }
  claimXenFrames(owners, { ...xen, m2pEntries });
  let frames = 0;
  let d = -1;
  for (const r of records) {
    if (r.type === 0x40000003) d++;
    const dom = domains[d];
    if (dom === undefined || r.type !== 0x40000004) continue;
    const mfns = r.body.mfns;
    for (let i = 0; i < mfns.length; i++) {
      const mfn = mfns[i] ?? -1;
      if (!(mfn >= 0 && mfn < nframes)) throw new Error(`frame ${mfn} is outside the machine`);
      if (owners[mfn] !== FRAME_FREE) throw new Error(`frame ${mfn} is owned twice`);
      owners[mfn] = dom.domainId;
    }
    dom.frames = r.body.count;
    frames += r.body.count;
  }
  d = -1;
  for (const r of records) {
    if (r.type === 0x40000003) d++;
    const dom = domains[d];
    if (dom !== undefined && r.type === 0x09) dom.hvmRecords = r.body.records.length;
  }
  return { domains, frames, records: records.length, bytesCopied: 0 };
}
