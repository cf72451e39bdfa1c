/**
 * Pass 0: walk the records once with the runtime's RecordReader; create each domain from its
 * LU_DOMAIN_INFO (every field) and its HVM_PARAMS; take LU_VERSION and LU_M2P; note where the
 * records of passes 1 and 2 are. The reader checks the framing (header and body inside the stream,
 * zero padding in strict mode, an END record, no unknown mandatory record); this pass checks the
 * order (no domain record before its LU_DOMAIN_INFO) and the bodies it reads.
 */
import type { ByteSource, ByteView } from "../../runtime/byte-view.js";
import { LuDataError, MissingEndError, NonZeroPaddingError, UnknownRecordError } from "../../runtime/errors.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { DOMID_FIRST_RESERVED } from "../host-spec.js";
import { LU_STREAM_FORMAT } from "../lu-stream-format.js";
import { asRestoreError, RestoreError, type RestoreProblem } from "../restore-error.js";
import type { RestoredDomain } from "../restored-domain.js";
import {
  COUNTED_BODY_HEADER,
  LU_DOMAIN_INFO_SIZE,
  LU_VERSION_SIZE,
  REC_END,
  REC_HVM_CONTEXT,
  REC_HVM_PARAMS,
  REC_LU_DOMAIN_INFO,
  REC_LU_DOMAIN_PAGES,
  REC_LU_M2P,
  REC_LU_M2P_COMPAT,
  REC_LU_VERSION,
  RECORD_NAMES,
} from "../stream-constants.js";
import type { RecordRef, StagedRestore } from "./record-plan.js";

export interface Pass0Options {
  readonly strict: boolean;
  /** Domain ids already in the caller's domain list (a restore may not reuse them). */
  readonly existingDomainIds: ReadonlySet<number>;
}

const LE = true;

function fail(problem: RestoreProblem, message: string, offset: number, index: number, type?: number): never {
  const name = type === undefined ? undefined : RECORD_NAMES.get(type >>> 0);
  throw new RestoreError(problem, 0, message, {
    offset,
    recordIndex: index,
    ...(type === undefined ? {} : { recordType: type >>> 0 }),
    ...(name === undefined ? {} : { recordName: name }),
  });
}

/** Which restore problem a runtime framing error is. */
function framingProblem(e: LuDataError): RestoreProblem {
  if (e instanceof MissingEndError) return "missing-end";
  if (e instanceof UnknownRecordError) return "unknown-record";
  if (e instanceof NonZeroPaddingError) return "padding";
  return "truncated"; // TruncatedRecordError, RecordLimitError
}

