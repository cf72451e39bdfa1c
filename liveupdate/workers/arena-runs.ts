/**
 * The run table of a parallel pass 1 when the stream's pages lie in the frame table's WasmArena
 * (what `lu restore` does): the piece of a list in each stream page becomes one run of word
 * addresses in the arena's memory, computed from the vmap's page table with no walker, no callback
 * and no buffer lookup per page (the general path, U32RunWalker in pass1-parallel.ts, took about
 * 75 ns a run: 1.3 ms for the default host's 16,913 runs, all of it before the claims can start).
 */
import type { VmapSource } from "../../runtime/vmap.js";
import type { WasmArena } from "../../runtime/wasm-arena.js";
import { RUN_WORDS } from "./protocol.js";

/**
 * Appends the runs of one list (`count` u64 entries at stream offset `at`) to `runs` from run
 * `runCount` on (buffer index 0: the arena's memory) and returns the new run count, or -1 when the
 * list cannot be cut this way (a page outside the arena, an entry not 8-aligned in its page, the
 * list past the end of the stream, the run table full): the caller then leaves the pass to one
 * thread, whose walk reports whatever is wrong.
 */
export function appendArenaRuns(
  src: VmapSource,
  at: number,
  count: number,
  domid: number,
  runs: Uint32Array,
  runCount: number,
  arena: WasmArena,
): number {
  if (count === 0) return runCount;
  if (at % 8 !== 0 || at + count * 8 > src.byteLength) return -1;
  const ps = src.pageSize;
  let checked: ArrayBufferLike | undefined;
  let left = count;
  let offset = at;
  let r = runCount;
  while (left > 0) {
    const index = Math.floor(offset / ps);
    const inPage = offset - index * ps;
    const n = Math.min(left, (ps - inPage) >>> 3);
    const chunk = src.pageArray(index);
    if (chunk.buffer !== checked) {
      if (!arena.owns(chunk.buffer)) return -1;
      checked = chunk.buffer;
    }
    const byte = chunk.byteOffset + src.pageOffset(index) + inPage;
    if (byte % 8 !== 0 || (r + 1) * RUN_WORDS > runs.length) return -1;
    const w = r++ * RUN_WORDS;
    runs[w] = 0;
    runs[w + 1] = byte >>> 2;
    runs[w + 2] = (byte >>> 2) + 2 * n;
    runs[w + 3] = domid;
    left -= n;
    offset += 8 * n;
  }
  return r;
}
