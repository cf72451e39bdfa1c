/**
 * Parallel restore scaling: lu-codec's restore over a warm pool of 1, 2, 4, ... threads
 * (liveupdate/workers/), next to the C restore (bench/peers/c/lu-restore.c) with the same number of
 * threads, on the same saved host. The pool is started before the timed runs and its start-up is
 * reported apart; so are the C restore's threads (started once per process, before its runs).
 *
 * What is timed is what line 1 of stream-restore.bench.ts times: a fresh frame table (allocated
 * and filled in the host's WebAssembly arena) plus the restore, run back to back once the code is
 * warm. Per thread count: one full GC, warm-up runs, then the timed runs with no GC forced between
 * them. (Forcing a GC before every timed run, as this table once did, cost each run 8-15 ms on the
 * default 1x host: a full GC deoptimizes the optimized code of several of the restore's functions,
 * "weak objects", so every timed run started half cold; benny's loop for line 1 forces one GC per
 * line, not per run.) C: its own runs in one process, the first (cold) left out, as on line 7.
 *
 * Before timing, every thread count's result and whole frame table are checked against the
 * single-thread restore, and each C thread count's fingerprint and table digest against lu-codec.
 * Printed per size: ms and pass 1 ms (medians) for lu-codec and for C at the same thread count,
 * their ratios, speed-up over one thread, ratio to C's one thread, pool start-up. JSON:
 * `workers-scaling<layout>.json` in the results directory, with the machine (cores, CPU, memory,
 * load) it ran on.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { FrameTable } from "../liveupdate/frame-table.js";
import { ArenaFullError, WasmArena } from "../runtime/wasm-arena.js";
import {
  DEFAULT_HOST_SPEC,
  extentFrames as specExtentFrames,
  SMALL_HOST_SPEC,
  scaleHostSpec,
  type HostSpec,
} from "../liveupdate/host-spec.js";
import { restore } from "../liveupdate/restore.js";
import type { RestoreResult } from "../liveupdate/restore-result.js";
import { save } from "../liveupdate/save.js";
import { RestorePool } from "../liveupdate/workers/restore-pool.js";
import { sharedFrameTable } from "../liveupdate/workers/shared-frame-table.js";
import { writeMemoryImage } from "../runtime/memory-image.js";
import { buildCRestore, runCRestore, warmMedian, type CClaims } from "./peers/c-restore.js";
import { fingerprint, frameTableDigest } from "./peers/peer-result.js";
import { toPeer } from "./stream-restore.bench.js";

export interface WorkerScalingOptions {
  readonly small: boolean;
  readonly sizes: readonly number[];
  readonly extentFrames: number;
  /** Thread counts to time; 1 is always included (the base of the speed-up). */
  readonly workers: readonly number[];
  readonly outDir: string;
  /** Timed runs per thread count (their median is reported); default 11, 5 at 16x and above. */
  readonly repeat?: number;
  /** How the C restore on several threads finds a frame claimed twice (default "count", as lu-codec). */
  readonly cClaims?: CClaims;
  /** Where to write the JSON (default `<outDir>/workers-scaling<layout>.json`). */
  readonly jsonFile?: string;
}

export interface ThreadFigures {
  readonly threads: number;
  /** Median of the timed runs: fresh frame table + restore. */
  readonly ms: number;
  /** Median of the restore alone (`restoreMs`) and of its pass 1. */
  readonly restoreMs: number;
  readonly pass1Ms: number;
  readonly runsMs: readonly number[];
  readonly speedup: number;
  /** `ms` over C's one thread. */
  readonly ratioToC: number | null;
  /** The C restore with as many threads (medians of its warm runs: malloc and fill of the table + restore, and pass 1), null without a compiler. */
  readonly cMs: number | null;
  readonly cPass1Ms: number | null;
  readonly cRunsMs: readonly number[] | null;
  /** lu-codec over C at the same thread count: whole (`ms / cMs`) and pass 1. */
  readonly ratioToCSameThreads: number | null;
  readonly pass1RatioToCSameThreads: number | null;
  /** Start-up of this thread count's pool (null for one thread: no pool). */
  readonly poolStartupMs: number | null;
}

export interface ScalingFigures {
  readonly factor: number;
  readonly layout: string;
  readonly domains: number;
  readonly framesPerDomain: number;
  readonly frames: number;
  readonly streamBytes: number;
  /** C restore, one thread (median of its warm runs), or null without a compiler. */
  readonly cOneThreadMs: number | null;
  /** How C's threads found a frame claimed twice ("count", as lu-codec, or "cas"). */
  readonly cClaims: CClaims;
  /** Runs per thread count: warm-up (untimed) and timed. */
  readonly warmupRuns: number;
  readonly timedRuns: number;
  /** Which claim loop every thread ran: the WebAssembly one in an arena, or JavaScript's. */
  readonly claims: "wasm" | "js";
  readonly threads: ThreadFigures[];
}

