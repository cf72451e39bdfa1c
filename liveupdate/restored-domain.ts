/**
 * A domain as the restore recreates it: every LU_DOMAIN_INFO field, its HVM params, the number of
 * frames it owns, and its HVM save records as references into the stream (zero copy: the bodies
 * stay where they are; `hvmRecordBytes` hands out a view when asked).
 */
import type { ByteSource } from "../runtime/byte-view.js";
import type { DomainInfoFields } from "./saved-domain.js";

/** One HVM save record inside a domain's HVM_CONTEXT. */
export interface HvmSaveRecordRef {
  readonly typecode: number;
  readonly instance: number;
  readonly length: number;
  /** Stream offset of the record body (after its 8-octet descriptor). */
  readonly offset: number;
}

export interface RestoredDomain extends DomainInfoFields {
  /** Stream offset of the domain's LU_DOMAIN_INFO record. */
  readonly streamOffset: number;
  /** HVM params as (index, value) pairs: `params[2i]` is an index, `params[2i + 1]` its value. */
  params: BigUint64Array;
  /** Frames the domain owns (from its LU_DOMAIN_PAGES records). */
  frames: number;
  /** HVM save records, in stream order, END included. */
  hvmRecords: HvmSaveRecordRef[];
  /**
   * libxc domain records carried as-is (X86_PV_INFO, X86_TSC_INFO, ...), not interpreted here.
   * Optional so that domains a caller builds itself need not carry it; restored domains always do.
   */
  otherRecords?: Array<{ readonly type: number; readonly offset: number; readonly bodyLength: number }>;
  /** The stream the records live in (kept so the bodies can be viewed later). */
  readonly source: ByteSource;
}

/** Number of HVM params a domain has. */
export function paramCount(d: RestoredDomain): number {
  return d.params.length / 2;
}

/** The body of one of the domain's HVM save records: a view when it lies in one page. */
export function hvmRecordBytes(d: RestoredDomain, r: HvmSaveRecordRef): Uint8Array {
  return d.source.bytes(r.offset, r.length);
}
