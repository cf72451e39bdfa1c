/**
 * Runs a target's cases through fast-check and holds every case to the fixed invariants: it ends
 * with a result or an error the target accepts (typed, located, one line), within `caseTimeMs`,
 * without allocating more than `caseMemoryBytes` of buffers on the way. A failing case is shrunk by
 * fast-check and handed back with the seed and path that replay it.
 */
import * as fc from "fast-check";
import type { FuzzCase, FuzzTarget } from "./fuzz-case.js";
import { InvariantViolation, describeThrown } from "./invariants.js";

export interface CaseBounds {
  /** Wall-clock bound on one case. */
  readonly caseTimeMs: number;
  /** Bound on ArrayBuffer + heap growth during one case (a length field must not buy gigabytes). */
  readonly caseMemoryBytes: number;
}

export const DEFAULT_BOUNDS: CaseBounds = {
  caseTimeMs: 2000,
  caseMemoryBytes: 256 * 1024 * 1024,
};

export interface CaseVerdict {
  /** Undefined when the case kept every invariant. */
  readonly violation: string | undefined;
  /** How the case ended: "ok" or the error class name. */
  readonly outcome: string;
  readonly ms: number;
  readonly memoryGrowth: number;
}

function allocated(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs one case and judges it. Never throws. */
export function judgeCase(
  target: FuzzTarget,
  c: FuzzCase,
  bounds: CaseBounds = DEFAULT_BOUNDS,
  ignoreKnown = false,
): CaseVerdict {
  const mem0 = allocated();
  const t0 = performance.now();
  let violation: string | undefined;
  let outcome = "ok";
  try {
    target.run(c);
  } catch (e) {
    outcome = e instanceof Error ? e.name : typeof e;
    violation = e instanceof InvariantViolation ? e.message : target.judgeError(e);
    const known = ignoreKnown || violation === undefined ? undefined : target.knownIssues?.find((k) => k.matches(e));
    if (known !== undefined) {
      outcome = `known:${known.id}`;
      violation = undefined;
    }
  }
  const ms = performance.now() - t0;
  const memoryGrowth = allocated() - mem0;
  if (violation === undefined && ms > bounds.caseTimeMs)
    violation = `case took ${ms.toFixed(0)} ms (bound ${bounds.caseTimeMs} ms)`;
  if (violation === undefined && memoryGrowth > bounds.caseMemoryBytes) {
    violation = `case allocated ${(memoryGrowth / 2 ** 20).toFixed(0)} MiB (bound ${(bounds.caseMemoryBytes / 2 ** 20).toFixed(0)} MiB)`;
  }
  return { violation, outcome, ms, memoryGrowth };
}

export interface RunOptions {
  readonly seed: number;
  /** Stop after this many generated cases... */
  readonly numRuns?: number;
  /** ...or after this long (whichever comes first). */
  readonly timeLimitMs?: number;
  readonly bounds?: CaseBounds;
}

export interface TargetFailure {
  readonly message: string;
  readonly seed: number;
  readonly path: string | undefined;
  /** The shrunk case. */
  readonly counterexample: FuzzCase;
}

export interface TargetReport {
  readonly target: string;
  readonly seed: number;
  /** Cases generated and judged (shrinking runs included). */
  readonly cases: number;
  readonly ms: number;
  readonly casesPerSecond: number;
  readonly maxCaseMs: number;
  /** Largest growth of heap + buffers seen in one case. */
  readonly maxCaseMemory: number;
  /** Count of cases per outcome (ok or error class). */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly failure: TargetFailure | undefined;
}

export function runTarget(target: FuzzTarget, options: RunOptions): TargetReport {
  const bounds = options.bounds ?? DEFAULT_BOUNDS;
  let cases = 0;
  let maxCaseMs = 0;
  let maxCaseMemory = 0;
  const outcomes: Record<string, number> = {};
  const t0 = performance.now();
  const property = fc.property(target.arbitrary(), (c) => {
    const v = judgeCase(target, c, bounds);
    cases++;
    maxCaseMs = Math.max(maxCaseMs, v.ms);
    maxCaseMemory = Math.max(maxCaseMemory, v.memoryGrowth);
    outcomes[v.outcome] = (outcomes[v.outcome] ?? 0) + 1;
    if (v.violation !== undefined) throw new InvariantViolation(v.violation);
  });
  const details = fc.check(property, {
    seed: options.seed,
    numRuns: options.numRuns ?? Number.MAX_SAFE_INTEGER,
    ...(options.timeLimitMs === undefined
      ? {}
      : {
          interruptAfterTimeLimit: options.timeLimitMs,
          markInterruptAsFailure: false,
        }),
  });
  const ms = performance.now() - t0;
  let failure: TargetFailure | undefined;
  if (details.failed && details.counterexample !== null) {
    const [counterexample] = details.counterexample;
    failure = {
      message:
        details.errorInstance instanceof Error ? details.errorInstance.message : describeThrown(details.errorInstance),
      seed: details.seed,
      path: details.counterexamplePath ?? undefined,
      counterexample,
    };
  }
  return {
    target: target.name,
    seed: options.seed,
    cases,
    ms,
    casesPerSecond: cases / (ms / 1000),
    maxCaseMs,
    maxCaseMemory,
    outcomes,
    failure,
  };
}

/** One line per report: target, cases, time, cases/s, the worst case's time and memory. */
export function formatReport(r: TargetReport): string {
  const status =
    r.failure === undefined ? "ok" : `FAILED (seed ${r.seed}, path ${r.failure.path ?? "-"}): ${r.failure.message}`;
  return `${r.target.padEnd(16)} ${String(r.cases).padStart(8)} cases ${(r.ms / 1000).toFixed(1).padStart(6)} s ${r.casesPerSecond.toFixed(0).padStart(7)} cases/s  max ${r.maxCaseMs.toFixed(1)} ms/case  ${status}`;
}
