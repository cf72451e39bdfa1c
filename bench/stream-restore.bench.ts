/**
 * Restore throughput, lu-codec against the alternatives, on the same saved image in one run:
 *   1 lu-codec over the vmap (zero copy)
 *   2 lu-codec after gathering the pages into one buffer (the copy is timed)
 *   3 hand-written DataView restore over the scattered pages (the reference every ratio is to)
 *   4 binary-parser and 5 Kaitai Struct on the gathered stream, restoring from their objects
 *   6 a plain copy of the stream bytes (the memory-bandwidth floor)
 *   7 C restore over an mmap of the image file (when a C compiler is present; timed by itself)
 * at three sizes (1×, 4×, 16× the domains), so time per MB can be seen to stay flat.
 * Every line's result is checked against line 1 (domains, counts, frame table) before timing.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import b from "benny";
import { FrameTable } from "../liveupdate/frame-table.js";
import {
  DEFAULT_HOST_SPEC,
  extentFrames as specExtentFrames,
  SMALL_HOST_SPEC,
  scaleHostSpec,
  type HostSpec,
} from "../liveupdate/host-spec.js";
import { locateStream } from "../liveupdate/locate-stream.js";
import { restore, restoreStream } from "../liveupdate/restore.js";
import type { RestoreResult } from "../liveupdate/restore-result.js";
import type { RestoredDomain } from "../liveupdate/restored-domain.js";
import { save, type SavedHost } from "../liveupdate/save.js";
import { ContiguousSource } from "../runtime/contiguous-source.js";
import { openMemoryImage, writeMemoryImage } from "../runtime/memory-image.js";
import { vmap } from "../runtime/vmap.js";
import { WasmArena } from "../runtime/wasm-arena.js";
import { MachineMemory } from "../runtime/machine-memory.js";
import type { PassTimes } from "../liveupdate/restore-result.js";
import { binaryParserRestore } from "./peers/binary-parser-restore.js";
import { buildCRestore, runCRestore, warmMedian, type CRestoreOutput } from "./peers/c-restore.js";
import { handwrittenRestore } from "./peers/handwritten-restore.js";
import { loadKaitaiPeer } from "./peers/kaitai-restore.js";
import { fingerprint, frameTableDigest, type PeerDomain, type PeerResult } from "./peers/peer-result.js";

/** This directory's run script: run.js when compiled (`npm run bench`), run.ts under tsx. */
function runScript(): string {
  const self = fileURLToPath(import.meta.url);
  return join(dirname(self), `run${extname(self)}`);
}

export interface StreamRestoreBenchOptions {
  /** Small host and short sampling: the whole run in under a minute. */
  readonly small: boolean;
  readonly sizes: readonly number[];
  readonly outDir: string;
  /** Guest memory in aligned extents of this many frames (HostSpec.extentFrames); 1 scatters every frame. */
  readonly extentFrames: number;
  /** Line ids to time (1 and 3 always run: 1 is what every line is checked against, 3 the ratio's base); all when absent. */
  readonly lines?: readonly number[];
}

/** The host the benchmark scales: the default (or small) host, with the chosen guest memory layout. */
function benchBase(small: boolean, extentFrames: number): HostSpec {
  return { ...(small ? { ...SMALL_HOST_SPEC, framesPerDomain: 16384 } : DEFAULT_HOST_SPEC), extentFrames };
}

/** How the host's guest memory is laid out, for headings. */
function layoutLabel(spec: HostSpec): string {
  const e = spec.extentFrames ?? 1;
  return e === 1 ? "every guest frame scattered on its own" : `guest memory in extents of ${e} frames`;
}

/** Result file names: the embedded hosts' layout (2 MiB extents) keeps the plain names. */
function layoutSuffix(extentFrames: number): string {
  if (extentFrames === specExtentFrames(DEFAULT_HOST_SPEC)) return "";
  return extentFrames === 1 ? "-scattered" : `-extents${extentFrames}`;
}

