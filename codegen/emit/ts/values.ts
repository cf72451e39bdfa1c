/**
 * Constants, enums and flag sets: `export const` numbers (bigint when too large), and `as const`
 * objects with a union type, a type guard and a name lookup (no TS `enum`).
 */
import type { IntName, LayoutConst, LayoutEnum, LayoutFlags, LayoutMember } from "../../ir.js";
import { objectKey } from "../../naming.js";
import type { FileContext } from "./context.js";
import { jsdoc } from "./jsdoc.js";
import { intLiteral, isSafe } from "./literals.js";
import { PRIMS } from "./primitives.js";
import { symbols } from "./symbols.js";

/** Whether values of this base type are bigints in generated code. */
export function isBigintBase(base: IntName): boolean {
  return PRIMS[base].bigint;
}

export function emitConst(c: LayoutConst): string {
  const value = intLiteral(c.value, !isSafe(c.value));
  return [
    jsdoc(c.doc, `\`const ${c.name}\` = 0x${c.value.toString(16)}`),
    `export const ${symbols.constant(c.name)} = ${value};`,
  ].join("\n");
}

function memberLines(members: readonly LayoutMember[], literal: (v: bigint) => string): string {
  return members
    .map((m) => [jsdoc(m.doc), `${objectKey(m.name)}: ${literal(m.value)},`].filter((x) => x.length > 0).join("\n"))
    .join("\n");
}

/** Flag masks in hex (`0x80`): they are bit patterns. */
function maskLiteral(value: bigint, big: boolean): string {
  return `0x${value.toString(16)}${big ? "n" : ""}`;
}

export function emitEnum(ctx: FileContext, e: LayoutEnum): string {
  const obj = symbols.valueObject(e.name);
  const type = symbols.valueType(e.name);
  const big = isBigintBase(e.base);
  const t = big ? "bigint" : "number";
  return [
    jsdoc(e.doc, `\`enum ${e.name} : ${e.base}\` in ${ctx.schema.file}.`),
    `export const ${obj} = {\n${memberLines(e.members, (v) => intLiteral(v, big))}\n} as const;`,
    jsdoc(`A value of \`${e.name}\`.`),
    `export type ${type} = (typeof ${obj})[keyof typeof ${obj}];`,
    jsdoc(`Name of each \`${e.name}\` value.`),
    `export const ${symbols.enumNames(e.name)}: ReadonlyMap<${t}, string> = new Map<${t}, string>([${e.members
      .map((m) => `[${intLiteral(m.value, big)}, ${JSON.stringify(m.name)}]`)
      .join(", ")}]);`,
    jsdoc(`Whether \`value\` is a value of \`${e.name}\`.`),
    `export function ${symbols.enumGuard(e.name)}(value: ${t}): value is ${type} {\nreturn ${symbols.enumNames(e.name)}.has(value);\n}`,
  ]
    .filter((s) => s.length > 0)
    .join("\n");
}

export function emitFlags(ctx: FileContext, f: LayoutFlags): string {
  const obj = symbols.valueObject(f.name);
  const type = symbols.valueType(f.name);
  const big = isBigintBase(f.base);
  const all = f.members.reduce((m, x) => m | x.value, 0n);
  return [
    jsdoc(f.doc, `\`flags ${f.name} : ${f.base}\` in ${ctx.schema.file}; values are masks.`),
    `export const ${obj} = {\n${memberLines(f.members, (v) => maskLiteral(v, big))}\n} as const;`,
    jsdoc(`One mask of \`${f.name}\`.`),
    `export type ${type} = (typeof ${obj})[keyof typeof ${obj}];`,
    jsdoc(`Every bit \`${f.name}\` names.`),
    `export const ${symbols.flagsAll(f.name)} = ${maskLiteral(all, big)};`,
  ]
    .filter((s) => s.length > 0)
    .join("\n");
}
