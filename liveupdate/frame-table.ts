/**
 * The new hypervisor's frame table: one entry per machine frame saying which domain owns it.
 * A compact `Uint16Array` (two bytes a frame: 16 MiB for 8 Mi frames); `FRAME_FREE` marks a frame
 * nobody owns yet. Pass 1 of a restore fills it from the LU_DOMAIN_PAGES records.
 */
import type { WasmArena } from "../runtime/wasm-arena.js";

/** Owner value of a frame that is not owned. Not a valid domain id (ids stop at 0x7FEF). */
export const FRAME_FREE = 0xffff;
/** Owner value of frames the hypervisor itself uses (the stream pages, the MFN array, the bootmem). */
export const DOMID_XEN = 0x7ff2;

export interface FrameTableOptions {
  /**
   * Keep the table in this WebAssembly arena (the one the machine memory lives in), so pass 1's
   * WebAssembly claim loop writes it in place. Its region goes back to the arena on `free()`, or
   * when the table is garbage collected.
   */
  readonly arena?: WasmArena;
}

/** Gives an arena table's region back when the table itself is collected without `free()`. */
const arenaRegions = new FinalizationRegistry<{ readonly arena: WasmArena; readonly address: number }>((r) =>
  r.arena.free(r.address),
);

export class FrameTable {
  /** Owner domain id per machine frame, `FRAME_FREE` when free. */
  readonly owners: Uint16Array;
  /** The arena the table lives in, if any (`owners` starts at `arenaAddress` in its memory). */
  readonly arena: WasmArena | undefined;
  private freed = false;

  /** A table of `frameCount` free frames, or one that adopts an existing owners array. */
  constructor(frames: number | Uint16Array, options: FrameTableOptions = {}) {
    this.arena = undefined;
    if (typeof frames !== "number") {
      this.owners = frames;
      return;
    }
    if (!Number.isSafeInteger(frames) || frames < 0) {
      throw new RangeError(`frame table size ${frames} is not a frame count`);
    }
    const arena = options.arena;
    if (arena === undefined) {
      this.owners = new Uint16Array(frames).fill(FRAME_FREE);
      return;
    }
    const address = arena.alloc(Math.max(4, frames * 2), 64);
    this.arena = arena;
    // Filled as int32s: V8 fills a 16-bit view of a SharedArrayBuffer element by element, about
    // four times slower (FRAME_FREE is all ones, so -1 in 32-bit words is the same bytes).
    new Int32Array(arena.buffer, address, Math.ceil(frames / 2)).fill(-1);
    this.owners = new Uint16Array(arena.buffer, address, frames);
    arenaRegions.register(this, { arena, address }, this);
  }

  /** Byte address of `owners` in the arena's memory (only for a table in an arena). */
  get arenaAddress(): number {
    return this.owners.byteOffset;
  }

  /**
   * Gives an arena table's region back to the arena; the table must not be used afterwards.
   * Nothing to do for a table of its own.
   */
  free(): void {
    if (this.arena === undefined || this.freed) return;
    this.freed = true;
    arenaRegions.unregister(this);
    this.arena.free(this.owners.byteOffset);
  }

  /** Number of machine frames the table covers. */
  get frameCount(): number {
    return this.owners.length;
  }

  /** Owner of `mfn`, `FRAME_FREE` when free; RangeError outside the machine. */
  owner(mfn: number): number {
    const v = this.owners[mfn];
    if (v === undefined) throw new RangeError(`frame ${mfn} is outside the machine (${this.owners.length} frames)`);
    return v;
  }

  /** Frames owned by anyone other than FRAME_FREE. */
  ownedCount(): number {
    let n = 0;
    const o = this.owners;
    for (let i = 0; i < o.length; i++) if (o[i] !== FRAME_FREE) n++;
    return n;
  }

  /** Frames owned by `domid`, in ascending frame order. */
  framesOf(domid: number): number[] {
    const out: number[] = [];
    const o = this.owners;
    for (let i = 0; i < o.length; i++) if (o[i] === domid) out.push(i);
    return out;
  }

  /** A copy, for tests that check a failed restore left the table as it was. */
  clone(): FrameTable {
    return new FrameTable(this.owners.slice());
  }
}
