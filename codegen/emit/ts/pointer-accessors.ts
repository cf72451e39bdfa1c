/**
 * The accessor of a pointer field (`@16 next: u64 -> T`): `deref<Field>(memory, path?)` follows the
 * address the field holds through a `PhysicalMemory` (bounds and preserved checks) and returns the
 * target placed where it lies, without copying: a struct flyweight, a page's octets, a `PageChain`
 * of entries, or for `match` the struct the selector field's text names. 0 gives null (an empty
 * chain for `chain`).
 */
import type { LayoutElement, LayoutField, LayoutPointer, LayoutStruct, PrimName } from "../../ir.js";
import type { FileContext } from "./context.js";
import { jsdoc } from "./jsdoc.js";
import { at, PRIMS, readCall } from "./primitives.js";
import type { StructModel } from "./struct-model.js";

function headerField(struct: LayoutStruct, name: string): { offset: number; size: number; little: boolean } {
  const f = struct.fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`internal: ${struct.name} has no field ${name}`);
  const t = f.type;
  const little = "endian" in t ? t.endian === "little" : struct.endian === "little";
  return { offset: f.offset, size: f.size, little };
}

function entryReader(ctx: FileContext, el: LayoutElement): { type: string; size: string; make: string } {
  if (el.kind === "struct") {
    const cls = ctx.structClass(el.structName);
    return { type: cls, size: `${cls}.SIZE`, make: `(s, o) => ${cls}.at(s, o)` };
  }
  const info = PRIMS[el.prim];
  const le = info.size === 1 ? "" : `, ${el.endian === "little" ? "true" : "false"}`;
  return {
    type: info.bigint ? "bigint" : "number",
    size: `${info.size}`,
    make: `(s, o) => s.window(o, ${info.size}).get${info.method}(s.windowOffset${le})`,
  };
}

