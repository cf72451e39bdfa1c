/**
 * Finding the stream the way the new hypervisor does, through the runtime: the breadcrumb in the
 * first words of the live update bootmem gives the MFN array's address and the page count; every
 * MFN array entry is checked (inside the machine, not in the bootmem, not the array itself, not
 * twice). Runtime `BreadcrumbError`s become `RestoreError`s of the locate stage, same location.
 *
 * The bootmem is a range (`liveupdate=` gives Xen its base and size): neither a stream page nor the
 * MFN array may lie anywhere in it, since the new hypervisor allocates from it before it has read
 * the stream. Those checks are one comparison per page, whatever regions the memory itself reserves.
 */
import { readBreadcrumb, readMfnArray } from "../runtime/breadcrumb.js";
import { BreadcrumbError } from "../runtime/errors.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { asRestoreError, RestoreError, type RestoreProblem } from "./restore-error.js";

export interface LocatedStream {
  /** Frames of the stream pages, in stream order. */
  readonly pages: Uint32Array;
  readonly mfnArrayStart: number;
  readonly mfnArrayFrames: number;
}

function problemOf(e: BreadcrumbError): RestoreProblem {
  if (e.problem.startsWith("mfn-array")) return "mfn-array";
  if (e.problem.startsWith("page-")) return "stream-page";
  return "breadcrumb";
}

/** "frame 16" or "frames 16..31". */
function rangeText(start: number, count: number): string {
  return count === 1 ? `frame ${start}` : `frames ${start}..${start + count - 1}`;
}

/**
 * Reads the breadcrumb at the first frame of the bootmem (`bootmem`, `bootmemFrames` long) and the
 * MFN array it points to, and checks both against the bootmem range.
 */
export function locateStream(memory: MachineMemory, bootmem: number, maxPages: number, bootmemFrames = 1): LocatedStream {
  if (!memory.contains(bootmem)) {
    throw new RestoreError("breadcrumb", "locate", `bootmem frame ${bootmem} is outside the machine (${memory.frameCount} frames)`);
  }
  if (!(Number.isSafeInteger(bootmemFrames) && bootmemFrames >= 1 && bootmem + bootmemFrames <= memory.frameCount)) {
    throw new RestoreError("breadcrumb", "locate", `the bootmem (${bootmemFrames} frames from ${bootmem}) runs outside the machine (${memory.frameCount} frames)`);
  }
  const bootmemEnd = bootmem + bootmemFrames;
  const bootmemText = `the live update bootmem (${rangeText(bootmem, bootmemFrames)})`;
  try {
    const crumb = readBreadcrumb(memory, bootmem * memory.pageSize, { maxPages, littleEndian: true });
    const mfnArrayStart = crumb.mfnArrayPhysAddr / memory.pageSize;
    const mfnArrayFrames = Math.ceil((crumb.nrPages * 8) / memory.pageSize);
    if (mfnArrayStart < bootmemEnd && mfnArrayStart + mfnArrayFrames > bootmem) {
      throw new RestoreError("mfn-array", "locate", `the MFN array (${rangeText(mfnArrayStart, mfnArrayFrames)}) lies inside ${bootmemText}`, {
        offset: bootmem * memory.pageSize + 8,
      });
    }
    const pages = readMfnArray(memory, crumb, { maxPages, littleEndian: true });
    for (let i = 0; i < pages.length; i++) {
      const mfn = pages[i] as number;
      if (mfn >= bootmem && mfn < bootmemEnd) {
        const what = mfn === bootmem ? "the breadcrumb's own frame, the first of " : "inside ";
        throw new RestoreError("stream-page", "locate", `data page ${i} is frame ${mfn}, ${what}${bootmemText}`, {
          offset: crumb.mfnArrayPhysAddr + 8 * i,
        });
      }
    }
    return { pages, mfnArrayStart, mfnArrayFrames };
  } catch (e) {
    if (e instanceof BreadcrumbError) {
      throw asRestoreError(e, problemOf(e), "locate");
    }
    throw e;
  }
}
