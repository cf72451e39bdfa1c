/**
 * The accessors of one field: getter/setter pairs that are one DataView-style call on
 * `this.view` at `this.offset + N` with a literal endianness, plus the cached flyweights nested
 * structs and arrays re-point (declared as `#private` fields, so they never clash with accessors).
 */
import { type LayoutCount, type LayoutField, loadRuleOf, minimumBody, type PrimName } from "../../ir.js";
import type { FileContext } from "./context.js";
import { fieldText } from "./declaration-text.js";
import { rangeCode } from "./bit-ranges.js";
import { jsdoc } from "./jsdoc.js";
import { areaAccessor } from "./area-accessors.js";
import { pointerAccessor, pointerArrayAccessor } from "./pointer-accessors.js";
import { at, PRIMS, readCall, writeCall } from "./primitives.js";
import type { StructModel } from "./struct-model.js";
import { symbols } from "./symbols.js";
import { isBigintBase } from "./values.js";

export interface FieldCode {
  /** `#private` cache fields. */
  readonly caches: string[];
  /** Accessors and helper methods. */
  readonly members: string[];
}

function quote(model: StructModel, field: LayoutField): string {
  const size = field.size > 0 ? `${field.size} octet${field.size === 1 ? "" : "s"}` : "variable length";
  return `\`${fieldText(field)}\` in \`${model.struct.name}\` (offset ${field.offset}, ${size}).`;
}

/** TSDoc of a field's main accessor: the schema doc, what the accessor does, the declaration. */
function doc(model: StructModel, field: LayoutField, ...extra: (string | null)[]): string {
  return jsdoc(field.doc, ...extra, quote(model, field));
}

/** Expression for the element count of a trailing array (checked against the room left). */
export function countExpr(
  ctx: FileContext,
  model: StructModel,
  field: LayoutField,
  count: LayoutCount,
  stride: number,
): string {
  const room = `this.byteLength - ${field.offset}`;
  switch (count.kind) {
    case "fixed":
      return `${count.n}`;
    case "field":
      return `${ctx.support("countedElements")}(this.${model.accessor(count.field)}, ${stride}, this.base + ${field.offset}, ${room})`;
    case "rest":
      return stride === 1 ? room : `${ctx.support("restElements")}(${stride}, ${room})`;
  }
}

/**
 * Where a body must reach for `field` to be in it, when the struct is loaded zero-extended and a
 * shorter (older) body may end before the field; null otherwise.
 */
export function zeroExtendedEnd(model: StructModel, field: LayoutField): number | null {
  const end = field.offset + field.size;
  return loadRuleOf(model.struct).kind === "zero_extend" && end > minimumBody(model.struct) ? end : null;
}

/**
 * Rewrites the accessors of a field past the smallest body of a zero-extended struct: getters read
 * zero (arrays re-point at `ZERO_VIEW`) when `byteLength` ends before the field, setters throw
 * `ZeroExtendedWriteError` there. The data is never touched past the body.
 */
function zeroExtended(
  ctx: FileContext,
  model: StructModel,
  field: LayoutField,
  end: number,
  members: string[],
): string[] {
  const short = `this.byteLength < ${end}`;
  const path = JSON.stringify(model.path(field));
  return members.map((m) => {
    const getter = /^get (\w+)\(\): (\w+(?:<\w+>)?) \{\nreturn ([\s\S]*);\n\}$/.exec(m);
    if (getter !== null) {
      const [, name, type, expr] = getter as unknown as [string, string, string, string];
      let zero: string;
      if (type === "bigint") zero = "0n";
      else if (type === "number") zero = "0";
      else
        zero = expr.replace(
          `this.view, ${at(field.offset)}, this.src`,
          `${ctx.runtime("ZERO_VIEW", "zero-extend")}, 0, ${ctx.runtime("ZERO_SOURCE", "zero-extend")}`,
        );
      return `get ${name}(): ${type} {\nreturn ${short} ? ${zero} : ${expr};\n}`;
    }
    const has = /^(has\w+)\(mask: (\w+)\): boolean \{\nreturn ([\s\S]*);\n\}$/.exec(m);
    if (has !== null) {
      const [, name, type, expr] = has as unknown as [string, string, string, string];
      return `${name}(mask: ${type}): boolean {\nreturn ${short} ? mask === ${type === "bigint" ? "0n" : "0"} : ${expr};\n}`;
    }
    const setter = /^set (\w+)\(value: ([^)]+)\) \{\n/.exec(m);
    if (setter !== null) {
      return `${setter[0]}if (${short}) ${ctx.runtime("zeroExtendedWrite", "zero-extend")}(${path}, this.base + ${field.offset}, this.byteLength);\n${m.slice(setter[0].length)}`;
    }
    return m;
  });
}

