/**
 * Pass 6, device-tree nodes: each `node` declaration's name in the tree, compatible strings and
 * members resolved. A member whose type is a node is a child; any other member is a property whose
 * value is a string, one integer (maybe a pointer), integers filling the value, or raw octets.
 * Unknown names are LU2001 (with a "did you mean"), duplicate keys LU2002, a type a property cannot
 * have LU2006.
 */
import type { AstNode, AstNodeItem, AstType } from "../ast.js";
import { diag } from "../diagnostics.js";
import type { Endian, LayoutNode, LayoutNodeChild, LayoutNodeProperty, LayoutPropertyType, SourceSpan } from "../ir.js";
import type { ConstTable } from "./constants.js";
import type { CheckInput, DiagnosticSink } from "./context.js";
import { pointerLayout } from "./layout.js";
import type { NameTable } from "./names.js";
import { isIntName, parsePrim } from "./primitives.js";
import type { TypeTable } from "./types.js";

/** What a property type may be besides a node name (`did you mean 'string'?`). */
const PROPERTY_TYPE_NAMES: readonly string[] = [
  "string",
  "u8",
  ...["u16", "u32", "u64"].flatMap((p) => [p, `${p}le`, `${p}be`]),
];

export function checkNodes(
  input: CheckInput,
  names: NameTable,
  consts: ConstTable,
  types: TypeTable,
  sink: DiagnosticSink,
): ReadonlyMap<string, LayoutNode> {
  const nodes = new Map<string, LayoutNode>();
  for (const { ast } of input.files) {
    const endian = ast.endian[0]?.endian ?? "little";
    for (const decl of ast.decls) {
      if (decl.kind !== "node" || names.decls.get(decl.name.text)?.decl !== decl) continue;
      const checked = checkNode(ast.file, endian, decl, names, consts, types, sink);
      if (checked !== null) nodes.set(decl.name.text, checked);
    }
  }
  return nodes;
}

function checkNode(
  file: string,
  endian: Endian,
  decl: AstNode,
  names: NameTable,
  consts: ConstTable,
  types: TypeTable,
  sink: DiagnosticSink,
): LayoutNode | null {
  let ok = true;
  const nodeName = decl.nodeName === null ? null : consts.text(file, decl.nodeName);
  if (decl.nodeName !== null && nodeName === null) ok = false;
  const compatible: string[] = [];
  const properties: LayoutNodeProperty[] = [];
  const children: LayoutNodeChild[] = [];
  let compatibleAt: SourceSpan | null = null;
  const keys = new Map<string, SourceSpan>();
  for (const item of decl.items) {
    if (item.kind === "compatible") {
      if (compatibleAt !== null) {
        sink.report(diag.duplicateName(item.span, "compatible list of node", decl.name.text, compatibleAt));
        ok = false;
        continue;
      }
      compatibleAt = item.span;
      for (const ref of item.values) {
        const text = consts.text(file, ref);
        if (text === null) ok = false;
        else if (compatible.includes(text)) {
          sink.report(diag.duplicateName(ref.span, "compatible string", text, compatibleAt));
          ok = false;
        } else compatible.push(text);
      }
      continue;
    }
    const key = item.key === null ? null : consts.text(file, item.key);
    if (item.key !== null && key === null) {
      ok = false;
      continue;
    }
    const keyText = key ?? "*";
    const prior = keys.get(keyText);
    if (prior !== undefined) {
      sink.report(
        diag.duplicateName(
          item.key?.span ?? item.span,
          key === null ? "'@*' member" : "property or child",
          keyText,
          prior,
        ),
      );
      ok = false;
      continue;
    }
    keys.set(keyText, item.key?.span ?? item.span);
    const member = checkMember(file, endian, item, key, names, consts, types, sink);
    if (member === null) ok = false;
    else if (member.kind === "child") children.push(member.child);
    else properties.push(member.property);
  }
  if (!ok) return null;
  return { name: decl.name.text, nodeName, compatible, properties, children, doc: decl.doc, span: decl.name.span };
}

type Member =
  | { readonly kind: "child"; readonly child: LayoutNodeChild }
  | { readonly kind: "property"; readonly property: LayoutNodeProperty };

function checkMember(
  file: string,
  endian: Endian,
  item: Extract<AstNodeItem, { kind: "member" }>,
  key: string | null,
  names: NameTable,
  consts: ConstTable,
  types: TypeTable,
  sink: DiagnosticSink,
): Member | null {
  const base = { name: item.name.text, optional: item.optional, doc: item.doc, span: item.name.span };
  const t = item.type;
  // A name that is not a primitive or `string` must be a node: the child's declaration.
  if (t.kind === "named" && t.name.text !== "string" && parsePrim(t.name.text) === null) {
    const found = names.lookup(file, t.name, "node or property type", ["node"], PROPERTY_TYPE_NAMES);
    return found === null ? null : { kind: "child", child: { ...base, key, node: found.decl.name.text } };
  }
  if (key === null) {
    sink.report(
      diag.wrongKind(
        t.span,
        item.name.text,
        "a property",
        "a child node ('@*' members are the children no other member names)",
      ),
    );
    return null;
  }
  const type = propertyType(file, endian, t, consts, types, sink);
  return type === null ? null : { kind: "property", property: { ...base, key, type } };
}

function propertyType(
  file: string,
  endian: Endian,
  t: AstType,
  consts: ConstTable,
  types: TypeTable,
  sink: DiagnosticSink,
): LayoutPropertyType | null {
  if (t.kind === "named" && t.name.text === "string") return { kind: "string" };
  const notAllowed = (what: string): null => {
    sink.report(
      diag.wrongKind(
        t.span,
        what,
        "not a property type",
        "a string, an integer, an integer array, a pointer or a node",
      ),
    );
    return null;
  };
  if (t.kind === "bits" || t.kind === "stream") return notAllowed(t.kind === "bits" ? "a bits field" : "a stream");
  if (t.kind === "array" || t.kind === "rest") {
    const el = t.element.text;
    if (el === "u8" || el === "bytes") return { kind: "bytes" };
    const prim = parsePrim(el);
    if (prim === null || !isIntName(prim.prim)) return notAllowed(`'${el}[…]'`);
    let count: number | null = null;
    if (t.kind === "array") {
      const n = consts.evaluate(file, t.count);
      if (n === null) return null;
      if (n < 1n || n > 1n << 20n) {
        sink.report(diag.outOfBounds(t.count.span, "cell count", n, 1n, 1n << 20n));
        return null;
      }
      count = Number(n);
    }
    return { kind: "cells", prim: prim.prim, endian: prim.endian ?? endian, count };
  }
  const spec = types.resolveLoose(file, t);
  if (spec === null) return null;
  if (spec.kind !== "prim" || !isIntName(spec.prim))
    return notAllowed(t.kind === "named" ? `'${t.name.text}'` : "this type");
  const e = spec.endian ?? endian;
  return spec.pointer === undefined
    ? { kind: "int", prim: spec.prim, endian: e }
    : { kind: "int", prim: spec.prim, endian: e, pointer: pointerLayout(spec.pointer, e, types) };
}
