/**
 * Lays a byte string out over scattered pages of a fresh machine memory (seeded placement), the
 * way the fuzz targets exercise the vmap: every page edge is a place a value can straddle. The
 * bytes after the data in its last page are filled with 0xAA, so a read past the end of the data
 * that the bounds checks miss shows up as garbage rather than as plausible zeros.
 */
import { MachineMemory } from "../runtime/machine-memory.js";
import { SeededRandom } from "../runtime/seeded-random.js";
import { vmap, type VmapSource } from "../runtime/vmap.js";

export const GUARD_BYTE = 0xaa;

export function scatteredCopy(data: Uint8Array, pageSize: number, placementSeed: number): VmapSource {
  const pages = Math.ceil(data.length / pageSize);
  const frameCount = 2 * pages + 4;
  const memory = new MachineMemory({
    pageSize,
    frameCount,
    chunkBytes: pageSize * 16,
  });
  const rng = new SeededRandom(placementSeed >>> 0);
  const order = Array.from({ length: frameCount }, (_, i) => i);
  for (let i = 0; i < pages; i++) {
    const j = i + rng.below(frameCount - i);
    const t = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = t;
  }
  const mfns = order.slice(0, pages);
  mfns.forEach((mfn, p) => {
    const frame = memory.frame(mfn);
    frame.fill(GUARD_BYTE);
    frame.set(data.subarray(p * pageSize, Math.min(data.length, (p + 1) * pageSize)));
  });
  return vmap(memory, mfns);
}

/** `data` inside a larger buffer with guard bytes either side, as a Uint8Array view of just `data`. */
export function guardedCopy(data: Uint8Array, before: number, after: number): Uint8Array {
  const buf = new Uint8Array(before + data.length + after).fill(GUARD_BYTE);
  buf.set(data, before);
  return buf.subarray(before, before + data.length);
}
