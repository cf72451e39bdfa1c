/**
 * Zero extension (`load zero_extend` in a schema, Xen's `hvm_load_entry_zeroextend`): a record body
 * shorter than its struct is valid, and the fields past its end read as zero. A generated accessor
 * knows the body length (`byteLength`): a field the body does not reach reads zero without touching
 * the data, and an array past the end is re-pointed at `ZERO_VIEW`, a view that reads zero
 * everywhere and refuses writes. Nothing is copied or allocated.
 */
import type { ByteSource, ByteView, SegmentVisitor } from "./byte-view.js";
import { LuDataError } from "./errors.js";
import type { Problem } from "./problem.js";
import type { StructClass } from "./accessor-support.js";

/** A write to a field past the end of a zero-extended body (there are no octets to write to). */
export class ZeroExtendedWriteError extends LuDataError {
  constructor(field: string, offset: number, bodyLength: number) {
    super(
      "zero-extended-write",
      `'${field}' lies past the end of a ${bodyLength}-octet zero-extended body: it reads as zero and cannot be written`,
      { offset },
    );
  }
}

function refuse(): never {
  throw new ZeroExtendedWriteError("element", 0, 0);
}

/** Reads zero at every offset; every write throws `ZeroExtendedWriteError`. */
export const ZERO_VIEW: ByteView = {
  getUint8: () => 0,
  getInt8: () => 0,
  getUint16: () => 0,
  getInt16: () => 0,
  getUint32: () => 0,
  getInt32: () => 0,
  getBigUint64: () => 0n,
  getBigInt64: () => 0n,
  getFloat32: () => 0,
  getFloat64: () => 0,
  setUint8: refuse,
  setInt8: refuse,
  setUint16: refuse,
  setInt16: refuse,
  setUint32: refuse,
  setInt32: refuse,
  setBigUint64: refuse,
  setBigInt64: refuse,
  setFloat32: refuse,
  setFloat64: refuse,
};

const NO_OCTETS = new Uint8Array(0);

/** A source of zeros of any length, for array flyweights past the end of a zero-extended body. */
export const ZERO_SOURCE: ByteSource = {
  byteLength: Number.MAX_SAFE_INTEGER,
  windowOffset: 0,
  window: () => ZERO_VIEW,
  bytes: (_offset: number, length: number) => (length === 0 ? NO_OCTETS : new Uint8Array(length)),
  segments: (offset: number, length: number, visit: SegmentVisitor) => {
    if (length > 0) visit(new Uint8Array(length), offset);
  },
  bytesCopied: 0,
};

/** Throws `ZeroExtendedWriteError` for field `field` (absolute offset `offset`) of a body of `bodyLength` octets. */
export function zeroExtendedWrite(field: string, offset: number, bodyLength: number): never {
  throw new ZeroExtendedWriteError(field, offset, bodyLength);
}

/** A zero-extended body whose length is none of the sizes its struct names. */
export function badBodyLength(problems: Problem[], field: string, offset: number, length: number, sizes: string): void {
  problems.push({
    kind: "bad-length",
    field,
    offset,
    message: `body of ${length} octets is not a size '${field}' names (${sizes})`,
    actual: String(length),
  });
}

/**
 * Whether a record body of `length` octets is one the struct's load rule takes: its SIZE (at least
 * SIZE when it has a variable-length tail), an older size of a zero-extended struct, or its compat
 * layout's size. Returns why not, or null.
 */
export function bodyLengthProblem(cls: StructClass, length: number): string | null {
  const variable = cls.FIELDS.some((f) => f.size === 0);
  if (variable ? length >= cls.SIZE : length === cls.SIZE) return null;
  if (length < cls.SIZE && (cls.OLDER_SIZES?.includes(length) === true || cls.COMPAT_SIZE === length)) return null;
  if (length > cls.SIZE) return `${length - cls.SIZE} octets more than '${cls.SCHEMA_NAME}' describes (${cls.SIZE})`;
  const sizes = [...(cls.COMPAT_SIZE !== undefined ? [cls.COMPAT_SIZE] : []), ...(cls.OLDER_SIZES ?? []), cls.SIZE];
  return sizes.length > 1
    ? `not a size '${cls.SCHEMA_NAME}' takes (${sizes.join(", ")})`
    : `shorter than '${cls.SCHEMA_NAME}' (${cls.SIZE} octets${variable ? " at least" : ""})`;
}
