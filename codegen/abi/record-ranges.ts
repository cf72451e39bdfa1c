/**
 * Record type classes: a type value is optional when the stream's optional bit is set in it. A
 * declared range of type values is reserved for one class: the class its name or doc says
 * ("mandatory" / "optional"), else the class of its bounds; a range whose bounds differ is mixed.
 */
import type { LayoutStream, LayoutTypeRange } from "../ir.js";

export type RecordClass = "mandatory" | "optional";
export type RangeClass = RecordClass | "mixed";

export function isOptionalValue(value: number, optionalBit: number | null): boolean {
  if (optionalBit === null) return false;
  return Math.floor(value / 2 ** optionalBit) % 2 === 1;
}

export function rangeClass(range: LayoutTypeRange, optionalBit: number | null): RangeClass {
  const text = `${range.name} ${range.doc ?? ""}`.toLowerCase();
  const saysOptional = text.includes("optional");
  const saysMandatory = text.includes("mandatory");
  if (saysOptional !== saysMandatory) return saysOptional ? "optional" : "mandatory";
  const lo = isOptionalValue(range.lo, optionalBit);
  const hi = isOptionalValue(range.hi, optionalBit);
  if (lo !== hi) return "mixed";
  return lo ? "optional" : "mandatory";
}

/** Why a new record type value does not fit the declared ranges, or null when it does. */
export interface RangeFit {
  readonly range: LayoutTypeRange | null;
  readonly problem: string | null;
}

export function fitInRanges(
  stream: LayoutStream,
  ranges: readonly LayoutTypeRange[],
  value: number,
  optional: boolean,
): RangeFit {
  if (ranges.length === 0) return { range: null, problem: null };
  const want: RecordClass = optional ? "optional" : "mandatory";
  const containing = ranges.filter((r) => r.lo <= value && value <= r.hi);
  const right = containing.find((r) => {
    const c = rangeClass(r, stream.optionalBit);
    return c === want || c === "mixed";
  });
  if (right !== undefined) return { range: right, problem: null };
  const wrong = containing[0];
  if (wrong !== undefined) {
    return {
      range: wrong,
      problem: `lies in range '${wrong.name}', which is reserved for ${rangeClass(wrong, stream.optionalBit)} records`,
    };
  }
  return { range: null, problem: "lies outside every declared record type range" };
}
