/**
 * Finding the stream the way the new hypervisor does, through the runtime: the breadcrumb in the
 * first words of the live update bootmem gives the MFN array's address and the page count; every
 * MFN array entry is checked (inside the machine, not in the bootmem, not the array itself, not
 * twice). Runtime `BreadcrumbError`s become `RestoreError`s of the locate stage, same location.
 *
 * Given the frame table, the stream pages and the MFN array frames are claimed for Xen in it as
 * the array is walked, which is how a page listed twice is found: its second claim fails (no
 * sorted copy of the array). A page the caller's table already gives someone else fails the same
 * way. On any failure the claims made so far are released, so the table is as it was.
 *
 * The bootmem is a range (`liveupdate=` gives Xen its base and size): neither a stream page nor the
 * MFN array may lie anywhere in it, since the new hypervisor allocates from it before it has read
 * the stream. Those checks are one comparison per page, whatever regions the memory itself reserves.
 */
import { readBreadcrumb, readMfnArray } from "../runtime/breadcrumb.js";
import { BreadcrumbError } from "../runtime/errors.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { ownerName } from "./frame-owner.js";
import { DOMID_XEN, FRAME_FREE, type FrameTable } from "./frame-table.js";
import { asRestoreError, RestoreError, type RestoreProblem } from "./restore-error.js";

export interface LocatedStream {
  /** Frames of the stream pages, in stream order. */
  readonly pages: Uint32Array;
  readonly mfnArrayStart: number;
  readonly mfnArrayFrames: number;
  /** The table the stream pages and MFN array frames were claimed for Xen in, if any. */
  readonly claimedIn?: FrameTable;
}

/** Frees the frames `locateStream` claimed (the stream pages, then the MFN array frames). */
export function releaseLocated(located: LocatedStream): void {
  const table = located.claimedIn;
  if (table === undefined) return;
  const owners = table.owners;
  const pages = located.pages;
  for (let i = 0; i < pages.length; i++) owners[pages[i] as number] = FRAME_FREE;
  owners.fill(FRAME_FREE, located.mfnArrayStart, located.mfnArrayStart + located.mfnArrayFrames);
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
 * MFN array it points to, and checks both against the bootmem range. With `frameTable`, claims the
 * stream pages and the MFN array frames for Xen in it (see above); without, the runtime finds
 * duplicate pages by sorting.
 */
export function locateStream(
  memory: MachineMemory,
  bootmem: number,
  maxPages: number,
  bootmemFrames = 1,
  frameTable?: FrameTable,
): LocatedStream {
  if (!memory.contains(bootmem)) {
    throw new RestoreError(
      "breadcrumb",
      "locate",
      `bootmem frame ${bootmem} is outside the machine (${memory.frameCount} frames)`,
    );
  }
  if (!(Number.isSafeInteger(bootmemFrames) && bootmemFrames >= 1 && bootmem + bootmemFrames <= memory.frameCount)) {
    throw new RestoreError(
      "breadcrumb",
      "locate",
      `the bootmem (${bootmemFrames} frames from ${bootmem}) runs outside the machine (${memory.frameCount} frames)`,
    );
  }
  const bootmemEnd = bootmem + bootmemFrames;
  const bootmemText = `the live update bootmem (${rangeText(bootmem, bootmemFrames)})`;
  try {
    const crumb = readBreadcrumb(memory, bootmem * memory.pageSize, { maxPages, littleEndian: true });
    const mfnArrayStart = crumb.mfnArrayPhysAddr / memory.pageSize;
    const mfnArrayFrames = Math.ceil((crumb.nrPages * 8) / memory.pageSize);
    if (mfnArrayStart < bootmemEnd && mfnArrayStart + mfnArrayFrames > bootmem) {
      throw new RestoreError(
        "mfn-array",
        "locate",
        `the MFN array (${rangeText(mfnArrayStart, mfnArrayFrames)}) lies inside ${bootmemText}`,
        {
          offset: bootmem * memory.pageSize + 8,
        },
      );
    }
    const owners = frameTable?.owners;
    const ps = memory.pageSize;
    // Stream pages claimed so far: on a failure they are read again from the MFN array (they
    // passed every check) and freed.
    let claimed = 0;
    const onEntry = (mfn: number, i: number): void => {
      if (mfn >= bootmem && mfn < bootmemEnd) {
        const what = mfn === bootmem ? "the breadcrumb's own frame, the first of " : "inside ";
        throw new RestoreError("stream-page", "locate", `data page ${i} is frame ${mfn}, ${what}${bootmemText}`, {
          offset: crumb.mfnArrayPhysAddr + 8 * i,
        });
      }
      if (owners === undefined) return;
      const owner = owners[mfn] as number;
      if (owner === FRAME_FREE) {
        owners[mfn] = DOMID_XEN;
        claimed++;
        return;
      }
      const at = crumb.mfnArrayPhysAddr + 8 * i;
      if (owner === DOMID_XEN && listedBefore(memory, crumb.mfnArrayPhysAddr, i, mfn)) {
        throw new RestoreError(
          "stream-page",
          "locate",
          `data page ${i} is frame ${mfn}, listed earlier in the MFN array too`,
          { offset: at },
        );
      }
      throw new RestoreError(
        "frame-owned",
        "locate",
        `stream page ${i}: frame ${mfn} is already owned by ${ownerName(owner)}`,
        { offset: at },
      );
    };
    let pages: Uint32Array;
    try {
      pages = readMfnArray(memory, crumb, {
        maxPages,
        littleEndian: true,
        checkDuplicates: owners === undefined,
        onEntry,
      });
      if (owners !== undefined) {
        for (let f = mfnArrayStart; f < mfnArrayStart + mfnArrayFrames; f++) {
          const owner = owners[f] as number;
          if (owner !== FRAME_FREE) {
            owners.fill(FRAME_FREE, mfnArrayStart, f);
            throw new RestoreError(
              "frame-owned",
              "locate",
              `MFN array frame ${f} is already owned by ${ownerName(owner)}`,
              { offset: f * ps },
            );
          }
          owners[f] = DOMID_XEN;
        }
      }
    } catch (e) {
      if (owners !== undefined) releaseEntries(memory, crumb.mfnArrayPhysAddr, claimed, owners);
      throw e;
    }
    return frameTable === undefined
      ? { pages, mfnArrayStart, mfnArrayFrames }
      : { pages, mfnArrayStart, mfnArrayFrames, claimedIn: frameTable };
  } catch (e) {
    if (e instanceof BreadcrumbError) {
      throw asRestoreError(e, problemOf(e), "locate");
    }
    throw e;
  }
}

/** Whether MFN array entries 0 .. i-1 (at `arrayAddr`, little-endian) list `mfn`. Error path only. */
function listedBefore(memory: MachineMemory, arrayAddr: number, i: number, mfn: number): boolean {
  const dv = new DataView(memory.read(arrayAddr, 8 * i).buffer);
  for (let k = 0; k < i; k++) if (dv.getUint32(8 * k, true) === mfn) return true;
  return false;
}

/** Frees the frames of MFN array entries 0 .. count-1, which were claimed. Error path only. */
function releaseEntries(memory: MachineMemory, arrayAddr: number, count: number, owners: Uint16Array): void {
  const dv = new DataView(memory.read(arrayAddr, 8 * count).buffer);
  for (let k = 0; k < count; k++) owners[dv.getUint32(8 * k, true)] = FRAME_FREE;
}
