/** What `save()` put in the stream for one domain: the LU_DOMAIN_INFO fields and the HVM params. */
export interface DomainInfoFields {
  readonly type: number;
  readonly pageShift: number;
  readonly domainId: number;
  /** 16-octet UUID handle. */
  readonly handle: Uint8Array;
  readonly ssidref: number;
  readonly flags: number;
  readonly maxVcpus: number;
  readonly emulationFlags: number;
  readonly extraFlags: number;
}

export interface SavedDomain extends DomainInfoFields {
  /** HVM params as [index, value] pairs, in stream order. */
  readonly params: ReadonlyArray<readonly [bigint, bigint]>;
  /** Machine frames the domain owns, in LU_DOMAIN_PAGES order. */
  readonly frames: Uint32Array;
  /** (typecode, instance, length) of each HVM save record, END included. */
  readonly hvmRecords: ReadonlyArray<{ readonly typecode: number; readonly instance: number; readonly length: number }>;
}

/** Formats a 16-octet handle as a UUID string. */
export function formatHandle(handle: Uint8Array): string {
  let hex = "";
  for (const b of handle) hex += b.toString(16).padStart(2, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
