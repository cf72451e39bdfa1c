import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRAME_FREE } from "../../../liveupdate/frame-table.js";
import { claim, release } from "../../../liveupdate/passes/claim-frames.js";
import { wasmClaimLoop } from "../../../liveupdate/passes/claim-frames-engine.js";
import { WasmArena } from "../../../runtime/wasm-arena.js";

const arena = new WasmArena();
const loop = wasmClaimLoop(arena);

/** Copies `mfns` (u64 entries) and a 64-frame table into the arena; returns their addresses. */
function place(mfns: readonly bigint[], owners: Uint16Array): { list: number; table: number; view: Uint16Array } {
  const list = arena.alloc(Math.max(8, 8 * mfns.length), 8);
  const dv = new DataView(arena.buffer);
  mfns.forEach((m, i) => dv.setBigUint64(list + 8 * i, m, true));
  const table = arena.alloc(2 * owners.length, 8);
  const view = new Uint16Array(arena.buffer, table, owners.length);
  view.set(owners);
  return { list, table, view };
}

function words(mfns: readonly bigint[]): Uint32Array {
  const w = new Uint32Array(2 * mfns.length);
  mfns.forEach((m, i) => {
    w[2 * i] = Number(m & 0xffff_ffffn);
    w[2 * i + 1] = Number(m >> 32n);
  });
  return w;
}

describe("the WebAssembly claim loop (claim-frames.wat)", () => {
  it("stops at a frame outside the machine, with its high word set, or owned, and claims what came before", () => {
    const owners = new Uint16Array(64).fill(FRAME_FREE);
    owners[22] = 9;
    const { list, table, view } = place([18n, 19n, 20n, 21n, 22n, 23n, 1n << 32n, 64n], owners);
    expect(loop.claim(list, list + 64, table, 64, 1)).toBe(list + 32);
    expect(Array.from(view.subarray(18, 23))).toEqual([1, 1, 1, 1, 9]);
    expect(loop.claim(list + 40, list + 64, table, 64, 1)).toBe(list + 48);
    expect(loop.claim(list + 56, list + 64, table, 64, 1)).toBe(list + 56);
    loop.release(list, list + 32, table);
    loop.release(list + 40, list + 48, table);
    expect(Array.from(view)).toEqual(Array.from(owners));
  });

  it("agrees with the JavaScript loop on any list: same first bad entry, same table, same undo", () => {
    const mfn = fc.oneof(
      fc.integer({ min: 0, max: 70 }).map(BigInt),
      fc.constantFrom(1n << 32n, (1n << 32n) | 5n, 0xffff_ffffn),
    );
    const piece = fc.oneof(
      mfn.map((m) => [m]),
      fc
        .tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 12 }))
        .map(([s, k]) => Array.from({ length: k }, (_, i) => BigInt(s + i))),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((p) => p.flat()),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0x7fef })), { maxLength: 4 }),
        (list, owned) => {
          const before = new Uint16Array(64).fill(FRAME_FREE);
          for (const [f, d] of owned) before[f] = d;
          const js = before.slice();
          const w = words(list);
          const jsBad = claim(w, 0, w.length, js, 3);
          const { list: at, table, view } = place(list, before);
          const bad = loop.claim(at, at + 8 * list.length, table, 64, 3);
          expect(bad < 0 ? -1 : (bad - at) / 4).toBe(jsBad);
          expect(Array.from(view)).toEqual(Array.from(js));
          loop.release(at, bad < 0 ? at + 8 * list.length : bad, table);
          release(w, 0, jsBad < 0 ? w.length : jsBad, js);
          expect(Array.from(view)).toEqual(Array.from(before));
          arena.free(table);
          arena.free(at);
        },
      ),
      { numRuns: 2000, seed: 20261205 },
    );
  });

  it("counts the entries with bit 15 set (free frames) like a plain loop, at any address and length", () => {
    // Long enough for several 4096-step blocks and a tail; values biased to both sides of 0x8000.
    const value = fc.oneof(
      fc.constant(FRAME_FREE),
      fc.integer({ min: 0, max: 0x7fff }),
      fc.integer({ min: 0x8000, max: 0xffff }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70_000 }),
        fc.integer({ min: 0, max: 15 }),
        fc.array(fc.tuple(fc.nat(), value), { maxLength: 40 }),
        fc.constantFrom(FRAME_FREE, 0, 0x7ff2),
        (n, skew, pokes, fill) => {
          const at = arena.alloc(2 * n + 32, 16) + 2 * skew;
          const view = new Uint16Array(arena.buffer, at, n).fill(fill);
          for (const [i, x] of pokes) if (n > 0) view[i % n] = x;
          let want = 0;
          for (const x of view) if (x >= 0x8000) want++;
          expect(loop.countFree(at, n)).toBe(want);
          arena.free(at - 2 * skew);
        },
      ),
      { numRuns: 300, seed: 20261205 },
    );
  });
});
