/**
 * What pass 0 learns for the later passes: where each domain's LU_DOMAIN_PAGES and HVM_CONTEXT
 * records are, so passes 1 and 2 go straight to them without walking the stream again.
 */
import type { RestoredDomain } from "../restored-domain.js";

export interface RecordRef {
  /** Stream offset of the record header. */
  readonly offset: number;
  readonly index: number;
  readonly type: number;
  readonly bodyLength: number;
  /** Index into `StagedRestore.domains`. */
  readonly domain: number;
}

export interface StagedRestore {
  readonly domains: RestoredDomain[];
  readonly pageRecords: RecordRef[];
  readonly contextRecords: RecordRef[];
  /** LU_M2P entries (page address | order) and where the record is. */
  readonly m2pEntries: bigint[];
  m2pRecord: RecordRef | undefined;
  /** LU_M2P_COMPAT entries (the 32-bit guests' M2P pages, same encoding) and where the record is. */
  readonly m2pCompatEntries: bigint[];
  m2pCompatRecord: RecordRef | undefined;
  xenVersion: { readonly major: number; readonly minor: number } | undefined;
  /** Records walked, END included. */
  records: number;
  /** Offset just past the END record. */
  streamEnd: number;
  /** Bytes pass 0 had to copy out of the stream (u64 values straddling a page edge). */
  bytesCopied: number;
}