export function pointerAccessor(
  ctx: FileContext,
  model: StructModel,
  field: LayoutField,
  prim: PrimName,
  p: LayoutPointer,
): string[] {
  const name = model.accessor(field.name);
  const method = `deref${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const endian = "endian" in field.type ? field.type.endian : "little";
  const raw = readCall(prim, endian, at(field.offset));
  const address = PRIMS[prim].bigint ? raw : `BigInt(${raw})`;
  const selector = p.kind === "match" ? `this.${model.accessor(p.field)}` : null;
  return derefMethod(ctx, { method, address, path: JSON.stringify(model.path(field)), field: field.name, selector }, p);
}

/**
 * The accessor of an array of pointers (`@0 table: u64[512] -> T`): `deref<Field>(i, memory, path?)`
 * checks the index, reads element i in place and follows it like a pointer field.
 */
export function pointerArrayAccessor(
  ctx: FileContext,
  model: StructModel,
  field: LayoutField,
  el: LayoutElement,
  stride: number,
  n: number,
  p: LayoutPointer,
): string[] {
  if (el.kind !== "prim") throw new Error(`internal: ${model.path(field)} is an array of pointers to non-integers`);
  const name = model.accessor(field.name);
  const method = `deref${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const raw = readCall(el.prim, el.endian, `${at(field.offset)} + i * ${stride}`);
  const address = PRIMS[el.prim].bigint ? raw : `BigInt(${raw})`;
  const where = model.path(field);
  const prelude = `if (!Number.isInteger(i) || i < 0 || i >= ${n}) throw new RangeError(\`${where}: index \${i} is outside 0..${n - 1}\`);\n`;
  return derefMethod(
    ctx,
    {
      method,
      address,
      path: `\`${where}[\${i}]\``,
      field: `${field.name}[i]`,
      selector: null,
      lead: "i: number, ",
      prelude,
    },
    p,
  );
}

/** Where a deref method reads its address and how it names the pointer. */
export interface DerefSite {
  /** Method name (`derefData`). */
  readonly method: string;
  /** A bigint expression of the address. */
  readonly address: string;
  /** Default `path` argument, as TypeScript source. */
  readonly path: string;
  /** Schema name of the pointer (field or property). */
  readonly field: string;
  /** For `match`: the expression of the selector text. */
  readonly selector: string | null;
  /** Parameters before `memory` (`i: number, ` for an element of an array of pointers). */
  readonly lead?: string;
  /** Statements before the address is read (an index check). */
  readonly prelude?: string;
}

/** The `deref…` method of a pointer read at `site` (a struct field or a device-tree property). */
export function derefMethod(ctx: FileContext, site: DerefSite, p: LayoutPointer): string[] {
  const { address, path } = site;
  const method = `${site.method}(${site.lead ?? ""}`;
  const pre = site.prelude ?? "";
  const mem = ctx.runtimeType("PhysicalMemory", "phys-memory");
  const intro = `Follows \`${site.field}\` (a physical address, 0 = none) through \`memory\`, checking that the target lies in the machine and in preserved memory; nothing is copied. \`path\` names the pointer in errors.`;
  switch (p.kind) {
    case "struct": {
      const cls = ctx.structClass(p.structName);
      return [
        jsdoc(intro, `@returns the \`${p.structName}\` at that address, or null for 0`, `@throws PointerError`),
        `${method}memory: ${mem}, path = ${path}): ${cls} | null {\n${pre}const address = ${address};\nif (address === 0n) return null;\nconst r = memory.resolve(address, ${cls}.SIZE, path);\nreturn ${cls}.at(r.src, r.offset);\n}`,
      ];
    }
    case "page":
      return [
        jsdoc(
          intro,
          `@returns the page's octets (a view; copied only if the address is not page-aligned), or null for 0`,
          `@throws PointerError`,
        ),
        `${method}memory: ${mem}, path = ${path}): Uint8Array | null {\n${pre}const address = ${address};\nif (address === 0n) return null;\nconst r = memory.resolve(address, memory.pageSize, path);\nreturn r.src.bytes(r.offset, memory.pageSize);\n}`,
      ];
    case "chain": {
      const header = ctx.struct(p.header);
      const next = headerField(header, p.next);
      const count = p.count === null ? null : headerField(header, p.count);
      const entry = entryReader(ctx, p.entry);
      const chain = ctx.runtime("PageChain", "page-chain");
      return [
        jsdoc(
          intro,
          `@returns the linked pages (\`${p.header}\` headers, ${p.count === null ? "entries up to the first all-zero one" : `\`${p.count}\` entries each`}) as one sequence of \`${entry.type}\`; walking it checks every link (cycle, more than ${p.limit} pages, count above what fits in a page)`,
          `@throws ChainError, PointerError (when iterated or walked)`,
        ),
        `${method}memory: ${mem}, path = ${path}): ${chain}<${entry.type}> {\n${pre}return new ${chain}<${entry.type}>(memory, ${address}, { path, headerSize: ${header.size}, nextOffset: ${next.offset}, nextSize: ${next.size}, countOffset: ${count === null ? "null" : count.offset}, countSize: ${count?.size ?? 0}, littleEndian: ${next.little}, entrySize: ${entry.size}, entry: ${entry.make}, limit: ${p.limit} });\n}`,
      ];
    }
    case "match": {
      const classes = p.arms.map((a) => ctx.structClass(a.structName));
      const union = [...new Set(classes)].join(" | ");
      const err = ctx.runtime("CompatibleError", "compatible");
      const known = JSON.stringify(p.arms.map((a) => a.compatible));
      const cases = p.arms
        .map(
          (a, i) =>
            `case ${JSON.stringify(a.compatible)}: {\nconst r = memory.resolve(address, ${classes[i] ?? ""}.SIZE, path);\nreturn ${classes[i] ?? ""}.at(r.src, r.offset);\n}`,
        )
        .join("\n");
      return [
        jsdoc(
          intro,
          `The target's type is chosen by the text of \`${p.field}\`.`,
          `@returns the struct the text names, or null for 0`,
          `@throws CompatibleError naming the text when no type matches; PointerError`,
        ),
        `${method}memory: ${mem}, path = ${path}): ${union} | null {\n${pre}const address = ${address};\nif (address === 0n) return null;\nconst selector = ${site.selector ?? ""};\nswitch (selector) {\n${cases}\ndefault:\nthrow new ${err}(path, selector, ${known});\n}\n}`,
      ];
    }
  }
}
