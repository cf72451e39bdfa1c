/**
 * A record stream: its record types as an `as const` object with a union type and a name map,
 * its framing as a runtime `StreamFormat`, and the record type → body class lookup a dumper uses.
 */
import type { LayoutField, LayoutStream } from "../../ir.js";
import { objectKey } from "../../naming.js";
import type { FileContext } from "./context.js";
import { jsdoc } from "./jsdoc.js";
import { hexLiteral } from "./literals.js";
import { symbols } from "./symbols.js";

function headerField(ctx: FileContext, stream: LayoutStream, name: string): LayoutField {
  const header = ctx.struct(stream.header);
  const f = header.fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`internal: stream '${stream.name}' header has no field '${name}'`);
  return f;
}

function widthOf(f: LayoutField): string {
  if (f.size !== 1 && f.size !== 2 && f.size !== 4)
    throw new Error(`internal: header field '${f.name}' is ${f.size} octets`);
  return `${f.size}`;
}

/** Hex digits of a record type value: two per octet of the header's type field (`0x0001` for a u16). */
export function typeDigits(ctx: FileContext, stream: LayoutStream): number {
  return headerField(ctx, stream, stream.typeField).size * 2;
}

export function emitStream(ctx: FileContext, stream: LayoutStream): string {
  const digits = typeDigits(ctx, stream);
  const records = symbols.streamRecords(stream.name);
  const type = symbols.streamRecordType(stream.name);
  const names = symbols.streamRecordNames(stream.name);
  const typeField = headerField(ctx, stream, stream.typeField);
  const lengthField = headerField(ctx, stream, stream.lengthField);
  const littleEndian =
    "endian" in typeField.type ? typeField.type.endian === "little" : ctx.struct(stream.header).endian === "little";
  const end = stream.end === null ? null : stream.records.find((r) => r.name === stream.end);
  if (end === undefined) throw new Error(`internal: stream '${stream.name}' has no end record '${stream.end ?? ""}'`);
  const preambleSize = stream.preamble.reduce((n, p) => n + ctx.struct(p).size, 0);
  const format = ctx.runtimeType("StreamFormat", "stream-format");
  const structClass = ctx.runtimeType("StructClass", "accessor-support");
  const recordLines = stream.records.map(
    (r) =>
      `${jsdoc(r.doc, `${r.optional ? "Optional" : "Mandatory"}; body: ${r.body === null ? "none" : `\`${r.body}\``}.`)}\n${objectKey(r.name)}: ${hexLiteral(r.value, digits)},`,
  );
  const bodies = stream.records.filter((r) => r.body !== null);
  const header = ctx.structClass(stream.header);
  return [
    jsdoc(stream.doc, `Record types of \`stream ${stream.name}\` (${ctx.schema.file}).`),
    `export const ${records} = {\n${recordLines.join("\n")}\n} as const;`,
    jsdoc(`A record type of \`${stream.name}\`.`),
    `export type ${type} = (typeof ${records})[keyof typeof ${records}];`,
    jsdoc(`Name of each \`${stream.name}\` record type.`),
    `export const ${names}: ReadonlyMap<number, string> = new Map<number, string>([\n${stream.records.map((r) => `[${hexLiteral(r.value, digits)}, ${JSON.stringify(r.name)}],`).join("\n")}\n]);`,
    jsdoc(
      `The framing of \`${stream.name}\` for the runtime's record reader and writer: header \`${stream.header}\` (type \`${stream.typeField}\`, body length \`${stream.lengthField}\`), records padded to ${stream.align} octets${stream.preamble.length > 0 ? `, after the preamble ${stream.preamble.map((p) => `\`${p}\``).join(", ")}` : ""}.`,
    ),
    `export const ${symbols.streamFormat(stream.name)}: ${format} = {
name: ${JSON.stringify(stream.name)},
headerSize: ${header}.SIZE,
typeOffset: ${typeField.offset},
typeSize: ${widthOf(typeField)},
lengthOffset: ${lengthField.offset},
lengthSize: ${widthOf(lengthField)},
littleEndian: ${littleEndian},
align: ${stream.align},
optionalBit: ${stream.optionalBit === null ? "null" : stream.optionalBit},
endType: ${end === null ? "-1" : `${records}.${end.name}`},
recordNames: ${names},
preambleSize: ${preambleSize},
};`,
    jsdoc(
      `The body class of each \`${stream.name}\` record type that has a body: \`get(type)?.at(src, bodyOffset, bodyLength)\`.`,
    ),
    `export const ${symbols.streamBodies(stream.name)}: ReadonlyMap<number, ${structClass}> = new Map<number, ${structClass}>([\n${bodies
      .map((r) => `[${records}.${r.name}, ${ctx.structClass(r.body ?? "")}],`)
      .join("\n")}\n]);`,
  ].join("\n");
}