interface Line {
  readonly id: number;
  readonly name: string;
  readonly run: () => PeerResult;
  /** Sizes above which the line is skipped (its parse objects outgrow the default JS heap). */
  readonly maxFactor?: number;
  /** Skip the param checksum in the agreement check (Kaitai reads u64 as double). */
  readonly lossyParams?: boolean;
}

export interface LineFigures {
  readonly line: number;
  readonly name: string;
  readonly ms: number | null;
  readonly ratioToHandwritten: number | null;
  readonly mbPerS: number | null;
  readonly mframesPerS: number | null;
  readonly bytesCopied: number | null;
  readonly msPerMb: number | null;
  readonly note?: string;
}

/** What the memory probe reports (bytes). */
export interface RestoreMemory {
  /** Backed frames of the loaded image (stream pages, MFN array, breadcrumb). */
  readonly imageBytes: number;
  readonly frameTableBytes: number;
  /** RSS growth during the restore beyond the image and the frame table. */
  readonly beyondBytes: number;
  readonly restoreMs: number;
}

/**
 * Runs in a fresh process (`bench/run.ts --rss-child`): load the image and its stream pages, then
 * allocate the frame table, then restore once, and see how far RSS grows beyond both.
 */
export function measureRestoreMemory(image: string, bootmem: number, pageSize: number): RestoreMemory {
  // In a WebAssembly arena, as `lu restore` reads an image (pass 1 claims there).
  const arena = new WasmArena();
  const opened = openMemoryImage(image, { pageSize, reserved: [{ start: bootmem, count: 1, name: "bootmem" }], arena });
  const memory = opened.memory;
  const located = locateStream(memory, bootmem, 2 ** 28);
  for (const mfn of located.pages) memory.frame(mfn);
  const imageBytes = memory.backedCount * pageSize;
  const frameTable = new FrameTable(memory.frameCount, { arena });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const peak0 = process.resourceUsage().maxRSS * 1024;
  const r = restore(memory, { bootmem, frameTable, domains: [], maxPages: 2 ** 28 });
  const rss1 = process.memoryUsage().rss;
  const peak1 = process.resourceUsage().maxRSS * 1024;
  opened.close();
  // maxRSS only tells us about the restore when the restore raised it.
  const top = peak1 > peak0 ? Math.max(peak1, rss1) : rss1;
  return {
    imageBytes,
    frameTableBytes: frameTable.owners.byteLength,
    beyondBytes: Math.max(0, top - rss0),
    restoreMs: r.restoreMs,
  };
}

/** Runs `measureRestoreMemory` on a saved image file in a fresh Node process (`bench/run.ts --rss-child`). */
export function probeRestoreMemory(image: string, bootmem: number, pageSize: number): RestoreMemory {
  const out = execFileSync(
    process.execPath,
    // The same Node flags and entry script as this process (compiled run.js, or run.ts under tsx).
    [...process.execArgv, "--expose-gc", runScript(), "--rss-child", image, String(bootmem), String(pageSize)],
    { encoding: "utf8", maxBuffer: 16 << 20 },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "null") as RestoreMemory;
}

export interface MemoryProbeOptions {
  /** The small host (8 domains x 16384 frames at 1x) instead of the default one. */
  readonly small: boolean;
  readonly sizes: readonly number[];
  /** Fresh-process probes per size (the figure moves by a few hundred KiB between runs). */
  readonly repeat: number;
  readonly extentFrames: number;
}

export interface MemoryProbeFigures {
  readonly factor: number;
  readonly spec: HostSpec;
  readonly runs: RestoreMemory[];
  /** Median `beyondBytes` of the runs. */
  readonly beyondBytes: number;
  /** Median `beyondBytes` as a share of the image. */
  readonly beyondShare: number;
}

/**
 * `npm run bench -- --memory`: only the memory probe, no timed lines. Saves the host at each size,
 * writes it as an image file and restores it alone in fresh processes, `repeat` times.
 */
