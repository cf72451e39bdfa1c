/**
 * The parallel table of the benchmark (bench/workers.bench.ts) on the small host: every thread
 * count is timed beside the C restore with the same number of threads, whose result was checked
 * against lu-codec's, and the JSON says so per thread count.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { haveCompiler } from "../../bench/c-compiler.js";
import { runWorkerScaling, type ScalingFigures } from "../../bench/workers.bench.js";

describe("the parallel restore table", () => {
  const dir = mkdtempSync(join(tmpdir(), "lu-workers-bench-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(haveCompiler() === undefined)(
    "puts C with as many threads beside every thread count, in the table and the JSON",
    async () => {
      const jsonFile = join(dir, "scaling.json");
      const [f] = await runWorkerScaling({
        small: true,
        sizes: [1],
        extentFrames: 1,
        workers: [2],
        outDir: dir,
        repeat: 3,
        jsonFile,
      });
      expect(f).toBeDefined();
      const figures = f as ScalingFigures;
      expect(figures.cClaims).toBe("count");
      expect(figures.timedRuns).toBe(3);
      expect(figures.threads.map((t) => t.threads)).toEqual([1, 2]);
      for (const t of figures.threads) {
        expect(t.runsMs).toHaveLength(3);
        expect(t.cRunsMs).toHaveLength(3);
        expect(t.cMs).toBeGreaterThan(0);
        expect(t.cPass1Ms).toBeGreaterThan(0);
        expect(t.ratioToCSameThreads).toBeCloseTo(t.ms / (t.cMs ?? NaN), 9);
        expect(t.pass1RatioToCSameThreads).toBeCloseTo(t.pass1Ms / (t.cPass1Ms ?? NaN), 9);
      }
      expect(figures.cOneThreadMs).toBe(figures.threads[0]?.cMs);
      const doc = JSON.parse(readFileSync(jsonFile, "utf8")) as { sizes: ScalingFigures[] };
      expect(doc.sizes[0]?.threads[1]?.cMs).toBe(figures.threads[1]?.cMs);
    },
    120_000,
  );
});
