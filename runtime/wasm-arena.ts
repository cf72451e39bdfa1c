/**
 * One WebAssembly memory that a machine's backing store and a frame table can live in together,
 * so a WebAssembly loop can work on them where they are (no copy in, no copy out). The memory is
 * shared (`shared: true`): its buffer is a SharedArrayBuffer, which worker threads can map too,
 * and which is never detached when the memory grows (views made before a grow stay valid).
 *
 * The arena hands out regions by byte address: first fit from a list of freed regions, else from
 * the top, growing the memory in 64 KiB pages as needed, up to `maxBytes` (default 2 GiB: the
 * addresses stay below 2^31, so they pass through JavaScript and WebAssembly as plain int32s).
 * Freed neighbours are merged. A region's bytes are not cleared on allocation; its owner fills it.
 */

import { WASM, type WasmMemory } from "./wasm-api.js";

/** Bytes in a WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;
/** Largest arena: 2 GiB (32768 WebAssembly pages). */
export const MAX_ARENA_BYTES = 2 ** 31;

export interface WasmArenaOptions {
  /** Bytes to reserve at first (rounded up to whole WebAssembly pages). Default 64 KiB. */
  readonly initialBytes?: number;
  /** Most bytes the arena may grow to. Default and at most 2 GiB. */
  readonly maxBytes?: number;
}

/** An allocation failed: the arena would grow past its maximum. */
export class ArenaFullError extends RangeError {
  constructor(bytes: number, maxBytes: number) {
    super(`the WebAssembly arena cannot hold ${bytes} more bytes (at most ${maxBytes} bytes in all)`);
    this.name = "ArenaFullError";
  }
}

interface FreeRegion {
  start: number;
  size: number;
}

export class WasmArena {
  readonly memory: WasmMemory;
  readonly maxBytes: number;
  /** Address of the first byte never handed out. */
  private top = 0;
  /** Freed regions, by address, none adjacent to another. */
  private readonly freed: FreeRegion[] = [];
  /** Size of each region handed out, by its address. */
  private readonly sizes = new Map<number, number>();
  /** Every buffer object the memory has shown (a grow shows a new one over the same bytes). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(options: WasmArenaOptions = {}) {
    const maxBytes = options.maxBytes ?? MAX_ARENA_BYTES;
    if (!(Number.isInteger(maxBytes) && maxBytes >= WASM_PAGE_BYTES && maxBytes <= MAX_ARENA_BYTES)) {
      throw new RangeError(`arena maximum ${maxBytes} is not a byte count from 64 KiB to 2 GiB`);
    }
    const maximum = Math.floor(maxBytes / WASM_PAGE_BYTES);
    const initial = Math.min(
      maximum,
      Math.max(1, Math.ceil((options.initialBytes ?? WASM_PAGE_BYTES) / WASM_PAGE_BYTES)),
    );
    this.maxBytes = maximum * WASM_PAGE_BYTES;
    this.memory = new WASM.Memory({ initial, maximum, shared: true });
    // Address 0 is never handed out, so 0 can mean "no region" to a WebAssembly loop.
    this.top = 8;
  }

  /** The memory's current buffer (a SharedArrayBuffer; a new object after each grow). */
  get buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return b;
  }

  /** True when `buffer` is (a view of) this arena's memory. */
  owns(buffer: ArrayBufferLike): boolean {
    return this.buffers.has(buffer);
  }

  /** Bytes handed out and not freed. */
  get usedBytes(): number {
    let n = 0;
    for (const size of this.sizes.values()) n += size;
    return n;
  }

  /** Reserves `bytes` bytes aligned to `align` (a power of two, at most 64 KiB); returns the address. */
  alloc(bytes: number, align = 8): number {
    if (!(Number.isSafeInteger(bytes) && bytes > 0)) throw new RangeError(`cannot allocate ${bytes} bytes`);
    if (!(Number.isInteger(align) && align >= 1 && align <= WASM_PAGE_BYTES && (align & (align - 1)) === 0)) {
      throw new RangeError(`alignment ${align} is not a power of two up to 64 KiB`);
    }
    const size = Math.ceil(bytes / 8) * 8;
    for (let i = 0; i < this.freed.length; i++) {
      const r = this.freed[i] as FreeRegion;
      const start = Math.ceil(r.start / align) * align;
      if (start + size > r.start + r.size) continue;
      this.takeFree(i, start, size);
      this.sizes.set(start, size);
      return start;
    }
    const start = Math.ceil(this.top / align) * align;
    const end = start + size;
    if (end > this.maxBytes) throw new ArenaFullError(bytes, this.maxBytes);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / WASM_PAGE_BYTES));
    if (start > this.top) this.release(this.top, start - this.top);
    this.top = end;
    this.sizes.set(start, size);
    return start;
  }

  /** `bytes` bytes of a new region, as a Uint8Array over the memory (no copy, not cleared). */
  allocBytes(bytes: number, align = 8): Uint8Array {
    const at = this.alloc(bytes, align);
    return new Uint8Array(this.buffer, at, bytes);
  }

  /** Returns the region at `address` (from `alloc`) to the arena. */
  free(address: number): void {
    const size = this.sizes.get(address);
    if (size === undefined) throw new RangeError(`no region of this arena starts at ${address}`);
    this.sizes.delete(address);
    this.release(address, size);
  }

  /** Cuts `[start, start + size)` out of free region `i`, keeping what is left on either side. */
  private takeFree(i: number, start: number, size: number): void {
    const r = this.freed[i] as FreeRegion;
    const before = start - r.start;
    const after = r.start + r.size - (start + size);
    const keep: FreeRegion[] = [];
    if (before > 0) keep.push({ start: r.start, size: before });
    if (after > 0) keep.push({ start: start + size, size: after });
    this.freed.splice(i, 1, ...keep);
  }

  /** Adds a region to the free list, merged with its neighbours (or given back to the top). */
  private release(start: number, size: number): void {
    let i = 0;
    while (i < this.freed.length && (this.freed[i] as FreeRegion).start < start) i++;
    const prev = this.freed[i - 1];
    const next = this.freed[i];
    let region: FreeRegion = { start, size };
    if (prev !== undefined && prev.start + prev.size === start) {
      prev.size += size;
      region = prev;
      i--;
    } else {
      this.freed.splice(i, 0, region);
    }
    if (next !== undefined && region.start + region.size === next.start) {
      region.size += next.size;
      this.freed.splice(i + 1, 1);
    }
    if (region.start + region.size === this.top) {
      this.top = region.start;
      this.freed.splice(i, 1);
    }
  }
}
