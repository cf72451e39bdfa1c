/**
 * The flattened device tree container (schema/fdt.lu describes its octets): a reader that walks
 * the structure block into nodes and properties with every offset, length and token checked, typed
 * property accessors, lookup by path, and a writer. Container numbers are big-endian; property
 * values are opaque octets, read by the typed accessors as the format using the tree says (Linux
 * KHO stores native-endian u64 values).
 */
import { LuDataError } from "./errors.js";

export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;
/** Nodes nested deeper than this are rejected (docs/limits.md). */
export const FDT_MAX_DEPTH = 64;

/** A malformed tree or a property that is missing or has the wrong size. */
export class FdtError extends LuDataError {
  /** Node path (or `fdt` for the container itself) the problem is in. */
  readonly path: string;
  /** Octet of the blob the problem is at, when known. */
  readonly blobOffset: number | undefined;
  constructor(path: string, message: string, offset?: number) {
    super("fdt", `${path}: ${message}${offset === undefined ? "" : ` (blob octet ${offset})`}`);
    this.path = path;
    this.blobOffset = offset;
  }
}

export interface FdtProperty {
  readonly name: string;
  /** The value octets (a view into the blob). */
  readonly value: Uint8Array;
  /** Offset of the property token in the blob. */
  readonly offset: number;
}

export interface FdtNode {
  readonly name: string;
  readonly path: string;
  readonly properties: readonly FdtProperty[];
  readonly children: readonly FdtNode[];
  readonly offset: number;
}

interface MutableNode {
  name: string;
  path: string;
  properties: FdtProperty[];
  children: MutableNode[];
  offset: number;
}

export class Fdt {
  readonly root: FdtNode;
  readonly totalSize: number;
  readonly version: number;
  /** Memory reservation map entries. */
  readonly reserved: readonly { readonly address: bigint; readonly size: bigint }[];
  /** What the tree is, for messages (`KHO root FDT at 0x…`). */
  readonly label: string;

  private constructor(
    label: string,
    root: FdtNode,
    totalSize: number,
    version: number,
    reserved: { address: bigint; size: bigint }[],
  ) {
    this.label = label;
    this.root = root;
    this.totalSize = totalSize;
    this.version = version;
    this.reserved = reserved;
  }

  /** Reads the `totalsize` of the header at the start of `bytes` (for sizing a read), checking the magic. */
  static totalSizeOf(bytes: Uint8Array, label: string): number {
    if (bytes.length < HEADER_SIZE)
      throw new FdtError(label, `${bytes.length} octets are too short for an FDT header (40)`, 0);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const magic = v.getUint32(0);
    if (magic !== FDT_MAGIC)
      throw new FdtError(
        label,
        `bad magic 0x${magic.toString(16).padStart(8, "0")} (an FDT starts with 0xd00dfeed)`,
        0,
      );
    return v.getUint32(4);
  }

