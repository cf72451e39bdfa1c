/** The harness must catch what it promises to catch; otherwise the fuzz budget proves nothing. */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FuzzTarget } from "../../fuzz/fuzz-case.js";
import { judgeCase, runTarget } from "../../fuzz/harness.js";
import { judgeDataError, violated } from "../../fuzz/invariants.js";
import { BoundsError, LuDataError } from "../../runtime/errors.js";

function target(run: FuzzTarget["run"]): FuzzTarget {
  return {
    name: "probe",
    description: "harness probe",
    arbitrary: () => fc.uint8Array({ maxLength: 4 }).map((data) => ({ data, params: {} })),
    run,
    judgeError: (e) => judgeDataError(e),
  };
}
const one = { data: new Uint8Array(1), params: {} };

describe("judgeCase", () => {
  it("accepts a result and a located typed error", () => {
    expect(
      judgeCase(
        target(() => undefined),
        one,
      ).violation,
    ).toBeUndefined();
    expect(
      judgeCase(
        target(() => {
          throw new BoundsError(8, 4, 10);
        }),
        one,
      ).violation,
    ).toBeUndefined();
  });
  it("flags a RangeError, a TypeError, a bare Error, an error without a location, a multi-line message", () => {
    const probes: (() => never)[] = [
      () => {
        throw new RangeError("Offset is outside the bounds of the DataView");
      },
      () => {
        throw new TypeError("x is undefined");
      },
      () => {
        throw new Error("boom");
      },
      () => {
        throw new LuDataError("x", "no location");
      },
      () => {
        throw new LuDataError("x", "two\nlines", { offset: 3 });
      },
    ];
    for (const p of probes) expect(judgeCase(target(p), one).violation).toBeDefined();
  });
  it("flags a wrong answer, a slow case and a case that allocates too much", () => {
    expect(
      judgeCase(
        target(() => violated("wrong")),
        one,
      ).violation,
    ).toBe("wrong");
    const slow = target(() => {
      const t = performance.now();
      while (performance.now() - t < 30);
    });
    expect(judgeCase(slow, one, { caseTimeMs: 10, caseMemoryBytes: 2 ** 30 }).violation).toMatch(/took/);
    let keep: ArrayBuffer | undefined;
    const big = target(() => {
      keep = new ArrayBuffer(64 * 2 ** 20);
    });
    expect(judgeCase(big, one, { caseTimeMs: 10_000, caseMemoryBytes: 16 * 2 ** 20 }).violation).toMatch(/allocated/);
    expect(keep?.byteLength).toBe(64 * 2 ** 20);
  });
});

describe("runTarget", () => {
  it("shrinks a failure and reports its seed and path", () => {
    const r = runTarget(
      target((c) => {
        if (c.data.length >= 2) throw new TypeError("too long");
      }),
      { seed: 1, numRuns: 200 },
    );
    expect(r.failure?.counterexample.data.length).toBe(2);
    expect(r.failure?.seed).toBe(1);
    expect(r.failure?.path).toBeDefined();
  });
});
