/**
 * LU_M2P / LU_M2P_COMPAT entries (live-update-handover.pandoc "LU_M2P / LU_M2P_COMPAT"): the
 * physical address of an M2P data page with the page's order, log2 of its size in octets, in the
 * low 12 bits (a 1 GiB page at 0x4C0000000 is 0x4C000001E). Order 0 marks a discontiguity (the
 * high bits name the next MFN covered) and covers no frame.
 */

/** Largest M2P page order accepted: a 1 GiB page, the largest x86 page. */
export const M2P_MAX_ORDER = 30;

/** The order field of an entry (its low 12 bits). */
export function m2pOrder(entry: bigint): number {
  return Number(entry & 0xfffn);
}

/** True when the entry's order is 0 (a discontiguity) or a page of `pageShift`..M2P_MAX_ORDER. */
export function m2pOrderValid(entry: bigint, pageShift: number): boolean {
  const order = m2pOrder(entry);
  return order === 0 || (order >= pageShift && order <= M2P_MAX_ORDER);
}

/** Machine frames the entry's page covers (0 for a discontiguity); call on valid entries only. */
export function m2pPageFrames(entry: bigint, pageShift: number): number {
  const order = m2pOrder(entry);
  return order === 0 ? 0 : 2 ** (order - pageShift);
}

/** First machine frame of the entry's page. */
export function m2pFirstFrame(entry: bigint, pageShift: number): number {
  return Number(entry >> BigInt(pageShift));
}

/** The entry for a page of 2^`order` octets at frame `mfn`. */
export function m2pEntry(mfn: number, order: number, pageShift: number): bigint {
  return (BigInt(mfn) << BigInt(pageShift)) | BigInt(order);
}
