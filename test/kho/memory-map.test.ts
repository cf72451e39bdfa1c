/**
 * The preserved-memory map through the generated accessors: a radix tree's arrays of pointers
 * (`kho_radix_node.table: u64[512] -> kho_radix_node`) followed element by element in place, and
 * the tree decoded back to the blocks written.
 */
import { describe, expect, it } from "vitest";
import { KhoRadixNode } from "../../generated/kho.js";
import { FrameSet } from "../../runtime/frame-set.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { PhysicalMemory, PointerError } from "../../runtime/phys-memory.js";
import { blockToKey, encodeRadix, keyToBlock } from "../../kho/memory-map.js";

function tree(): { memory: MachineMemory; root: bigint; set: FrameSet } {
  const memory = new MachineMemory({ frameCount: 256 });
  let next = 16;
  const set = new FrameSet();
  set.add(100, 0);
  set.add(104, 2);
  const root = encodeRadix(memory, set, () => next++);
  return { memory, root, set };
}

describe("radix tree arrays of pointers", () => {
  it("deref slot i of a node in place, with the pointer checks", () => {
    const { memory, root } = tree();
    const mem = new PhysicalMemory(memory);
    const r = mem.resolve(root, KhoRadixNode.SIZE, "root");
    const node = KhoRadixNode.at(r.src, r.offset);
    const used = Array.from({ length: 512 }, (_, i) => i).filter((i) => node.table.at(i) !== 0n);
    expect(used.length).toBeGreaterThan(0);
    const i = used[0] ?? 0;
    expect(node.derefTable(i, mem)?.table.length).toBe(512);
    const empty = Array.from({ length: 512 }, (_, k) => k).find((k) => node.table.at(k) === 0n) ?? -1;
    expect(node.derefTable(empty, mem)).toBeNull();
    expect(() => node.derefTable(512, mem)).toThrow("kho_radix_node.table: index 512 is outside 0..511");
    r.src.window(r.offset + i * 8, 8).setBigUint64(r.src.windowOffset, 0x7000_0000n, true);
    expect(() => node.derefTable(i, mem)).toThrow(PointerError);
    expect(() => node.derefTable(i, mem)).toThrow(`kho_radix_node.table[${i}] -> 0x70000000`);
  });

  it("keys round-trip (order bit, pfn)", () => {
    for (const [pfn, order] of [
      [0, 0],
      [100, 0],
      [104, 2],
      [1 << 20, 9],
    ] as const)
      expect(keyToBlock(blockToKey(pfn, order))).toEqual({ pfn, order });
  });
});
