/**
 * `npm run bench:scale`: the parallel restore on a large machine, in one go and offline. For each
 * guest memory layout (2 MiB extents, then every frame scattered) and each size (1x, 4x, 16x the
 * default host: 64, 256, 1024 domains of 512 MiB), lu-codec's restore over warm pools of 1, 2, 4,
 * ... threads up to the core count, and the C restore on one thread. Prints one table per layout
 * and size as it goes, then a summary; writes everything, with the machine it ran on, to one JSON
 * file (default bench/results/scale.json).
 *
 *   npm ci && npm run build && npm run bench:scale
 *   npm run bench:scale -- --sizes 1,4 --workers 1,4,16 --out /tmp/scale.json
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
const o = args.indexOf("--out");
const out = o >= 0 ? (args[o + 1] ?? "") : join(BENCH_RESULTS_DIR, "scale.json");
const started = performance.now();
const machine = machineInfo();
console.log(`bench:scale on ${JSON.stringify(machine)}; sizes ${sizes.join(",")}, threads ${workers.join(",")}`);
const results: ScalingFigures[] = [];
for (const extentFrames of layouts) {
  results.push(...(await runWorkerScaling({ small: false, sizes, extentFrames, workers, outDir: BENCH_RESULTS_DIR, jsonFile: join(BENCH_RESULTS_DIR, `scale-extents${extentFrames}.json`) })));
}
console.log("\nsummary: ms (median) by threads; speed-up over one thread in brackets; C one thread last");
console.log(`| layout | size | ${workers.map((w) => `${w} thr`).join(" | ")} | C 1 thr |`);
console.log(`| --- | ---: | ${workers.map(() => "---:").join(" | ")} | ---: |`);
for (const f of results) {
  const cells = f.threads.map((t) => `${t.ms.toFixed(1)} (${t.speedup.toFixed(2)})`);
  console.log(`| ${f.layout} | ${f.factor}x | ${cells.join(" | ")} | ${f.cOneThreadMs === null ? "-" : f.cOneThreadMs.toFixed(1)} |`);
}
writeFileSync(out, `${JSON.stringify({ machine, finishedLoadAverage: machineInfo().loadAverage, seconds: (performance.now() - started) / 1000, sizes: results }, null, 2)}\n`);
console.log(`\nbench:scale finished in ${((performance.now() - started) / 1000).toFixed(1)} s; results in ${out}`);
