/**
 * `toJSON()` of a struct class: every field under its schema name, 64-bit integers as numbers when
 * safe and decimal strings above 2^53-1, bytes as hex, bit ranges as an object of ranges, nested
 * structs and arrays recursively. Allocates (it builds the value it returns).
 */
import type { LayoutField } from "../../ir.js";
import { objectKey } from "../../naming.js";
import type { FileContext } from "./context.js";
import { jsdoc } from "./jsdoc.js";
import { rangeCode } from "./bit-ranges.js";
import { at, PRIMS } from "./primitives.js";
import type { StructModel } from "./struct-model.js";
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
    case "flags":
      return isBigintBase(t.prim) ? j64(acc) : acc;
    case "bits": {
      const parts = t.ranges.map((r) => {
        const code = rangeCode(t.prim, t.endian, f.offset, r);
        const name = `this.${model.names.range.get(`${f.name}.${r.name}`) ?? r.name}`;
        return `${objectKey(r.name)}: ${code.bigint ? j64(name) : name}`;
      });
      return `{ ${parts.join(", ")} }`;
    }
    case "ascii":
      return acc;
    case "bytes":
      return `${ctx.support("hexOf")}(${acc})`;
    case "struct":
    case "array":
      return `${acc}.toJSON()`;
    case "stream":
      return `{ stream: ${JSON.stringify(t.streamName)}, offset: this.${model.names.streamOffset.get(f.name) ?? ""}, length: this.${model.names.streamLength.get(f.name) ?? ""} }`;
  }
}

export function emitToJson(ctx: FileContext, model: StructModel): string {
  const json = ctx.runtimeType("JsonValue", "accessor-support");
  const entries = model.struct.fields.flatMap((f) => {
    const e = jsonExpr(ctx, model, f);
    return e === null ? [] : [`${objectKey(f.name)}: ${e},`];
  });
  return [
    jsdoc(
      "The fields under their schema names, for dumps: 64-bit integers as numbers up to 2^53-1 and as decimal strings above, bytes as hex, bit ranges as an object. Allocates; throws `BoundsError` when a count runs past the body (call `validate()` first).",
    ),
    `toJSON(): ${json} {\nreturn {\n${entries.join("\n")}\n};\n}`,
  ].join("\n");
}
