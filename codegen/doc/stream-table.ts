/**
 * A stream's record-type table: every record and every documented range of type values, in
 * value order, with its body struct and whether the type is optional (its optional bit is set).
 */
import type { IntName, LayoutStream } from "../ir.js";
import { type DocIndex, hexValue, oneLine } from "./describe.js";

export interface StreamRow {
  readonly kind: "record" | "range";
  /** `0x00000001`, `0x20746D66 "fmt "` for a character code, `0x40000005 - 0x7FFFFFFF` for a range. */
  readonly value: string;
  readonly name: string;
  readonly body: string | null;
  /** `yes`, `no`, or `mixed` for a range that straddles the optional bit. */
  readonly optional: string;
  readonly doc: string;
  readonly lo: number;
}

/** Integer type of the header's type field (for the width of the hex values). */
function typeWidth(st: LayoutStream, index: DocIndex): IntName {
  const field = index.structs.get(st.header)?.fields.find((f) => f.name === st.typeField);
  const t = field?.type;
  return t !== undefined && (t.kind === "prim" || t.kind === "enum") && t.prim !== "f32" && t.prim !== "f64"
    ? t.prim
    : "u32";
}

function optionalOf(st: LayoutStream, lo: number, hi: number): string {
  if (st.optionalBit === null) return "no";
  const bit = 2 ** st.optionalBit;
  const set = (v: number): boolean => Math.floor(v / bit) % 2 === 1;
  if (set(lo) && set(hi) && hi - lo < bit) return "yes";
  if (!set(lo) && !set(hi) && hi - lo < bit) return "no";
  return "mixed";
}

export function streamRows(st: LayoutStream, index: DocIndex): StreamRow[] {
  const width = typeWidth(st, index);
  const rows: StreamRow[] = [
    ...st.records.map((r) => ({
      kind: "record" as const,
      value: r.code === undefined ? hexValue(r.value, width) : `${hexValue(r.value, width)} ${JSON.stringify(r.code)}`,
      name: r.name,
      body: r.body,
      optional: r.optional ? "yes" : "no",
      doc: `${r.name === st.end ? "Ends the stream. " : ""}${r.doc === null ? "" : oneLine(r.doc)}`.trim(),
      lo: r.value,
    })),
    ...st.ranges.map((r) => ({
      kind: "range" as const,
      value: `${hexValue(r.lo, width)} - ${hexValue(r.hi, width)}`,
      name: r.name,
      body: null,
      optional: optionalOf(st, r.lo, r.hi),
      doc: `Reserved range. ${r.doc === null ? "" : oneLine(r.doc)}`.trim(),
      lo: r.lo,
    })),
  ];
  return rows.sort((a, b) => a.lo - b.lo || (a.kind === "record" ? -1 : 1));
}
