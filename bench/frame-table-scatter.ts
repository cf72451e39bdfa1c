/**
 * `npm run bench:scatter`: pass 1's core, a random store per frame into the frame table, measured
 * in C with nothing else in the way (bench/probes/frame-table-scatter.c), at the machine sizes of the
 * stream-restore benchmark's hosts (1x, 4x, 16x by default; `--sizes 1,16`). It answers whether time
 * per MB can stay flat as the machine grows when every guest frame is scattered on its own: it
 * prints nanoseconds per frame for the plain loop, a store-only loop, the loop over a table in
 * transparent huge pages, and a region-partitioned loop with a scratch buffer of `--scratch-mib`
 * (default 64), each relative to the plain loop at the smallest size.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_HOST_SPEC, scaleHostSpec } from "../liveupdate/host-spec.js";
import { planLayout } from "../liveupdate/save.js";
import { BENCH_DIR, BENCH_RESULTS_DIR } from "./bench-paths.js";
import { haveCompiler } from "./c-compiler.js";

interface ProbeLine {
  frames: number;
  chunk: number;
  scratch_bytes: number;
  direct_ms: number;
  store_only_ms: number;
  huge_ms: number;
  partitioned_ms: number;
  bad: number;
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const sizes = (flag("--sizes") ?? "1,4,16").split(",").map(Number);
const scratchMiB = Number(flag("--scratch-mib") ?? "64");
if (!sizes.every((n) => Number.isInteger(n) && n >= 1) || !(scratchMiB > 0)) {
  console.error("bench:scatter: --sizes takes factors such as 1,4,16; --scratch-mib a size in MiB");
  process.exit(2);
}
const cc = haveCompiler();
if (cc === undefined) {
  console.error("bench:scatter: no C compiler (gcc, cc or clang) on this machine");
  process.exit(2);
}
const outDir = BENCH_RESULTS_DIR;
mkdirSync(outDir, { recursive: true });
const binary = join(outDir, "frame-table-scatter");
execFileSync(cc, ["-O2", "-o", binary, join(BENCH_DIR, "probes", "frame-table-scatter.c")], { stdio: "inherit" });

const chunk = Math.floor((scratchMiB * 2 ** 20) / 4);
const rows: ProbeLine[] = [];
for (const factor of sizes) {
  const frames = planLayout(scaleHostSpec(DEFAULT_HOST_SPEC, factor)).frameCount;
  const out = execFileSync(binary, [String(frames), String(chunk)], { encoding: "utf8" });
  const row = JSON.parse(out) as ProbeLine;
  if (row.bad !== 0) throw new Error(`probe found ${row.bad} frames owned twice in a permutation`);
  rows.push(row);
}
const base = rows[0];
if (base === undefined) process.exit(0);
const ns = (ms: number, frames: number): number => (ms * 1e6) / frames;
const cell = (ms: number, frames: number): string => {
  const v = ns(ms, frames);
  return `${v.toFixed(2)} (${(v / ns(base.direct_ms, base.frames)).toFixed(2)})`;
};
console.log(`frame-table scatter probe (C, ${cc} -O2): ns per frame, (ratio to the plain loop at ${sizes[0]}x)`);
console.log("| size | frames | table | plain loop | store only | huge pages | partitioned (scratch) |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
rows.forEach((r, i) => {
  console.log(
    `| ${sizes[i]}x | ${r.frames} | ${((r.frames * 2) / 2 ** 20).toFixed(0)} MiB | ${cell(r.direct_ms, r.frames)} | ` +
      `${cell(r.store_only_ms, r.frames)} | ${cell(r.huge_ms, r.frames)} | ${cell(r.partitioned_ms, r.frames)} (${(r.scratch_bytes / 2 ** 20).toFixed(0)} MiB) |`,
  );
});
