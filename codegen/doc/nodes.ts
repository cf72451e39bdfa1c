/**
 * What the documentation says about device-tree node declarations, shared by the Markdown and
 * HTML pages: the node's name in the tree, its compatible strings, and one row per property or
 * child (key, member, type with the declaration it links to, optional, description).
 */
import type { LayoutNode, LayoutPropertyType } from "../ir.js";
import { type TypeText, oneLine, pointerLine } from "./describe.js";

export interface NodeRow {
  /** `"key"`, or `*` for the children no other member names. */
  readonly key: string;
  readonly member: string;
  readonly type: TypeText;
  readonly optional: boolean;
  /** Description lines; `[[name]]` links a declaration, `code` in backticks. */
  readonly lines: readonly string[];
}

function propertyType(t: LayoutPropertyType): TypeText {
  switch (t.kind) {
    case "string":
      return { before: "string", ref: null, after: "" };
    case "bytes":
      return { before: "bytes", ref: null, after: "" };
    case "cells":
      return {
        before: `${t.prim}${t.endian === "big" ? "be" : ""}[${t.count === null ? ".." : String(t.count)}]`,
        ref: null,
        after: "",
      };
    case "int": {
      const int = `${t.prim}${t.endian === "big" ? "be" : ""}`;
      const p = t.pointer;
      if (p === undefined) return { before: int, ref: null, after: "" };
      if (p.kind === "struct") return { before: `${int} -> `, ref: p.structName, after: "" };
      if (p.kind === "chain") return { before: `${int} -> chain `, ref: p.header, after: "" };
      if (p.kind === "page") return { before: `${int} -> page`, ref: null, after: "" };
      return { before: `${int} -> match ${p.field}`, ref: null, after: "" };
    }
  }
}

/** The rows of a node's table: properties first, then children, each in declaration order. */
export function nodeRows(node: LayoutNode): NodeRow[] {
  const doc = (d: string | null): string[] => (d === null ? [] : [oneLine(d)]);
  return [
    ...node.properties.map((p) => ({
      key: JSON.stringify(p.key),
      member: p.name,
      type: propertyType(p.type),
      optional: p.optional,
      lines: [
        ...doc(p.doc),
        ...(p.type.kind === "int" && p.type.pointer !== undefined ? [pointerLine(p.type.pointer, false)] : []),
      ],
    })),
    ...node.children.map((c) => ({
      key: c.key === null ? "*" : JSON.stringify(c.key),
      member: c.name,
      type: { before: "node ", ref: c.node, after: "" },
      optional: c.optional,
      lines: [...doc(c.doc), c.key === null ? "Every child node no other member names." : "A child node."],
    })),
  ];
}

/** The line under a node's heading: its name in the tree and the compatible strings it accepts. */
export function nodeSummary(node: LayoutNode): string {
  const name =
    node.nodeName === null ? "any name (its parent's member says which)" : `\`${JSON.stringify(node.nodeName)}\``;
  const compat =
    node.compatible.length === 0
      ? "its `compatible` is not checked"
      : `its \`compatible\` is one of ${node.compatible.map((c) => `\`${JSON.stringify(c)}\``).join(", ")}`;
  return `Device-tree node: name ${name}; ${compat}.`;
}
