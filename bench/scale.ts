/**
 * `npm run bench:scale`: the parallel restore on a large machine, in one go and offline. For each
 * guest memory layout (2 MiB extents, then every frame scattered) and each size (1x, 4x, 16x the
 * default host: 64, 256, 1024 domains of 512 MiB), lu-codec's restore over warm pools of 1, 2, 4,
 * ... threads up to the core count, and the C restore with the same thread counts. Prints one
 * table per layout and size as it goes, then summaries (whole restore and pass 1, lu-codec against
 * C at each thread count); writes everything, with the machine it ran on, to one JSON file
 * (default bench/results/scale.json).
 *
 *   npm ci && npm run build && npm run bench:scale
 *   npm run bench:scale -- --sizes 1,4 --workers 1,4,16 --out /tmp/scale.json
 *   npm run bench:scale -- --c-claims cas     # C's threads claim with a compare-and-exchange each
 *
 * Needs about 2.5 GiB of memory per 16x host (stream 1 GiB, frame table 256 MiB, the saved
 * host's bookkeeping) and, for the C line, room in the temporary directory for a sparse image
 * (1 GiB of data at 16x).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_RESULTS_DIR } from "./bench-paths.js";
import { defaultWorkerList, machineInfo, runWorkerScaling, type ScalingFigures } from "./workers.bench.js";

function list(name: string, fallback: number[]): number[] {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const xs = (args[at + 1] ?? "").split(",").map(Number);
  if (!(xs.length > 0 && xs.every((n) => Number.isInteger(n) && n >= 1))) {
    console.error(`bench:scale: ${name} takes whole numbers such as 1,4,16, got '${args[at + 1] ?? ""}'`);
    process.exit(2);
  }
  return xs;
}

const args = process.argv.slice(2);
const sizes = list("--sizes", [1, 4, 16]);
const workers = list("--workers", defaultWorkerList());
const layouts = list("--extent-frames", [512, 1]);
const c = args.indexOf("--c-claims");
const cClaims = c >= 0 ? args[c + 1] : "count";
if (cClaims !== "count" && cClaims !== "cas") {
  console.error(`bench:scale: --c-claims takes count or cas, got '${cClaims ?? ""}'`);
  process.exit(2);
}
const o = args.indexOf("--out");
const out = o >= 0 ? (args[o + 1] ?? "") : join(BENCH_RESULTS_DIR, "scale.json");
const started = performance.now();
const machine = machineInfo();
console.log(`bench:scale on ${JSON.stringify(machine)}; sizes ${sizes.join(",")}, threads ${workers.join(",")}`);
const results: ScalingFigures[] = [];
for (const extentFrames of layouts) {
  results.push(
    ...(await runWorkerScaling({
      small: false,
      sizes,
      extentFrames,
      workers,
      outDir: BENCH_RESULTS_DIR,
      jsonFile: join(BENCH_RESULTS_DIR, `scale-extents${extentFrames}.json`),
      cClaims,
    })),
  );
}
// Every table has one thread as well (the base of the speed-up), asked for or not.
const counts = results[0]?.threads.map((t) => t.threads) ?? workers;
const f1 = (x: number | null): string => (x === null ? "-" : x.toFixed(1));
const f2 = (x: number | null): string => (x === null ? "-" : x.toFixed(2));
console.log(
  "\nsummary, whole restore: lu-codec ms / C ms with as many threads (lu / C); speed-up of lu-codec over its one thread in brackets",
);
console.log(`| layout | size | ${counts.map((w) => `${w} thr`).join(" | ")} |`);
console.log(`| --- | ---: | ${counts.map(() => "---:").join(" | ")} |`);
for (const f of results) {
  const cells = f.threads.map((t) => `${f1(t.ms)} / ${f1(t.cMs)} (${f2(t.ratioToCSameThreads)}) [${f2(t.speedup)}]`);
  console.log(`| ${f.layout} | ${f.factor}x | ${cells.join(" | ")} |`);
}
console.log("\nsummary, pass 1: lu-codec ms / C ms with as many threads (lu / C; target <= 1.5 on 16 threads)");
console.log(`| layout | size | ${counts.map((w) => `${w} thr`).join(" | ")} |`);
console.log(`| --- | ---: | ${counts.map(() => "---:").join(" | ")} |`);
for (const f of results) {
  const cells = f.threads.map((t) => `${f1(t.pass1Ms)} / ${f1(t.cPass1Ms)} (${f2(t.pass1RatioToCSameThreads)})`);
  console.log(`| ${f.layout} | ${f.factor}x | ${cells.join(" | ")} |`);
}
writeFileSync(
  out,
  `${JSON.stringify({ machine, finishedLoadAverage: machineInfo().loadAverage, seconds: (performance.now() - started) / 1000, sizes: results }, null, 2)}\n`,
);
console.log(`\nbench:scale finished in ${((performance.now() - started) / 1000).toFixed(1)} s; results in ${out}`);
