import { type LuDataError, formatLocation } from "../../runtime/errors.js";

/** One finding of `lu validate` (and the warnings of `lu dump`), with where it is. */
export interface InspectProblem {
  /** Offset in the file (stream inputs) or in the vmapped stream (memory images). */
  readonly offset: number;
  /** Index of the record in its stream, when inside one. */
  readonly recordIndex?: number;
  /** Record type name or hex value, when inside a record. */
  readonly record?: string;
  /** Dotted field path, when about a field. */
  readonly field?: string;
  /** Machine-readable kind, e.g. `bad-constant`, `truncated`, `unknown-record`. */
  readonly kind: string;
  readonly message: string;
}

export function formatProblem(p: InspectProblem): string {
  const where = [`offset ${p.offset} (0x${p.offset.toString(16)})`];
  if (p.recordIndex !== undefined) where.push(`record #${p.recordIndex}`);
  if (p.record !== undefined) where.push(p.record);
  if (p.field !== undefined) where.push(`field ${p.field}`);
  return `${where.join(", ")}: ${p.message}`;
}

/** The error's message without the location prefix `LuDataError` adds (the problem carries it). */
export function stripLocation(e: LuDataError): string {
  const loc = formatLocation(e.where);
  return loc.length > 0 && e.message.startsWith(`${loc}: `) ? e.message.slice(loc.length + 2) : e.message;
}
