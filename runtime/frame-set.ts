/**
 * A set of preserved memory blocks: (pfn, order) pairs, each covering 2^order frames from `pfn`.
 * Built from whatever map a handover keeps (bitmaps, radix trees) and then asked, for every pointer
 * a reader follows, whether the bytes it points at are preserved. Lookups are a binary search over
 * the blocks sorted by start frame (built lazily after the last `add`).
 */

export interface FrameBlock {
  readonly pfn: number;
  readonly order: number;
}

export class FrameSet {
  private readonly blocks: FrameBlock[] = [];
  private starts: Float64Array | null = null;
  private ends: Float64Array | null = null;

  /** Adds the block of 2^order frames at `pfn` (its pfn should be a multiple of 2^order). */
  add(pfn: number, order: number): void {
    this.blocks.push({ pfn, order });
    this.starts = null;
    this.ends = null;
  }

  get size(): number {
    return this.blocks.length;
  }

  /** Every block, in ascending frame order. */
  list(): readonly FrameBlock[] {
    this.index();
    return this.blocks;
  }

  /** Blocks per order, e.g. `{0: 120, 9: 2}`. */
  byOrder(): Map<number, number> {
    const out = new Map<number, number>();
    for (const b of this.list()) out.set(b.order, (out.get(b.order) ?? 0) + 1);
    return new Map([...out].sort((a, b) => a[0] - b[0]));
  }

  /** Frames covered by all blocks (blocks are assumed disjoint). */
  get frames(): number {
    let n = 0;
    for (const b of this.blocks) n += 2 ** b.order;
    return n;
  }

  /** The block holding frame `pfn`, if any. */
  blockOf(pfn: number): FrameBlock | undefined {
    this.index();
    const starts = this.starts;
    const ends = this.ends;
    if (starts === null || ends === null) return undefined;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] ?? 0) <= pfn) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Blocks may nest when a map is damaged; look back over every block starting before pfn that
    // still reaches it (a valid map has at most one).
    for (let i = found; i >= 0 && i > found - 64; i--) {
      if ((ends[i] ?? 0) > pfn && (starts[i] ?? 0) <= pfn) return this.blocks[i];
    }
    return undefined;
  }

  /** Whether every frame of `[pfn, pfn + count)` is preserved. */
  covers(pfn: number, count: number): boolean {
    let at = pfn;
    const end = pfn + count;
    while (at < end) {
      const b = this.blockOf(at);
      if (b === undefined) return false;
      at = b.pfn + 2 ** b.order;
    }
    return true;
  }

  private index(): void {
    if (this.starts !== null) return;
    this.blocks.sort((a, b) => a.pfn - b.pfn || b.order - a.order);
    this.starts = Float64Array.from(this.blocks, (b) => b.pfn);
    this.ends = Float64Array.from(this.blocks, (b) => b.pfn + 2 ** b.order);
  }
}
