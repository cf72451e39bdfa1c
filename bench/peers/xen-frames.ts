/**
 * The hypervisor's own frames, claimed for Xen in the frame table before any guest frame: the
 * stream pages, the MFN array and every M2P page (LU_M2P and LU_M2P_COMPAT entries). A restore
 * that skips this cannot see a guest listing a stream page as its own, so every JavaScript peer
 * does it, as lu-codec's pass 1 and the C line do: the lines are compared doing the same work.
 */
import { DOMID_XEN, FRAME_FREE } from "../../liveupdate/frame-table.js";

export interface XenFrames {
  /** Frames of the stream pages, in stream order. */
  readonly streamFrames: ArrayLike<number>;
  readonly mfnArrayStart: number;
  readonly mfnArrayFrames: number;
  /** Raw LU_M2P / LU_M2P_COMPAT entries: page address with the page's order in the low 12 bits. */
  readonly m2pEntries: readonly bigint[];
  readonly pageShift: number;
}

function claim(owners: Uint16Array, mfn: number, what: string): void {
  if (!(mfn >= 0 && mfn < owners.length)) throw new Error(`${what} frame ${mfn} is outside the machine`);
  if (owners[mfn] !== FRAME_FREE) throw new Error(`${what} frame ${mfn} is owned twice`);
  owners[mfn] = DOMID_XEN;
}

/** Claims every Xen frame; throws on a frame outside the machine or one already claimed. */
export function claimXenFrames(owners: Uint16Array, xen: XenFrames): void {
  const pages = xen.streamFrames;
  for (let i = 0; i < pages.length; i++) claim(owners, pages[i] ?? -1, "stream page");
  for (let f = 0; f < xen.mfnArrayFrames; f++) claim(owners, xen.mfnArrayStart + f, "MFN array");
  for (const e of xen.m2pEntries) {
    const order = Number(e & 0xfffn);
    if (order === 0) continue; // a discontiguity marker covers no frame
    if (order < xen.pageShift || order > 30) throw new Error(`M2P entry 0x${e.toString(16)} has order ${order}`);
    const first = Number(e >> BigInt(xen.pageShift));
    const count = 2 ** (order - xen.pageShift);
    for (let f = first; f < first + count; f++) claim(owners, f, "M2P");
  }
}
