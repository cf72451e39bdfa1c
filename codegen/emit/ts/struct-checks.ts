/**
 * `validate()` and `init()` of a struct class. Validation reports every problem (bad constant,
 * non-zero padding or reserved field or bits, unknown enum value, unknown flag bits, a count that
 * does not fit the body) with the field's dotted path and absolute offset; it never throws for
 * bad data. `init()` writes constants and zeroes padding, reserved fields and the unnamed bits of
 * bit-range integers.
 */
import type { LayoutField, LayoutType } from "../../ir.js";
import type { FileContext } from "./context.js";
import { rangeCode, unnamedBits } from "./bit-ranges.js";
import { jsdoc } from "./jsdoc.js";
import { hexLiteral } from "./literals.js";
import { at, PRIMS, readCall, writeCall } from "./primitives.js";
import { zeroExtendedEnd } from "./field-accessors.js";
import { loadRuleOf } from "../../ir.js";
import { isTrailing, structNeedsInit, structNeedsValidate, type StructModel } from "./struct-model.js";
import { symbols } from "./symbols.js";
import { isBigintBase } from "./values.js";

function isIntType(t: LayoutType): t is Extract<LayoutType, { kind: "prim" | "enum" | "flags" | "bits" }> {
  return t.kind === "enum" || t.kind === "flags" || t.kind === "bits" || (t.kind === "prim" && !PRIMS[t.prim].float);
}

