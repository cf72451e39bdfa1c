import { describe, expect, it } from "vitest";
import { fuzzTarget } from "../../../fuzz/targets/index.js";
import { runBudget } from "../budget.js";

describe("fuzz target memory-image", () => {
  it("an undamaged flat, raw and ELF dump is clean and restores every domain, the bootmem given or found", () => {
    const t = fuzzTarget("memory-image");
    let n = 0;
    for (const c of fcSamples()) {
      if (c.params["pristine"] !== true) continue;
      t.run(c); // a pristine case that fails or loses a domain is a violation (throws)
      n++;
    }
    expect(n).toBeGreaterThan(10);
  }, 60_000);

  it("keeps every invariant on 600 damaged dumps (fixed seed)", () => {
    runBudget("memory-image", 600, 0xe1f64);
  }, 120_000);
});

import * as fc from "fast-check";
import type { FuzzCase } from "../../../fuzz/fuzz-case.js";
function fcSamples(): FuzzCase[] {
  return fc.sample(fuzzTarget("memory-image").arbitrary(), { seed: 5, numRuns: 150 });
}
