import type { ByteSource } from "../../runtime/byte-view.js";

/** Values `lu dump` emits: plain JSON. 64-bit integers above 2^53 - 1 become decimal strings. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function integerJson(value: bigint | number): number | string {
  if (typeof value === "number") return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** Octets as lowercase hex, two digits each, no separators. */
export function hexOctets(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Every octet of `[at, at + length)` of `source` in hex (read piece by piece), with the length. */
export function octetsJson(source: ByteSource, at: number, length: number): JsonValue {
  const parts: string[] = [];
  source.segments(at, length, (piece) => {
    parts.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString("hex"));
  });
  return { bytes: length, hex: parts.join("") };
}
