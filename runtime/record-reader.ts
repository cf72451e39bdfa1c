/**
 * Walks the records of a stream (any `StreamFormat`) without copying: each record's header is read
 * in place and its body is handed out as (source, offset, length). The reader is its own cursor —
 * `next()` advances it and its fields describe the current record — so the hot loop allocates
 * nothing; `records()` is the convenient iterator of snapshots.
 *
 * Rules: the body is padded with zeros so the record is a multiple of `align` octets; the end
 * record ends the stream; an unknown type is an error unless its optional bit is set, in which case
 * the record is reported as skipped; strict mode also rejects non-zero padding. Every way the
 * stream can be cut short is a typed error with its offset, record index and type. Each record
 * advances the cursor by at least one header, so reading always ends.
 */
import type { ByteSource } from "./byte-view.js";
import {
  MissingEndError,
  NonZeroPaddingError,
  RecordLimitError,
  TruncatedRecordError,
  UnknownRecordError,
  type DataLocation,
} from "./errors.js";
import { checkStreamFormat, isOptionalType, paddingLength, readHeaderField } from "./record-framing.js";
import type { StreamFormat } from "./stream-format.js";

export interface RecordReaderOptions {
  /** Offset of the first record header. Default: `format.preambleSize`. */
  readonly start?: number;
  /** Offset where the stream's bytes end. Default: the source's length. */
  readonly end?: number;
  /** Also reject non-zero padding octets. Default false. */
  readonly strict?: boolean;
  /** Most records (the end record included) before a `RecordLimitError`. Default 2^24. */
  readonly maxRecords?: number;
  /** Largest body_length accepted. Default 1 GiB. */
  readonly maxBodyLength?: number;
}

/** A snapshot of one record, as yielded by `RecordReader.records()`. */
export interface StreamRecord {
  readonly index: number;
  /** Stream offset of the record header. */
  readonly offset: number;
  readonly type: number;
  /** Schema name of the type, undefined for a skipped unknown optional record. */
  readonly name: string | undefined;
  readonly bodyOffset: number;
  readonly bodyLength: number;
  /** Header + body + padding. */
  readonly recordLength: number;
  /** An unknown optional record the reader passed over. */
  readonly skipped: boolean;
  /** The end record. */
  readonly isEnd: boolean;
}

export const DEFAULT_MAX_RECORDS = 2 ** 24;
export const DEFAULT_MAX_BODY_LENGTH = 2 ** 30;

export class RecordReader {
  readonly source: ByteSource;
  readonly format: StreamFormat;
  readonly strict: boolean;
  readonly maxRecords: number;
  readonly maxBodyLength: number;
  readonly start: number;
  readonly end: number;

  /** Index of the current record (-1 before the first `next()`). */
  index = -1;
  /** Stream offset of the current record's header. */
  offset = 0;
  type = 0;
  bodyOffset = 0;
  bodyLength = 0;
  recordLength = 0;
  skipped = false;
  isEnd = false;
  /** Offset of the next record header (after the end record once done). */
  position: number;
  /** Unknown optional records passed over so far. */
  skippedCount = 0;
  /** True once the end record has been returned. */
  done = false;

  constructor(source: ByteSource, format: StreamFormat, options: RecordReaderOptions = {}) {
    checkStreamFormat(format);
    this.source = source;
    this.format = format;
    this.strict = options.strict ?? false;
    this.maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    this.maxBodyLength = options.maxBodyLength ?? DEFAULT_MAX_BODY_LENGTH;
    this.start = options.start ?? format.preambleSize;
    this.end = Math.min(options.end ?? source.byteLength, source.byteLength);
    this.position = this.start;
  }

  /** Schema name of the current record's type (undefined when unknown). */
  get name(): string | undefined {
    return this.format.recordNames.get(this.type);
  }

  /** Rewinds to the first record. */
  reset(): void {
    this.index = -1;
    this.position = this.start;
    this.skippedCount = 0;
    this.done = false;
    this.isEnd = false;
  }

