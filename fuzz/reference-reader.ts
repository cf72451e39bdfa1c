/**
 * A second, deliberately plain reading of the record framing rules, used as the fuzzer's oracle:
 * one loop over a Uint8Array with no views, no cursor object and no shared code with the runtime's
 * RecordReader. The checks run in the order the reader documents (records limit, header, body
 * limit, body, padding, type, padding contents), so both must agree on the outcome of every input,
 * including which error comes first.
 */
import type { StreamFormat } from "../runtime/stream-format.js";

export interface ReferenceRecord {
  readonly index: number;
  readonly offset: number;
  readonly type: number;
  readonly bodyOffset: number;
  readonly bodyLength: number;
  readonly skipped: boolean;
}

export type ReferenceErrorKind =
  | "MissingEndError"
  | "RecordLimitError"
  | "TruncatedRecordError"
  | "UnknownRecordError"
  | "NonZeroPaddingError";

export interface ReferenceOutcome {
  readonly records: ReferenceRecord[];
  readonly error?: {
    readonly kind: ReferenceErrorKind;
    readonly offset: number;
    readonly recordIndex: number;
  };
}

export interface ReferenceOptions {
  readonly strict: boolean;
  readonly maxRecords: number;
  readonly maxBodyLength: number;
}

function field(bytes: Uint8Array, at: number, size: number, le: boolean): number {
  let v = 0;
  for (let k = 0; k < size; k++) {
    const b = bytes[le ? at + size - 1 - k : at + k] ?? 0;
    v = v * 256 + b;
  }
  return v;
}

export function referenceRead(bytes: Uint8Array, format: StreamFormat, options: ReferenceOptions): ReferenceOutcome {
  const records: ReferenceRecord[] = [];
  let pos = format.preambleSize;
  const end = bytes.length;
  for (let index = 0; ; index++) {
    const fail = (kind: ReferenceErrorKind, offset: number): ReferenceOutcome => ({
      records,
      error: { kind, offset, recordIndex: index },
    });
    if (pos >= end) return fail("MissingEndError", pos);
    if (index >= options.maxRecords) return fail("RecordLimitError", pos);
    if (end - pos < format.headerSize) return fail("TruncatedRecordError", pos);
    const type = field(bytes, pos + format.typeOffset, format.typeSize, format.littleEndian);
    const bodyLength = field(bytes, pos + format.lengthOffset, format.lengthSize, format.littleEndian);
    if (bodyLength > options.maxBodyLength) return fail("RecordLimitError", pos);
    const bodyOffset = pos + format.headerSize;
    if (bodyOffset + bodyLength > end) return fail("TruncatedRecordError", pos);
    const used = (format.headerSize + bodyLength) % format.align;
    const pad = used === 0 ? 0 : format.align - used;
    if (bodyOffset + bodyLength + pad > end) return fail("TruncatedRecordError", pos);
    const isEnd = type === format.endType;
    const known = format.recordNames.has(type);
    const optional = format.optionalBit !== null && Math.floor(type / 2 ** format.optionalBit) % 2 === 1;
    if (!isEnd && !known && !optional) return fail("UnknownRecordError", pos);
    if (options.strict) {
      for (let k = 0; k < pad; k++) {
        if (bytes[bodyOffset + bodyLength + k] !== 0) return fail("NonZeroPaddingError", bodyOffset + bodyLength + k);
      }
    }
    records.push({
      index,
      offset: pos,
      type,
      bodyOffset,
      bodyLength,
      skipped: !isEnd && !known,
    });
    pos = bodyOffset + bodyLength + pad;
    if (isEnd) return { records };
  }
}
