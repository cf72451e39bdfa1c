/**
 * Target `kho`: `walkKho` over a small Linux KHO handover (kho-v4 or kho-v1, from `writeKho`) whose
 * pages are damaged byte by byte: the root FDT, the memory map, the LUO blob or FDT, session and file
 * blocks, memfd descriptors, vmalloc chunks and folio arrays. The input's bytes are the damage, four
 * octets per change (which page, offset high and low, new value). The walk must never throw: every
 * problem comes back as a typed, one-line finding; an undamaged image must have none; and the walk
 * must be deterministic (the same image walked twice gives the same answer).
 */
import * as fc from "fast-check";
import { walkKho } from "../../kho/walk.js";
import { writeKho } from "../../kho/writer.js";
import type { FuzzCase, FuzzTarget } from "../fuzz-case.js";
import { describeThrown, violated } from "../invariants.js";

function pages(img: ReturnType<typeof writeKho>): bigint[] {
  const m = img.manifest;
  return [
    m.fdt,
    m.memoryMap,
    m.luo,
    ...m.sessionBlocks,
    ...m.fileBlocks.flat(),
    ...m.memfds.flat(),
    ...m.vmallocChunks.flat(2),
    0x1000n,
    0x2000n,
    0x3000n,
  ];
}

export const khoTarget: FuzzTarget = {
  name: "kho",
  description: "walkKho over damaged KHO/LUO handovers (kho-v4 and kho-v1)",
  arbitrary(): fc.Arbitrary<FuzzCase> {
    return fc
      .record({
        version: fc.constantFrom(4, 1),
        seed: fc.integer({ min: 1, max: 1000 }),
        changes: fc.array(fc.tuple(fc.nat(255), fc.nat(4095), fc.nat(255)), { maxLength: 6 }),
      })
      .map(({ version, seed, changes }) => ({
        data: Uint8Array.from(changes.flatMap(([page, off, value]) => [page, off >> 8, off & 0xff, value])),
        params: { version, seed },
      }));
  },
  run(c: FuzzCase): void {
    const version = c.params["version"] === 1 ? 1 : 4;
    const seed = typeof c.params["seed"] === "number" ? c.params["seed"] : 1;
    const img = writeKho({ sessions: 2, filesPerSession: 2, foliosPerFile: 40, seed, version, frameCount: 4096 });
    const targets = pages(img);
    let changed = false;
    for (let i = 0; i + 3 < c.data.length; i += 4) {
      const page = targets[(c.data[i] ?? 0) % targets.length] ?? 0n;
      const off = (((c.data[i + 1] ?? 0) << 8) | (c.data[i + 2] ?? 0)) & 4095;
      const view = img.memory.frameView(Number(page / 4096n));
      if (view.getUint8(off) !== (c.data[i + 3] ?? 0)) changed = true;
      view.setUint8(off, c.data[i + 3] ?? 0);
    }
    const first = walkKho(img.memory);
    if (!changed && first.problems.length > 0) violated(`undamaged image reported ${first.problems[0]?.message ?? ""}`);
    for (const p of first.problems) {
      if (p.code.length === 0 || p.message.length === 0 || p.message.includes("\n"))
        violated(`malformed finding ${JSON.stringify(p)}`);
    }
    const second = walkKho(img.memory);
    if (JSON.stringify(second) !== JSON.stringify(first)) violated("two walks of the same image disagree");
  },
  judgeError(e: unknown): string | undefined {
    return `walkKho threw instead of reporting: ${describeThrown(e)}`;
  },
};
