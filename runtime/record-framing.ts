/**
 * The framing rules shared by the record reader and both writers: where the type and length sit
 * in a header, how much zero padding follows a body, and which type values are optional.
 */
import type { ByteView } from "./byte-view.js";
import type { StreamFormat } from "./stream-format.js";

/** Octets of zero padding after a body so the whole record is a multiple of `format.align`. */
export function paddingLength(format: StreamFormat, bodyLength: number): number {
  const rem = (format.headerSize + bodyLength) % format.align;
  return rem === 0 ? 0 : format.align - rem;
}

/** Header + body + padding. */
export function recordLength(format: StreamFormat, bodyLength: number): number {
  return format.headerSize + bodyLength + paddingLength(format, bodyLength);
}

/** True when the type value has the stream's optional bit set. */
export function isOptionalType(format: StreamFormat, type: number): boolean {
  const bit = format.optionalBit;
  return bit !== null && Math.floor(type / 2 ** bit) % 2 === 1;
}

/** Reads an unsigned header field of 1, 2 or 4 octets. */
export function readHeaderField(view: ByteView, at: number, size: 1 | 2 | 4, littleEndian: boolean): number {
  return size === 4
    ? view.getUint32(at, littleEndian)
    : size === 2
      ? view.getUint16(at, littleEndian)
      : view.getUint8(at);
}

/** Writes an unsigned header field of 1, 2 or 4 octets. */
export function writeHeaderField(
  view: ByteView,
  at: number,
  size: 1 | 2 | 4,
  value: number,
  littleEndian: boolean,
): void {
  if (size === 4) view.setUint32(at, value, littleEndian);
  else if (size === 2) view.setUint16(at, value, littleEndian);
  else view.setUint8(at, value);
}

/** Largest value a header field of `size` octets holds. */
export function fieldMax(size: 1 | 2 | 4): number {
  return 2 ** (size * 8) - 1;
}

/** Throws a RangeError when a StreamFormat cannot frame anything (a schema/codegen bug, not data). */
export function checkStreamFormat(format: StreamFormat): void {
  const ok =
    Number.isInteger(format.headerSize) &&
    format.headerSize > 0 &&
    format.typeOffset >= 0 &&
    format.typeOffset + format.typeSize <= format.headerSize &&
    format.lengthOffset >= 0 &&
    format.lengthOffset + format.lengthSize <= format.headerSize &&
    Number.isInteger(format.align) &&
    format.align >= 1 &&
    (format.align & (format.align - 1)) === 0 &&
    Number.isInteger(format.preambleSize) &&
    format.preambleSize >= 0 &&
    (format.optionalBit === null || (format.optionalBit >= 0 && format.optionalBit < format.typeSize * 8));
  if (!ok) throw new RangeError(`stream format '${format.name}' is not a usable record framing`);
}
