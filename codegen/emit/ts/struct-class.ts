/**
 * One flyweight class per struct: statics (schema name, SIZE, ALIGN, record TYPE, field offsets
 * and constant values, the FIELDS table), placement state (`view`/`offset` for the accessors,
 * `src`/`base`/`byteLength` for the trailing part and for problems), `at`/`wrap`/`rebind`, the
 * field accessors, `init`, `validate` and `toJSON`.
 */
import { type LayoutField, type LayoutStruct, loadRuleOf, minimumBody } from "../../ir.js";
import type { FileContext } from "./context.js";
import { fieldAccessors } from "./field-accessors.js";
import { jsdoc } from "./jsdoc.js";
import { hexLiteral, intLiteral, isSafe } from "./literals.js";
import { typeText } from "./declaration-text.js";
import { PRIMS } from "./primitives.js";
import { scatteredMethod } from "./area-accessors.js";
import { emitInit, emitValidate } from "./struct-checks.js";
import { structModel, type StructModel } from "./struct-model.js";
import { emitToJson } from "./to-json.js";
import { symbols } from "./symbols.js";

/** A record that uses a struct as its body (streams of the same schema file only). */
export interface BodyOf {
  readonly stream: string;
  readonly record: string;
  readonly value: number;
  /** Hex digits the stream's type values are written with. */
  readonly digits: number;
}

function kindOf(f: LayoutField): string {
  const t = f.type;
  return t.kind === "prim" ? t.prim : t.kind;
}

function fieldsTable(ctx: FileContext, s: LayoutStruct): string {
  const info = ctx.runtimeType("FieldInfo", "accessor-support");
  const rows = s.fields.map(
    (f) =>
      `{ name: ${JSON.stringify(f.name)}, offset: ${f.offset}, size: ${f.size}, kind: ${JSON.stringify(kindOf(f))}, type: ${JSON.stringify(typeText(f.type))} },`,
  );
  return [
    jsdoc("Every field: schema name, offset, size (0 when variable), kind and type (endianness explicit)."),
    `static readonly FIELDS: readonly ${info}[] = [\n${rows.join("\n")}\n];`,
  ].join("\n");
}

