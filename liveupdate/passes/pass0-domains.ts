/**
 * Pass 0: walk the records once with the runtime's RecordReader; create each domain from its
 * LU_DOMAIN_INFO (every field) and its HVM_PARAMS; take LU_VERSION, LU_M2P and LU_M2P_COMPAT; note
 * where the records of passes 1 and 2 are. The reader checks the framing (header and body inside the
 * stream, zero padding in strict mode, an END record, no unknown mandatory record); this pass checks
 * the order (no domain record before its LU_DOMAIN_INFO) and the bodies it reads.
 *
 * Every body is read through the generated accessors (generated/live-update.ts,
 * generated/libxc-stream.ts): one flyweight per record kind, re-pointed with `wrap()` per record
 * (one bounds check, no allocation), so the only per-record allocation is the domain itself.
 */
import {
  LU_DOMAIN_TYPE,
  LU_STREAM_BODIES,
  LU_STREAM_FORMAT,
  LU_STREAM_RECORD,
  LU_STREAM_RECORD_NAMES,
  LuDomainInfo,
  LuDomainPages,
  LuM2p,
  LuM2pEntry,
  LuVersion,
} from "../../generated/live-update.js";
import { XcHvmParam, XcHvmParams } from "../../generated/libxc-stream.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import {
  FileReadError,
  LuDataError,
  MissingEndError,
  NonZeroPaddingError,
  UnknownRecordError,
} from "../../runtime/errors.js";
import type { Problem } from "../../runtime/problem.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { walkU64Array } from "../../runtime/u64-array-walk.js";
import { DOMID_FIRST_RESERVED } from "../host-spec.js";
import { M2P_MAX_ORDER, m2pOrderValid } from "../m2p-pages.js";
import { asRestoreError, RestoreError, type RestoreProblem } from "../restore-error.js";
import type { RestoredDomain } from "../restored-domain.js";
import type { RecordRef, StagedRestore } from "./record-plan.js";

export interface Pass0Options {
  /**
   * Reject non-zero record padding, and in LU_DOMAIN_INFO non-zero `_pad` and flag bits its
   * schema does not name; in HVM_PARAMS a non-zero `_res1` (see docs/restore.md, "What strict mode
   * enforces").
   */
  readonly strict: boolean;
  /** Domain ids already in the caller's domain list (a restore may not reuse them). */
  readonly existingDomainIds: ReadonlySet<number>;
  /** log2 of the machine page size (an M2P page is at least one page). */
  readonly pageShift: number;
}

const R = LU_STREAM_RECORD;

/** Schema name of each body struct, for messages. */
const LU_STREAM_BODY_NAMES: ReadonlyMap<number, string> = new Map(
  [...LU_STREAM_BODIES].map(([type, cls]) => [type, cls.SCHEMA_NAME] as const),
);

function fail(
  problem: RestoreProblem,
  message: string,
  offset: number,
  index: number,
  type?: number,
  expected?: string,
  actual?: string,
): never {
  const name = type === undefined ? undefined : LU_STREAM_RECORD_NAMES.get(type >>> 0);
  const where = {
    offset,
    recordIndex: index,
    ...(type === undefined ? {} : { recordType: type >>> 0 }),
    ...(name === undefined ? {} : { recordName: name }),
  };
  throw new RestoreError(problem, 0, message, where, expected, actual);
}

/**
 * Strict mode: the first problem the body's generated `validate()` finds is an error (reserved and
 * padding fields not zero, flag bits the schema does not name, a count that does not fit). `problems`
 * is reused, so a valid body allocates nothing.
 */
function strictCheck(
  body: { validate(problems: Problem[]): Problem[] },
  problems: Problem[],
  problem: RestoreProblem,
  index: number,
  type: number,
): void {
  problems.length = 0;
  body.validate(problems);
  const first = problems[0];
  if (first !== undefined)
    fail(
      problem,
      `${LU_STREAM_BODY_NAMES.get(type) ?? "body"}: ${first.message}`,
      first.offset,
      index,
      type,
      first.expected,
      first.actual,
    );
}

/** Which restore problem a runtime framing error is. */
function framingProblem(e: LuDataError): RestoreProblem {
  if (e instanceof MissingEndError) return "missing-end";
  if (e instanceof UnknownRecordError) return "unknown-record";
  if (e instanceof NonZeroPaddingError) return "padding";
  return "truncated"; // TruncatedRecordError, RecordLimitError
}

/** The flyweights pass 0 reads bodies through; re-pointed per record. */
class BodyViews {
  readonly info = new LuDomainInfo();
  readonly version = new LuVersion();
  readonly m2p = new LuM2p();
  readonly params = new XcHvmParams();
  readonly pages = new LuDomainPages();
  /** Problems found by `validate()`; emptied before each use (no allocation when there are none). */
  readonly problems: Problem[] = [];
}

