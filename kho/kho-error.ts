/** A KHO handover that breaks a rule of the format (what, where, which address), not a schema-level pointer error. */
import { LuDataError } from "../runtime/errors.js";

export type KhoProblem = "locate" | "compatible" | "map" | "node" | "size" | "count" | "folio";

export class KhoError extends LuDataError {
  readonly problem: KhoProblem;
  constructor(problem: KhoProblem, message: string) {
    super(`kho-${problem}`, message);
    this.problem = problem;
  }
}
