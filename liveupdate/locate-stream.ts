/**
 * Finding the stream the way the new hypervisor does, through the runtime: the breadcrumb in the
 * first words of the live update bootmem gives the MFN array's address and the page count; every
 * MFN array entry is checked (inside the machine, not in the bootmem, not the array itself, not
 * twice). Runtime `BreadcrumbError`s become `RestoreError`s of the locate stage, same location.
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
  if (e.problem === "mfn-array-outside") return "mfn-array";
  if (e.problem.startsWith("page-")) return "stream-page";
  return "breadcrumb";
}

export function locateStream(memory: MachineMemory, bootmem: number, maxPages: number): LocatedStream {
  if (!memory.contains(bootmem)) {
    throw new RestoreError("breadcrumb", "locate", `bootmem frame ${bootmem} is outside the machine (${memory.frameCount} frames)`);
  }
  try {
    const crumb = readBreadcrumb(memory, bootmem * memory.pageSize, { maxPages, littleEndian: true });
    const pages = readMfnArray(memory, crumb, { maxPages, littleEndian: true });
    const mfnArrayStart = crumb.mfnArrayPhysAddr / memory.pageSize;
    const mfnArrayFrames = Math.ceil((crumb.nrPages * 8) / memory.pageSize);
    if (bootmem >= mfnArrayStart && bootmem < mfnArrayStart + mfnArrayFrames) {
      throw new RestoreError("mfn-array", "locate", `the MFN array (frames ${mfnArrayStart}..+${mfnArrayFrames}) overlaps the breadcrumb frame ${bootmem}`, {
        offset: bootmem * memory.pageSize + 8,
      });
    }
    for (let i = 0; i < pages.length; i++) {
      if (pages[i] === bootmem) {
        throw new RestoreError("stream-page", "locate", `data page ${i} is frame ${bootmem}, the breadcrumb's own frame`, {
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