  /**
   * Parses a whole blob.
   *
   * @throws FdtError with the node path and blob offset of the first problem
   */
  static parse(bytes: Uint8Array, label = "fdt"): Fdt {
    const total = Fdt.totalSizeOf(bytes, label);
    if (total < HEADER_SIZE || total > bytes.length)
      throw new FdtError(label, `totalsize ${total} is not between 40 and the ${bytes.length} octets available`, 4);
    const v = new DataView(bytes.buffer, bytes.byteOffset, total);
    const offStruct = v.getUint32(8);
    const offStrings = v.getUint32(12);
    const offRsv = v.getUint32(16);
    const version = v.getUint32(20);
    const sizeStrings = v.getUint32(32);
    const sizeStruct = v.getUint32(36);
    if (version < 16)
      throw new FdtError(label, `version ${version} is older than 16, the oldest this reader knows`, 20);
    const inside = (off: number, len: number): boolean => off >= HEADER_SIZE && off + len <= total;
    if (!inside(offStruct, sizeStruct))
      throw new FdtError(
        label,
        `structure block [${offStruct}, +${sizeStruct}) is outside the blob (${total} octets)`,
        8,
      );
    if (!inside(offStrings, sizeStrings))
      throw new FdtError(
        label,
        `strings block [${offStrings}, +${sizeStrings}) is outside the blob (${total} octets)`,
        12,
      );
    if (offRsv % 8 !== 0 || !inside(offRsv, 16))
      throw new FdtError(label, `memory reservation map at ${offRsv} is misaligned or outside the blob`, 16);
    const reserved: { address: bigint; size: bigint }[] = [];
    for (let at = offRsv; ; at += 16) {
      if (at + 16 > total) throw new FdtError(label, "memory reservation map has no terminating entry", at);
      const address = v.getBigUint64(at);
      const size = v.getBigUint64(at + 8);
      if (address === 0n && size === 0n) break;
      reserved.push({ address, size });
    }

    const end = offStruct + sizeStruct;
    const cstring = (from: number, limit: number, what: string, path: string): string => {
      let i = from;
      while (i < limit && bytes[i] !== 0) i++;
      if (i >= limit) throw new FdtError(path, `${what} is not NUL-terminated inside its block`, from);
      let s = "";
      for (let k = from; k < i; k++) s += String.fromCharCode(bytes[k] ?? 0);
      return s;
    };
    const stack: MutableNode[] = [];
    let root: MutableNode | null = null;
    let at = offStruct;
    let done = false;
    while (!done) {
      if (at + 4 > end) throw new FdtError(stack.at(-1)?.path ?? label, "structure block ends without FDT_END", at);
      const token = v.getUint32(at);
      const tokenAt = at;
      at += 4;
      switch (token) {
        case FDT_BEGIN_NODE: {
          const parent = stack.at(-1);
          if (parent === undefined && root !== null) throw new FdtError(label, "a second root node", tokenAt);
          const name = cstring(at, end, "node name", parent?.path ?? label);
          at = align4(at + name.length + 1);
          const path = parent === undefined ? "/" : parent.path === "/" ? `/${name}` : `${parent.path}/${name}`;
          if (stack.length >= FDT_MAX_DEPTH)
            throw new FdtError(path, `nodes nested deeper than ${FDT_MAX_DEPTH}`, tokenAt);
          const node: MutableNode = { name, path, properties: [], children: [], offset: tokenAt };
          if (parent === undefined) root = node;
          else parent.children.push(node);
          stack.push(node);
          break;
        }
        case FDT_END_NODE:
          if (stack.pop() === undefined) throw new FdtError(label, "FDT_END_NODE without an open node", tokenAt);
          break;
        case FDT_PROP: {
          const node = stack.at(-1);
          if (node === undefined) throw new FdtError(label, "a property outside any node", tokenAt);
          if (at + 8 > end) throw new FdtError(node.path, "property header runs past the structure block", tokenAt);
          const len = v.getUint32(at);
          const nameoff = v.getUint32(at + 4);
          at += 8;
          if (len > end - at)
            throw new FdtError(node.path, `property value of ${len} octets runs past the structure block`, tokenAt);
          if (nameoff >= sizeStrings)
            throw new FdtError(
              node.path,
              `property name offset ${nameoff} is outside the strings block (${sizeStrings} octets)`,
              tokenAt,
            );
          const name = cstring(offStrings + nameoff, offStrings + sizeStrings, "property name", node.path);
          node.properties.push({ name, value: bytes.subarray(at, at + len), offset: tokenAt });
          at = align4(at + len);
          break;
        }
        case FDT_NOP:
          break;
        case FDT_END:
          if (stack.length > 0) throw new FdtError(stack.at(-1)?.path ?? label, "FDT_END inside an open node", tokenAt);
          done = true;
          break;
        default:
          throw new FdtError(stack.at(-1)?.path ?? label, `unknown token 0x${token.toString(16)}`, tokenAt);
      }
    }
    if (root === null) throw new FdtError(label, "no root node", offStruct);
    return new Fdt(label, root, total, version, reserved);
  }

