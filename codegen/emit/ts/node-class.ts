/**
 * One class per device-tree node declaration (`node NAME ["name"] { … }`): statics describing it
 * (NODE_NAME, COMPATIBLE, PROPERTIES, CHILDREN), `at(node)` that checks the node once (runtime
 * `checkFdtNode`), a getter per property reading its value octets in place, a `deref…` method per
 * pointer property, and a getter per child (a method for the `@*` children).
 */
import type { LayoutNode, LayoutNodeChild, LayoutNodeProperty, LayoutStringConst } from "../../ir.js";
import { pointerLabel } from "../../layout-listing.js";
import { memberName } from "../../naming.js";
import type { FileContext } from "./context.js";
import { jsdoc } from "./jsdoc.js";
import { derefMethod } from "./pointer-accessors.js";
import { PRIMS, primLabel } from "./primitives.js";
import { symbols } from "./symbols.js";

export function emitStringConst(c: LayoutStringConst): string {
  return [
    jsdoc(c.doc, `\`const ${c.name}\` = ${JSON.stringify(c.value)}`),
    `export const ${symbols.constant(c.name)} = ${JSON.stringify(c.value)};`,
  ].join("\n");
}

/** The member as the schema spells it, for JSDoc. */
function declText(p: LayoutNodeProperty): string {
  const t = p.type;
  const type =
    t.kind === "string"
      ? "string"
      : t.kind === "bytes"
        ? "u8[..]"
        : t.kind === "cells"
          ? `${primLabel(t.prim, t.endian)}[${t.count ?? ".."}]`
          : primLabel(t.prim, t.endian);
  const arrow = t.kind === "int" && t.pointer !== undefined ? ` -> ${pointerLabel(t.pointer)}` : "";
  return `@${JSON.stringify(p.key)} ${p.name}: ${type}${arrow}${p.optional ? " optional" : ""}`;
}

/** A member name in a node class: `node` is the class's own field. */
function nodeMember(name: string): string {
  const m = memberName(name);
  return m === "node" ? "nodeField" : m;
}

function specRow(p: LayoutNodeProperty): string {
  const t = p.type;
  const size = t.kind === "int" || t.kind === "cells" ? PRIMS[t.prim].size : 0;
  const count = t.kind === "cells" ? t.count : null;
  return `{ name: ${JSON.stringify(p.name)}, key: ${JSON.stringify(p.key)}, kind: ${JSON.stringify(t.kind)}, size: ${size}, count: ${count === null ? "null" : count}, optional: ${p.optional} },`;
}

function propertyGetter(ctx: FileContext, node: string, p: LayoutNodeProperty): string[] {
  const t = p.type;
  const name = nodeMember(p.name);
  const key = JSON.stringify(p.key);
  const value = ctx.runtime("fdtValue", "fdt-node");
  const missing = p.optional ? " | undefined" : "";
  const absent = p.optional
    ? "return undefined;"
    : `throw new ${ctx.runtime("FdtError", "fdt")}(this.node.path, ${JSON.stringify(`no '${p.key}' property`)});`;
  const doc = jsdoc(p.doc, `\`${declText(p)}\` in node \`${node}\`${p.optional ? "; undefined when absent" : ""}.`);
  const read = (type: string, expr: string): string[] => [
    doc,
    `get ${name}(): ${type}${missing} {\nconst v = ${value}(this.node, ${key});\nif (v === undefined) ${absent}\nreturn ${expr};\n}`,
  ];
  switch (t.kind) {
    case "string":
      return read("string", `${ctx.runtime("fdtString", "fdt-node")}(v)`);
    case "bytes":
      return read("Uint8Array", "v");
    case "cells": {
      const info = PRIMS[t.prim];
      const le = info.size === 1 ? "" : `, ${t.endian === "little"}`;
      const type = info.bigint ? "bigint" : "number";
      return read(
        `${type}[]`,
        `Array.from({ length: v.length / ${info.size} }, (_, i) => ${ctx.runtime("fdtView", "fdt-node")}(v).get${info.method}(i * ${info.size}${le}))`,
      );
    }
    case "int": {
      const info = PRIMS[t.prim];
      const le = info.size === 1 ? "" : `, ${t.endian === "little"}`;
      const out = read(
        info.bigint ? "bigint" : "number",
        `${ctx.runtime("fdtView", "fdt-node")}(v).get${info.method}(0${le})`,
      );
      if (t.pointer === undefined) return out;
      const method = `deref${name.charAt(0).toUpperCase()}${name.slice(1)}`;
      const address = `${info.bigint ? "" : "BigInt("}this.${name}${p.optional ? " ?? 0" : ""}${info.bigint ? (p.optional ? "n" : "") : ")"}`;
      return [
        ...out,
        ...derefMethod(
          ctx,
          { method, address, path: `\`\${this.node.path}/${p.key}\``, field: p.name, selector: null },
          t.pointer,
        ),
      ];
    }
  }
}