/**
 * The statement an integer setter starts with: refuse a value the type cannot hold (DataView would
 * wrap it modulo 2^N, or truncate a fraction) with an `IntegerRangeError`. One comparison, no call
 * unless it throws.
 */
export function rangeGuard(
  ctx: FileContext,
  prim: PrimName,
  path: string,
  value = "value",
  bitPattern = false,
): string {
  // A u32 bit pattern built with JavaScript's `|` is an int32 (`PERM.read | PERM.top` < 0): flag
  // sets and whole bit-range integers take it as the same 32 bits.
  const misfit =
    bitPattern && prim === "u32" ? (v: string) => `${v} >>> 0 !== ${v} && (${v} | 0) !== ${v}` : MISFIT[prim];
  if (misfit === undefined) return "";
  return `if (${misfit(value)}) throw ${ctx.support("integerRangeError")}(${path}, ${JSON.stringify(prim)}, ${value});\n`;
}

const MISFIT: Partial<Record<PrimName, (v: string) => string>> = {
  u8: (v) => `(${v} & 0xff) !== ${v}`,
  i8: (v) => `(${v} << 24) >> 24 !== ${v}`,
  u16: (v) => `(${v} & 0xffff) !== ${v}`,
  i16: (v) => `(${v} << 16) >> 16 !== ${v}`,
  u32: (v) => `${v} >>> 0 !== ${v}`,
  i32: (v) => `(${v} | 0) !== ${v}`,
  u64: (v) => `BigInt.asUintN(64, ${v}) !== ${v}`,
  i64: (v) => `BigInt.asIntN(64, ${v}) !== ${v}`,
};

/** `Colour | UnknownMember<number>`: what an enum getter returns (a member, or a value read from data the enum does not name). */
export function enumReadType(ctx: FileContext, enumName: string, big: boolean): string {
  return `${ctx.valueType(enumName)} | ${ctx.runtimeType("UnknownMember", "accessor-support")}<${big ? "bigint" : "number"}>`;
}

export function fieldAccessors(ctx: FileContext, model: StructModel, field: LayoutField): FieldCode {
  const code = fieldAccessorsOf(ctx, model, field);
  const end = zeroExtendedEnd(model, field);
  return end === null ? code : { caches: code.caches, members: zeroExtended(ctx, model, field, end, code.members) };
}

