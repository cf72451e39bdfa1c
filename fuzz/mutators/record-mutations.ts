/**
 * Structure-aware mutations of a record stream: records are generated as a list, mutated as a list
 * (length fields set to 0, the maximum or off by one, types moved between the mandatory and
 * optional ranges, records swapped, dropped, duplicated, padding dirtied) and only then encoded.
 */
import * as fc from "fast-check";
import type { StreamFormat } from "../../runtime/stream-format.js";
import { edgeU32 } from "./byte-mutations.js";

export interface FuzzRecord {
  readonly type: number;
  readonly body: Uint8Array;
  /** Value written in the header's length field instead of the body's real length. */
  readonly lengthField?: number;
  /** Octet written into the padding instead of zero. */
  readonly padByte?: number;
}

export type RecordMutation =
  | {
      readonly kind: "length";
      readonly record: number;
      readonly mode: "zero" | "max" | "plus1" | "minus1" | "plus8" | "minus8" | "edge";
      readonly edge: number;
    }
  | { readonly kind: "optional-bit"; readonly record: number }
  | { readonly kind: "type"; readonly record: number; readonly value: number }
  | { readonly kind: "swap"; readonly record: number; readonly other: number }
  | { readonly kind: "drop"; readonly record: number }
  | { readonly kind: "duplicate"; readonly record: number }
  | {
      readonly kind: "padding";
      readonly record: number;
      readonly value: number;
    };

export function recordMutation(): fc.Arbitrary<RecordMutation> {
  const record = fc.nat({ max: 64 });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("length" as const),
        record,
        mode: fc.constantFrom(
          "zero" as const,
          "max" as const,
          "plus1" as const,
          "minus1" as const,
          "plus8" as const,
          "minus8" as const,
          "edge" as const,
        ),
        edge: edgeU32(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("optional-bit" as const),
        record,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("type" as const),
        record,
        value: fc.oneof(
          fc.constantFrom(0, 1, 2, 0x0a, 0x40000000, 0x40000003, 0x7fffffff, 0x80000000, 0xc0000000, 0xffffffff),
          fc.nat({ max: 0xffffffff }),
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("swap" as const),
        record,
        other: record,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("drop" as const), record }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("duplicate" as const), record }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("padding" as const),
        record,
        value: fc.integer({ min: 1, max: 255 }),
      }),
    },
  );
}

function fieldMask(size: number): number {
  return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
}

export function applyRecordMutation(
  records: readonly FuzzRecord[],
  m: RecordMutation,
  format: StreamFormat,
): FuzzRecord[] {
  const out = records.slice();
  if (out.length === 0) return out;
  const i = m.record % out.length;
  const r = out[i];
  if (r === undefined) return out;
  const lmax = fieldMask(format.lengthSize);
  const tmax = fieldMask(format.typeSize);
  switch (m.kind) {
    case "length": {
      const real = r.body.length;
      const v =
        m.mode === "zero"
          ? 0
          : m.mode === "max"
            ? lmax
            : m.mode === "plus1"
              ? real + 1
              : m.mode === "minus1"
                ? real - 1
                : m.mode === "plus8"
                  ? real + 8
                  : m.mode === "minus8"
                    ? real - 8
                    : m.edge;
      out[i] = {
        ...r,
        lengthField: ((v % (lmax + 1)) + (lmax + 1)) % (lmax + 1),
      };
      break;
    }
    case "optional-bit": {
      const bit = format.optionalBit ?? format.typeSize * 8 - 1;
      out[i] = { ...r, type: (r.type ^ (2 ** bit)) >>> 0 };
      break;
    }
    case "type":
      out[i] = { ...r, type: (m.value & tmax) >>> 0 };
      break;
    case "swap": {
      const j = m.other % out.length;
      const o = out[j];
      if (o !== undefined) {
        out[i] = o;
        out[j] = r;
      }
      break;
    }
    case "drop":
      out.splice(i, 1);
      break;
    case "duplicate":
      out.splice(i, 0, r);
      break;
    case "padding":
      out[i] = { ...r, padByte: m.value };
      break;
  }
  return out;
}

export function applyRecordMutations(
  records: readonly FuzzRecord[],
  ms: readonly RecordMutation[],
  format: StreamFormat,
): FuzzRecord[] {
  let out = records.slice();
  for (const m of ms) out = applyRecordMutation(out, m, format);
  return out;
}

function putField(dv: DataView, at: number, size: number, value: number, le: boolean): void {
  if (size === 4) dv.setUint32(at, value >>> 0, le);
  else if (size === 2) dv.setUint16(at, value & 0xffff, le);
  else dv.setUint8(at, value & 0xff);
}

/** Encodes records with the format's framing (after `preamble`, which is copied as is). */
export function encodeRecords(
  format: StreamFormat,
  records: readonly FuzzRecord[],
  preamble: Uint8Array = new Uint8Array(format.preambleSize),
): Uint8Array {
  let size = preamble.length;
  for (const r of records) {
    const pad = (format.align - ((format.headerSize + r.body.length) % format.align)) % format.align;
    size += format.headerSize + r.body.length + pad;
  }
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(preamble, 0);
  let at = preamble.length;
  for (const r of records) {
    putField(dv, at + format.typeOffset, format.typeSize, r.type, format.littleEndian);
    putField(dv, at + format.lengthOffset, format.lengthSize, r.lengthField ?? r.body.length, format.littleEndian);
    at += format.headerSize;
    out.set(r.body, at);
    at += r.body.length;
    const pad = (format.align - ((format.headerSize + r.body.length) % format.align)) % format.align;
    if (r.padByte !== undefined) out.fill(r.padByte, at, at + pad);
    at += pad;
  }
  return out;
}
