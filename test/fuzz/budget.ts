/** The CI fuzz budget: a fixed seed and case count per target; a failure names the seed and path. */
import { expect } from "vitest";
import { formatReport, runTarget } from "../../fuzz/harness.js";
import { fuzzTarget } from "../../fuzz/targets/index.js";

export function runBudget(target: string, cases: number, seed: number): void {
  const report = runTarget(fuzzTarget(target), { seed, numRuns: cases });
  console.log(formatReport(report));
  const f = report.failure;
  const detail =
    f === undefined
      ? ""
      : `${f.message}\nreplay: fc seed ${f.seed}, path ${f.path ?? "-"}; params ${JSON.stringify(f.counterexample.params)}; data ${Buffer.from(f.counterexample.data).toString("hex")}\nsave it with: npm run fuzz -- --target ${target} --cases ${cases} --seed ${seed}`;
  expect(f, detail).toBeUndefined();
  expect(report.cases).toBe(cases);
}
