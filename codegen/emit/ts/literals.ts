/** Integer literals in generated code. */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Whether `value` can be written as a plain `number` literal. */
export function isSafe(value: bigint): boolean {
  return value <= MAX_SAFE && value >= -MAX_SAFE;
}

/** Decimal below 2^16, hex from there on (masks, magics and record types read better in hex). */
function digits(value: bigint): string {
  const abs = value < 0n ? -value : value;
  const text = abs < 0x1_0000n ? abs.toString() : `0x${abs.toString(16)}`;
  return value < 0n ? `-${text}` : text;
}

/** A `number` literal (throws if the value is not a safe integer: the caller must pick bigint). */
export function numberLiteral(value: bigint | number): string {
  const v = typeof value === "number" ? BigInt(value) : value;
  if (!isSafe(v)) throw new Error(`internal: ${v} is not a safe integer`);
  return digits(v);
}

/** A `bigint` literal (`0x10n`). */
export function bigintLiteral(value: bigint | number): string {
  return `${digits(typeof value === "number" ? BigInt(value) : value)}n`;
}

/** A literal of the right kind: bigint when `asBigint`. */
export function intLiteral(value: bigint | number, asBigint: boolean): string {
  return asBigint ? bigintLiteral(value) : numberLiteral(value);
}

/** Hex with a fixed width of `digitsWanted` (record type values, masks). */
export function hexLiteral(value: bigint | number, digitsWanted: number, asBigint = false): string {
  const v = typeof value === "number" ? BigInt(value) : value;
  return `0x${v.toString(16).padStart(digitsWanted, "0")}${asBigint ? "n" : ""}`;
}