function fieldChecks(ctx: FileContext, model: StructModel, f: LayoutField): string[] {
  const t = f.type;
  const o = at(f.offset);
  const abs = `this.base + ${f.offset}`;
  const p = (suffix = ""): string => `path + ${JSON.stringify(f.name + suffix)}`;
  const out: string[] = [];
  const s = (name: string): string => ctx.support(name);
  if (t.kind === "pad") {
    out.push(
      `{\nconst at = ${s("firstNonZero")}(this.view, ${o}, ${t.length});\nif (at >= 0) ${s("nonZeroPadding")}(problems, ${p()}, ${abs}, at, this.view.getUint8(${o} + at));\n}`,
    );
    return out;
  }
  if (f.lengthOf !== undefined && t.kind === "prim") {
    // What the field must hold: the octets after it (`rest`) or the struct's whole extent (`input`).
    const has = f.lengthOf === "rest" ? `this.byteLength - ${f.offset + f.size}` : "this.byteLength";
    const want = PRIMS[t.prim].bigint ? `BigInt(${has})` : has;
    out.push(
      `{\nconst value = ${readCall(t.prim, t.endian, o)};\nif (value !== ${want}) ${s("lengthMismatch")}(problems, ${p()}, ${abs}, ${JSON.stringify(f.lengthOf)}, value, ${has});\n}`,
    );
    return out;
  }
  if (f.constValue !== null) {
    const valueConst = `${model.cls}.${model.names.valueConst.get(f.name) ?? ""}`;
    if (typeof f.constValue === "string") {
      const acc = `this.${model.accessor(f.name)}`;
      out.push(
        `if (${acc} !== ${valueConst}) ${s("badConstant")}(problems, ${p()}, ${abs}, JSON.stringify(${valueConst}), JSON.stringify(${acc}));`,
      );
    } else if (isIntType(t)) {
      out.push(
        `{\nconst value = ${readCall(t.prim, t.endian, o)};\nif (value !== ${valueConst}) ${s("badConstant")}(problems, ${p()}, ${abs}, ${s("hex")}(${valueConst}), ${s("hex")}(value));\n}`,
      );
    }
    return out;
  }
  if (f.reserved) {
    if (isIntType(t)) {
      const zero = PRIMS[t.prim].bigint ? "0n" : "0";
      out.push(
        `{\nconst value = ${readCall(t.prim, t.endian, o, PRIMS[t.prim].unsignedMethod)};\nif (value !== ${zero}) ${s("nonZeroReserved")}(problems, ${p()}, ${abs}, ${s("hex")}(value));\n}`,
      );
    } else if (f.size > 0) {
      out.push(
        `if (${s("firstNonZero")}(this.view, ${o}, ${f.size}) >= 0) ${s("nonZeroReserved")}(problems, ${p()}, ${abs}, "non-zero octets");`,
      );
    }
    return out;
  }
  switch (t.kind) {
    case "enum": {
      out.push(
        `{\nconst value = ${readCall(t.prim, t.endian, o)};\nif (!${ctx.derived(t.enumName, symbols.enumGuard(t.enumName))}(value)) ${s("unknownEnum")}(problems, ${p()}, ${abs}, ${JSON.stringify(t.enumName)}, value);\n}`,
      );
      break;
    }
    case "flags": {
      const all = ctx.derived(t.flagsName, symbols.flagsAll(t.flagsName));
      const big = isBigintBase(t.prim);
      out.push(
        big
          ? `{\nconst unknown = ${readCall(t.prim, t.endian, o)} & ~${all};\nif (unknown !== 0n) ${s("unknownFlags")}(problems, ${p()}, ${abs}, ${JSON.stringify(t.flagsName)}, unknown);\n}`
          : `{\nconst unknown = (${readCall(t.prim, t.endian, o)} & ~${all}) >>> 0;\nif (unknown !== 0) ${s("unknownFlags")}(problems, ${p()}, ${abs}, ${JSON.stringify(t.flagsName)}, unknown);\n}`,
      );
      break;
    }
    case "bits": {
      const reserved = unnamedBits(t.prim, t.ranges);
      const info = PRIMS[t.prim];
      if (reserved !== 0n) {
        out.push(
          info.bigint
            ? `{\nconst bits = ${readCall(t.prim, t.endian, o, info.unsignedMethod)} & ${hexLiteral(reserved, 1, true)};\nif (bits !== 0n) ${s("nonZeroReserved")}(problems, ${p()}, ${abs}, ${s("hex")}(bits));\n}`
            : `{\nconst bits = (${readCall(t.prim, t.endian, o, info.unsignedMethod)} & ${hexLiteral(reserved, 1)}) >>> 0;\nif (bits !== 0) ${s("nonZeroReserved")}(problems, ${p()}, ${abs}, ${s("hex")}(bits));\n}`,
        );
      }
      for (const r of t.ranges) {
        const code = rangeCode(t.prim, t.endian, f.offset, r);
        const rp = p(`.${r.name}`);
        if (r.enumName !== null) {
          const e = ctx.enumDecl(r.enumName);
          const arg =
            isBigintBase(e.base) === code.bigint ? "value" : isBigintBase(e.base) ? "BigInt(value)" : "Number(value)";
          out.push(
            `{\nconst value = ${code.get};\nif (!${ctx.derived(r.enumName, symbols.enumGuard(r.enumName))}(${arg})) ${s("unknownEnum")}(problems, ${rp}, ${abs}, ${JSON.stringify(r.enumName)}, value);\n}`,
          );
        } else if (r.flagsName !== null) {
          const fl = ctx.flagsDecl(r.flagsName);
          const all = ctx.derived(r.flagsName, symbols.flagsAll(r.flagsName));
          const big = code.bigint;
          const allExpr = isBigintBase(fl.base) === big ? all : big ? `BigInt(${all})` : `Number(${all})`;
          out.push(
            big
              ? `{\nconst unknown = (${code.get}) & ~${allExpr};\nif (unknown !== 0n) ${s("unknownFlags")}(problems, ${rp}, ${abs}, ${JSON.stringify(r.flagsName)}, unknown);\n}`
              : `{\nconst unknown = ((${code.get}) & ~${allExpr}) >>> 0;\nif (unknown !== 0) ${s("unknownFlags")}(problems, ${rp}, ${abs}, ${JSON.stringify(r.flagsName)}, unknown);\n}`,
          );
        }
      }
      break;
    }
    case "struct": {
      if (structNeedsValidate(ctx, t.structName))
        out.push(`this.${model.accessor(f.name)}.validate(problems, ${p(".")});`);
      break;
    }
    case "bytes":
    case "ascii":
    case "array": {
      const stride = t.kind === "array" ? t.stride : 1;
      const acc = model.accessor(f.name);
      const room = `this.byteLength - ${f.offset}`;
      let guard = "";
      if (t.count.kind === "field") {
        const n = `Number(this.${model.accessor(t.count.field)})`;
        out.push(
          `const ${acc}Count = ${n};`,
          `const ${acc}Fits = ${acc}Count * ${stride} <= ${room};`,
          `if (!${acc}Fits) ${s("badCount")}(problems, ${p()}, ${abs}, \`${t.count.field} = \${${acc}Count}: \${${acc}Count * ${stride}} octets do not fit in the \${${room}} left\`);`,
        );
        guard = `${acc}Fits`;
      } else if (t.count.kind === "rest" && stride > 1) {
        out.push(
          `if ((${room}) % ${stride} !== 0) ${s("badCount")}(problems, ${p()}, ${abs}, \`\${${room}} octets are not a whole number of ${stride}-octet elements\`);`,
        );
      }
      if (t.kind === "array") {
        const el = t.element;
        let body = "";
        if (el.kind === "enum") {
          body = `{\nconst value = list.at(i);\nif (!${ctx.derived(el.enumName, symbols.enumGuard(el.enumName))}(value)) ${s("unknownEnum")}(problems, \`\${path}${f.name}[\${i}]\`, list.base + i * ${stride}, ${JSON.stringify(el.enumName)}, value);\n}`;
        } else if (el.kind === "struct" && structNeedsValidate(ctx, el.structName)) {
          body = `list.at(i).validate(problems, \`\${path}${f.name}[\${i}].\`);`;
        }
        if (body.length > 0) {
          const loop = `{\nconst list = this.${acc};\nfor (let i = 0; i < list.length; i++) ${body}\n}`;
          out.push(guard.length > 0 ? `if (${guard}) ${loop}` : loop);
        }
      }
      break;
    }
    default:
      break;
  }
  return out;
}

