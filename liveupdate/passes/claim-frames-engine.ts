/**
 * The WebAssembly claim loop (claim-frames.wat, embedded by `npm run gen:wasm`) bound to one
 * arena's memory: compiled once per process, instantiated once per arena. Its loops work on byte
 * addresses in the arena, where the machine's pages and the frame table already are.
 */
import { WASM, type WasmMemory } from "../../runtime/wasm-api.js";
import type { WasmArena } from "../../runtime/wasm-arena.js";
import { CLAIM_FRAMES_WASM_BASE64 } from "./claim-frames-wasm.js";

export interface WasmClaimLoop {
  /**
   * Claims the u64 entries at byte addresses [p, end) for `domid` in the table at `table` (`n`
   * frames); returns the address of the first entry that cannot be claimed, or -1.
   */
  readonly claim: (p: number, end: number, table: number, n: number, domid: number) => number;
  /** Frees the frames of the entries at [p, end). */
  readonly release: (p: number, end: number, table: number) => void;
  /**
   * The entries with bit 15 set (free frames: see countFree in liveupdate/workers/pass1-job.ts)
   * among the `n` frame-table entries at byte address `p`.
   */
  readonly countFree: (p: number, n: number) => number;
}

let compiled: object | undefined;
const loops = new WeakMap<object, WasmClaimLoop>();

/** The claim loop over `arena`'s memory. */
export function wasmClaimLoop(arena: WasmArena): WasmClaimLoop {
  return wasmClaimLoopOn(arena.memory);
}

/**
 * The claim loop over a shared WebAssembly memory: an arena's, or the same memory received by a
 * worker thread of a parallel restore (liveupdate/workers/), which claims in it in place too.
 */
export function wasmClaimLoopOn(memory: WasmMemory): WasmClaimLoop {
  const have = loops.get(memory);
  if (have !== undefined) return have;
  compiled ??= new WASM.Module(Buffer.from(CLAIM_FRAMES_WASM_BASE64, "base64"));
  const instance = new WASM.Instance(compiled, { env: { memory } });
  const { claim, release, count_free: countFree } = instance.exports;
  if (typeof claim !== "function" || typeof release !== "function" || typeof countFree !== "function")
    throw new Error("claim-frames.wasm lacks its claim, release and count_free exports");
  const loop: WasmClaimLoop = {
    claim: claim as WasmClaimLoop["claim"],
    release: release as WasmClaimLoop["release"],
    countFree: countFree as WasmClaimLoop["countFree"],
  };
  loops.set(memory, loop);
  return loop;
}
