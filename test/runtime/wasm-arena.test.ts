import { describe, expect, it } from "vitest";
import { ArenaFullError, WASM_PAGE_BYTES, WasmArena } from "../../runtime/wasm-arena.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { vmap } from "../../runtime/vmap.js";

describe("WasmArena", () => {
  it("hands out aligned regions, grows its shared memory, and reuses freed space", () => {
    const arena = new WasmArena({ maxBytes: 4 * WASM_PAGE_BYTES });
    expect(arena.buffer).toBeInstanceOf(SharedArrayBuffer);
    const a = arena.alloc(100, 64);
    const b = arena.alloc(3 * WASM_PAGE_BYTES, 4096);
    expect([a % 64, b % 4096]).toEqual([0, 0]);
    expect(arena.buffer.byteLength).toBeGreaterThanOrEqual(b + 3 * WASM_PAGE_BYTES);
    expect(arena.owns(arena.buffer)).toBe(true);
    expect(arena.owns(new ArrayBuffer(8))).toBe(false);
    expect(() => arena.alloc(WASM_PAGE_BYTES)).toThrow(ArenaFullError);
    arena.free(b);
    expect(arena.alloc(2 * WASM_PAGE_BYTES, 4096)).toBe(b);
    arena.free(a);
    expect(() => arena.free(a)).toThrow(RangeError);
    expect(arena.alloc(64, 64)).toBe(a);
  });

  it("backs a machine memory: frames and a vmap over them read and write the arena's bytes in place", () => {
    const arena = new WasmArena();
    const memory = new MachineMemory({ frameCount: 64, chunkBytes: 4 * 4096, arena });
    memory.write(5 * 4096 + 10, Uint8Array.of(1, 2, 3));
    const frame = memory.frame(5);
    expect(frame.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(arena.owns(frame.buffer)).toBe(true);
    expect(Array.from(new Uint8Array(arena.buffer, frame.byteOffset + 10, 3))).toEqual([1, 2, 3]);
    const src = vmap(memory, [9, 5]);
    expect(Array.from(src.bytes(4096 + 10, 3))).toEqual([1, 2, 3]);
    expect(src.bytesCopied).toBe(0);
  });
});
