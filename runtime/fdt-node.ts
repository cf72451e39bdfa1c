/**
 * What generated device-tree node classes (`node NAME { … }` in a schema) call: the one check at
 * wrap time (compatible string, node name, every required property present with a size its type
 * allows, every required child present), property reads that need no further checks, and the
 * choice among several node declarations by compatible string.
 */
import { CompatibleError } from "./compatible.js";
import { type FdtNode, type FdtProperty, FdtError, property } from "./fdt.js";

/** How a property's value is laid out: `string`, one integer of `size` octets, cells of `size`, raw octets. */
export type FdtValueKind = "string" | "int" | "cells" | "bytes";

/** One property a node declaration lists. */
export interface FdtPropertySpec {
  /** Schema member name. */
  readonly name: string;
  /** Property name in the tree. */
  readonly key: string;
  readonly kind: FdtValueKind;
  /** Octets of the integer or of one cell (0 for strings and raw octets). */
  readonly size: number;
  /** Cells a `T[N]` property holds exactly; null for any number (`T[..]`). */
  readonly count: number | null;
  readonly optional: boolean;
}

/** One named child a node declaration lists. */
export interface FdtChildSpec {
  readonly name: string;
  readonly key: string;
  readonly optional: boolean;
}

/** What `checkFdtNode` compares a node with (the static members of a generated node class). */
export interface FdtNodeSpec {
  readonly NODE_NAME: string | null;
  readonly COMPATIBLE: readonly string[];
  readonly PROPERTIES: readonly FdtPropertySpec[];
  readonly CHILDREN: readonly FdtChildSpec[];
}

/** The strings of a `compatible` stringlist (NUL-separated), or [] when the node has none. */
export function compatibleStrings(node: FdtNode): string[] {
  const p = property(node, "compatible");
  if (p === undefined) return [];
  if (p.value.length === 0 || p.value[p.value.length - 1] !== 0)
    throw new FdtError(node.path, "property 'compatible' is not a NUL-terminated string list", p.offset);
  return latin1(p.value.subarray(0, p.value.length - 1)).split("\0");
}

/** Whether one of `node`'s compatible strings is in `known` (always, when `known` is empty). */
export function fdtNodeMatches(node: FdtNode, known: readonly string[]): boolean {
  return known.length === 0 || compatibleStrings(node).some((c) => known.includes(c));
}

/**
 * Checks `node` against a declaration, once, where it is wrapped.
 *
 * @throws CompatibleError naming the string found and those declared; FdtError naming the node
 * and the property or child that is missing or has the wrong size
 */
export function checkFdtNode(node: FdtNode, spec: FdtNodeSpec, path: string = node.path): void {
  if (spec.NODE_NAME !== null && (spec.NODE_NAME === "/" ? node.path !== "/" : node.name !== spec.NODE_NAME)) {
    throw new FdtError(
      path,
      `node is named ${JSON.stringify(node.name)}, the declaration expects ${JSON.stringify(spec.NODE_NAME)}`,
      node.offset,
    );
  }
  if (spec.COMPATIBLE.length > 0) {
    const found = compatibleStrings(node);
    if (!found.some((c) => spec.COMPATIBLE.includes(c))) {
      if (found.length === 0)
        throw new FdtError(
          path,
          `no 'compatible' property (expected ${spec.COMPATIBLE.map((c) => JSON.stringify(c)).join(" or ")})`,
          node.offset,
        );
      throw new CompatibleError(compatiblePath(path), found[0] ?? "", spec.COMPATIBLE);
    }
  }
  for (const p of spec.PROPERTIES) {
    const found = property(node, p.key);
    if (found === undefined) {
      if (!p.optional) throw new FdtError(path, `no '${p.key}' property (the declaration requires it)`, node.offset);
      continue;
    }
    checkValue(p, found, path);
  }
  for (const c of spec.CHILDREN) {
    if (!c.optional && !node.children.some((x) => x.name === c.key))
      throw new FdtError(path, `no child node '${c.key}' (the declaration requires it)`, node.offset);
  }
}

function checkValue(p: FdtPropertySpec, found: FdtProperty, path: string): void {
  const n = found.value.length;
  const bad = (what: string): never => {
    throw new FdtError(path, `property '${p.key}' is ${n} octets, not ${what}`, found.offset);
  };
  switch (p.kind) {
    case "string":
      if (found.value.indexOf(0) < 0)
        throw new FdtError(path, `property '${p.key}' is not a NUL-terminated string`, found.offset);
      break;
    case "int":
      if (n !== p.size) bad(`the ${p.size} of its integer`);
      break;
    case "cells":
      if (n % p.size !== 0 || (p.count !== null && n !== p.count * p.size))
        bad(p.count === null ? `whole ${p.size}-octet cells` : `${p.count} cells of ${p.size} octets`);
      break;
    case "bytes":
      break;
  }
}

/** `/LUO` → `/LUO/compatible`, `/` → `/compatible`. */
function compatiblePath(path: string): string {
  return path.endsWith("/") ? `${path}compatible` : `${path}/compatible`;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** The property `key` of a checked node (undefined when absent). */
export function fdtValue(node: FdtNode, key: string): Uint8Array | undefined {
  return property(node, key)?.value;
}

/** A view of the value octets for integer reads. */
export function fdtView(value: Uint8Array): DataView {
  return new DataView(value.buffer, value.byteOffset, value.byteLength);
}

/** The text of a checked string property, up to its first NUL. */
export function fdtString(value: Uint8Array): string {
  const nul = value.indexOf(0);
  return latin1(value.subarray(0, nul < 0 ? value.length : nul));
}

/** Children of `node` named `key`'s first match, or undefined. */
export function fdtChild(node: FdtNode, key: string): FdtNode | undefined {
  return node.children.find((c) => c.name === key);
}

/** Children of `node` whose names are none of `named` (what `@*` describes). */
export function fdtOtherChildren(node: FdtNode, named: readonly string[]): FdtNode[] {
  return node.children.filter((c) => !named.includes(c.name));
}

/** A generated node class, as `selectFdtNode` sees it. */
export interface FdtNodeClass<T> {
  readonly COMPATIBLE: readonly string[];
  at(node: FdtNode, path?: string): T;
}

/**
 * Wraps `node` with the first of `classes` one of whose compatible strings it carries (a schema
 * that declares one node per version of a format).
 *
 * @throws CompatibleError naming the string found and every string the classes declare
 */
export function selectFdtNode<T>(node: FdtNode, classes: readonly FdtNodeClass<T>[], path: string = node.path): T {
  const found = compatibleStrings(node);
  for (const c of classes) if (found.some((s) => c.COMPATIBLE.includes(s))) return c.at(node, path);
  throw new CompatibleError(
    compatiblePath(path),
    found[0] ?? "",
    classes.flatMap((c) => c.COMPATIBLE),
  );
}