  /** The node at `path` (`/`, `/LUO`, `/memblock/reserve`), or undefined. */
  node(path: string): FdtNode | undefined {
    let node: FdtNode | undefined = this.root;
    for (const part of path.split("/").filter((p) => p.length > 0)) {
      node = node?.children.find((c) => c.name === part);
    }
    return node;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

export function property(node: FdtNode, name: string): FdtProperty | undefined {
  return node.properties.find((p) => p.name === name);
}

/** A NUL-terminated string property, or undefined when absent. */
export function stringProperty(node: FdtNode, name: string): string | undefined {
  const p = property(node, name);
  if (p === undefined) return undefined;
  const nul = p.value.indexOf(0);
  if (nul < 0) throw new FdtError(node.path, `property '${name}' is not a NUL-terminated string`, p.offset);
  let s = "";
  for (let i = 0; i < nul; i++) s += String.fromCharCode(p.value[i] ?? 0);
  return s;
}

/** A u64 property in the given byte order (KHO: little-endian); must be exactly 8 octets. */
export function u64Property(node: FdtNode, name: string, littleEndian: boolean): bigint | undefined {
  const p = property(node, name);
  if (p === undefined) return undefined;
  if (p.value.length !== 8)
    throw new FdtError(node.path, `property '${name}' is ${p.value.length} octets, not the 8 of a u64`, p.offset);
  return new DataView(p.value.buffer, p.value.byteOffset, 8).getBigUint64(0, littleEndian);
}

/** A property of big-endian u32 cells (`<a b c>` in device tree source). */
export function u32CellsProperty(node: FdtNode, name: string): number[] | undefined {
  const p = property(node, name);
  if (p === undefined) return undefined;
  if (p.value.length % 4 !== 0)
    throw new FdtError(node.path, `property '${name}' is ${p.value.length} octets, not whole u32 cells`, p.offset);
  const v = new DataView(p.value.buffer, p.value.byteOffset, p.value.length);
  return Array.from({ length: p.value.length / 4 }, (_, i) => v.getUint32(i * 4));
}

/** Builds a blob: nodes opened and closed in order, properties added to the open node. */
export class FdtBuilder {
  private readonly struct: number[] = [];
  private readonly strings: number[] = [];
  private readonly stringAt = new Map<string, number>();
  private depth = 0;

  beginNode(name: string): this {
    this.word(FDT_BEGIN_NODE);
    this.text(this.struct, name);
    this.pad();
    this.depth++;
    return this;
  }

  endNode(): this {
    this.word(FDT_END_NODE);
    this.depth--;
    return this;
  }

  prop(name: string, value: Uint8Array): this {
    let off = this.stringAt.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.stringAt.set(name, off);
      this.text(this.strings, name);
    }
    this.word(FDT_PROP);
    this.word(value.length);
    this.word(off);
    for (const b of value) this.struct.push(b);
    this.pad();
    return this;
  }

  propString(name: string, value: string): this {
    const bytes: number[] = [];
    this.text(bytes, value);
    return this.prop(name, Uint8Array.from(bytes));
  }

  propU64(name: string, value: bigint, littleEndian: boolean): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, value, littleEndian);
    return this.prop(name, b);
  }

  /** The blob: header, empty reservation map, structure block, strings block. */
  finish(): Uint8Array {
    if (this.depth !== 0) throw new FdtError("fdt", `${this.depth} node(s) left open`);
    this.word(FDT_END);
    const offRsv = HEADER_SIZE;
    const offStruct = offRsv + 16;
    const offStrings = offStruct + this.struct.length;
    const total = offStrings + this.strings.length;
    const out = new Uint8Array(total);
    const v = new DataView(out.buffer);
    const header = [
      FDT_MAGIC,
      total,
      offStruct,
      offStrings,
      offRsv,
      17,
      16,
      0,
      this.strings.length,
      this.struct.length,
    ];
    header.forEach((x, i) => v.setUint32(i * 4, x));
    out.set(this.struct, offStruct);
    out.set(this.strings, offStrings);
    return out;
  }

  private word(x: number): void {
    this.struct.push((x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff);
  }

  private text(into: number[], s: string): void {
    for (let i = 0; i < s.length; i++) into.push(s.charCodeAt(i) & 0xff);
    into.push(0);
  }

  private pad(): void {
    while (this.struct.length % 4 !== 0) this.struct.push(0);
  }
}