/** Statements of a field past the smallest body of a zero-extended struct run only when the body reaches it. */
function whenPresent(model: StructModel, f: LayoutField, code: string[]): string[] {
  const end = zeroExtendedEnd(model, f);
  return end === null || code.length === 0 ? code : [`if (this.byteLength >= ${end}) {\n${code.join("\n")}\n}`];
}

/** A zero-extended body must be one of the sizes the struct names (its own, an older one). */
function lengthCheck(ctx: FileContext, model: StructModel): string[] {
  const rule = loadRuleOf(model.struct);
  if (rule.kind !== "zero_extend") return [];
  const sizes = [...rule.from, model.struct.size];
  const cond = sizes.map((n) => `this.byteLength !== ${n}`).join(" && ");
  return [
    `if (this.byteLength < ${model.cls}.SIZE && ${cond}) ${ctx.runtime("badBodyLength", "zero-extend")}(problems, path + ${JSON.stringify(model.struct.name)}, this.base, this.byteLength, ${JSON.stringify(sizes.join(", "))});`,
  ];
}

export function emitValidate(ctx: FileContext, model: StructModel): string {
  const problem = ctx.runtimeType("Problem", "problem");
  const body = [
    ...lengthCheck(ctx, model),
    ...model.struct.fields.flatMap((f) => whenPresent(model, f, fieldChecks(ctx, model, f))),
  ];
  return [
    jsdoc(
      model.struct.fields.some((f) => f.lengthOf !== undefined)
        ? "Everything wrong with the contents, as data (an empty array when valid): bad constants, non-zero padding and reserved fields or bits, unknown enum values and flag bits, counts that do not fit the body, a length field that is not the octets `byteLength` gives it (the struct is measured against the extent it was placed on: pass a record's body_length, or place it on a source that ends where its input ends). Never throws for bad data."
        : "Everything wrong with the contents, as data (an empty array when valid): bad constants, non-zero padding and reserved fields or bits, unknown enum values and flag bits, counts that do not fit the body. Never throws for bad data.",
      "@param problems - appended to and returned (pass one array to collect a whole record tree)",
      "@param path - prefix of every field path (`header.` for a nested struct)",
    ),
    `validate(problems: ${problem}[] = [], path = ""): ${problem}[] {\n${body.join("\n")}\nreturn problems;\n}`,
  ].join("\n");
}

function fieldInit(ctx: FileContext, model: StructModel, f: LayoutField): string[] {
  const t = f.type;
  const o = at(f.offset);
  if (isTrailing(f)) return [];
  if (t.kind === "pad") return [`${ctx.support("zeroBytes")}(this.view, ${o}, ${t.length});`];
  if (f.constValue !== null) {
    const valueConst = `${model.cls}.${model.names.valueConst.get(f.name) ?? ""}`;
    if (typeof f.constValue === "string") return [`this.${model.accessor(f.name)} = ${valueConst};`];
    if (isIntType(t)) return [`${writeCall(t.prim, t.endian, o, valueConst)};`];
    return [];
  }
  if (f.reserved) return f.size > 0 ? [`${ctx.support("zeroBytes")}(this.view, ${o}, ${f.size});`] : [];
  if (t.kind === "bits") {
    // Bits no range names are reserved (validate() reports them): clear them, keep the named ones.
    const reserved = unnamedBits(t.prim, t.ranges);
    if (reserved === 0n) return [];
    const info = PRIMS[t.prim];
    const named = ((1n << BigInt(info.size * 8)) - 1n) ^ reserved;
    const read = readCall(t.prim, t.endian, o, info.unsignedMethod);
    const kept = info.bigint ? `${read} & ${hexLiteral(named, 1, true)}` : `(${read} & ${hexLiteral(named, 1)}) >>> 0`;
    return [`${writeCall(t.prim, t.endian, o, kept, info.unsignedMethod)};`];
  }
  if (t.kind === "struct" && structNeedsInit(ctx, t.structName)) return [`this.${model.accessor(f.name)}.init();`];
  if (t.kind === "array" && t.element.kind === "struct" && structNeedsInit(ctx, t.element.structName)) {
    return [
      `{\nconst list = this.${model.accessor(f.name)};\nfor (let i = 0; i < list.length; i++) list.at(i).init();\n}`,
    ];
  }
  return [];
}

export function emitInit(ctx: FileContext, model: StructModel): string {
  const body = model.struct.fields.flatMap((f) => whenPresent(model, f, fieldInit(ctx, model, f)));
  return [
    jsdoc(
      "Writes every constant field and zeroes padding, reserved fields and the bits no bit range names, in the fixed part (other fields and named bits are left as they are; a trailing array is not touched). Returns `this`.",
    ),
    `init(): this {\n${body.join("\n")}\nreturn this;\n}`,
  ].join("\n");
}
