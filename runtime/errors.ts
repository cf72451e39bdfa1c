/**
 * Typed runtime errors. Every error a user's data can cause is one of these, never a bare
 * RangeError from a DataView. Each carries where it happened (`where`) and, when there is one, the
 * expected vs actual value; `message` is a single line fit for a CLI.
 */

/** Where in the data an error was found. Fields are present when known. */
export interface DataLocation {
  /** Byte offset in the stream (or source) where the problem is. */
  readonly offset?: number;
  /** Index of the record in its stream (0-based). */
  readonly recordIndex?: number;
  /** Record type value. */
  readonly recordType?: number;
  /** Record type name from the schema, when the type is known. */
  readonly recordName?: string;
}

export function formatLocation(where: DataLocation): string {
  const parts: string[] = [];
  if (where.offset !== undefined) parts.push(`offset ${where.offset} (0x${where.offset.toString(16)})`);
  if (where.recordIndex !== undefined) parts.push(`record #${where.recordIndex}`);
  if (where.recordType !== undefined) {
    const hex = `0x${where.recordType.toString(16).padStart(8, "0")}`;
    parts.push(where.recordName !== undefined ? `type ${where.recordName} (${hex})` : `type ${hex}`);
  }
  return parts.join(", ");
}

/** Base class of every error lu-codec raises for bad data or bad use of the runtime. */
export class LuDataError extends Error {
  readonly code: string;
  readonly where: DataLocation;
  constructor(code: string, message: string, where: DataLocation = {}) {
    const loc = formatLocation(where);
    super(loc.length > 0 ? `${loc}: ${message}` : message);
    this.name = new.target.name;
    this.code = code;
    this.where = where;
  }
}

/** A read or write would go outside the view or source it was placed on. */
export class BoundsError extends LuDataError {
  readonly requestedOffset: number;
  readonly requestedLength: number;
  readonly available: number;
  constructor(offset: number, length: number, available: number, where: DataLocation = {}) {
    super("bounds", `${length} bytes at offset ${offset} run past the end of the data (${available} bytes)`, {
      offset,
      ...where,
    });
    this.requestedOffset = offset;
    this.requestedLength = length;
    this.available = available;
  }
}

/** A struct placed at an offset its schema says it cannot be aligned to. */
export class AlignmentError extends LuDataError {
  constructor(offset: number, align: number, where: DataLocation = {}) {
    super("alignment", `offset ${offset} is not a multiple of the required alignment ${align}`, {
      offset,
      ...where,
    });
  }
}

/** A u64 read through a `number` accessor held a value above Number.MAX_SAFE_INTEGER. */
export class UnsafeNumberError extends RangeError {
  readonly value: bigint;
  constructor(field: string, value: bigint) {
    super(`field '${field}' holds ${value}, above Number.MAX_SAFE_INTEGER; use the bigint accessor`);
    this.name = "UnsafeNumberError";
    this.value = value;
  }
}

/** Integer types a setter can be asked to hold (`IntegerRangeError.type`). */
export type IntegerTypeName = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64";

/**
 * A setter was given a value its integer type cannot hold (`-1n` for a u64, `256` for a u8, `1.5`
 * for any integer): the value is refused instead of being wrapped modulo 2^N as DataView would.
 */
export class IntegerRangeError extends RangeError {
  readonly code = "integer-range";
  /** Schema path of the field (`lu_breadcrumb.magic`), or a description of an array element. */
  readonly field: string;
  readonly type: IntegerTypeName;
  readonly value: number | bigint;
  constructor(field: string, type: IntegerTypeName, value: number | bigint) {
    const what = typeof value === "bigint" ? `${value}n` : `${value}`;
    super(`${field} is ${type} and cannot hold ${what} (${integerRangeText(type)})`);
    this.name = "IntegerRangeError";
    this.field = field;
    this.type = type;
    this.value = value;
  }
}

function integerRangeText(type: IntegerTypeName): string {
  const bits = BigInt(type.slice(1));
  if (type.startsWith("u")) return `integers 0..${(1n << bits) - 1n}`;
  return `integers ${-(1n << (bits - 1n))}..${(1n << (bits - 1n)) - 1n}`;
}

/** A frame number or physical address that lies outside the machine's memory, or a bad frame use. */
export class FrameError extends LuDataError {
  readonly mfn: number;
  constructor(mfn: number, message: string, where: DataLocation = {}) {
    super("frame", message, where);
    this.mfn = mfn;
  }
}

/** The frame allocator has no free frame (or no free run of frames) left to hand out. */
export class OutOfFramesError extends LuDataError {
  readonly requested: number;
  constructor(requested: number, message: string) {
    super("out-of-frames", message);
    this.requested = requested;
  }
}

/** What part of a record was cut short by the end of the stream. */
export type TruncatedPart = "header" | "body" | "padding";

