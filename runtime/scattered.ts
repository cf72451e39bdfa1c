/**
 * Scattered areas: a virtually contiguous view built from pieces of physically contiguous memory,
 * each 2^order pages at some physical address, in order (Linux's vmalloc preservation lists its
 * pieces in a chunk list; Xen's live update stream is the same idea with order 0). The result is a
 * vmap, so typed elements read through it in place and may straddle piece boundaries.
 */
import { LuDataError } from "./errors.js";
import type { PhysicalMemory } from "./phys-memory.js";
import { VmapSource } from "./vmap.js";

/** Largest piece order accepted (2^30 pages); larger is no page order of any machine. */
export const MAX_PIECE_ORDER = 30;

export interface ScatterPiece {
  readonly address: bigint;
  readonly order: number;
}

/** Pieces that do not add up to the size the area declares, or a piece that is not page-aligned. */
export class ScatterError extends LuDataError {
  readonly path: string;
  constructor(path: string, detail: string) {
    super("scatter", `${path}: ${detail}`);
    this.path = path;
  }
}

/**
 * One vmap over every page of `pieces`, in order. Checks each piece (page-aligned, inside the
 * machine, preserved) and, when `expectedPages` is given, that the pieces add up to it.
 *
 * @throws ScatterError, PointerError
 */
export function scatteredSource(
  memory: PhysicalMemory,
  pieces: readonly ScatterPiece[],
  path: string,
  expectedPages?: number,
): VmapSource {
  const page = BigInt(memory.pageSize);
  const frames: number[] = [];
  pieces.forEach((p, i) => {
    if (!(Number.isInteger(p.order) && p.order >= 0 && p.order <= MAX_PIECE_ORDER))
      throw new ScatterError(path, `piece ${i} has order ${p.order}, not a page order (0 … ${MAX_PIECE_ORDER})`);
    if (p.address % page !== 0n)
      throw new ScatterError(path, `piece ${i} at 0x${p.address.toString(16)} is not page-aligned`);
    const pages = 2 ** p.order;
    memory.resolve(p.address, pages * memory.pageSize, `${path} piece ${i}`);
    const first = Number(p.address / page);
    for (let k = 0; k < pages; k++) frames.push(first + k);
  });
  if (expectedPages !== undefined && frames.length !== expectedPages) {
    throw new ScatterError(
      path,
      `${pieces.length} pieces hold ${frames.length} pages, the area declares ${expectedPages}`,
    );
  }
  return new VmapSource(memory.machine, frames);
}

/**
 * Elements of `stride` octets an area of `byteLength` octets holds when its descriptor's owner
 * declares `count` of them (`memfd_luo_ser.nr_folios` for its `folios` area).
 *
 * @throws ScatterError naming the count and what the area holds
 */
export function areaElements(
  count: number | bigint,
  stride: number,
  byteLength: number,
  pageSize: number,
  path: string,
  countName: string,
): number {
  const n = BigInt(count);
  if (n < 0n || n * BigInt(stride) > BigInt(byteLength)) {
    throw new ScatterError(
      path,
      `${countName} ${n} needs ${n * BigInt(stride)} octets, the area holds ${byteLength} (${byteLength / pageSize} pages)`,
    );
  }
  return Number(n);
}
