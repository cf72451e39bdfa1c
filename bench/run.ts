/**
 * `npm run bench`: the benchmark suites. `npm run bench -- --small` runs a small preset (under a
 * minute); `--sizes 1` (or `1,4`) runs only those multiples of the host (the full run's 16x takes
 * most of its time). Results (JSON, benny charts) go to bench/results/, which is not checked in.
 *
 * It runs compiled (tsconfig.bench.json, into dist-bench/) on plain Node, the way an embedder runs
 * lu-codec, not under tsx: tsx's loader detaches an ArrayBuffer when it loads a CommonJS package
 * (binary-parser, Kaitai), and once any buffer in the process has been detached V8 compiles every
 * typed array access more cautiously for the rest of the run. That slows the JavaScript lines by
 * different amounts (docs/restore.md, "Under tsx and compiled").
 *
 * `--extent-frames N` saves the hosts with guest memory in aligned extents of N frames. The default
 * is the embedded hosts' 512 (2 MiB extents, as Xen's toolstack backs HVM guests with superpages);
 * 1 scatters every frame on its own, the worst case for pass 1's frame-table stores.
 * `--lines 1,3,7` times only those lines (1 and 3 always run).
 *
 * `--memory` runs only the memory probe below at each size (`--sizes`, `--small` as above;
 * `--repeat N` probes per size, default 3), without the timed lines: seconds at 1x, not minutes.
 *
 * After the lines, the parallel restore over warm pools of 1, 2, 4, ... threads up to the core count
 * (bench/workers.bench.ts), each beside the C restore with as many threads; `--workers 1,2` chooses
 * the thread counts, `--workers-only` skips the lines above and runs only that, `--c-claims cas`
 * has C's threads claim with a compare-and-exchange per entry instead of lu-codec's counting.
 *
 * `--rss-child IMAGE BOOTMEM PAGE_SIZE` is the memory probe the stream-restore suite runs in a
 * fresh process: it loads an image, restores it once, and prints how much memory the restore
 * needed beyond the image and the frame table.
 */
import { DEFAULT_HOST_SPEC, extentFrames as specExtentFrames } from "../liveupdate/host-spec.js";
import { BENCH_RESULTS_DIR } from "./bench-paths.js";
import { measureRestoreMemory, runMemoryProbe, runStreamRestoreBench } from "./stream-restore.bench.js";
import { defaultWorkerList, runWorkerScaling } from "./workers.bench.js";

const args = process.argv.slice(2);
const child = args.indexOf("--rss-child");
if (child >= 0) {
  const [image, bootmem, pageSize] = args.slice(child + 1);
  console.log(JSON.stringify(measureRestoreMemory(image ?? "", Number(bootmem), Number(pageSize))));
} else {
  const small = args.includes("--small");
  const at = args.indexOf("--sizes");
  const sizes = at >= 0 ? (args[at + 1] ?? "").split(",").map(Number) : [1, 4, 16];
  if (sizes.length === 0 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
    console.error(`bench: --sizes takes factors such as 1 or 1,4,16, got '${args[at + 1] ?? ""}'`);
    process.exit(2);
  }
  const e = args.indexOf("--extent-frames");
  const extentFrames = e >= 0 ? Number(args[e + 1]) : specExtentFrames(DEFAULT_HOST_SPEC);
  if (
    !(
      Number.isInteger(extentFrames) &&
      extentFrames >= 1 &&
      extentFrames <= 2 ** 18 &&
      (extentFrames & (extentFrames - 1)) === 0
    )
  ) {
    console.error(`bench: --extent-frames takes a power of two from 1 to ${2 ** 18}, got '${args[e + 1] ?? ""}'`);
    process.exit(2);
  }
  const l = args.indexOf("--lines");
  const lines = l >= 0 ? (args[l + 1] ?? "").split(",").map(Number) : undefined;
  if (lines !== undefined && !(lines.length > 0 && lines.every((id) => Number.isInteger(id) && id >= 1 && id <= 7))) {
    console.error(`bench: --lines takes line numbers 1..7 such as 1,3,7, got '${args[l + 1] ?? ""}'`);
    process.exit(2);
  }
  const w = args.indexOf("--workers");
  const workers = w >= 0 ? (args[w + 1] ?? "").split(",").map(Number) : defaultWorkerList();
  if (!(workers.length > 0 && workers.every((n) => Number.isInteger(n) && n >= 1 && n <= 1024))) {
    console.error(`bench: --workers takes thread counts such as 1,2,4, got '${args[w + 1] ?? ""}'`);
    process.exit(2);
  }
  const c = args.indexOf("--c-claims");
  const cClaims = c >= 0 ? args[c + 1] : "count";
  if (cClaims !== "count" && cClaims !== "cas") {
    console.error(`bench: --c-claims takes count or cas, got '${cClaims ?? ""}'`);
    process.exit(2);
  }
  const outDir = BENCH_RESULTS_DIR;
  const started = performance.now();
  if (args.includes("--memory")) {
    const r = args.indexOf("--repeat");
    const repeat = r >= 0 ? Number(args[r + 1]) : 3;
    if (!(Number.isInteger(repeat) && repeat >= 1)) {
      console.error(`bench: --repeat takes a whole number of runs, got '${args[r + 1] ?? ""}'`);
      process.exit(2);
    }
    runMemoryProbe({ small, sizes, repeat, extentFrames });
    console.log(`\nmemory probe finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    if (!args.includes("--workers-only"))
      await runStreamRestoreBench({ small, sizes, outDir, extentFrames, ...(lines === undefined ? {} : { lines }) });
    await runWorkerScaling({ small, sizes, extentFrames, workers, outDir, cClaims });
    console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s; results in ${outDir}`);
  }
}
