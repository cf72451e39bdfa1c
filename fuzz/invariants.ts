/**
 * The invariants every case is held to: the only way out is a result or the project's own typed
 * error carrying a location, on one line; nothing else (RangeError, TypeError, a bare Error, a stack
 * overflow) may escape.
 */
import { LuDataError, formatLocation } from "../runtime/errors.js";

/** Thrown by a target when the code under test answered wrongly or broke a promise. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantViolation";
  }
}

export function violated(message: string): never {
  throw new InvariantViolation(message);
}

/** Short description of anything thrown, for reports. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `non-Error thrown: ${String(e)}`;
}

/**
 * Judges a data error: it must be a `LuDataError` (the runtime's typed errors, and subclasses such
 * as `RestoreError`), carry a location (at least a stream offset), and have a one-line message.
 */
export function judgeDataError(
  e: unknown,
  allowed: readonly (abstract new (...args: never[]) => LuDataError)[] = [LuDataError],
): string | undefined {
  if (!(e instanceof LuDataError)) return `escaped a non-typed error: ${describeThrown(e)}`;
  if (!allowed.some((cls) => e instanceof cls)) return `unexpected error class ${e.name}: ${e.message}`;
  if (formatLocation(e.where).length === 0 || e.where.offset === undefined)
    return `${e.name} without a location: ${e.message}`;
  if (!Number.isFinite(e.where.offset) || e.where.offset < 0)
    return `${e.name} with a bad offset ${e.where.offset}: ${e.message}`;
  if (e.message.includes("\n")) return `${e.name} message spans lines: ${JSON.stringify(e.message)}`;
  return undefined;
}