/** The machine a result was measured on. */
export function machineInfo(): Record<string, unknown> {
  const cpu = cpus()[0];
  return {
    cores: availableParallelism(),
    cpu: cpu?.model ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** 1, 2, 4, ... up to the core count, and the core count itself. */
export function defaultWorkerList(cores = availableParallelism()): number[] {
  const out: number[] = [];
  for (let n = 1; n < cores; n *= 2) out.push(n);
  out.push(cores);
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function layoutName(extentFrames: number): string {
  return extentFrames === 1 ? "scattered" : `extents of ${extentFrames} frames`;
}

export async function runWorkerScaling(options: WorkerScalingOptions): Promise<ScalingFigures[]> {
  mkdirSync(options.outDir, { recursive: true });
  const workers = [...new Set([1, ...options.workers])].sort((a, b) => a - b);
  const cBinary = buildCRestore(options.outDir);
  const cClaims = options.cClaims ?? "count";
  const base: HostSpec = {
    ...(options.small ? { ...SMALL_HOST_SPEC, framesPerDomain: 16384 } : DEFAULT_HOST_SPEC),
    extentFrames: options.extentFrames,
  };
  // Pools are started once and kept warm across sizes.
  const pools = new Map<number, RestorePool>();
  for (const n of workers) if (n > 1) pools.set(n, await RestorePool.start({ threads: n }));
  const all: ScalingFigures[] = [];
  try {
    for (const factor of options.sizes) {
      const spec = scaleHostSpec(base, factor);
      // Pages and tables in one WebAssembly arena, as lu restore has them: every thread claims with
      // the WebAssembly loop there. A host too large for the arena runs on SharedArrayBuffers (the
      // JavaScript loop); the heading says which.
      let arena: WasmArena | undefined = new WasmArena();
      let saved;
      try {
        saved = save(spec, { arena });
      } catch (e) {
        if (!(e instanceof ArenaFullError)) throw e;
        arena = undefined;
        saved = save(spec, { sharedMemory: true });
      }
      const n = saved.frameCount;
      const newTable = (pool: RestorePool | undefined): FrameTable =>
        arena !== undefined
          ? new FrameTable(n, { arena })
          : pool === undefined
            ? new FrameTable(n)
            : sharedFrameTable(n);
      const repeat = options.repeat ?? (factor >= 16 ? 5 : 11);
      const warmup = factor >= 16 ? 2 : 5;
      const run = (threads: number): RestoreResult => {
        const pool = pools.get(threads);
        const frameTable = newTable(pool);
        try {
          return restore(saved.memory, {
            bootmem: saved.bootmemStart,
            frameTable,
            domains: [],
            maxPages: 2 ** 28,
            ...(pool === undefined ? {} : { workers: pool }),
          });
        } finally {
          if (frameTable.arena !== undefined) frameTable.free();
        }
      };
      // Agreement with one thread: result and whole frame table.
      const check = (threads: number): { fingerprint: string; table: string } => {
        const pool = pools.get(threads);
        const table = newTable(pool);
        try {
          const r = restore(saved.memory, {
            bootmem: saved.bootmemStart,
            frameTable: table,
            domains: [],
            maxPages: 2 ** 28,
            ...(pool === undefined ? {} : { workers: pool }),
          });
          if (r.threads !== threads) throw new Error(`${threads} threads asked, pass 1 ran on ${r.threads}`);
          return { fingerprint: fingerprint(toPeer(r)), table: frameTableDigest(table.owners) };
        } finally {
          if (table.arena !== undefined) table.free();
        }
      };
      const want = check(1);
      for (const t of workers)
        if (JSON.stringify(check(t)) !== JSON.stringify(want))
          throw new Error(`restore over ${t} threads disagrees with one thread at ${factor}x`);

      // The C restore at every thread count, on an image file of the same host.
      const cOf = new Map<number, { ms: number | null; pass1: number | null; runs: number[] }>();
      if (cBinary !== undefined) {
        const dir = join(tmpdir(), `lu-bench-workers-${process.pid}`);
        mkdirSync(dir, { recursive: true });
        const img = join(dir, `host-${factor}x.img`);
        try {
          writeMemoryImage(saved.memory, img);
          for (const t of workers) {
            const doc = runCRestore(cBinary, {
              image: img,
              bootmem: saved.bootmemStart,
              pageSize: saved.pageSize,
              repeat: repeat + 1,
              threads: t,
              claims: cClaims,
            });
            if (doc.fingerprint !== want.fingerprint || doc.table_digest !== want.table)
              throw new Error(`C restore on ${t} threads disagrees with lu-codec at ${factor}x`);
            if ((doc.threads ?? 1) !== t)
              throw new Error(`C restore: ${t} threads asked, it ran on ${doc.threads ?? 1}`);
            cOf.set(t, {
              ms: warmMedian(doc.runs_ms),
              pass1: warmMedian(doc.pass1_ms),
              runs: doc.runs_ms.slice(1).map((x) => Math.round(x * 1000) / 1000),
            });
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const cMs = cOf.get(1)?.ms ?? null;

      const gc = (globalThis as { gc?: () => void }).gc;
      const figures: ThreadFigures[] = [];
      for (const t of workers) {
        // One full GC, then warm-up, then the timed runs back to back (see the top of this file).
        gc?.();
        for (let i = 0; i < warmup; i++) run(t);
        const runs: number[] = [];
        const restores: number[] = [];
        const pass1: number[] = [];
        for (let i = 0; i < repeat; i++) {
          const t0 = performance.now();
          const r = run(t);
          runs.push(performance.now() - t0);
          restores.push(r.restoreMs);
          pass1.push(r.passes.pass1);
        }
        const ms = median(runs);
        const pass1Ms = median(pass1);
        const one = figures[0]?.ms ?? ms;
        const c = cOf.get(t);
        const cSame = c?.ms ?? null;
        const cPass1 = c?.pass1 ?? null;
        figures.push({
          threads: t,
          ms,
          restoreMs: median(restores),
          pass1Ms,
          runsMs: runs.map((x) => Math.round(x * 1000) / 1000),
          speedup: one / ms,
          ratioToC: cMs === null ? null : ms / cMs,
          cMs: cSame,
          cPass1Ms: cPass1,
          cRunsMs: c?.runs ?? null,
          ratioToCSameThreads: cSame === null ? null : ms / cSame,
          pass1RatioToCSameThreads: cPass1 === null ? null : pass1Ms / cPass1,
          poolStartupMs: pools.get(t)?.startupMs ?? null,
        });
      }
      const f: ScalingFigures = {
        factor,
        layout: layoutName(options.extentFrames),
        domains: spec.domains,
        framesPerDomain: spec.framesPerDomain,
        frames: spec.domains * spec.framesPerDomain,
        streamBytes: saved.streamBytes,
        cOneThreadMs: cMs,
        cClaims,
        warmupRuns: warmup,
        timedRuns: repeat,
        claims: arena === undefined ? "js" : "wasm",
        threads: figures,
      };
      all.push(f);
      printScaling(f);
    }
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
  const suffix =
    options.extentFrames === specExtentFrames(DEFAULT_HOST_SPEC)
      ? ""
      : options.extentFrames === 1
        ? "-scattered"
        : `-extents${options.extentFrames}`;
  writeFileSync(
    options.jsonFile ?? join(options.outDir, `workers-scaling${suffix}.json`),
    `${JSON.stringify({ machine: machineInfo(), sizes: all }, null, 2)}\n`,
  );
  return all;
}

const fmt = (x: number | null, digits: number): string => (x === null ? "-" : x.toFixed(digits));

export function printScaling(f: ScalingFigures): void {
  const out = [
    "",
    `parallel restore ${f.factor}x: ${f.domains} domains x ${f.framesPerDomain} frames (${f.layout}), ${(f.streamBytes / 2 ** 20).toFixed(1)} MiB of stream, ${f.claims === "wasm" ? "WebAssembly" : "JavaScript"} claims; C one thread ${fmt(f.cOneThreadMs, 1)} ms`,
    `ms: fresh frame table + restore, median of ${f.timedRuns} back-to-back runs after ${f.warmupRuns} warm-up runs (as line 1); C: the C restore with as many threads (${f.cClaims === "cas" ? "a compare-and-exchange per claim" : "conflicts found by counting, as lu-codec"}), median of its warm runs`,
    "| threads | ms (median) | restore ms | pass 1 ms | C ms | C pass 1 ms | lu / C | lu / C pass 1 | speed-up over 1 | x C one thread | pool start-up ms |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const t of f.threads) {
    out.push(
      `| ${t.threads} | ${fmt(t.ms, 1)} | ${fmt(t.restoreMs, 1)} | ${fmt(t.pass1Ms, 1)} | ${fmt(t.cMs, 1)} | ${fmt(t.cPass1Ms, 1)} | ${fmt(t.ratioToCSameThreads, 2)} | ${fmt(t.pass1RatioToCSameThreads, 2)} | ${fmt(t.speedup, 2)} | ${fmt(t.ratioToC, 2)} | ${t.poolStartupMs === null ? "-" : fmt(t.poolStartupMs, 1)} |`,
    );
  }
  console.log(out.join("\n"));
}
