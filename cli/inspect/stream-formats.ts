/**
 * Runtime `StreamFormat`s built from the schema IR's `stream` declarations: header field offsets and
 * widths, padding, optional bit, end type, record names, preamble size.
 */
import type { StreamFormat } from "../../runtime/stream-format.js";
import { type SchemaIndex, streamOf, structOf } from "./schema-program.js";

function fieldWidth(size: number, what: string): 1 | 2 | 4 {
  if (size === 1 || size === 2 || size === 4) return size;
  throw new Error(`${what} is ${size} octets wide; a stream header field is 1, 2 or 4`);
}

export function streamFormatOf(schemas: SchemaIndex, streamName: string): StreamFormat {
  const stream = streamOf(schemas, streamName);
  const header = structOf(schemas, stream.header);
  const typeField = header.fields.find((f) => f.name === stream.typeField);
  const lengthField = header.fields.find((f) => f.name === stream.lengthField);
  if (typeField === undefined || lengthField === undefined)
    throw new Error(`stream '${streamName}': header fields missing`);
  const end = stream.end === null ? null : stream.records.find((r) => r.name === stream.end);
  if (end === undefined) throw new Error(`stream '${streamName}': end record missing`);
  const littleEndian = typeField.type.kind === "prim" ? typeField.type.endian === "little" : header.endian === "little";
  return {
    name: stream.name,
    headerSize: header.size,
    typeOffset: typeField.offset,
    typeSize: fieldWidth(typeField.size, `${header.name}.${typeField.name}`),
    lengthOffset: lengthField.offset,
    lengthSize: fieldWidth(lengthField.size, `${header.name}.${lengthField.name}`),
    littleEndian,
    align: stream.align,
    optionalBit: stream.optionalBit,
    endType: end === null ? -1 : end.value,
    recordNames: new Map(stream.records.map((r) => [r.value, r.name])),
    preambleSize: stream.preamble.reduce((sum, name) => sum + structOf(schemas, name).size, 0),
  };
}
