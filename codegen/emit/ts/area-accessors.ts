/**
 * Scattered areas: a struct declared `scattered(pieces, order, pages)` gets `area(memory, path?)`,
 * one vmap over its pieces (each followed and checked like a pointer, their sum checked against
 * `pages`); a field `D of T[count]` of such a struct type gets `deref<Field>(memory, path?)`, the
 * `count` elements of `T` placed on that area in place (they may straddle pieces).
 */
import type { LayoutField } from "../../ir.js";
import type { FileContext } from "./context.js";
import { jsdoc } from "./jsdoc.js";
import { PRIMS } from "./primitives.js";
import type { StructModel } from "./struct-model.js";

/** `area(memory, path?)` of a scattered-area descriptor; none for other structs. */
export function scatteredMethod(ctx: FileContext, model: StructModel): string[] {
  const sc = model.struct.scattered;
  if (sc === undefined) return [];
  const mem = ctx.runtimeType("PhysicalMemory", "phys-memory");
  const src = ctx.runtimeType("ByteSource", "byte-view");
  const scattered = ctx.runtime("scatteredSource", "scattered");
  const pieces = model.accessor(sc.pieces);
  const deref = `deref${pieces.charAt(0).toUpperCase()}${pieces.slice(1)}`;
  return [
    jsdoc(
      `The area this struct describes: the pieces \`${sc.pieces}\` lists, each 2^\`${sc.order}\` pages, in order, as one vmap (nothing is copied; elements may straddle pieces).`,
      "@param path names the area in errors",
      `@throws ScatterError (a piece not page-aligned or of no page order, pieces that do not add up to \`${sc.pages}\`), PointerError, ChainError`,
    ),
    `area(memory: ${mem}, path = ${JSON.stringify(model.struct.name)}): ${src} {\nconst order = Number(this.${model.accessor(sc.order)});\nconst pieces = Array.from(this.${deref}(memory, \`\${path} pieces\`), (address) => ({ address, order }));\nreturn ${scattered}(memory, pieces, path, Number(this.${model.accessor(sc.pages)}));\n}`,
  ];
}

/** `deref<Field>(memory, path?)` of a field `D of T[count]`. */
export function areaAccessor(ctx: FileContext, model: StructModel, field: LayoutField): string[] {
  const area = field.area;
  if (area === undefined) return [];
  const name = model.accessor(field.name);
  const method = `deref${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const mem = ctx.runtimeType("PhysicalMemory", "phys-memory");
  const elements = ctx.runtime("areaElements", "scattered");
  const count =
    area.count.kind === "fixed"
      ? `${area.count.n}`
      : area.count.kind === "field"
        ? `this.${model.accessor(area.count.field)}`
        : "0";
  const countName = area.count.kind === "field" ? area.count.field : "count";
  const el = area.element;
  let type: string;
  let make: string;
  let le = "";
  if (el.kind === "struct") {
    const cls = ctx.structClass(el.structName);
    type = `${ctx.support("StructArray")}<${cls}>`;
    make = `new ${ctx.support("StructArray")}(new ${cls}(), ${area.stride})`;
  } else {
    const info = PRIMS[el.prim];
    type = ctx.support(info.arrayClass);
    make = info.size === 8 && !info.float ? `new ${type}(path)` : `new ${type}()`;
    le = `, ${el.endian === "little"}`;
  }
  return [
    jsdoc(
      `The ${area.count.kind === "fixed" ? area.count.n : `\`${countName}\``} elements the area of \`${field.name}\` holds, placed on it in place (\`at(i)\` checks the index).`,
      "@param path names the area in errors",
      `@throws ScatterError (the pieces, or \`${countName}\` more elements than the area holds), PointerError, ChainError`,
    ),
    `${method}(memory: ${mem}, path = ${JSON.stringify(model.path(field))}): ${type} {\nconst area = this.${name}.area(memory, path);\nconst n = ${elements}(${count}, ${area.stride}, area.byteLength, memory.pageSize, path, ${JSON.stringify(countName)});\nreturn ${make}.wrap(area, 0, n${le});\n}`,
  ];
}