function statics(ctx: FileContext, model: StructModel, bodyOf: readonly BodyOf[]): string[] {
  const s = model.struct;
  const trailing = s.trailing;
  const out: string[] = [
    jsdoc("The struct's name in the schema."),
    `static readonly SCHEMA_NAME = ${JSON.stringify(s.name)};`,
    jsdoc(
      trailing === null
        ? "Size in octets."
        : `Size of the fixed part in octets; the variable-length \`${trailing.name}\` follows it.`,
    ),
    `static readonly SIZE = ${s.size};`,
    jsdoc("Alignment in octets (a C compiler's, for the schema's layout)."),
    `static readonly ALIGN = ${s.align};`,
  ];
  const rule = loadRuleOf(s);
  if (rule.kind === "zero_extend") {
    out.push(
      jsdoc(
        "Loaded zero-extended: a body of one of these older sizes is valid too, and the fields past its end read as zero.",
      ),
      `static readonly OLDER_SIZES: readonly number[] = [${rule.from.join(", ")}];`,
      jsdoc("Smallest body the accessors take (the smallest older size)."),
      `static readonly MIN_SIZE = ${minimumBody(s)};`,
    );
    if (rule.compat !== null) {
      out.push(
        jsdoc(`A body of \`${rule.compat}\`'s size is laid out as \`${rule.compat}\`, not as a prefix of this struct.`),
        `static readonly COMPAT = ${JSON.stringify(rule.compat)};`,
        jsdoc(`Size of \`${rule.compat}\`.`),
        `static readonly COMPAT_SIZE = ${ctx.struct(rule.compat).size};`,
      );
    }
  }
  const values = [...new Set(bodyOf.map((b) => b.value))];
  const digits = Math.max(...bodyOf.map((b) => b.digits), 1);
  const which = bodyOf.map((b) => `${b.stream} ${b.record} (${hexLiteral(b.value, b.digits)})`).join(", ");
  if (values.length === 1) {
    out.push(
      jsdoc(`Record type whose body this struct is: ${which}.`),
      `static readonly TYPE = ${hexLiteral(values[0] ?? 0, digits)};`,
    );
  } else if (values.length > 1) {
    out.push(
      jsdoc(`Record types whose body this struct is: ${which}.`),
      `static readonly TYPES: readonly number[] = [${values.map((v) => hexLiteral(v, digits)).join(", ")}];`,
    );
  }
  out.push(jsdoc("Offsets of the fields, in octets."));
  for (const f of s.fields) {
    out.push(`static readonly ${model.names.offsetConst.get(f.name) ?? ""} = ${f.offset};`);
  }
  for (const f of s.fields) {
    const vc = model.names.valueConst.get(f.name);
    if (vc !== undefined && f.constValue !== null) {
      let lit: string;
      if (typeof f.constValue === "string") lit = JSON.stringify(f.constValue);
      else {
        const t = f.type;
        const big =
          t.kind === "prim" || t.kind === "enum" || t.kind === "flags" || t.kind === "bits"
            ? PRIMS[t.prim].bigint
            : !isSafe(f.constValue);
        lit = intLiteral(f.constValue, big);
      }
      out.push(jsdoc(`The value \`${f.name}\` must hold.`), `static readonly ${vc} = ${lit};`);
    }
  }
  if (trailing !== null) {
    const t = trailing.type;
    const stride = t.kind === "array" ? t.stride : t.kind === "bytes" || t.kind === "ascii" ? 1 : null;
    if (stride !== null && stride > 0) {
      const unit = t.kind === "array" ? `${stride}-octet element${stride === 1 ? "" : "s"}` : "octets";
      out.push(
        jsdoc(
          `Octets the struct takes with \`count\` trailing \`${trailing.name}\` ${unit} (\`SIZE + count * ${stride}\`): the \`byteLength\` to place it with, a record's body_length.`,
          "@throws RangeError when `count` is not a non-negative integer",
        ),
        `static sizeFor(count: number): number {\nreturn ${ctx.support("tailSize")}(${model.cls}.SIZE, ${stride}, count, ${JSON.stringify(model.path(trailing))});\n}`,
      );
    }
  }
  out.push(fieldsTable(ctx, s));
  return out;
}

/** Whether a struct has a length field (`= length of rest|input`), which measures the input it is placed on. */
function measuresInput(s: LayoutStruct): boolean {
  return s.fields.some((f) => f.lengthOf !== undefined);
}

function placement(ctx: FileContext, model: StructModel): string[] {
  const cls = model.cls;
  const s = model.struct;
  const view = ctx.runtimeType("ByteView", "byte-view");
  const src = ctx.runtimeType("ByteSource", "byte-view");
  return [
    jsdoc(
      "The view holding the fixed part, and the offset of its first octet in that view (what every accessor reads).",
    ),
    `view: ${view} = ${ctx.support("UNPLACED_VIEW")};`,
    `offset = 0;`,
    jsdoc("The source the struct is placed on, and its absolute offset there."),
    `src: ${src} = ${ctx.support("UNPLACED_SOURCE")};`,
    `base = 0;`,
    jsdoc(
      s.trailing !== null
        ? "Octets the struct may use from `base`: the fixed part plus the trailing part (a record's body_length)."
        : measuresInput(s)
          ? "Octets of the input the struct is placed on, from `base` (at least SIZE): what its length field is checked against."
          : "Octets the struct may use from `base` (at least SIZE; a record body's length when placed on one).",
    ),
    `byteLength = ${cls}.SIZE;`,
  ];
}

