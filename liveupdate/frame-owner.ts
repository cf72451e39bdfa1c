/**
 * Names for the owners a frame-table entry can hold, for messages: a domain, Xen, nobody, or the
 * live update bootmem (marked only while pass 1 runs, so a domain page inside the bootmem is found
 * by the same owner test as any other conflict and costs the hot loop nothing).
 */
import { DOMID_XEN, FRAME_FREE } from "./frame-table.js";

/**
 * Owner value of bootmem frames during pass 1. Not a domain id (ids stop at 0x7FEF) and none of
 * Xen's reserved ids (DOMID_SELF 0x7FF0 .. DOMID_INVALID 0x7FF4, DOMID_IDLE 0x7FFF).
 */
export const BOOTMEM_OWNER = 0x7ff5;

/** "domain 3", "Xen (stream, MFN array or M2P)", "the live update bootmem", "nobody (free)". */
export function ownerName(owner: number): string {
  if (owner === DOMID_XEN) return "Xen (stream, MFN array or M2P)";
  if (owner === BOOTMEM_OWNER) return "Xen (the live update bootmem)";
  if (owner === FRAME_FREE) return "nobody (free)";
  return `domain ${owner}`;
}