  /**
   * Advances to the next record. Returns false once the end record has been passed; throws a
   * typed error for a malformed stream.
   */
  next(): boolean {
    if (this.done) return false;
    const f = this.format;
    const pos = this.position;
    const index = this.index + 1;
    const remaining = this.end - pos;
    if (remaining <= 0 && f.endType < 0) {
      // A stream that ends where its input ends (`end of input`): no end record to wait for.
      this.done = true;
      return false;
    }
    if (remaining <= 0)
      throw new MissingEndError(f.endType, f.recordNames.get(f.endType), { offset: pos, recordIndex: index });
    if (index >= this.maxRecords) {
      throw new RecordLimitError("records", this.maxRecords, index + 1, { offset: pos, recordIndex: index });
    }
    if (remaining < f.headerSize) {
      throw new TruncatedRecordError("header", f.headerSize, remaining, { offset: pos, recordIndex: index });
    }
    const view = this.source.window(pos, f.headerSize);
    const at = this.source.windowOffset;
    const type = readHeaderField(view, at + f.typeOffset, f.typeSize, f.littleEndian);
    const bodyLength = readHeaderField(view, at + f.lengthOffset, f.lengthSize, f.littleEndian);
    if (bodyLength > this.maxBodyLength) {
      throw new RecordLimitError("body-length", this.maxBodyLength, bodyLength, this.where(pos, index, type));
    }
    const bodyEnd = f.headerSize + bodyLength;
    if (bodyEnd > remaining) throw new TruncatedRecordError("body", bodyEnd, remaining, this.where(pos, index, type));
    const pad = paddingLength(f, bodyLength);
    if (bodyEnd + pad > remaining) {
      throw new TruncatedRecordError("padding", bodyEnd + pad, remaining, this.where(pos, index, type));
    }
    const isEnd = type === f.endType;
    let skipped = false;
    if (!isEnd && !f.recordNames.has(type)) {
      if (!isOptionalType(f, type)) throw new UnknownRecordError({ offset: pos, recordIndex: index, recordType: type });
      skipped = true;
      this.skippedCount++;
    }
    if (this.strict && pad > 0) this.checkPadding(pos + bodyEnd, pad, index, type);
    this.index = index;
    this.offset = pos;
    this.type = type;
    this.bodyOffset = pos + f.headerSize;
    this.bodyLength = bodyLength;
    this.recordLength = bodyEnd + pad;
    this.skipped = skipped;
    this.isEnd = isEnd;
    this.position = pos + bodyEnd + pad;
    if (isEnd) this.done = true;
    return true;
  }

  /** The current record as a snapshot object. */
  current(): StreamRecord {
    return {
      index: this.index,
      offset: this.offset,
      type: this.type,
      name: this.skipped ? undefined : this.name,
      bodyOffset: this.bodyOffset,
      bodyLength: this.bodyLength,
      recordLength: this.recordLength,
      skipped: this.skipped,
      isEnd: this.isEnd,
    };
  }

  /** Every remaining record, the end record included, as snapshots. */
  *records(): Generator<StreamRecord, void, undefined> {
    while (this.next()) yield this.current();
  }

  [Symbol.iterator](): Generator<StreamRecord, void, undefined> {
    return this.records();
  }

  private where(offset: number, recordIndex: number, recordType: number): DataLocation {
    const recordName = this.format.recordNames.get(recordType);
    return recordName === undefined
      ? { offset, recordIndex, recordType }
      : { offset, recordIndex, recordType, recordName };
  }

  private checkPadding(at: number, pad: number, index: number, type: number): void {
    const view = this.source.window(at, pad);
    const base = this.source.windowOffset;
    for (let k = 0; k < pad; k++) {
      const b = view.getUint8(base + k);
      if (b !== 0) {
        const where = this.where(at + k, index, type);
        throw new NonZeroPaddingError(b, where);
      }
    }
  }
}
