/**
 * Replays every saved fuzz regression (test/fuzz/regressions/*.bin + .json). A `fixed` fixture
 * must keep every invariant; an `open` one documents a reported bug and must still show it (when it
 * stops failing, the bug was fixed: flip the fixture to `fixed`).
 */
import { describe, expect, it } from "vitest";
import { judgeCase } from "../../fuzz/harness.js";
import { loadRegressions } from "../../fuzz/regressions.js";
import { fuzzTarget } from "../../fuzz/targets/index.js";

const regressions = loadRegressions();

describe("fuzz regressions", () => {
  it("has fixtures to replay, each naming a known target", () => {
    expect(regressions.length).toBeGreaterThan(0);
    for (const r of regressions) expect(() => fuzzTarget(r.sidecar.target)).not.toThrow();
  });

  for (const r of regressions) {
    it(`${r.name} (${r.sidecar.status}): ${r.sidecar.found.slice(0, 80)}`, () => {
      const verdict = judgeCase(fuzzTarget(r.sidecar.target), r.case, undefined, true);
      if (r.sidecar.status === "fixed") expect(verdict.violation, r.sidecar.found).toBeUndefined();
      else expect(verdict.violation, `open bug no longer reproduces; mark ${r.name} fixed`).toBeDefined();
    });
  }

  it("every open fixture is listed as a known issue of its target, and every known issue has its fixture", () => {
    const open = regressions
      .filter((r) => r.sidecar.status === "open")
      .map((r) => r.name)
      .sort();
    const known = regressions
      .map((r) => r.sidecar.target)
      .filter((t, i, all) => all.indexOf(t) === i)
      .flatMap((t) => (fuzzTarget(t).knownIssues ?? []).map((k) => k.fixture))
      .sort();
    expect(known).toEqual(open);
  });
});
