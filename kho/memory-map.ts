/**
 * The KHO preserved-memory map decoded to a FrameSet, and encoded from one. kho-v1: a list of
 * kho_v1_mem_chunk pages, each naming per-order bitmap pages (schema/kho.lu); kho-v2 on: a 6-level
 * radix tree of kho_radix_node / kho_radix_leaf pages keyed by (order, pfn). The map's own pages
 * are not preserved, so they are read without the preserved check, but every link is checked
 * (inside the machine, no node reached twice, bounded size).
 */
import {
  KhoRadixBottomNode,
  KhoRadixLeaf,
  KhoRadixNode,
  KhoV1MemBitmap,
  KhoV1MemChunk,
  KhoV1Root,
  KhoV2Root,
  KhoV3Root,
  KHO_BITMAP_SIZE_LOG2,
  KHO_ORDER_0_LOG2,
  KHO_PAGE_SIZE,
  KHO_TABLE_SIZE_LOG2,
  KHO_TREE_MAX_DEPTH,
  KHO_V1_BITMAP_PTRS_PER_CHUNK,
  KHO_V1_BITS_PER_BITMAP,
  KHO_V1_MAP_MAX_CHUNKS,
} from "../generated/kho.js";
import type { ByteSource } from "../runtime/byte-view.js";
import { FrameSet } from "../runtime/frame-set.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { PhysicalMemory } from "../runtime/phys-memory.js";
import { KhoError } from "./kho-error.js";

/** Map pages a reader visits at most (docs/limits.md). */
export const MAX_MAP_PAGES = KHO_V1_MAP_MAX_CHUNKS;
const PAGE = KHO_PAGE_SIZE;

export interface DecodedMap {
  readonly kind: "bitmaps" | "radix";
  readonly preserved: FrameSet;
  /** Pages the map itself takes. */
  readonly pages: number;
}

/** Decodes the map the root node's `preserved-memory-map` names (kho-v1: bitmaps, later: radix tree). */
export function decodeMemoryMap(machine: MachineMemory, root: KhoV1Root | KhoV2Root | KhoV3Root): DecodedMap {
  // The map's own pages are not preserved: follow it without the preserved check.
  const mem = new PhysicalMemory(machine);
  return root instanceof KhoV1Root ? decodeBitmaps(mem, root) : decodeRadix(mem, root);
}

function decodeBitmaps(mem: PhysicalMemory, root: KhoV1Root): DecodedMap {
  const set = new FrameSet();
  const chain = root.derefMemoryMap(mem, "preserved-memory-map (kho-v1 chunk list)");
  let pages = 0;
  for (const block of chain.blocks()) {
    pages++;
    const chunk = KhoV1MemChunk.at(block.src, block.offset);
    const order = chunk.hdr.order;
    if (order > 40)
      throw new KhoError(
        "map",
        `preserved-memory-map chunk ${block.index} at 0x${block.address.toString(16)}: order ${order} is not a page order`,
      );
    for (let i = 0; i < block.count; i++) {
      const entry = chunk.bitmaps.at(i);
      const where = `preserved-memory-map chunk ${block.index} entry ${i}`;
      const bits = entry.derefBitmap(mem, `${where} bitmap`);
      if (bits === null) throw new KhoError("map", `${where}: bitmap address is 0`);
      pages++;
      const start = entry.physStart;
      if (start % BigInt(PAGE) !== 0n)
        throw new KhoError("map", `${where}: phys_start 0x${start.toString(16)} is not page-aligned`);
      const words = bits.bits;
      for (let w = 0; w < words.length; w++) {
        let word = words.at(w);
        while (word !== 0n) {
          const low = word & -word;
          const bit = w * 64 + bitIndex(low);
          word ^= low;
          const pfn = Number(start / BigInt(PAGE)) + bit * 2 ** order;
          set.add(pfn, order);
        }
      }
    }
  }
  return { kind: "bitmaps", preserved: set, pages };
}

function bitIndex(single: bigint): number {
  let i = 0;
  let v = single;
  while (v > 1n) {
    v >>= 1n;
    i++;
  }
  return i;
}

/** A page of the tree on the walk's stack: a table node (levels 5 … 2), a bottom node (level 1) or a leaf. */
type RadixPage =
  | {
      readonly level: "table";
      readonly page: KhoRadixNode;
      readonly depth: number;
      readonly prefix: bigint;
      readonly path: string;
    }
  | { readonly level: "bottom"; readonly page: KhoRadixBottomNode; readonly prefix: bigint; readonly path: string }
  | { readonly level: "leaf"; readonly page: KhoRadixLeaf; readonly prefix: bigint; readonly path: string };

