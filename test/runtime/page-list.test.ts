import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { BoundsError } from "../../runtime/errors.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { type PageInput, vmapPages } from "../../runtime/page-list.js";
import { vmap } from "../../runtime/vmap.js";
import { LuDomainInfo, LU_DOMAIN_TYPE } from "../../generated/live-update.js";
import { VIEW_OPS, sameValue, valueFromRaw } from "./view-ops.js";

/**
 * `flat` cut into pages of `pageSize` (the last may be short), each copied into its own place: a
 * random offset inside a larger buffer, handed over as a Uint8Array, a DataView, a Buffer or (when
 * it fills the buffer) the ArrayBuffer itself. `kinds` picks the form page by page.
 */
function scatter(flat: Uint8Array, pageSize: number, kinds: readonly number[], slack: readonly number[]): PageInput[] {
  const pages: PageInput[] = [];
  for (let i = 0, at = 0; at < flat.length; i++, at += pageSize) {
    const bytes = flat.subarray(at, Math.min(at + pageSize, flat.length));
    const before = slack[i % slack.length] ?? 0;
    const kind = kinds[i % kinds.length] ?? 0;
    const room = new ArrayBuffer(kind === 3 ? bytes.length : before + bytes.length + 7);
    const base = kind === 3 ? 0 : before;
    new Uint8Array(room, base, bytes.length).set(bytes);
    pages.push(
      kind === 0
        ? new Uint8Array(room, base, bytes.length)
        : kind === 1
          ? new DataView(room, base, bytes.length)
          : kind === 2
            ? Buffer.from(room, base, bytes.length)
            : room,
    );
  }
  return pages;
}

const layout = fc.record({
  flat: fc.uint8Array({ minLength: 1, maxLength: 600 }),
  pageSize: fc.integer({ min: 1, max: 80 }),
  kinds: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }),
  slack: fc.array(fc.integer({ min: 0, max: 64 }), { minLength: 1, maxLength: 5 }),
});

