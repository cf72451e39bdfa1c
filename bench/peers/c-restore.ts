/**
 * The C restore (bench/peers/c/lu-restore.c): built with the machine's C compiler, run on an image
 * file, its output read back. Line 7 of `npm run bench` runs it on one thread; the parallel table
 * (bench/workers.bench.ts) and `npm run bench:scale` on as many threads as lu-codec's pool.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { BENCH_DIR } from "../bench-paths.js";
import { haveCompiler } from "../c-compiler.js";

/** How the C restore finds two threads claiming one frame: lu-codec's counting, or a compare-and-exchange per entry. */
export type CClaims = "count" | "cas";

/** What the C restore prints: every run's total and stage times, and what it restored. */
export interface CRestoreOutput {
  readonly runs_ms: number[];
  readonly locate_ms?: number[];
  readonly pass0_ms?: number[];
  readonly pass1_ms?: number[];
  readonly pass2_ms?: number[];
  /** Threads pass 1's guest claims ran on, and how ("serial" on one thread). */
  readonly threads?: number;
  readonly claims?: "serial" | CClaims;
  readonly fingerprint: string;
  readonly table_digest: string;
}

/** Compiles the C restore into `outDir` (`gcc -O2 -pthread`); undefined without a C compiler. */
export function buildCRestore(outDir: string): string | undefined {
  const cc = haveCompiler();
  if (cc === undefined) return undefined;
  const bin = join(outDir, "lu-restore-c");
  execFileSync(cc, ["-O2", "-pthread", "-o", bin, join(BENCH_DIR, "peers", "c", "lu-restore.c")], { stdio: "inherit" });
  return bin;
}

export interface CRestoreRun {
  readonly image: string;
  readonly bootmem: number;
  readonly pageSize: number;
  /** Runs in the process (the first is cold: `median` leaves it out). */
  readonly repeat: number;
  /** Threads for pass 1's guest claims (1: the single-thread restore). */
  readonly threads?: number;
  readonly claims?: CClaims;
}

/** Runs the C restore and parses its output (a failing restore throws, its message on stderr). */
export function runCRestore(bin: string, run: CRestoreRun): CRestoreOutput {
  const args = [run.image, String(run.bootmem), String(run.pageSize), String(run.repeat)];
  if ((run.threads ?? 1) > 1 || run.claims !== undefined) args.push(String(run.threads ?? 1), run.claims ?? "count");
  return JSON.parse(execFileSync(bin, args, { encoding: "utf8", maxBuffer: 64 << 20 })) as CRestoreOutput;
}

/** Median of the warm runs (the first run, cold, left out), or null for fewer than two runs. */
export function warmMedian(xs: readonly number[] | undefined): number | null {
  if (xs === undefined || xs.length < 2) return null;
  const s = xs.slice(1).sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}