/**
 * Shared by every restore (pass 0 runs synchronously to the end, so two never interleave): a
 * restore allocates no flyweight. They keep pointing at the last stream read until the next
 * restore, which the restored domains reference anyway (`RestoredDomain.source`).
 */
const VIEWS = new BodyViews();

export function pass0Domains(src: ByteSource, options: Pass0Options): StagedRestore {
  const staged: StagedRestore = {
    domains: [],
    pageRecords: [],
    contextRecords: [],
    m2pEntries: [],
    m2pRecord: undefined,
    m2pCompatEntries: [],
    m2pCompatRecord: undefined,
    xenVersion: undefined,
    records: 0,
    streamEnd: 0,
    bytesCopied: 0,
  };
  const ids = new Set<number>(options.existingDomainIds);
  const reader = new RecordReader(src, LU_STREAM_FORMAT, { strict: options.strict });
  const views = VIEWS;
  let current = -1;
  for (;;) {
    try {
      if (!reader.next()) return staged;
    } catch (e) {
      // A file-backed source that cannot be read is I/O, not a bad stream: raised as it is.
      if (e instanceof LuDataError && !(e instanceof FileReadError)) throw asRestoreError(e, framingProblem(e), 0);
      throw e;
    }
    const { offset: off, index, type, bodyLength, bodyOffset: body } = reader;
    if (reader.skipped) continue;
    const ref: RecordRef = { offset: off, index, type, bodyLength, domain: current };
    switch (type) {
      case R.END:
        if (bodyLength !== 0) fail("truncated", `END has a ${bodyLength}-byte body; expected none`, off, index, type);
        staged.records = index + 1;
        staged.streamEnd = reader.position;
        break;
      case R.LU_VERSION: {
        if (bodyLength !== LuVersion.SIZE)
          fail("truncated", `LU_VERSION body is ${bodyLength} bytes; expected ${LuVersion.SIZE}`, off, index, type);
        const v = views.version.wrap(src, body, bodyLength);
        staged.xenVersion = { major: v.xenMajor, minor: v.xenMinor };
        break;
      }
      case R.LU_M2P:
        readM2p(src, views, staged.m2pEntries, ref, body, options.pageShift);
        staged.m2pRecord = ref;
        break;
      case R.LU_M2P_COMPAT:
        // The 32-bit compat M2P: its pages are the hypervisor's frames too (claimed in pass 1).
        readM2p(src, views, staged.m2pCompatEntries, ref, body, options.pageShift);
        staged.m2pCompatRecord = ref;
        break;
      case R.LU_DOMAIN_INFO: {
        if (bodyLength !== LuDomainInfo.SIZE) {
          fail(
            "domain-info",
            `LU_DOMAIN_INFO body is ${bodyLength} bytes; expected ${LuDomainInfo.SIZE}`,
            off,
            index,
            type,
          );
        }
        const info = views.info.wrap(src, body, bodyLength);
        const domainId = info.domainId;
        const domainType = info.type;
        const pageShift = info.pageShift;
        if (domainId >= DOMID_FIRST_RESERVED) {
          fail(
            "domain-info",
            `domain id ${domainId} is reserved (ids stop at ${DOMID_FIRST_RESERVED - 1})`,
            body + LuDomainInfo.DOMAIN_ID_OFFSET,
            index,
            type,
          );
        }
        if (domainType !== LU_DOMAIN_TYPE.x86_pv && domainType !== LU_DOMAIN_TYPE.x86_hvm) {
          fail(
            "domain-info",
            `domain type ${domainType} is not x86 PV (${LU_DOMAIN_TYPE.x86_pv}) or x86 HVM (${LU_DOMAIN_TYPE.x86_hvm})`,
            body + LuDomainInfo.TYPE_OFFSET,
            index,
            type,
          );
        }
        if (pageShift < 12 || pageShift > 30)
          fail(
            "domain-info",
            `page_shift ${pageShift} is not 12..30`,
            body + LuDomainInfo.PAGE_SHIFT_OFFSET,
            index,
            type,
          );
        if (options.strict) strictCheck(info, views.problems, "domain-info", index, type);
        if (ids.has(domainId))
          fail(
            "duplicate-domain",
            `domain ${domainId} appears twice`,
            body + LuDomainInfo.DOMAIN_ID_OFFSET,
            index,
            type,
          );
        ids.add(domainId);
        staged.domains.push(domainOf(info, off));
        current = staged.domains.length - 1;
        break;
      }
      case R.HVM_PARAMS: {
        const d = staged.domains[current];
        if (d === undefined) fail("record-order", "HVM_PARAMS before any LU_DOMAIN_INFO", off, index, type);
        if (bodyLength < XcHvmParams.SIZE)
          fail(
            "hvm-params",
            `HVM_PARAMS body is ${bodyLength} bytes; expected at least ${XcHvmParams.SIZE}`,
            off,
            index,
            type,
          );
        const hp = views.params.wrap(src, body, bodyLength);
        const count = hp.count;
        const need = XcHvmParams.SIZE + XcHvmParam.SIZE * count;
        if (need !== bodyLength)
          fail("hvm-params", `HVM_PARAMS count ${count} needs ${need} bytes; body is ${bodyLength}`, body, index, type);
        if (options.strict) strictCheck(hp, views.problems, "hvm-params", index, type);
        // The (index, value) pairs, placed by `xc_hvm_params.param` (one bounds check for the array),
        // are copied into the domain's own array page segment by page segment: no bigint per value.
        const list = hp.param;
        const params = new BigUint64Array(2 * count);
        staged.bytesCopied += walkU64Array(src, list.base, 2 * list.length, (run, first) => params.set(run, first));
        d.params = params;
        break;
      }
      case R.LU_DOMAIN_PAGES: {
        if (current < 0) fail("record-order", "LU_DOMAIN_PAGES before any LU_DOMAIN_INFO", off, index, type);
        if (bodyLength < LuDomainPages.SIZE)
          fail(
            "domain-pages",
            `LU_DOMAIN_PAGES body is ${bodyLength} bytes; expected at least ${LuDomainPages.SIZE}`,
            off,
            index,
            type,
          );
        // The list itself is walked in pass 1; its count and reserved word are checked here, before
        // the caller's frame table is touched.
        const pages = views.pages.wrap(src, body, bodyLength);
        const count = pages.count;
        const need = LuDomainPages.SIZE + 8 * count;
        if (need !== bodyLength)
          fail(
            "domain-pages",
            `LU_DOMAIN_PAGES count ${count} needs ${need} bytes; body is ${bodyLength}`,
            body + LuDomainPages.COUNT_OFFSET,
            index,
            type,
          );
        if (options.strict) strictCheck(pages, views.problems, "domain-pages", index, type);
        staged.pageRecords.push(ref);
        break;
      }
      case R.HVM_CONTEXT:
        if (current < 0) fail("record-order", "HVM_CONTEXT before any LU_DOMAIN_INFO", off, index, type);
        staged.contextRecords.push(ref);
        break;
      default: {
        // A libxc domain record carried as-is (the reader only returns types the schema names).
        const d = staged.domains[current];
        if (d === undefined)
          fail(
            "record-order",
            `${LU_STREAM_RECORD_NAMES.get(type) ?? "record"} before any LU_DOMAIN_INFO`,
            off,
            index,
            type,
          );
        (d.otherRecords ??= []).push({ type, offset: off, bodyLength });
      }
    }
  }
}