function childGetter(ctx: FileContext, child: LayoutNodeChild, named: readonly string[]): string[] {
  const cls = ctx.ref(child.node, symbols.nodeClass(child.node));
  const name = nodeMember(child.name);
  if (child.key === null) {
    const others = ctx.runtime("fdtOtherChildren", "fdt-node");
    const node = ctx.runtimeType("FdtNode", "fdt");
    return [
      jsdoc(
        child.doc,
        `\`@* ${child.name}: ${child.node}\`: every child no other member names, each checked as \`${child.node}\`.`,
        "@throws CompatibleError, FdtError",
      ),
      `${name}(): ${cls}[] {\nreturn ${others}(this.node, ${JSON.stringify(named)}).map((c) => ${cls}.at(c));\n}`,
      jsdoc(`The children \`${name}()\` wraps, unchecked (to check and report them one by one with \`${name}Child\`).`),
      `${name}Nodes(): ${node}[] {\nreturn ${others}(this.node, ${JSON.stringify(named)});\n}`,
      jsdoc(`Checks one of the \`${name}Nodes()\` as \`${child.node}\`.`, "@throws CompatibleError, FdtError"),
      `${name}Child(child: ${node}, path: string = child.path): ${cls} {\nreturn ${cls}.at(child, path);\n}`,
    ];
  }
  const find = ctx.runtime("fdtChild", "fdt-node");
  const absent = child.optional
    ? "return undefined;"
    : `throw new ${ctx.runtime("FdtError", "fdt")}(this.node.path, ${JSON.stringify(`no child node '${child.key}'`)});`;
  return [
    jsdoc(
      child.doc,
      `\`@${JSON.stringify(child.key)} ${child.name}: ${child.node}${child.optional ? " optional" : ""}\`, checked as \`${child.node}\`${child.optional ? "; undefined when absent" : ""}.`,
      "@throws CompatibleError, FdtError",
    ),
    `get ${name}(): ${cls}${child.optional ? " | undefined" : ""} {\nconst c = ${find}(this.node, ${JSON.stringify(child.key)});\nif (c === undefined) ${absent}\nreturn ${cls}.at(c);\n}`,
  ];
}

export function emitNode(ctx: FileContext, n: LayoutNode): string {
  const cls = symbols.nodeClass(n.name);
  const node = ctx.runtimeType("FdtNode", "fdt");
  const propSpec = ctx.runtimeType("FdtPropertySpec", "fdt-node");
  const childSpec = ctx.runtimeType("FdtChildSpec", "fdt-node");
  const check = ctx.runtime("checkFdtNode", "fdt-node");
  const named = n.children.flatMap((c) => (c.key === null ? [] : [c.key]));
  const members = [
    jsdoc("The node's name in the tree (`/` for a root); null when the declaration leaves it open."),
    `static readonly NODE_NAME: string | null = ${n.nodeName === null ? "null" : JSON.stringify(n.nodeName)};`,
    jsdoc("The `compatible` strings that select this declaration (empty: not checked)."),
    `static readonly COMPATIBLE: readonly string[] = ${JSON.stringify(n.compatible)};`,
    jsdoc("Every property the declaration lists: schema name, key in the tree, value layout, optional."),
    `static readonly PROPERTIES: readonly ${propSpec}[] = [\n${n.properties.map(specRow).join("\n")}\n];`,
    jsdoc("Every named child the declaration lists."),
    `static readonly CHILDREN: readonly ${childSpec}[] = [\n${n.children.flatMap((c) => (c.key === null ? [] : [`{ name: ${JSON.stringify(c.name)}, key: ${JSON.stringify(c.key)}, optional: ${c.optional} },`])).join("\n")}\n];`,
    jsdoc("The node read (a parsed tree's node; nothing is copied)."),
    `readonly node: ${node};`,
    `private constructor(node: ${node}) {\nthis.node = node;\n}`,
    jsdoc(
      "Wraps `node` after checking it against the declaration: its name, compatible string, every required property present with a size its type allows, every required child present. Property getters do no further checks.",
      "@param path names the node in errors (default: its path in the tree)",
      "@throws CompatibleError naming the string found; FdtError naming what is missing or mis-sized",
    ),
    `static at(node: ${node}, path: string = node.path): ${cls} {\n${check}(node, ${cls}, path);\nreturn new ${cls}(node);\n}`,
    ...n.properties.flatMap((p) => propertyGetter(ctx, n.name, p)),
    ...n.children.flatMap((c) => childGetter(ctx, c, named)),
  ].filter((x) => x.length > 0);
  const where = `\`node ${n.name}${n.nodeName === null ? "" : ` ${JSON.stringify(n.nodeName)}`}\` in ${ctx.schema.file}: a device-tree node.`;
  return [jsdoc(n.doc, where), `export class ${cls} {\n${members.join("\n")}\n}`].join("\n");
}
