/**
 * Line 3 of the benchmark: the restore a careful engineer writes by hand with DataView over the
 * scattered pages. Fields that straddle a page edge are assembled byte by byte; everything else is
 * one DataView call on the page that holds it. The frame-table pass claims the hypervisor's own
 * frames (stream pages, MFN array, M2P pages) first, as every restore line does, then walks each
 * LU_DOMAIN_PAGES page segment's 32-bit words.
 */
import type { MachineMemory } from "../../runtime/machine-memory.js";
import { FRAME_FREE, type FrameTable } from "../../liveupdate/frame-table.js";
import { buildPageTable, type PageTable } from "./page-table.js";
import type { PeerDomain, PeerResult } from "./peer-result.js";
import { claimXenFrames } from "./xen-frames.js";

const END = 0;
const HVM_CONTEXT = 0x09;
const HVM_PARAMS = 0x0a;
const LU_VERSION = 0x40000000;
const LU_M2P = 0x40000001;
const LU_M2P_COMPAT = 0x40000002;
const LU_DOMAIN_INFO = 0x40000003;
const LU_DOMAIN_PAGES = 0x40000004;

class Reader {
  copied = 0;
  readonly t: PageTable;
  constructor(t: PageTable) {
    this.t = t;
  }

  u8(off: number): number {
    return this.t.pages[off >>> this.t.pageShift]![off & (this.t.pageSize - 1)]!;
  }
  u16(off: number): number {
    const o = off & (this.t.pageSize - 1);
    if (o + 2 <= this.t.pageSize) return this.t.views[off >>> this.t.pageShift]!.getUint16(o, true);
    return this.u8(off) | (this.u8(off + 1) << 8);
  }
  u32(off: number): number {
    const o = off & (this.t.pageSize - 1);
    if (o + 4 <= this.t.pageSize) return this.t.views[off >>> this.t.pageShift]!.getUint32(o, true);
    return (this.u16(off) | (this.u16(off + 2) << 16)) >>> 0;
  }
  u64(off: number): bigint {
    const o = off & (this.t.pageSize - 1);
    if (o + 8 <= this.t.pageSize) return this.t.views[off >>> this.t.pageShift]!.getBigUint64(o, true);
    return BigInt(this.u32(off)) | (BigInt(this.u32(off + 4)) << 32n);
  }
  bytes(off: number, len: number): Uint8Array {
    const o = off & (this.t.pageSize - 1);
    const page = this.t.pages[off >>> this.t.pageShift]!;
    if (o + len <= this.t.pageSize) return page.subarray(o, o + len);
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = this.u8(off + i);
    this.copied += len;
    return out;
  }
}