/**
 * LU_M2P / LU_M2P_COMPAT: whole 8-octet entries (`lu_m2p.validate()`), each read as its raw u64
 * through `lu_m2p_entry`; every order is 0 (a discontiguity) or a page of at least one machine page
 * and at most 1 GiB.
 */
function readM2p(
  src: ByteSource,
  views: BodyViews,
  into: bigint[],
  ref: RecordRef,
  body: number,
  pageShift: number,
): void {
  const m2p = views.m2p.wrap(src, body, ref.bodyLength);
  const problems = views.problems;
  problems.length = 0;
  m2p.validate(problems);
  const first = problems[0];
  if (first !== undefined) {
    const name = LU_STREAM_RECORD_NAMES.get(ref.type) ?? "LU_M2P";
    fail(
      "m2p",
      `${name} body is ${ref.bodyLength} bytes; expected a multiple of ${LuM2pEntry.SIZE}`,
      ref.offset,
      ref.index,
      ref.type,
    );
  }
  const entries = m2p.m2pPageData;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries.at(i);
    const raw = entry.raw;
    if (!m2pOrderValid(raw, pageShift)) {
      const name = LU_STREAM_RECORD_NAMES.get(ref.type) ?? "LU_M2P";
      fail(
        "m2p",
        `${name} entry ${i} has order ${entry.order}; expected 0 or ${pageShift}..${M2P_MAX_ORDER}`,
        entry.base,
        ref.index,
        ref.type,
      );
    }
    into.push(raw);
  }
}

/** A new domain with every LU_DOMAIN_INFO field (the handle stays a view into the stream). */
function domainOf(info: LuDomainInfo, recordOffset: number): RestoredDomain {
  return {
    type: info.type,
    pageShift: info.pageShift,
    domainId: info.domainId,
    handle: info.domainHandle,
    ssidref: info.ssidref,
    flags: info.flags,
    maxVcpus: info.maxVcpus,
    emulationFlags: info.emulationFlags,
    extraFlags: info.extraFlags,
    streamOffset: recordOffset,
    params: new BigUint64Array(0),
    frames: 0,
    hvmRecords: [],
    otherRecords: [],
    source: info.src,
  };
}
