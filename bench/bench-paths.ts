/**
 * Where the benchmark's source files (the C peers, the Kaitai description) and its results live.
 * The `npm run bench*` scripts run the benchmarks compiled into dist-bench/ (tsconfig.bench.json);
 * tests and tsx run them from bench/. Either way these point into the project's bench/.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

/** The project's bench/ directory (sources, not the compiled copy). */
export const BENCH_DIR = join(projectRoot(), "bench");
/** Where benchmark results (JSON, charts, built C peers) go; not checked in. */
export const BENCH_RESULTS_DIR = join(BENCH_DIR, "results");