export function runMemoryProbe(options: MemoryProbeOptions): MemoryProbeFigures[] {
  const base = benchBase(options.small, options.extentFrames);
  const mib = (x: number): string => `${(x / 2 ** 20).toFixed(1)} MiB`;
  const all: MemoryProbeFigures[] = [];
  for (const factor of options.sizes) {
    const spec = scaleHostSpec(base, factor);
    const dir = join(tmpdir(), `lu-bench-memory-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const img = join(dir, `host-${factor}x.img`);
    let bootmem: number;
    let pageSize: number;
    {
      const saved = save(spec);
      bootmem = saved.bootmemStart;
      pageSize = saved.pageSize;
      writeMemoryImage(saved.memory, img);
    }
    const runs: RestoreMemory[] = [];
    try {
      for (let i = 0; i < options.repeat; i++) runs.push(probeRestoreMemory(img, bootmem, pageSize));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const first = runs[0];
    if (first === undefined) continue;
    const beyond = median(runs.map((r) => r.beyondBytes));
    const share = beyond / first.imageBytes;
    all.push({ factor, spec, runs, beyondBytes: beyond, beyondShare: share });
    console.log(
      `restore memory ${factor}x (${spec.domains} domains x ${spec.framesPerDomain} frames, ${layoutLabel(spec)}): image ${mib(first.imageBytes)}, ` +
        `frame table ${mib(first.frameTableBytes)}, beyond both ${runs.map((r) => mib(r.beyondBytes)).join(", ")}; ` +
        `median ${mib(beyond)} = ${(100 * share).toFixed(1)}% of the image (target < 10%)`,
    );
  }
  return all;
}

export interface SizeFigures {
  readonly factor: number;
  readonly spec: HostSpec;
  readonly streamBytes: number;
  readonly frames: number;
  readonly imageBytes: number;
  readonly frameTableBytes: number;
  readonly peakRssBytes: number;
  /** lu-codec's restore measured alone in a fresh process. */
  readonly restoreMemory: RestoreMemory | null;
  readonly lines: LineFigures[];
  /** lu-codec (line 1) against C (line 7), stage by stage. */
  readonly singleThread: SingleThreadFigures;
}

/** The C line's stage medians (the first, cold run left out like its total's). */
function cPassMedians(doc: CRestoreOutput): PassTimes | null {
  const locate = warmMedian(doc.locate_ms);
  const pass0 = warmMedian(doc.pass0_ms);
  const pass1 = warmMedian(doc.pass1_ms);
  const pass2 = warmMedian(doc.pass2_ms);
  return locate === null || pass0 === null || pass1 === null || pass2 === null ? null : { locate, pass0, pass1, pass2 };
}

/** The same machine (frames, reserved regions, bytes) in ArrayBuffers of its own. */
function plainCopy(memory: MachineMemory): MachineMemory {
  const copy = new MachineMemory({
    pageSize: memory.pageSize,
    frameCount: memory.frameCount,
    reserved: memory.reserved,
  });
  for (const mfn of memory.backedFrames()) copy.frame(mfn).set(memory.frame(mfn));
  return copy;
}

/** One thread, lu-codec's line 1 against the C line: the issue-16 targets. */
export interface SingleThreadFigures {
  /** Which loop pass 1 of line 1 claimed with. */
  readonly claimPath: "wasm" | "js" | null;
  /** Medians of line 1's stage times over its timed runs. */
  readonly lu: PassTimes | null;
  readonly luRestoreMs: number | null;
  readonly c: PassTimes | null;
  readonly cRestoreMs: number | null;
  /** lu / C: pass 1 (target <= 1.3) and the whole restore (target <= 1.5). */
  readonly pass1Ratio: number | null;
  readonly restoreRatio: number | null;
  readonly bytesCopied: number | null;
  /** Memory line 1's restore needed beyond the image and the frame table (fresh process). */
  readonly beyondBytes: number | null;
}

let lastClaimPath: "wasm" | "js" | null = null;

/** Line 1: restore into `table` (in the arena), record its stage times, give the table back. */
function luRestore(s: SavedHost, table: FrameTable, passes: PassTimes[] | undefined): RestoreResult {
  try {
    const r = restore(s.memory, { bootmem: s.bootmemStart, frameTable: table, domains: [], maxPages: 2 ** 28 });
    passes?.push(r.passes);
    lastClaimPath = r.claimPath;
    return r;
  } finally {
    // The agreement check (no `passes`) reads the table afterwards and frees it itself.
    if (passes !== undefined) table.free();
  }
}

function singleThreadFigures(
  luRuns: readonly PassTimes[],
  luMs: number | null,
  c: PassTimes | null,
  cMs: number | null,
  bytesCopied: number | null,
  memory: RestoreMemory | null,
): SingleThreadFigures {
  const lu: PassTimes | null =
    luRuns.length === 0
      ? null
      : {
          locate: median(luRuns.map((p) => p.locate)),
          pass0: median(luRuns.map((p) => p.pass0)),
          pass1: median(luRuns.map((p) => p.pass1)),
          pass2: median(luRuns.map((p) => p.pass2)),
        };
  return {
    claimPath: lastClaimPath,
    lu,
    luRestoreMs: luMs,
    c,
    cRestoreMs: cMs,
    pass1Ratio: lu !== null && c !== null ? lu.pass1 / c.pass1 : null,
    restoreRatio: luMs !== null && cMs !== null ? luMs / cMs : null,
    bytesCopied,
    beyondBytes: memory?.beyondBytes ?? null,
  };
}

function printSingleThread(f: SizeFigures): void {
  const t = f.singleThread;
  const ms = (p: PassTimes | null, k: keyof PassTimes): string => fmt(p === null ? null : p[k], 2);
  const out = [
    `one thread, lu-codec (line 1, ${t.claimPath === "wasm" ? "WebAssembly" : "JavaScript"} claims) against C (line 7), ms (median):`,
    "| stage | lu-codec | C | lu / C | target |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| locate | ${ms(t.lu, "locate")} | ${ms(t.c, "locate")} | ${t.lu !== null && t.c !== null ? fmt(t.lu.locate / t.c.locate, 2) : "-"} | <= 3 ms at 1x |`,
    `| pass 0 | ${ms(t.lu, "pass0")} | ${ms(t.c, "pass0")} | | |`,
    `| pass 1 | ${ms(t.lu, "pass1")} | ${ms(t.c, "pass1")} | ${fmt(t.pass1Ratio, 2)} | <= 1.3 |`,
    `| pass 2 | ${ms(t.lu, "pass2")} | ${ms(t.c, "pass2")} | | |`,
    `| restore | ${fmt(t.luRestoreMs, 2)} | ${fmt(t.cRestoreMs, 2)} | ${fmt(t.restoreRatio, 2)} | <= 1.5 |`,
  ];
  console.log(out.join("\n"));
}

/** lu-codec's restore result in the shape every line produces. */
export function toPeer(r: RestoreResult): PeerResult {
  return {
    domains: r.domains.map((d: RestoredDomain): PeerDomain => {
      let sum = 0n;
      for (let i = 0; i < d.params.length; i += 2) sum += (d.params[i] ?? 0n) ^ (d.params[i + 1] ?? 0n);
      return {
        type: d.type,
        pageShift: d.pageShift,
        domainId: d.domainId,
        handle: d.handle,
        ssidref: d.ssidref,
        flags: d.flags,
        maxVcpus: d.maxVcpus,
        emulationFlags: d.emulationFlags,
        extraFlags: d.extraFlags,
        paramCount: d.params.length / 2,
        paramChecksum: sum & 0xffff_ffff_ffff_ffffn,
        frames: d.frames,
        hvmRecords: d.hvmRecords.length,
      };
    }),
    frames: r.frames,
    records: r.records,
    bytesCopied: r.bytesCopied,
  };
}

function lossless(fp: string): string {
  // Drop field 11 (param checksum) of each domain.
  return fp.replace(
    /domains=(.*)$/,
    (_m, doms: string) =>
      `domains=${doms
        .split(",")
        .map((d) =>
          d
            .split(":")
            .filter((_f, i) => i !== 10)
            .join(":"),
        )
        .join(",")}`,
  );
}

/** Copies the stream pages into one contiguous buffer (what lines 2, 4, 5 and 6 start with). */
export function gather(saved: SavedHost): Uint8Array {
  const src = vmap(saved.memory, saved.streamFrames);
  const out = new Uint8Array(src.byteLength);
  src.segments(0, src.byteLength, (piece, at) => out.set(piece, at));
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export async function runStreamRestoreBench(options: StreamRestoreBenchOptions): Promise<SizeFigures[]> {
  mkdirSync(options.outDir, { recursive: true });
  const kaitai = await loadKaitaiPeer(join(options.outDir, "kaitai"));
  const cBinary = buildCRestore(options.outDir);
  const base = benchBase(options.small, options.extentFrames);
  const suffix = layoutSuffix(options.extentFrames);
  const selected = (id: number): boolean =>
    options.lines === undefined || id === 1 || id === 3 || options.lines.includes(id);
  // Each line starts from a collected heap (when Node runs with --expose-gc, as `npm run bench`
  // does), so no line pays for collecting the garbage of the line before it.
  const gc = (globalThis as { gc?: () => void }).gc;
  const onStart = (): void => gc?.();
  const caseOptions = options.small
    ? { minSamples: 3, maxTime: 0.4, initCount: 1, onStart }
    : { minSamples: 5, maxTime: 4, initCount: 1, onStart };
  const all: SizeFigures[] = [];

  for (const factor of options.sizes) {
    const spec = scaleHostSpec(base, factor);
    // The host's memory lives in a WebAssembly arena, as `lu restore` reads an image: line 1's
    // frame tables go there too, so pass 1 claims with the WebAssembly loop (docs/restore.md).
    const arena = new WasmArena();
    let saved: SavedHost | undefined = save(spec, { arena });
    const s = saved;
    const luPasses: PassTimes[] = [];
    // Line 3 reads the pages with DataViews of its own, which V8 runs several times slower over a
    // SharedArrayBuffer: it gets the same host in plain ArrayBuffers, so the reference stays what it was.
    const plainMemory = plainCopy(s.memory);
    const bootmem = s.bootmemStart;
    const n = s.frameCount;
    const located = locateStream(s.memory, bootmem, 2 ** 28);
    const gatheredOnce = gather(s);
    // Where the gathered lines' Xen frames are (the gathered buffer no longer says).
    const xen = {
      streamFrames: located.pages,
      mfnArrayStart: located.mfnArrayStart,
      mfnArrayFrames: located.mfnArrayFrames,
      pageShift: Math.log2(s.pageSize),
    };

    const allLines: Line[] = [
      {
        id: 1,
        name: "lu-codec over vmap",
        run: () => toPeer(luRestore(s, new FrameTable(n, { arena }), luPasses)),
      },
      {
        id: 2,
        name: "lu-codec, pages gathered first",
        run: () => {
          const g = gather(s);
          const r = toPeer(
            restoreStream(new ContiguousSource(g), located, {
              frameTable: new FrameTable(n),
              domains: [],
              pageSize: s.pageSize,
            }),
          );
          r.bytesCopied += g.length;
          return r;
        },
      },
      { id: 3, name: "hand-written DataView", run: () => handwrittenRestore(plainMemory, bootmem, new FrameTable(n)) },
      {
        id: 4,
        name: "binary-parser (gathered)",
        maxFactor: options.small ? Infinity : 4,
        run: () => {
          const g = gather(s);
          const r = binaryParserRestore(g, new FrameTable(n), xen);
          r.bytesCopied += g.length;
          return r;
        },
      },
      {
        id: 5,
        name: "Kaitai Struct (gathered)",
        maxFactor: options.small ? Infinity : 4,
        lossyParams: true,
        run: () => {
          const g = gather(s);
          const r = kaitai.restore(g, new FrameTable(n), xen);
          r.bytesCopied += g.length;
          return r;
        },
      },
      {
        id: 6,
        name: "plain copy of the stream",
        run: () => {
          const g = gather(s);
          return { domains: [], frames: 0, records: 0, bytesCopied: g.length };
        },
      },
    ];
    const lines = allLines.filter((l) => selected(l.id));

    // Agreement: every line restores the same thing (line 6 restores nothing).
    const want = lines[0]?.run();
    if (want === undefined) throw new Error("no lines");
    const tables = new Map<number, string>();
    const copied = new Map<number, number>();
    for (const line of lines) {
      if (factor > (line.maxFactor ?? Infinity)) continue;
      const table = line.id === 1 ? new FrameTable(n, { arena }) : new FrameTable(n);
      let got: PeerResult;
      if (line.id === 3) got = handwrittenRestore(plainMemory, bootmem, table);
      else if (line.id === 1) got = toPeer(luRestore(s, table, undefined));
      else if (line.id === 2)
        got = toPeer(
          restoreStream(new ContiguousSource(gatheredOnce), located, {
            frameTable: table,
            domains: [],
            pageSize: s.pageSize,
          }),
        );
      else if (line.id === 4) got = binaryParserRestore(gatheredOnce, table, xen);
      else if (line.id === 5) got = kaitai.restore(gatheredOnce, table, xen);
      else got = line.run();
      copied.set(line.id, line.run().bytesCopied);
      if (line.id === 6) continue;
      tables.set(line.id, frameTableDigest(table.owners));
      table.free();
      const a = line.lossyParams === true ? lossless(fingerprint(got)) : fingerprint(got);
      const e = line.lossyParams === true ? lossless(fingerprint(want)) : fingerprint(want);
      if (a !== e) throw new Error(`line ${line.id} (${line.name}) disagrees with lu-codec at ${factor}x`);
    }
    const digests = new Set(tables.values());
    if (digests.size !== 1)
      throw new Error(`frame tables differ between lines at ${factor}x: ${[...tables].join(", ")}`);

    const rssBefore = process.resourceUsage().maxRSS * 1024;
    const summary = await b.suite(
      `stream-restore ${factor}x`,
      ...lines
        .filter((l) => factor <= (l.maxFactor ?? Infinity))
        .map((l) => b.add(`restore/${l.id} ${l.name}`, () => void l.run(), caseOptions)),
      b.cycle(),
      b.complete(),
      b.save({ file: `stream-restore-${factor}x${suffix}`, folder: options.outDir, format: "json", details: true }),
      b.save({ file: `stream-restore-${factor}x${suffix}`, folder: options.outDir, format: "chart.html" }),
    );
    const peakRss = Math.max(rssBefore, process.resourceUsage().maxRSS * 1024);

    const msOf = new Map<number, number>();
    for (const r of summary.results) {
      const id = Number(/restore\/(\d+)/.exec(r.name)?.[1] ?? NaN);
      msOf.set(id, r.details.median * 1000);
    }

    // Line 7 (C over an mmap of the image file) and the memory probe run on the saved image file.
    let cMs: number | null = null;
    let cPasses: PassTimes | null = null;
    const cNote = cBinary === undefined ? "no C compiler" : undefined;
    let restoreMemory: RestoreMemory | null = null;
    const dir = join(tmpdir(), `lu-bench-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const img = join(dir, `host-${factor}x.img`);
    writeMemoryImage(s.memory, img);
    try {
      restoreMemory = probeRestoreMemory(img, bootmem, s.pageSize);
      if (cBinary !== undefined && selected(7)) {
        const doc = runCRestore(cBinary, { image: img, bootmem, pageSize: s.pageSize, repeat: options.small ? 5 : 9 });
        if (doc.fingerprint !== fingerprint(want)) throw new Error(`C restore disagrees with lu-codec at ${factor}x`);
        if (doc.table_digest !== tables.get(1))
          throw new Error(`C restore's frame table differs from lu-codec's at ${factor}x`);
        cMs = median(doc.runs_ms.slice(1));
        cPasses = cPassMedians(doc);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (cMs !== null) msOf.set(7, cMs);

    const mb = want.frames > 0 ? s.streamBytes / 1e6 : 0;
    const hw = msOf.get(3) ?? null;
    const lineNames = [
      ...lines.map((l) => ({ id: l.id, name: l.name })),
      ...(selected(7) ? [{ id: 7, name: "C, mmap + page pointers" }] : []),
    ];
    const figures: LineFigures[] = lineNames.map((l) => {
      const ms = msOf.get(l.id) ?? null;
      const skipped = ms === null;
      return {
        line: l.id,
        name: l.name,
        ms,
        ratioToHandwritten: ms !== null && hw !== null ? ms / hw : null,
        mbPerS: ms !== null ? mb / (ms / 1000) : null,
        mframesPerS: ms !== null && l.id !== 6 ? want.frames / 1e6 / (ms / 1000) : null,
        bytesCopied: l.id === 7 ? (ms === null ? null : 0) : (copied.get(l.id) ?? null),
        msPerMb: ms !== null ? ms / mb : null,
        ...(skipped
          ? { note: l.id === 7 ? (cNote ?? "failed") : "skipped: its parse objects outgrow the default JS heap" }
          : {}),
      };
    });
    const imageBytes = s.memory.backedCount * s.pageSize;
    all.push({
      factor,
      spec,
      streamBytes: s.streamBytes,
      frames: want.frames,
      imageBytes,
      frameTableBytes: n * 2,
      peakRssBytes: peakRss,
      restoreMemory,
      lines: figures,
      singleThread: singleThreadFigures(
        luPasses,
        msOf.get(1) ?? null,
        cPasses,
        cMs,
        copied.get(1) ?? null,
        restoreMemory,
      ),
    });
    printTable(all[all.length - 1] as SizeFigures);
    printSingleThread(all[all.length - 1] as SizeFigures);
    saved = undefined;
  }
  printFlatness(all);
  writeFileSync(join(options.outDir, `stream-restore${suffix}.json`), `${JSON.stringify(all, null, 2)}\n`);
  return all;
}

const fmt = (x: number | null, digits: number): string => (x === null ? "-" : x.toFixed(digits));

function printTable(f: SizeFigures): void {
  const mib = (x: number): string => `${(x / 2 ** 20).toFixed(1)} MiB`;
  const out: string[] = [];
  out.push("");
  out.push(
    `stream restore ${f.factor}x: ${f.spec.domains} domains x ${f.spec.framesPerDomain} frames (${layoutLabel(f.spec)}), ${mib(f.streamBytes)} of stream, ${f.frames} frames`,
  );
  out.push("| # | line | ms (median) | x hand-written | MB/s | Mframes/s | bytes copied |");
  out.push("| - | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const l of f.lines) {
    out.push(
      `| ${l.line} | ${l.name}${l.note !== undefined ? ` (${l.note})` : ""} | ${fmt(l.ms, 1)} | ${fmt(l.ratioToHandwritten, 2)} | ${fmt(l.mbPerS, 0)} | ${fmt(l.mframesPerS, 1)} | ${l.bytesCopied ?? "-"} |`,
    );
  }
  out.push(
    `whole benchmark process: peak RSS ${mib(f.peakRssBytes)}, minus the image (${mib(f.imageBytes)}): ${mib(f.peakRssBytes - f.imageBytes)} (all lines, the saved host and Node itself)`,
  );
  const m = f.restoreMemory;
  if (m !== null) {
    out.push(
      `lu-codec restore alone (fresh process): image ${mib(m.imageBytes)}, frame table ${mib(m.frameTableBytes)}, ` +
        `memory beyond both ${mib(m.beyondBytes)} = ${((100 * m.beyondBytes) / m.imageBytes).toFixed(1)}% of the image`,
    );
  }
  console.log(out.join("\n"));
}

function printFlatness(all: readonly SizeFigures[]): void {
  const first = all[0];
  if (first === undefined || all.length < 2) return;
  console.log("\ntime per MB of stream (ms/MB), relative to the smallest size:");
  for (const l of first.lines) {
    const row = all.map((f) => f.lines.find((x) => x.line === l.line)?.msPerMb ?? null);
    const base = row[0] ?? null;
    const cells = row.map(
      (v, i) => `${all[i]?.factor}x ${fmt(v, 2)}${v !== null && base !== null ? ` (${(v / base).toFixed(2)})` : ""}`,
    );
    console.log(`  ${l.line} ${l.name}: ${cells.join(", ")}`);
  }
}
