/**
 * `toJSON()` of a struct class: every field under its schema name, in the shape `lu dump --json`
 * gives (cli/inspect/decode-struct.ts): enum values as member names, flag sets as arrays of names,
 * 64-bit integers as numbers when safe and decimal strings above 2^53-1, bit ranges as `{ raw, … }`,
 * nested structs and arrays recursively. Bytes are hex (dump summarises long byte fields; toJSON
 * keeps them whole). Allocates (it builds the value it returns).
 */
import type { LayoutField } from "../../ir.js";
import { objectKey } from "../../naming.js";
import type { FileContext } from "./context.js";
import { jsdoc } from "./jsdoc.js";
import { rangeCode } from "./bit-ranges.js";
import { at, PRIMS } from "./primitives.js";
import type { StructModel } from "./struct-model.js";
import { symbols } from "./symbols.js";
import { isBigintBase } from "./values.js";

function jsonExpr(ctx: FileContext, model: StructModel, f: LayoutField): string | null {
  const t = f.type;
  if (t.kind === "pad") return null;
  const acc = `this.${model.accessor(f.name)}`;
  const j64 = (e: string): string => `${ctx.support("json64")}(${e})`;
  switch (t.kind) {
    case "prim":
      return PRIMS[t.prim].bigint ? j64(acc) : acc;
    case "enum":
      return `${ctx.support("enumJson")}(${acc}, ${ctx.derived(t.enumName, symbols.enumNames(t.enumName))})`;
    case "flags":
      return `${ctx.support(isBigintBase(t.prim) ? "flagsJson64" : "flagsJson")}(${acc}, ${ctx.valueObject(t.flagsName)})`;
    case "bits": {
      const raw = PRIMS[t.prim].bigint ? j64(acc) : acc;
      const parts = t.ranges.map((r) => {
        const code = rangeCode(t.prim, t.endian, f.offset, r);
        const name = `this.${model.names.range.get(`${f.name}.${r.name}`) ?? r.name}`;
        return `${objectKey(r.name)}: ${rangeJson(ctx, name, code.bigint, r.enumName, r.flagsName)}`;
      });
      return `{ raw: ${raw}${parts.map((p) => `, ${p}`).join("")} }`;
    }
    case "ascii":
      return acc;
    case "bytes":
      return `${ctx.support("hexOf")}(${acc})`;
    case "struct":
      return `${acc}.toJSON()`;
    case "array":
      return t.element.kind === "enum"
        ? `${ctx.support("enumListJson")}(${acc}, ${ctx.derived(t.element.enumName, symbols.enumNames(t.element.enumName))})`
        : `${acc}.toJSON()`;
    case "stream":
      return `{ stream: ${JSON.stringify(t.streamName)}, offset: this.${model.names.streamOffset.get(f.name) ?? ""}, length: this.${model.names.streamLength.get(f.name) ?? ""} }`;
  }
}

/** A bit range's value: the enum member's name or the flag names when it is read as one (as `lu dump --json` gives it). */
function rangeJson(
  ctx: FileContext,
  get: string,
  bigint: boolean,
  enumName: string | null,
  flagsName: string | null,
): string {
  if (enumName !== null) {
    const big = isBigintBase(ctx.enumDecl(enumName).base);
    const value = big === bigint ? get : big ? `BigInt(${get})` : `Number(${get})`;
    return `${ctx.support("enumJson")}(${value}, ${ctx.derived(enumName, symbols.enumNames(enumName))})`;
  }
  if (flagsName !== null) {
    const big = isBigintBase(ctx.flagsDecl(flagsName).base);
    const value = big === bigint ? get : big ? `BigInt(${get})` : `Number(${get})`;
    return `${ctx.support(big ? "flagsJson64" : "flagsJson")}(${value}, ${ctx.valueObject(flagsName)})`;
  }
  return bigint ? `${ctx.support("json64")}(${get})` : get;
}

export function emitToJson(ctx: FileContext, model: StructModel): string {
  const json = ctx.runtimeType("JsonValue", "accessor-support");
  const entries = model.struct.fields.flatMap((f) => {
    const e = jsonExpr(ctx, model, f);
    return e === null ? [] : [`${objectKey(f.name)}: ${e},`];
  });
  return [
    jsdoc(
      "The fields under their schema names, in the shape `lu dump --json` gives them: enum values as member names (the number when unknown), flag sets as arrays of member names (unknown bits last, as one hex string), 64-bit integers as numbers up to 2^53-1 and as decimal strings above, bytes as hex, bit ranges as an object of `raw` and the ranges. Allocates; throws `BoundsError` when a count runs past the body (call `validate()` first).",
    ),
    `toJSON(): ${json} {\nreturn {\n${entries.join("\n")}\n};\n}`,
  ].join("\n");
}
