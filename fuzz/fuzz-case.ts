/**
 * What every fuzz target works on: one input as bytes plus a small JSON object of parameters.
 * That shape is also the regression fixture on disk (`<name>.bin` + `<name>.json`), so any case a
 * soak finds can be replayed by the normal test suite without its generator.
 */
import type * as fc from "fast-check";

/** JSON-safe parameter values (bigints are carried as decimal strings by the targets). */
export type ParamValue =
  | string
  | number
  | boolean
  | null
  | readonly ParamValue[]
  | { readonly [key: string]: ParamValue };
export type Params = { readonly [key: string]: ParamValue };

export interface FuzzCase {
  readonly data: Uint8Array;
  readonly params: Params;
}

/** A property over hostile inputs. `run` returns normally or throws; the harness judges the throw. */
export interface FuzzTarget {
  readonly name: string;
  readonly description: string;
  /** Generator of cases (valid inputs and their mutations). */
  arbitrary(): fc.Arbitrary<FuzzCase>;
  /**
   * Runs the code under test on one case. Throws `InvariantViolation` when the code returned a wrong
   * answer or broke a promise (state changed after a failure); any other throw is judged by
   * `isExpectedError`.
   */
  run(c: FuzzCase): void;
  /**
   * The errors this target's code may legitimately raise for bad input, with a reason when `e`
   * is not one of them (undefined = acceptable).
   */
  judgeError(e: unknown): string | undefined;
  /**
   * Bugs found and reported but not fixed yet, each with the regression fixture that shows it.
   * A matching error counts as outcome `known:<id>` rather than a violation, so the budget run stays
   * green while the fixture (status `open`) keeps the bug visible.
   */
  readonly knownIssues?: readonly KnownIssue[];
}

export interface KnownIssue {
  readonly id: string;
  readonly fixture: string;
  matches(e: unknown): boolean;
}
