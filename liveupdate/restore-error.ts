/**
 * The one error a restore raises: what went wrong (`problem`), in which pass, and where (stream
 * offset, record index, record type and name), with the expected vs actual value when there is one.
 * The caller's frame table and domain list are unchanged when it is thrown.
 */
import { formatLocation, LuDataError, type DataLocation } from "../runtime/errors.js";

export type RestoreProblem =
  | "breadcrumb"
  | "mfn-array"
  | "stream-page"
  | "truncated"
  | "padding"
  | "unknown-record"
  | "missing-end"
  | "record-order"
  | "domain-info"
  | "duplicate-domain"
  | "hvm-params"
  | "domain-pages"
  | "m2p"
  | "frame-outside"
  | "frame-owned"
  | "hvm-context";

/** Stage of the restore: finding the stream, or pass 0/1/2. */
export type RestoreStage = "locate" | 0 | 1 | 2;

export class RestoreError extends LuDataError {
  readonly problem: RestoreProblem;
  readonly stage: RestoreStage;
  readonly expected: string | undefined;
  readonly actual: string | undefined;

  constructor(
    problem: RestoreProblem,
    stage: RestoreStage,
    message: string,
    where: DataLocation = {},
    expected?: string,
    actual?: string,
  ) {
    super(`restore/${problem}`, message, where);
    this.problem = problem;
    this.stage = stage;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The same failure, raised again as a `RestoreError` of `stage` (the location is kept). */
export function asRestoreError(e: LuDataError, problem: RestoreProblem, stage: RestoreStage): RestoreError {
  const prefix = `${formatLocation(e.where)}: `;
  const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  const detail = e as { expected?: unknown; actual?: unknown };
  const expected = typeof detail.expected === "string" ? detail.expected : undefined;
  const actual = typeof detail.actual === "string" ? detail.actual : undefined;
  const err = new RestoreError(problem, stage, message, e.where, expected, actual);
  err.cause = e;
  return err;
}
