/**
 * The new hypervisor's frame table: one entry per machine frame saying which domain owns it.
 * A compact `Uint16Array` (two bytes a frame: 16 MiB for 8 Mi frames); `FRAME_FREE` marks a frame
 * nobody owns yet. Pass 1 of a restore fills it from the LU_DOMAIN_PAGES records.
 */

/** Owner value of a frame that is not owned. Not a valid domain id (ids stop at 0x7FEF). */
export const FRAME_FREE = 0xffff;
/** Owner value of frames the hypervisor itself uses (the stream pages, the MFN array, the bootmem). */
export const DOMID_XEN = 0x7ff2;

export class FrameTable {
  /** Owner domain id per machine frame, `FRAME_FREE` when free. */
  readonly owners: Uint16Array;

  /** A table of `frameCount` free frames, or one that adopts an existing owners array. */
  constructor(frames: number | Uint16Array) {
    if (typeof frames !== "number") {
      this.owners = frames;
      return;
    }
    if (!Number.isSafeInteger(frames) || frames < 0) {
      throw new RangeError(`frame table size ${frames} is not a frame count`);
    }
    this.owners = new Uint16Array(frames).fill(FRAME_FREE);
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
