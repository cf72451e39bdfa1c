/**
 * Line 4 of the benchmark: binary-parser (declarative, compiles to a JS function) parses the gathered
 * stream into plain objects, then the restore walks those objects. u64 fields come back as bigint.
 */
import { createRequire } from "node:module";
import type { Parser as BinaryParser } from "binary-parser/dist/binary_parser.js";
import { FRAME_FREE, type FrameTable } from "../../liveupdate/frame-table.js";
import type { PeerDomain, PeerResult } from "./peer-result.js";
import { claimXenFrames, type XenFrames } from "./xen-frames.js";

// binary-parser ships no typings for its ESM entry; load the CommonJS build with its .d.ts.
const { Parser } = createRequire(import.meta.url)("binary-parser") as { Parser: typeof BinaryParser };

const domainInfo = new Parser()
  .endianness("little")
  .uint32("type")
  .uint16("pageShift")
  .uint16("domainId")
  .buffer("handle", { length: 16 })
  .uint32("ssidref")
  .uint32("flags")
  .uint32("maxVcpus")
  .uint32("emulationFlags")
  .uint32("extraFlags")
  .uint32("pad");

const hvmParams = new Parser()
  .endianness("little")
  .uint32("count")
  .uint32("reserved")
  .array("entries", { type: new Parser().endianness("little").uint64("index").uint64("value"), length: "count" });

const domainPages = new Parser()
  .endianness("little")
  .uint32("count")
  .uint32("reserved")
  .array("mfns", { type: "uint64le", length: "count" });

const m2p = new Parser().useContextVars().array("pages", {
  type: "uint64le",
  lengthInBytes: function (this: { $parent: { length: number } }) {
    return this.$parent.length;
  },
});

const saveRecord = new Parser()
  .endianness("little")
  .uint16("typecode")
  .uint16("instance")
  .uint32("length")
  .buffer("body", { length: "length" });

const hvmContext = new Parser().array("records", {
  type: saveRecord,
  readUntil: (item: { typecode: number }) => item.typecode === 0,
});

// Context variables let the default choice see the record's body length through `$parent`.
const record = new Parser()
  .useContextVars()
  .endianness("little")
  .uint32("type")
  .uint32("length")
  .choice("body", {
    tag: "type",
    choices: {
      0x40000001: m2p,
      0x40000002: m2p,
      0x40000003: domainInfo,
      0x0a: hvmParams,
      0x40000004: domainPages,
      0x09: hvmContext,
    },
    defaultChoice: new Parser().useContextVars().buffer("raw", {
      length: function (this: { $parent: { length: number } }) {
        return this.$parent.length;
      },
    }),
  })
  .seek(function (this: { length: number }) {
    return (8 - (this.length % 8)) % 8;
  });

const stream = new Parser().useContextVars().array("records", {
  type: record,
  readUntil: (item: { type: number }) => item.type === 0,
});

interface BpRecord {
  type: number;
  length: number;
  body: {
    type: number;
    pageShift: number;
    domainId: number;
    handle: Uint8Array;
    ssidref: number;
    flags: number;
    maxVcpus: number;
    emulationFlags: number;
    extraFlags: number;
    count: number;
    entries: Array<{ index: bigint; value: bigint }>;
    /** LU_M2P(_COMPAT): the raw u64 entries. */
    pages: bigint[];
    mfns: bigint[];
    records: Array<{ typecode: number }>;
  };
}

/**
 * `xen` says where the stream pages and the MFN array are (the gathered buffer no longer does);
 * the M2P pages come from the parsed LU_M2P records.
 */
export function binaryParserRestore(
  gathered: Uint8Array,
  table: FrameTable,
  xen: Omit<XenFrames, "m2pEntries">,
): PeerResult {
  const parsed = stream.parse(Buffer.from(gathered.buffer, gathered.byteOffset, gathered.byteLength)) as {
    records: BpRecord[];
  };
  const owners = table.owners;
  const nframes = BigInt(owners.length);
  const domains: PeerDomain[] = [];
  let current: PeerDomain | undefined;
  let frames = 0;
  const m2pEntries: bigint[] = [];
  // Pass 0: domains, params and the M2P.
  for (const r of parsed.records) {
    if (r.type === 0x40000003) {
      const b = r.body;
      current = {
        type: b.type,
        pageShift: b.pageShift,
        domainId: b.domainId,
        handle: b.handle,
        ssidref: b.ssidref,
        flags: b.flags,
        maxVcpus: b.maxVcpus,
        emulationFlags: b.emulationFlags,
        extraFlags: b.extraFlags,
        paramCount: 0,
        paramChecksum: 0n,
        frames: 0,
        hvmRecords: 0,
      };
      domains.push(current);
    } else if (r.type === 0x40000001 || r.type === 0x40000002) {
      for (const e of r.body.pages) m2pEntries.push(e);
    } else if (r.type === 0x0a && current !== undefined) {
      let sum = 0n;
      for (const e of r.body.entries) sum += e.index ^ e.value;
      current.paramCount = r.body.count;
      current.paramChecksum = sum & 0xffff_ffff_ffff_ffffn;
    }
  }
  // Pass 1: Xen's frames, then guest ownership. Pass 2: HVM save records.
  claimXenFrames(owners, { ...xen, m2pEntries });
  let d = -1;
  for (const r of parsed.records) {
    if (r.type === 0x40000003) d++;
    const dom = domains[d];
    if (dom === undefined) continue;
    if (r.type === 0x40000004) {
      for (const m of r.body.mfns) {
        if (m >= nframes) throw new Error(`frame ${m} is outside the machine`);
        const mfn = Number(m);
        if (owners[mfn] !== FRAME_FREE) throw new Error(`frame ${mfn} is owned twice`);
        owners[mfn] = dom.domainId;
      }
      dom.frames = r.body.count;
      frames += r.body.count;
    }
  }
  d = -1;
  for (const r of parsed.records) {
    if (r.type === 0x40000003) d++;
    const dom = domains[d];
    if (dom !== undefined && r.type === 0x09) dom.hvmRecords = r.body.records.length;
  }
  return { domains, frames, records: parsed.records.length, bytesCopied: 0 };
}
