/**
 * `npm run bench`: the benchmark suites. `npm run bench -- --small` runs a small preset (under a
 * minute); `--sizes 1` (or `1,4`) runs only those multiples of the host (the full run's 16x takes
 * most of its time). Results (JSON, benny charts) go to bench/results/, which is not checked in.
 *
 * `--memory` runs only the memory probe below at each size (`--sizes`, `--small` as above;
 * `--repeat N` probes per size, default 3), without the timed lines: seconds at 1x, not minutes.
 *
 * `--rss-child IMAGE BOOTMEM PAGE_SIZE` is the memory probe the stream-restore suite runs in a
 * fresh process: it loads an image, restores it once, and prints how much memory the restore
 * needed beyond the image and the frame table.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { measureRestoreMemory, runMemoryProbe, runStreamRestoreBench } from "./stream-restore.bench.js";

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
  const outDir = join(dirname(fileURLToPath(import.meta.url)), "results");
  const started = performance.now();
  if (args.includes("--memory")) {
    const r = args.indexOf("--repeat");
    const repeat = r >= 0 ? Number(args[r + 1]) : 3;
    if (!(Number.isInteger(repeat) && repeat >= 1)) {
      console.error(`bench: --repeat takes a whole number of runs, got '${args[r + 1] ?? ""}'`);
      process.exit(2);
    }
    runMemoryProbe({ small, sizes, repeat });
    console.log(`\nmemory probe finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    await runStreamRestoreBench({ small, sizes, outDir });
    console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s; results in ${outDir}`);
  }
}
