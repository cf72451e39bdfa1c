import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendArenaRuns } from "../../../liveupdate/workers/arena-runs.js";
import { RUN_WORDS } from "../../../liveupdate/workers/protocol.js";
import { U32RunWalker } from "../../../liveupdate/passes/u32-runs.js";
import { MachineMemory } from "../../../runtime/machine-memory.js";
import { vmap } from "../../../runtime/vmap.js";
import { WasmArena } from "../../../runtime/wasm-arena.js";

const arena = new WasmArena();

describe("appendArenaRuns: the run table of a vmap in a WasmArena", () => {
  it("cuts a list at the same page edges as the general walker, as word addresses of the same octets", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          Array.from({ length: 64 }, (_, i) => i),
          { minLength: 1, maxLength: 24 },
        ),
        fc.nat(),
        fc.nat(),
        (frames, startSeed, countSeed) => {
          const memory = new MachineMemory({ pageSize: 4096, frameCount: 64, arena });
          for (const f of frames) memory.frame(f).fill(f);
          const src = vmap(memory, frames);
          const entries = src.byteLength / 8;
          const first = startSeed % entries;
          const count = countSeed % (entries - first + 1);
          const runs = new Uint32Array(RUN_WORDS * 64);
          const n = appendArenaRuns(src, 8 * first, count, 7, runs, 0, arena);
          const want: number[][] = [];
          new U32RunWalker().walk(src, 8 * first, count, (words, from, to) => {
            want.push([words.byteOffset / 4 + from, words.byteOffset / 4 + to]);
            return true;
          });
          expect(n).toBe(want.length);
          const words = new Uint32Array(arena.buffer);
          for (let r = 0; r < n; r++) {
            expect(runs[r * RUN_WORDS]).toBe(0);
            expect(runs[r * RUN_WORDS + 3]).toBe(7);
            const [from, to] = [runs[r * RUN_WORDS + 1] as number, runs[r * RUN_WORDS + 2] as number];
            // Same octets: the walker's words are a view of the same arena memory.
            expect(Array.from(words.subarray(from, to))).toEqual(
              Array.from(words.subarray(...(want[r] as [number, number]))),
            );
          }
          memory.dispose();
        },
      ),
      { numRuns: 200, seed: 20261205 },
    );
  });

  it("refuses pages outside the arena, a list past the stream's end, a misaligned list and a full table", () => {
    const inArena = new MachineMemory({ pageSize: 4096, frameCount: 8, arena });
    const outside = new MachineMemory({ pageSize: 4096, frameCount: 8, shared: true });
    for (const m of [inArena, outside]) for (let f = 0; f < 4; f++) m.frame(f);
    const runs = new Uint32Array(RUN_WORDS * 8);
    expect(appendArenaRuns(vmap(inArena, [0, 1, 2]), 0, 1536, 1, runs, 0, arena)).toBe(3);
    expect(appendArenaRuns(vmap(outside, [0, 1, 2]), 0, 10, 1, runs, 0, arena)).toBe(-1);
    expect(appendArenaRuns(vmap(inArena, [0, 1, 2]), 8, 1536, 1, runs, 0, arena)).toBe(-1);
    expect(appendArenaRuns(vmap(inArena, [0, 1, 2]), 4, 2, 1, runs, 0, arena)).toBe(-1);
    expect(appendArenaRuns(vmap(inArena, [0, 1, 2]), 0, 1536, 1, runs, 6, arena)).toBe(-1);
    expect(appendArenaRuns(vmap(inArena, [0, 1, 2]), 0, 0, 1, runs, 5, arena)).toBe(5);
    inArena.dispose();
  });
});