function placementMethods(ctx: FileContext, model: StructModel): string[] {
  const cls = model.cls;
  const s = model.struct;
  const view = ctx.runtimeType("ByteView", "byte-view");
  const src = ctx.runtimeType("ByteSource", "byte-view");
  // A struct with a trailing part or a length field takes the rest of the source by default: its
  // input ends where the source does unless the caller says (a record's body_length).
  const toEnd = s.trailing !== null || measuresInput(s);
  const fallback = toEnd ? "src.byteLength - offset" : `${cls}.SIZE`;
  const zx = loadRuleOf(s).kind === "zero_extend" && minimumBody(s) < s.size;
  const min = zx ? `${cls}.MIN_SIZE` : `${cls}.SIZE`;
  const windowed = zx ? `Math.min(room, ${cls}.SIZE)` : `${cls}.SIZE`;
  return [
    jsdoc(
      "A new flyweight placed at `offset` of `src`.",
      !toEnd
        ? zx
          ? "@param byteLength - octets available there (a record's body_length); must be at least MIN_SIZE (fields past a shorter body read as zero). Default SIZE."
          : "@param byteLength - octets available there (a record's body_length); must be at least SIZE. Default SIZE."
        : s.trailing === null
          ? "@param byteLength - octets of the input there, which the length field measures (a record's body_length); must be at least SIZE. Default: the rest of `src`."
          : "@param byteLength - octets available there for the fixed and trailing parts (a record's body_length). Default: the rest of `src`.",
      "@throws BoundsError when the struct does not fit",
    ),
    `static at(src: ${src}, offset = 0, byteLength?: number): ${cls} {\nreturn new ${cls}().wrap(src, offset, byteLength);\n}`,
    jsdoc(
      "Re-points this flyweight at `offset` of `src` (one bounds check, no allocation) and returns it.",
      "@throws BoundsError when the struct does not fit",
    ),
    `wrap(src: ${src}, offset: number, byteLength?: number): this {\nconst room = ${ctx.support("placementRoom")}(offset, ${min}, byteLength, ${fallback});\nthis.view = src.window(offset, ${windowed});\nthis.offset = src.windowOffset;\nthis.src = src;\nthis.base = offset;\nthis.byteLength = room;\nreturn this;\n}`,
    jsdoc(
      "Re-points this flyweight onto a view the caller has already bounds-checked (an enclosing struct or array does this). No check, no allocation.",
    ),
    `rebind(view: ${view}, offset: number, src: ${src}, base: number, byteLength: number): this {\nthis.view = view;\nthis.offset = offset;\nthis.src = src;\nthis.base = base;\nthis.byteLength = byteLength;\nreturn this;\n}`,
  ];
}

function classDoc(ctx: FileContext, s: LayoutStruct, bodyOf: readonly BodyOf[]): string {
  const size = s.trailing === null ? `${s.size} octets` : `${s.size} octets + trailing \`${s.trailing.name}\``;
  const bodies = bodyOf.map((b) => `${b.stream} ${b.record} (${hexLiteral(b.value, b.digits)})`);
  return jsdoc(
    s.doc,
    `\`struct ${s.name}\` in ${ctx.schema.file}: ${size}, align ${s.align}, ${s.endian}-endian, abi ${s.abi}.`,
    bodies.length > 0 ? `Body of ${bodies.join(", ")}.` : null,
    "Integer setters throw `IntegerRangeError` for a value their type cannot hold (they never wrap).",
  );
}

export function emitStruct(ctx: FileContext, s: LayoutStruct, bodyOf: readonly BodyOf[]): string {
  const model = structModel(s, symbols.structClass(s.name));
  const accessor = ctx.runtimeType("StructAccessor", "accessor-support");
  const code = s.fields.map((f) => fieldAccessors(ctx, model, f));
  const members = [
    ...statics(ctx, model, bodyOf),
    ...placement(ctx, model),
    ...code.flatMap((c) => c.caches),
    ...placementMethods(ctx, model),
    ...code.flatMap((c) => c.members),
    ...scatteredMethod(ctx, model),
    emitInit(ctx, model),
    emitValidate(ctx, model),
    emitToJson(ctx, model),
  ];
  return `${classDoc(ctx, s, bodyOf)}\nexport class ${model.cls} implements ${accessor} {\n${joinMembers(members)}\n}`;
}

/**
 * Class members in reading order with blank lines where a reader expects them: before each
 * documented member, none between a comment and its member, a getter and its setter, or a run of
 * undocumented declarations.
 */
function joinMembers(items: readonly string[]): string {
  let out = "";
  let previousWasDoc = false;
  for (const item of items) {
    if (item.length === 0) continue;
    const isDoc = item.startsWith("/**") && item.endsWith("*/");
    const continues = previousWasDoc || item.startsWith("set ") || (!isDoc && !/^(get |[a-zA-Z]+\()/.test(item));
    out += out.length === 0 ? item : `${continues ? "\n" : "\n\n"}${item}`;
    previousWasDoc = isDoc;
  }
  return out;
}