/** The stream ends inside a record: its header, its body (body_length runs past the end) or its padding. */
export class TruncatedRecordError extends LuDataError {
  readonly part: TruncatedPart;
  /** Bytes the record needs from its header on, and bytes the stream still holds there. */
  readonly expected: number;
  readonly actual: number;
  constructor(part: TruncatedPart, expected: number, actual: number, where: DataLocation) {
    const what =
      part === "header"
        ? `record header needs ${expected} bytes but only ${actual} remain`
        : part === "body"
          ? `body_length runs past the end of the stream: record needs ${expected} bytes, ${actual} remain`
          : `record padding needs ${expected} bytes but only ${actual} remain`;
    super(part === "body" ? "body-overrun" : "truncated", what, where);
    this.part = part;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The stream ran out (cleanly, at a record boundary) before its end record. */
export class MissingEndError extends LuDataError {
  readonly endType: number;
  constructor(endType: number, endName: string | undefined, where: DataLocation) {
    const name = endName ?? `0x${endType.toString(16).padStart(8, "0")}`;
    super("missing-end", `stream ends without its end record ${name}`, where);
    this.endType = endType;
  }
}

/** A record type the reader does not know and that is not marked optional. */
export class UnknownRecordError extends LuDataError {
  constructor(where: DataLocation & { readonly recordType: number }) {
    super("unknown-record", "unknown mandatory record type (optional bit clear)", where);
  }
}

/** Strict mode: a record's padding holds a non-zero octet. */
export class NonZeroPaddingError extends LuDataError {
  readonly actual: number;
  constructor(actual: number, where: DataLocation) {
    super("nonzero-padding", `padding octet is 0x${actual.toString(16).padStart(2, "0")}, expected 0x00`, where);
    this.actual = actual;
  }
}

/** A configured reader limit was exceeded (records in a stream, octets in one body). */
export class RecordLimitError extends LuDataError {
  readonly limit: number;
  readonly actual: number;
  constructor(what: "records" | "body-length", limit: number, actual: number, where: DataLocation) {
    super(
      "record-limit",
      what === "records"
        ? `more than ${limit} records in the stream (limit)`
        : `body_length ${actual} is above the limit of ${limit} octets`,
      where,
    );
    this.limit = limit;
    this.actual = actual;
  }
}

/** Why a breadcrumb or the MFN array it points at was rejected. */
export type BreadcrumbProblem =
  | "no-live-update"
  | "magic-byte-swapped"
  | "magic-page-size"
  | "shifted-low-bits"
  | "zero-pages"
  | "too-many-pages"
  | "mfn-array-misaligned"
  | "mfn-array-outside"
  | "page-outside"
  | "page-duplicate"
  | "page-in-bootmem"
  | "page-overlaps-mfn-array"
  | "mfn-array-in-bootmem"
  | "breadcrumb-absent"
  | "mfn-array-absent"
  | "page-absent";

/**
 * The live-update breadcrumb (or the MFN array it points to) is wrong. `offset` in `where` is the
 * physical address of the offending word; `index` is the MFN array entry when one is to blame.
 */
export class BreadcrumbError extends LuDataError {
  readonly problem: BreadcrumbProblem;
  readonly index: number | undefined;
  readonly expected: string | undefined;
  readonly actual: string | undefined;
  constructor(
    problem: BreadcrumbProblem,
    message: string,
    physAddr: number,
    detail: { readonly index?: number; readonly expected?: string; readonly actual?: string } = {},
  ) {
    super("breadcrumb", message, { offset: physAddr });
    this.problem = problem;
    this.index = detail.index;
    this.expected = detail.expected;
    this.actual = detail.actual;
  }
}

/** Why the end of a paged stream does not match its page count. */
export type StreamEndProblem = "early-end" | "data-after-end";

/**
 * A paged stream (the live update stream: its page count comes from the breadcrumb) whose END
 * record is not where the page count says: before the last page (`early-end`: the pages after it
 * were never read) or followed by non-zero octets in the last page (`data-after-end`). `offset` is
 * the stream offset of the END record, or of the first non-zero octet after it.
 */
export class StreamEndError extends LuDataError {
  readonly problem: StreamEndProblem;
  /** Stream pages never read (after the page holding END). */
  readonly unreadPages: number;
  constructor(problem: StreamEndProblem, message: string, offset: number, unreadPages: number) {
    super(problem, message, { offset });
    this.problem = problem;
    this.unreadPages = unreadPages;
  }
}

/** A record writer was used out of order or asked for something its framing cannot hold. */
export class WriterError extends LuDataError {
  constructor(message: string, where: DataLocation = {}) {
    super("writer", message, where);
  }
}

/** A file could not be read as far as its size promised (it shrank, or an I/O error). */
export class FileReadError extends LuDataError {
  readonly path: string;
  constructor(path: string, message: string, where: DataLocation = {}) {
    super("io", `${path}: ${message}`, where);
    this.path = path;
  }
}