describe("vmapPages", () => {
  it("random page splits read the same as the contiguous buffer: window() values, bytes(), segments()", () => {
    fc.assert(
      fc.property(
        layout,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 30 }),
        ({ flat, pageSize, kinds, slack }, reads) => {
          const src = vmapPages(scatter(flat, pageSize, kinds, slack));
          const ref = new ContiguousSource(flat);
          expect(src.byteLength).toBe(flat.length);
          expect(src.pageCount).toBe(Math.ceil(flat.length / pageSize));
          for (const [a, b, le] of reads) {
            const op = VIEW_OPS[a % VIEW_OPS.length];
            if (op === undefined || op.size > flat.length) continue;
            const o = b % (flat.length - op.size + 1);
            const got = op.get(src.window(o, op.size), src.windowOffset, le);
            const want = op.get(ref.window(o, op.size), ref.windowOffset, le);
            expect(sameValue(got, want), `${op.name} at ${o}`).toBe(true);
            const length = b % (flat.length - o + 1);
            expect(Array.from(src.bytes(o, length))).toEqual(Array.from(flat.subarray(o, o + length)));
            const pieces: number[] = [];
            let next = o;
            src.segments(o, length, (piece, at) => {
              expect(at).toBe(next);
              next += piece.length;
              pieces.push(...piece);
            });
            expect(pieces).toEqual(Array.from(flat.subarray(o, o + length)));
          }
        },
      ),
      { seed: 0x1a9e, numRuns: 200 },
    );
  });

  it("writes land in the caller's pages, straddling ones included, exactly as in the contiguous buffer", () => {
    fc.assert(
      fc.property(
        layout,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.uint8Array({ minLength: 8, maxLength: 8 })), {
          maxLength: 20,
        }),
        ({ flat, pageSize, kinds, slack }, writes) => {
          const pages = scatter(flat, pageSize, kinds, slack);
          const src = vmapPages(pages);
          const want = flat.slice();
          const ref = new ContiguousSource(want);
          for (const [a, b, le, raw] of writes) {
            const op = VIEW_OPS[a % VIEW_OPS.length];
            if (op === undefined || op.size > flat.length) continue;
            const o = b % (flat.length - op.size + 1);
            const value = valueFromRaw(op, raw, le);
            op.set(src.window(o, op.size), src.windowOffset, value, le);
            op.set(ref.window(o, op.size), ref.windowOffset, value, le);
          }
          // Read the caller's own page objects back: the writes went into them, not into a copy.
          const back = pages.flatMap((p) =>
            Array.from(
              ArrayBuffer.isView(p) ? new Uint8Array(p.buffer, p.byteOffset, p.byteLength) : new Uint8Array(p),
            ),
          );
          expect(back).toEqual(Array.from(want));
        },
      ),
      { seed: 0x2b0f, numRuns: 150 },
    );
  });

  it("copies nothing: in-page windows are the caller's own memory, bytesCopied counts only straddles", () => {
    const pages = [new Uint8Array(16), new Uint8Array(16), new Uint8Array(5)];
    const src = vmapPages(pages);
    expect(src.byteLength).toBe(37);
    src.window(20, 4).setUint32(src.windowOffset, 0xdeadbeef);
    expect(Array.from(pages[1]?.subarray(4, 8) ?? [])).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(src.bytesCopied).toBe(0);
    const inPage = src.bytes(33, 4);
    inPage[0] = 7;
    expect(pages[2]?.[1]).toBe(7);
    expect(src.bytesCopied).toBe(0);
    src.window(14, 4).getUint32(src.windowOffset);
    expect(src.bytesCopied).toBe(4);
  });

  it("takes a page table (here a vmap of machine frames) and reads what it reads", () => {
    const memory = new MachineMemory({ pageSize: 4096, frameCount: 64 });
    const mfns = new FrameAllocator(memory, { seed: 3 }).allocateMany(6);
    const machine = vmap(memory, mfns);
    for (let i = 0; i < machine.byteLength; i += 8)
      machine.window(i, 8).setBigUint64(machine.windowOffset, BigInt(i) * 0x9e3779b1n);
    const src = vmapPages(machine);
    expect(src.byteLength).toBe(machine.byteLength);
    for (const o of [0, 4095, 4093, 8190, 6 * 4096 - 8]) {
      expect(src.window(o, 8).getBigUint64(src.windowOffset)).toBe(
        machine.window(o, 8).getBigUint64(machine.windowOffset),
      );
    }
  });

  it("carries generated accessors across a page edge", () => {
    const flat = new Uint8Array(LuDomainInfo.SIZE * 2);
    const pages = scatter(flat, 20, [0, 1, 2], [3, 11]);
    const src = vmapPages(pages);
    const info = LuDomainInfo.at(src, LuDomainInfo.SIZE - 6);
    info.type = LU_DOMAIN_TYPE.x86_hvm;
    info.domainId = 0x1234;
    info.maxVcpus = 9;
    const again = LuDomainInfo.at(vmapPages(pages), LuDomainInfo.SIZE - 6);
    expect([again.type, again.domainId, again.maxVcpus]).toEqual([LU_DOMAIN_TYPE.x86_hvm, 0x1234, 9]);
  });

  it("refuses pages of the wrong size and reads outside the pages", () => {
    expect(() => vmapPages([new Uint8Array(8), new Uint8Array(7), new Uint8Array(8)])).toThrow(/page 1 holds 7 bytes/);
    expect(() => vmapPages([new Uint8Array(8), new Uint8Array(0)])).toThrow(/page 1 holds 0 bytes/);
    expect(() => vmapPages([new Uint8Array(8)], { pageSize: 0 })).toThrow(/positive integer/);
    expect(() => vmapPages([new Uint8Array(8), new Uint8Array(9)])).toThrow(/the last 1 to 8/);
    const src = vmapPages([new Uint8Array(8), new Uint8Array(3)]);
    expect(() => src.window(8, 4)).toThrow(BoundsError);
    expect(() => src.bytes(-1, 1)).toThrow(BoundsError);
    expect(vmapPages([]).byteLength).toBe(0);
  });
});