function fieldAccessorsOf(ctx: FileContext, model: StructModel, field: LayoutField): FieldCode {
  const t = field.type;
  const o = at(field.offset);
  const caches: string[] = [];
  const members: string[] = [];
  if (t.kind === "pad") return { caches, members };
  const name = model.accessor(field.name);
  const path = JSON.stringify(model.path(field));
  switch (t.kind) {
    case "prim": {
      const info = PRIMS[t.prim];
      const ts = info.bigint ? "bigint" : "number";
      members.push(
        doc(model, field),
        `get ${name}(): ${ts} {\nreturn ${readCall(t.prim, t.endian, o)};\n}`,
        `set ${name}(value: ${ts}) {\n${rangeGuard(ctx, t.prim, path)}${writeCall(t.prim, t.endian, o, "value")};\n}`,
      );
      const num = model.names.numberView.get(field.name);
      if (num !== undefined) {
        const le = t.endian === "little" ? "true" : "false";
        const read = info.signed ? "readI64Number" : "readU64Number";
        members.push(
          jsdoc(
            `\`${name}\` as a number: throws \`UnsafeNumberError\` (a RangeError) when the value is beyond ±(2^53-1); the setter takes a safe integer.`,
            quote(model, field),
          ),
          `get ${num}(): number {\nreturn ${ctx.support(read)}(this.view, ${o}, ${le}, ${path});\n}`,
          `set ${num}(value: number) {\n${ctx.support("writeI64Number")}(this.view, ${o}, value, ${le}, ${info.signed}, ${path});\n}`,
        );
      }
      if (field.pointer !== undefined) members.push(...pointerAccessor(ctx, model, field, t.prim, field.pointer));
      break;
    }
    case "enum": {
      const union = ctx.valueType(t.enumName);
      const read = enumReadType(ctx, t.enumName, isBigintBase(t.prim));
      members.push(
        doc(
          model,
          field,
          `Reads a \`${union}\`, or an \`UnknownMember\` when the data holds a value \`${t.enumName}\` does not name (narrow with \`${ctx.derived(t.enumName, symbols.enumGuard(t.enumName))}\`); writes only \`${union}\` values.`,
        ),
        `get ${name}(): ${read} {\nreturn ${readCall(t.prim, t.endian, o)} as ${read};\n}`,
        `set ${name}(value: ${union}) {\n${writeCall(t.prim, t.endian, o, "value")};\n}`,
      );
      break;
    }
    case "flags": {
      const big = isBigintBase(t.prim);
      const ts = big ? "bigint" : "number";
      const obj = ctx.valueObject(t.flagsName);
      members.push(
        doc(model, field, `A combination of \`${obj}\` masks.`),
        `get ${name}(): ${ts} {\nreturn ${readCall(t.prim, t.endian, o)};\n}`,
        `set ${name}(value: ${ts}) {\n${rangeGuard(ctx, t.prim, path, "value", true)}${writeCall(t.prim, t.endian, o, "value")};\n}`,
      );
      const has = model.names.has.get(field.name) ?? `has${name}`;
      members.push(
        jsdoc(`Whether every bit of \`mask\` (a \`${obj}\` mask or several OR-ed) is set in \`${name}\`.`),
        big
          ? `${has}(mask: bigint): boolean {\nreturn (${readCall(t.prim, t.endian, o)} & mask) === mask;\n}`
          : `${has}(mask: number): boolean {\nreturn (~${readCall(t.prim, t.endian, o)} & mask) === 0;\n}`,
      );
      break;
    }
    case "bits": {
      const ts = PRIMS[t.prim].bigint ? "bigint" : "number";
      members.push(
        doc(model, field, `The whole integer; its bit ranges have accessors of their own.`),
        `get ${name}(): ${ts} {\nreturn ${readCall(t.prim, t.endian, o)};\n}`,
        `set ${name}(value: ${ts}) {\n${rangeGuard(ctx, t.prim, path, "value", true)}${writeCall(t.prim, t.endian, o, "value")};\n}`,
      );
      for (const r of t.ranges) {
        const code = rangeCode(t.prim, t.endian, field.offset, r);
        const rname = model.names.range.get(`${field.name}.${r.name}`) ?? r.name;
        const ts2 = code.bigint ? "bigint" : "number";
        let setType = ts2;
        let getType = ts2;
        let getCast = "";
        let as = "";
        if (r.enumName !== null) {
          as = ` as \`${r.enumName}\``;
          if (isBigintBase(ctx.enumDecl(r.enumName).base) === code.bigint) {
            setType = ctx.valueType(r.enumName);
            getType = enumReadType(ctx, r.enumName, code.bigint);
            getCast = ` as ${getType}`;
          }
        } else if (r.flagsName !== null) as = ` as \`${r.flagsName}\``;
        const rpath = JSON.stringify(`${model.path(field)}.${r.name}`);
        members.push(
          jsdoc(
            r.doc,
            `Bits ${r.lo}..${r.hi} of \`${field.name}\`${as} (\`${r.name}: ${r.lo}..${r.hi}\` in \`${model.struct.name}\`, offset ${field.offset}). The setter throws a RangeError for a value that does not fit ${code.width} bits.`,
          ),
          `get ${rname}(): ${getType} {\nreturn ${getCast === "" ? code.get : `(${code.get})${getCast}`};\n}`,
          `set ${rname}(value: ${setType}) {\nif (${code.misfit}) throw ${ctx.support("bitRangeError")}(${rpath}, ${code.width}, value);\n${code.set.join("\n")}\n}`,
        );
      }
      break;
    }
    case "ascii": {
      if (t.count.kind === "fixed") {
        members.push(
          doc(
            model,
            field,
            `ASCII text up to the first NUL. Reading builds a string (allocates); writing NUL-pads and throws a RangeError for text that is too long or not ASCII.`,
          ),
          `get ${name}(): string {\nreturn ${ctx.support("readAscii")}(this.view, ${o}, ${t.length});\n}`,
          `set ${name}(value: string) {\n${ctx.support("writeAscii")}(this.view, ${o}, ${t.length}, value, ${path});\n}`,
        );
      } else {
        const n = countExpr(ctx, model, field, t.count, 1);
        const span = t.count.kind === "field" ? `\`${t.count.field}\` octets` : "the rest of the body";
        members.push(
          doc(
            model,
            field,
            `Trailing ASCII text (${span}) up to the first NUL. Reading builds a string (allocates; a count beyond the body throws \`BoundsError\`); writing fills the same octets, NUL-padded, and throws a RangeError for text that is longer or not ASCII${t.count.kind === "field" ? ` (set \`${model.accessor(t.count.field)}\` first)` : ""}.`,
          ),
          `get ${name}(): string {\nreturn ${ctx.support("asciiOf")}(this.src.bytes(this.base + ${field.offset}, ${n}));\n}`,
          `set ${name}(value: string) {\nconst n = ${n};\nconst view = this.src.window(this.base + ${field.offset}, n);\n${ctx.support("writeAscii")}(view, this.src.windowOffset, n, value, ${path});\n}`,
        );
      }
      break;
    }
    case "bytes": {
      if (t.count.kind === "fixed") {
        members.push(
          doc(
            model,
            field,
            `The octets as a \`Uint8Array\` view of the source (a copy, counted in \`src.bytesCopied\`, only when they straddle a page edge of a vmap). The setter copies exactly ${t.count.n} octets in.`,
          ),
          `get ${name}(): Uint8Array {\nreturn this.src.bytes(this.base + ${field.offset}, ${t.count.n});\n}`,
          `set ${name}(value: Uint8Array) {\n${ctx.support("writeBytes")}(this.view, ${o}, ${t.count.n}, value, ${path});\n}`,
        );
      } else {
        members.push(
          doc(
            model,
            field,
            `The trailing octets as a \`Uint8Array\` view of the source (copied only where they cross a page edge of a vmap).`,
          ),
          `get ${name}(): Uint8Array {\nreturn this.src.bytes(this.base + ${field.offset}, ${countExpr(ctx, model, field, t.count, 1)});\n}`,
        );
      }
      break;
    }
    case "struct": {
      const cls = ctx.structClass(t.structName);
      caches.push(`#${name} = new ${cls}();`);
      members.push(
        doc(
          model,
          field,
          `A flyweight cached on this struct and re-pointed on every read (no allocation, no bounds check: the parent's placement covers it).`,
        ),
        `get ${name}(): ${cls} {\nreturn this.#${name}.rebind(this.view, ${o}, this.src, this.base + ${field.offset}, ${cls}.SIZE);\n}`,
        ...areaAccessor(ctx, model, field),
      );
      break;
    }
    case "array": {
      const el = t.element;
      let arrayType: string;
      let make: string;
      let le = "";
      if (el.kind === "struct") {
        const cls = ctx.structClass(el.structName);
        arrayType = `${ctx.support("StructArray")}<${cls}>`;
        make = `new ${ctx.support("StructArray")}(new ${cls}(), ${t.stride})`;
      } else {
        const info = PRIMS[el.prim];
        arrayType = ctx.support(info.arrayClass);
        make = info.size === 8 && !info.float ? `new ${arrayType}(${path})` : `new ${arrayType}()`;
        le = `, ${el.endian === "little" ? "true" : "false"}`;
      }
      caches.push(`#${name} = ${make};`);
      const what =
        el.kind === "struct"
          ? `\`at(i)\` re-points one cached \`${ctx.structClass(el.structName)}\``
          : el.kind === "enum"
            ? `elements are \`${el.enumName}\` values`
            : PRIMS[el.prim].size >= 4 && !PRIMS[el.prim].float
              ? "`forEachRun` walks it page segment by page segment as typed arrays without copying"
              : "";
      const fixed = t.count.kind === "fixed";
      const placement = fixed
        ? `this.#${name}.rebind(this.view, ${o}, this.src, this.base + ${field.offset}, ${t.count.kind === "fixed" ? t.count.n : 0}${le})`
        : `this.#${name}.wrap(this.src, this.base + ${field.offset}, ${countExpr(ctx, model, field, t.count, t.stride)}${le})`;
      members.push(
        doc(
          model,
          field,
          `An array flyweight cached on this struct, re-pointed on every read${fixed ? "" : " (one bounds check for the whole array; a count beyond the body throws `BoundsError`)"}; ${what ? `${what}; ` : ""}\`at(i)\` checks the index.`,
        ),
        `get ${name}(): ${arrayType} {\nreturn ${placement};\n}`,
      );
      if (field.pointer !== undefined && t.count.kind === "fixed")
        members.push(...pointerArrayAccessor(ctx, model, field, el, t.stride, t.count.n, field.pointer));
      break;
    }
    case "stream": {
      const off = model.names.streamOffset.get(field.name) ?? `${name}Offset`;
      const len = model.names.streamLength.get(field.name) ?? `${name}Length`;
      const fmt = ctx.derived(t.streamName, symbols.streamFormat(t.streamName));
      members.push(
        doc(
          model,
          field,
          `Absolute offset in \`src\` of the nested \`${t.streamName}\` records (read them with a RecordReader and \`${fmt}\`, \`start\` = this, \`end\` = this + \`${len}\`).`,
        ),
        `get ${off}(): number {\nreturn this.base + ${field.offset};\n}`,
        jsdoc(`Octets of nested \`${t.streamName}\` records: the rest of the body.`),
        `get ${len}(): number {\nreturn this.byteLength - ${field.offset};\n}`,
      );
      break;
    }
  }
  return { caches, members };
}
