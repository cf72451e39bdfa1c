/**
 * What every restore in the benchmark produces, so the benchmark can check that all of them agree
 * before it times any of them. Frame ownership goes into the `FrameTable` the caller passes.
 */
export interface PeerDomain {
  readonly type: number;
  readonly pageShift: number;
  readonly domainId: number;
  readonly handle: Uint8Array;
  readonly ssidref: number;
  readonly flags: number;
  readonly maxVcpus: number;
  readonly emulationFlags: number;
  readonly extraFlags: number;
  /** HVM params as index/value pairs. */
  paramCount: number;
  paramChecksum: bigint;
  /** Frames the domain owns (LU_DOMAIN_PAGES count). */
  frames: number;
  /** HVM save records in its HVM_CONTEXT, END included. */
  hvmRecords: number;
}

export interface PeerResult {
  readonly domains: PeerDomain[];
  frames: number;
  records: number;
  /** Bytes the restore copied out of the stream (0 for a zero-copy restore). */
  bytesCopied: number;
}

/** A one-line fingerprint of a result, for "do all restores agree" checks. */
export function fingerprint(r: PeerResult): string {
  const doms = r.domains.map((d) =>
    [
      d.type,
      d.pageShift,
      d.domainId,
      Array.from(d.handle, (b) => b.toString(16).padStart(2, "0")).join(""),
      d.ssidref,
      d.flags,
      d.maxVcpus,
      d.emulationFlags,
      d.extraFlags,
      d.paramCount,
      d.paramChecksum,
      d.frames,
      d.hvmRecords,
    ].join(":"),
  );
  return `frames=${r.frames} records=${r.records} domains=${doms.join(",")}`;
}

/**
 * Fingerprint of the ownership in a frame table (guest frames and Xen's own: every line claims
 * both), cheap enough for an 8 Mi-frame table.
 */
export function frameTableDigest(owners: Uint16Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < owners.length; i++) {
    const o = owners[i] ?? 0;
    if (o !== 0xffff) h = Math.imul(h ^ o ^ (i << 16), 0x01000193);
  }
  return (h >>> 0).toString(16);
}