/**
 * Walks the radix tree through the schema's arrays of pointers (`kho_radix_node.table`,
 * `kho_radix_bottom_node.table`): each slot is read in place and followed with the pointer checks
 * (inside the machine); the walk adds what the tree's shape needs (page-aligned, no page reached
 * twice, at most MAX_MAP_PAGES pages). Depth first, iterative.
 */
function decodeRadix(mem: PhysicalMemory, root: KhoV2Root | KhoV3Root): DecodedMap {
  const set = new FrameSet();
  const seen = new Set<bigint>();
  let pages = 0;
  const claim = (address: bigint, path: string): void => {
    const where = `preserved-memory-map ${path} at 0x${address.toString(16)}`;
    if (address % BigInt(PAGE) !== 0n) throw new KhoError("map", `${where}: not page-aligned`);
    if (seen.has(address))
      throw new KhoError("map", `${where}: page already used elsewhere in the tree (a cycle or shared node)`);
    seen.add(address);
    if (++pages > MAX_MAP_PAGES) throw new KhoError("map", `preserved-memory-map: more than ${MAX_MAP_PAGES} pages`);
  };
  if (root.memoryMap === 0n) throw new KhoError("map", "preserved-memory-map is 0");
  claim(root.memoryMap, "radix root");
  const top = root.derefMemoryMap(mem, "preserved-memory-map radix root");
  if (top === null) throw new KhoError("map", "preserved-memory-map is 0");
  const stack: RadixPage[] = [
    { level: "table", page: top, depth: KHO_TREE_MAX_DEPTH - 1, prefix: 0n, path: "radix root" },
  ];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (next.level === "leaf") {
      addLeaf(set, next.page, next.prefix, next.path);
      continue;
    }
    // Level L keys the bits [(L-1)*9+15, +9) of the key; the slots are pushed in reverse so the walk
    // visits them in order.
    const depth = next.level === "table" ? next.depth : 1;
    const shift = BigInt((depth - 1) * KHO_TABLE_SIZE_LOG2 + KHO_BITMAP_SIZE_LOG2);
    const slots = next.page.table;
    for (let i = slots.length - 1; i >= 0; i--) {
      const address = slots.at(i);
      if (address === 0n) continue;
      const path = `${next.path}/${depth}:${i}`;
      const prefix = next.prefix | (BigInt(i) << shift);
      claim(address, path);
      const label = `preserved-memory-map ${path}`;
      if (next.level === "bottom") {
        const leaf = next.page.derefTable(i, mem, label);
        if (leaf !== null) stack.push({ level: "leaf", page: leaf, prefix, path });
        continue;
      }
      const child = next.page.derefTable(i, mem, label);
      if (child === null) continue;
      // The slots of a level-2 node point at level-1 nodes, whose slots point at leaves.
      stack.push(
        depth === 2
          ? { level: "bottom", page: KhoRadixBottomNode.at(child.src, child.base), prefix, path }
          : { level: "table", page: child, depth: depth - 1, prefix, path },
      );
    }
  }
  return { kind: "radix", preserved: set, pages };
}

function addLeaf(set: FrameSet, leaf: KhoRadixLeaf, prefix: bigint, path: string): void {
  const words = leaf.bitmap;
  for (let w = 0; w < words.length; w++) {
    let word = words.at(w);
    while (word !== 0n) {
      const low = word & -word;
      word ^= low;
      const bit = w * 64 + bitIndex(low);
      const key = prefix | BigInt(bit);
      const block = keyToBlock(key);
      if (block === null)
        throw new KhoError(
          "map",
          `preserved-memory-map ${path} bit ${bit}: key 0x${key.toString(16)} has no order bit`,
        );
      set.add(block.pfn, block.order);
    }
  }
}

/** order = 53 - fls64(key); pfn = (key without its order bit) << order. */
export function keyToBlock(key: bigint): { pfn: number; order: number } | null {
  if (key === 0n) return null;
  let fls = 0;
  for (let v = key; v > 0n; v >>= 1n) fls++;
  const order = KHO_ORDER_0_LOG2 + 1 - fls;
  if (order < 0) return null;
  const shifted = key ^ (1n << BigInt(KHO_ORDER_0_LOG2 - order));
  return { pfn: Number(shifted << BigInt(order)), order };
}