export function pass0Domains(src: ByteSource, options: Pass0Options): StagedRestore {
  const staged: StagedRestore = {
    domains: [],
    pageRecords: [],
    contextRecords: [],
    m2pEntries: [],
    m2pRecord: undefined,
    xenVersion: undefined,
    records: 0,
    streamEnd: 0,
  };
  const ids = new Set<number>(options.existingDomainIds);
  const reader = new RecordReader(src, LU_STREAM_FORMAT, { strict: options.strict });
  let current = -1;
  for (;;) {
    try {
      if (!reader.next()) return staged;
    } catch (e) {
      if (e instanceof LuDataError) throw asRestoreError(e, framingProblem(e), 0);
      throw e;
    }
    const { offset: off, index, type, bodyLength, bodyOffset: body } = reader;
    if (reader.skipped) continue;
    const ref: RecordRef = { offset: off, index, type, bodyLength, domain: current };
    let v: ByteView;
    switch (type) {
      case REC_END:
        if (bodyLength !== 0) fail("truncated", `END has a ${bodyLength}-byte body; expected none`, off, index, type);
        staged.records = index + 1;
        staged.streamEnd = reader.position;
        break;
      case REC_LU_VERSION:
        if (bodyLength !== LU_VERSION_SIZE) fail("truncated", `LU_VERSION body is ${bodyLength} bytes; expected ${LU_VERSION_SIZE}`, off, index, type);
        v = src.window(body, LU_VERSION_SIZE);
        staged.xenVersion = { major: v.getUint32(src.windowOffset, LE), minor: v.getUint32(src.windowOffset + 4, LE) };
        break;
      case REC_LU_M2P:
        if (bodyLength % 8 !== 0) fail("m2p", `LU_M2P body is ${bodyLength} bytes; expected a multiple of 8`, off, index, type);
        for (let p = body; p < body + bodyLength; p += 8) {
          v = src.window(p, 8);
          staged.m2pEntries.push(v.getBigUint64(src.windowOffset, LE));
        }
        staged.m2pRecord = ref;
        break;
      case REC_LU_M2P_COMPAT:
        break; // 32-bit M2P pages: nothing to restore for 64-bit guests here
      case REC_LU_DOMAIN_INFO: {
        if (bodyLength !== LU_DOMAIN_INFO_SIZE) {
          fail("domain-info", `LU_DOMAIN_INFO body is ${bodyLength} bytes; expected ${LU_DOMAIN_INFO_SIZE}`, off, index, type);
        }
        const d = readDomainInfo(src, body, off, src);
        if (d.domainId >= DOMID_FIRST_RESERVED) {
          fail("domain-info", `domain id ${d.domainId} is reserved (ids stop at ${DOMID_FIRST_RESERVED - 1})`, body + 6, index, type);
        }
        if (d.type !== 1 && d.type !== 2) fail("domain-info", `domain type ${d.type} is not x86 PV (1) or x86 HVM (2)`, body, index, type);
        if (d.pageShift < 12 || d.pageShift > 30) fail("domain-info", `page_shift ${d.pageShift} is not 12..30`, body + 4, index, type);
        if (ids.has(d.domainId)) fail("duplicate-domain", `domain ${d.domainId} appears twice`, body + 6, index, type);
        ids.add(d.domainId);
        staged.domains.push(d);
        current = staged.domains.length - 1;
        break;
      }
      case REC_HVM_PARAMS: {
        const d = staged.domains[current];
        if (d === undefined) fail("record-order", "HVM_PARAMS before any LU_DOMAIN_INFO", off, index, type);
        if (bodyLength < COUNTED_BODY_HEADER) fail("hvm-params", `HVM_PARAMS body is ${bodyLength} bytes`, off, index, type);
        v = src.window(body, COUNTED_BODY_HEADER);
        const count = v.getUint32(src.windowOffset, LE);
        if (COUNTED_BODY_HEADER + 16 * count !== bodyLength) {
          fail("hvm-params", `HVM_PARAMS count ${count} needs ${COUNTED_BODY_HEADER + 16 * count} bytes; body is ${bodyLength}`, body, index, type);
        }
        const params = new BigUint64Array(2 * count);
        for (let i = 0, p = body + COUNTED_BODY_HEADER; i < 2 * count; i++, p += 8) {
          v = src.window(p, 8);
          params[i] = v.getBigUint64(src.windowOffset, LE);
        }
        d.params = params;
        break;
      }
      case REC_LU_DOMAIN_PAGES:
        if (current < 0) fail("record-order", "LU_DOMAIN_PAGES before any LU_DOMAIN_INFO", off, index, type);
        if (bodyLength < COUNTED_BODY_HEADER) fail("domain-pages", `LU_DOMAIN_PAGES body is ${bodyLength} bytes`, off, index, type);
        staged.pageRecords.push(ref);
        break;
      case REC_HVM_CONTEXT:
        if (current < 0) fail("record-order", "HVM_CONTEXT before any LU_DOMAIN_INFO", off, index, type);
        staged.contextRecords.push(ref);
        break;
      default: {
        // A libxc domain record carried as-is (the reader only returns types it knows).
        const d = staged.domains[current];
        if (d === undefined) fail("record-order", `${RECORD_NAMES.get(type) ?? "record"} before any LU_DOMAIN_INFO`, off, index, type);
        (d.otherRecords ??= []).push({ type, offset: off, bodyLength });
      }
    }
  }
}

function readDomainInfo(src: ByteSource, body: number, recordOffset: number, source: ByteSource): RestoredDomain {
  const v = src.window(body, LU_DOMAIN_INFO_SIZE);
  const o = src.windowOffset;
  const d: RestoredDomain = {
    type: v.getUint32(o, LE),
    pageShift: v.getUint16(o + 4, LE),
    domainId: v.getUint16(o + 6, LE),
    handle: new Uint8Array(0),
    ssidref: v.getUint32(o + 24, LE),
    flags: v.getUint32(o + 28, LE),
    maxVcpus: v.getUint32(o + 32, LE),
    emulationFlags: v.getUint32(o + 36, LE),
    extraFlags: v.getUint32(o + 40, LE),
    streamOffset: recordOffset,
    params: new BigUint64Array(0),
    frames: 0,
    hvmRecords: [],
    otherRecords: [],
    source,
  };
  return { ...d, handle: src.bytes(body + 8, 16) };
}