export function handwrittenRestore(memory: MachineMemory, bootmem: number, table: FrameTable): PeerResult {
  const t = buildPageTable(memory, bootmem);
  const r = new Reader(t);
  const limit = t.byteLength;
  const domains: PeerDomain[] = [];
  const pagesAt: number[] = [];
  const contextAt: number[] = [];
  const m2pEntries: bigint[] = [];
  let records = 0;
  let current: PeerDomain | undefined;

  // Pass 0: walk the records, create domains, take their params; note where the rest is.
  let off = 0;
  for (;;) {
    if (off + 8 > limit) throw new Error(`record header at ${off} runs past the stream`);
    const type = r.u32(off);
    const len = r.u32(off + 4);
    const body = off + 8;
    const next = body + Math.ceil(len / 8) * 8;
    if (next > limit) throw new Error(`record at ${off} runs past the stream`);
    records++;
    if (type === END) break;
    switch (type) {
      case LU_VERSION:
        break;
      case LU_M2P:
      case LU_M2P_COMPAT:
        if (len % 8 !== 0) throw new Error(`M2P record at ${off} is ${len} bytes`);
        for (let p = body; p < body + len; p += 8) m2pEntries.push(r.u64(p));
        break;
      case LU_DOMAIN_INFO:
        if (len < 48) throw new Error(`LU_DOMAIN_INFO at ${off} is ${len} bytes`);
        current = {
          type: r.u32(body),
          pageShift: r.u16(body + 4),
          domainId: r.u16(body + 6),
          handle: r.bytes(body + 8, 16),
          ssidref: r.u32(body + 24),
          flags: r.u32(body + 28),
          maxVcpus: r.u32(body + 32),
          emulationFlags: r.u32(body + 36),
          extraFlags: r.u32(body + 40),
          paramCount: 0,
          paramChecksum: 0n,
          frames: 0,
          hvmRecords: 0,
        };
        domains.push(current);
        break;
      case HVM_PARAMS: {
        if (current === undefined) throw new Error(`HVM_PARAMS at ${off} before any domain`);
        const count = r.u32(body);
        if (8 + 16 * count > len) throw new Error(`HVM_PARAMS at ${off} count ${count} overruns`);
        let sum = 0n;
        for (let i = 0; i < count; i++) sum += r.u64(body + 8 + 16 * i) ^ r.u64(body + 16 + 16 * i);
        current.paramCount = count;
        current.paramChecksum = sum & 0xffff_ffff_ffff_ffffn;
        break;
      }
      case LU_DOMAIN_PAGES:
        if (current === undefined) throw new Error(`LU_DOMAIN_PAGES at ${off} before any domain`);
        pagesAt.push(off, domains.length - 1);
        break;
      case HVM_CONTEXT:
        if (current === undefined) throw new Error(`HVM_CONTEXT at ${off} before any domain`);
        contextAt.push(off, domains.length - 1);
        break;
      default:
        if ((type & 0x80000000) === 0) throw new Error(`unknown mandatory record 0x${type.toString(16)} at ${off}`);
    }
    off = next;
  }

  // Pass 1: Xen's frames, then page ownership, page segment by page segment as 32-bit words.
  const owners = table.owners;
  claimXenFrames(owners, {
    streamFrames: t.frames,
    mfnArrayStart: t.mfnArrayStart,
    mfnArrayFrames: t.mfnArrayFrames,
    m2pEntries,
    pageShift: t.pageShift,
  });
  const nframes = owners.length;
  const mask = t.pageSize - 1;
  let frames = 0;
  for (let k = 0; k < pagesAt.length; k += 2) {
    const at = pagesAt[k]!;
    const dom = domains[pagesAt[k + 1]!]!;
    const domid = dom.domainId;
    const len = r.u32(at + 4);
    const count = r.u32(at + 8);
    if (8 + 8 * count > len) throw new Error(`LU_DOMAIN_PAGES at ${at} count ${count} overruns`);
    let pos = at + 16;
    let left = count;
    while (left > 0) {
      const words = t.words[pos >>> t.pageShift]!;
      let w = (pos & mask) >>> 2;
      const n = Math.min(left, (t.pageSize - (pos & mask)) >>> 3);
      const bad = ownFrames(words, w, w + 2 * n, owners, domid);
      if (bad >= 0) {
        const mfn = words[bad]!;
        if (words[bad + 1] !== 0 || mfn >= nframes)
          throw new Error(`frame ${mfn} of domain ${domid} is outside the machine`);
        throw new Error(`frame ${mfn} is owned twice`);
      }
      left -= n;
      pos += n * 8;
    }
    dom.frames = count;
    frames += count;
  }

  // Pass 2: HVM save records, as (typecode, instance, length) + a view of the body.
  for (let k = 0; k < contextAt.length; k += 2) {
    const at = contextAt[k]!;
    const dom = domains[contextAt[k + 1]!]!;
    const end = at + 8 + r.u32(at + 4);
    let p = at + 8;
    let n = 0;
    for (;;) {
      if (p + 8 > end) throw new Error(`HVM save record at ${p} runs past HVM_CONTEXT`);
      const typecode = r.u16(p);
      const length = r.u32(p + 4);
      if (p + 8 + length > end) throw new Error(`HVM save record at ${p} runs past HVM_CONTEXT`);
      n++;
      if (typecode === 0) break;
      p += 8 + length;
    }
    dom.hvmRecords = n;
  }
  return { domains, frames, records, bytesCopied: r.copied };
}

/**
 * Marks frames `words[from..to)` (u64 pairs) as owned by `domid`; index of the first bad entry, or -1.
 * Four at a time, so four independent frame-table misses are in flight (FRAME_FREE is all ones: the
 * AND of four owners is FRAME_FREE only when all are free); a group that is not four distinct free
 * frames inside the machine is redone one entry at a time to find the exact bad one.
 */
function ownFrames(words: Uint32Array, from: number, to: number, owners: Uint16Array, domid: number): number {
  const nframes = owners.length;
  let w = from;
  for (; w + 8 <= to; w += 8) {
    const a = words[w]!;
    const b = words[w + 2]!;
    const c = words[w + 4]!;
    const d = words[w + 6]!;
    if ((words[w + 1]! | words[w + 3]! | words[w + 5]! | words[w + 7]!) !== 0) break;
    if (a >= nframes || b >= nframes || c >= nframes || d >= nframes) break;
    if ((owners[a]! & owners[b]! & owners[c]! & owners[d]!) !== FRAME_FREE) break;
    if (a === b || a === c || a === d || b === c || b === d || c === d) break;
    owners[a] = domid;
    owners[b] = domid;
    owners[c] = domid;
    owners[d] = domid;
  }
  for (; w < to; w += 2) {
    const mfn = words[w]!;
    if (words[w + 1] !== 0 || mfn >= nframes || owners[mfn] !== FRAME_FREE) return w;
    owners[mfn] = domid;
  }
  return -1;
}
