import type { ByteSource } from "../../runtime/byte-view.js";

/**
 * Values `lu dump` emits: plain JSON, plus `OctetRun`s (octets still in the input, written as
 * `{bytes, hex}` when serialised). 64-bit integers above 2^53 - 1 become decimal strings.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | OctetRun
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * A run of octets of the input shown in full: `{ bytes, hex }` in JSON. The octets are not read
 * until the value is written, so a dump of a large byte field or payload streams them piece by
 * piece (json-writer.ts) instead of building a hex string of twice their size. `toJSON()` gives the
 * same object for `JSON.stringify` (small values, tests). Valid while the walk that made it runs.
 */
export class OctetRun {
  readonly source: ByteSource;
  readonly at: number;
  readonly length: number;
  constructor(source: ByteSource, at: number, length: number) {
    this.source = source;
    this.at = at;
    this.length = length;
  }

  /** The octets in hex, visited piece by piece as the source holds them. */
  hexPieces(visit: (hex: string) => void): void {
    this.source.segments(this.at, this.length, (piece) =>
      visit(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString("hex")),
    );
  }

  toJSON(): { bytes: number; hex: string } {
    const parts: string[] = [];
    this.hexPieces((h) => parts.push(h));
    return { bytes: this.length, hex: parts.join("") };
  }
}

export function integerJson(value: bigint | number): number | string {
  if (typeof value === "number") return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** Octets as lowercase hex, two digits each, no separators. */
export function hexOctets(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Every octet of `[at, at + length)` of `source`, as a run read when it is written. */
export function octetsJson(source: ByteSource, at: number, length: number): JsonValue {
  return new OctetRun(source, at, length);
}

/** `v` as plain JSON, its octet runs read now (for values kept after the walk, e.g. preamble structs). */
export function plainJson(v: JsonValue): JsonValue {
  if (v instanceof OctetRun) return v.toJSON();
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return (v as readonly JsonValue[]).map(plainJson);
  const out: { [k: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v as { readonly [k: string]: JsonValue })) out[k] = plainJson(x);
  return out;
}