export function blockToKey(pfn: number, order: number): bigint {
  return (1n << BigInt(KHO_ORDER_0_LOG2 - order)) | (BigInt(pfn) >> BigInt(order));
}

/** Allocates a fresh zeroed page for the map (not preserved). */
export type PageSource = () => number;

/** A map page placed at `frame`, written through its generated accessors. */
function page<T>(
  mem: PhysicalMemory,
  cls: { at(src: ByteSource, offset: number): T; readonly SIZE: number },
  frame: number,
): T {
  const r = mem.resolve(BigInt(frame) * BigInt(PAGE), cls.SIZE, "preserved-memory-map (writer)");
  return cls.at(r.src, r.offset);
}

/** Writes `set` as a radix tree; returns the root's physical address. */
export function encodeRadix(machine: MachineMemory, set: FrameSet, newPage: PageSource): bigint {
  const mem = new PhysicalMemory(machine);
  const root = newPage();
  for (const b of set.list()) {
    const key = blockToKey(b.pfn, b.order);
    let frame = root;
    for (let level = KHO_TREE_MAX_DEPTH - 1; level >= 1; level--) {
      const idx = Number(
        (key >> BigInt((level - 1) * KHO_TABLE_SIZE_LOG2 + KHO_BITMAP_SIZE_LOG2)) &
          BigInt((1 << KHO_TABLE_SIZE_LOG2) - 1),
      );
      const table = page(mem, KhoRadixNode, frame).table;
      let child = Number(table.at(idx) / BigInt(PAGE));
      if (child === 0) {
        child = newPage();
        table.set(idx, BigInt(child) * BigInt(PAGE));
      }
      frame = child;
    }
    const bit = Number(key & BigInt((1 << KHO_BITMAP_SIZE_LOG2) - 1));
    const bitmap = page(mem, KhoRadixLeaf, frame).bitmap;
    bitmap.set(bit >> 6, bitmap.at(bit >> 6) | (1n << BigInt(bit & 63)));
  }
  return BigInt(root) * BigInt(PAGE);
}

/** Writes `set` as kho-v1 chunks of per-order bitmaps; returns the first chunk's address. */
export function encodeBitmaps(machine: MachineMemory, set: FrameSet, newPage: PageSource): bigint {
  const mem = new PhysicalMemory(machine);
  // One bitmap page per (order, window of KHO_V1_BITS_PER_BITMAP blocks).
  const bitmaps = new Map<string, { order: number; start: number; frame: number }>();
  for (const b of set.list()) {
    const span = KHO_V1_BITS_PER_BITMAP * 2 ** b.order;
    const start = Math.floor(b.pfn / span) * span;
    const key = `${b.order}:${start}`;
    let bm = bitmaps.get(key);
    if (bm === undefined) {
      bm = { order: b.order, start, frame: newPage() };
      bitmaps.set(key, bm);
    }
    const bit = (b.pfn - start) / 2 ** b.order;
    const bits = page(mem, KhoV1MemBitmap, bm.frame).bits;
    bits.set(bit >> 6, bits.at(bit >> 6) | (1n << BigInt(bit & 63)));
  }
  const byOrder = new Map<number, { start: number; frame: number }[]>();
  for (const bm of bitmaps.values()) byOrder.set(bm.order, [...(byOrder.get(bm.order) ?? []), bm]);
  let first = 0n;
  let prev: KhoV1MemChunk | null = null;
  for (const [order, list] of byOrder) {
    for (let i = 0; i < list.length; i += KHO_V1_BITMAP_PTRS_PER_CHUNK) {
      const frame = newPage();
      const chunk = page(mem, KhoV1MemChunk, frame);
      const part = list.slice(i, i + KHO_V1_BITMAP_PTRS_PER_CHUNK);
      chunk.hdr.order = order;
      chunk.hdr.numElms = part.length;
      part.forEach((bm, k) => {
        const entry = chunk.bitmaps.at(k);
        entry.physStart = BigInt(bm.start) * BigInt(PAGE);
        entry.bitmap = BigInt(bm.frame) * BigInt(PAGE);
      });
      const address = BigInt(frame) * BigInt(PAGE);
      if (prev === null) first = address;
      else prev.hdr.next = address;
      prev = chunk;
    }
  }
  return first;
}
