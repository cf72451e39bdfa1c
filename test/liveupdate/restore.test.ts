import { describe, expect, it } from "vitest";
import { DOMID_XEN, FRAME_FREE, FrameTable } from "../../liveupdate/frame-table.js";
import { SMALL_HOST_SPEC, type HostSpec } from "../../liveupdate/host-spec.js";
import { locateStream } from "../../liveupdate/locate-stream.js";
import { restoreStream, type RestoreOptions } from "../../liveupdate/restore.js";
import { RestoreError, type RestoreProblem } from "../../liveupdate/restore-error.js";
import { hvmRecordBytes, type RestoredDomain } from "../../liveupdate/restored-domain.js";
import { save, type SavedHost } from "../../liveupdate/save.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import type { MachineMemory } from "../../runtime/machine-memory.js";
import { vmap } from "../../runtime/vmap.js";
import {
  concat,
  domainInfo,
  domainPages,
  encodeStream,
  handImage,
  hvmContext,
  le32,
  le64,
  savedStream,
} from "./stream-fixture.js";
import { restoreBothPaths } from "./claim-paths.js";

const SPEC: HostSpec = { ...SMALL_HOST_SPEC, domains: 5, framesPerDomain: 700, hvmParams: 7 };

function restoreFresh(saved: SavedHost): {
  result: ReturnType<typeof restoreBothPaths>;
  table: FrameTable;
  domains: RestoredDomain[];
} {
  const table = new FrameTable(saved.frameCount);
  const domains: RestoredDomain[] = [];
  const result = restoreBothPaths(saved.memory, { bootmem: saved.bootmemStart, frameTable: table, domains });
  return { result, table, domains };
}

/** Restores expecting failure; checks the caller's table and list are exactly as they were. */
function expectFailure(
  memory: MachineMemory,
  bootmem: number,
  problem: RestoreProblem,
  setup?: (opts: { frameTable: FrameTable; domains: RestoredDomain[] }) => void,
): RestoreError {
  const frameTable = new FrameTable(memory.frameCount);
  const domains: RestoredDomain[] = [];
  setup?.({ frameTable, domains });
  const before = frameTable.owners.slice();
  const domainsBefore = [...domains];
  let caught: unknown;
  try {
    restoreBothPaths(memory, { bootmem, frameTable, domains } satisfies RestoreOptions);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RestoreError);
  const err = caught as RestoreError;
  expect(err.problem).toBe(problem);
  expect(Buffer.from(frameTable.owners.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  expect(domains).toEqual(domainsBefore);
  return err;
}

describe("save → restore round trip", () => {
  for (const pageSize of [4096, 65536]) {
    it(`restores every field of every domain and the frame table (${pageSize}-byte pages)`, () => {
      const saved = save({ ...SPEC, pageSize });
      const { result, table, domains } = restoreFresh(saved);
      expect(domains).toHaveLength(SPEC.domains);
      expect(result.domains).toEqual(domains);
      saved.domains.forEach((want, i) => {
        const got = domains[i];
        expect(got).toBeDefined();
        if (got === undefined) return;
        expect({
          type: got.type,
          pageShift: got.pageShift,
          domainId: got.domainId,
          handle: Array.from(got.handle),
          ssidref: got.ssidref,
          flags: got.flags,
          maxVcpus: got.maxVcpus,
          emulationFlags: got.emulationFlags,
          extraFlags: got.extraFlags,
        }).toEqual({
          type: want.type,
          pageShift: want.pageShift,
          domainId: want.domainId,
          handle: Array.from(want.handle),
          ssidref: want.ssidref,
          flags: want.flags,
          maxVcpus: want.maxVcpus,
          emulationFlags: want.emulationFlags,
          extraFlags: want.extraFlags,
        });
        const pairs: Array<[bigint, bigint]> = [];
        for (let p = 0; p < got.params.length; p += 2) pairs.push([got.params[p] ?? -1n, got.params[p + 1] ?? -1n]);
        expect(pairs).toEqual(want.params.map(([a, b]) => [a, b]));
        expect(got.frames).toBe(want.frames.length);
        expect(got.hvmRecords.map((r) => [r.typecode, r.instance, r.length])).toEqual(
          want.hvmRecords.map((r) => [r.typecode, r.instance, r.length]),
        );
        // Every frame the domain was saved with is owned by it.
        for (const mfn of want.frames) expect(table.owner(mfn)).toBe(want.domainId);
      });
      // Nothing else is owned by a domain; the stream pages and MFN array belong to Xen.
      let guest = 0;
      let xen = 0;
      for (const o of table.owners) {
        if (o === DOMID_XEN) xen++;
        else if (o !== FRAME_FREE) guest++;
      }
      expect(guest).toBe(SPEC.domains * SPEC.framesPerDomain);
      expect(result.frames).toBe(guest);
      expect(xen).toBe(result.xenFrames);
      for (const mfn of saved.streamFrames) expect(table.owner(mfn)).toBe(DOMID_XEN);
      expect(result.records).toBe(saved.records);
      expect(result.streamBytes).toBe(saved.streamBytes);
      expect(result.bytesCopied).toBeLessThan(saved.streamBytes / 1000);
      expect(result.xenVersion).toEqual({ major: SPEC.xenMajor, minor: SPEC.xenMinor });
    });
  }

  it("keeps HVM save records as views into the stream", () => {
    const saved = save(SPEC);
    const { domains } = restoreFresh(saved);
    const d = domains[0];
    const header = d?.hvmRecords[0];
    expect(header?.typecode).toBe(1);
    if (d === undefined || header === undefined) return;
    const body = hvmRecordBytes(d, header);
    expect(new DataView(body.buffer, body.byteOffset).getUint32(0, true)).toBe(0x54381286);
  });

  it("gives the same result over the pages gathered into one buffer", () => {
    const saved = save(SPEC);
    const viaVmap = restoreFresh(saved);
    const located = locateStream(saved.memory, saved.bootmemStart, 2 ** 20);
    const src = vmap(saved.memory, located.pages);
    const gathered = new Uint8Array(src.byteLength);
    src.segments(0, src.byteLength, (piece, at) => gathered.set(piece, at));
    const table = new FrameTable(saved.frameCount);
    const domains: RestoredDomain[] = [];
    const r = restoreStream(new ContiguousSource(gathered), located, {
      frameTable: table,
      domains,
      pageSize: saved.pageSize,
    });
    expect(Buffer.from(table.owners.buffer).equals(Buffer.from(viaVmap.table.owners.buffer))).toBe(true);
    expect(domains.map((d) => [d.domainId, d.frames, d.params.length, d.hvmRecords.length])).toEqual(
      viaVmap.domains.map((d) => [d.domainId, d.frames, d.params.length, d.hvmRecords.length]),
    );
    expect(r.bytesCopied).toBe(0);
    // A frame owned twice is caught and undone on this path too.
    const again = new FrameTable(saved.frameCount);
    const before = again.owners.slice();
    new DataView(gathered.buffer).setBigUint64(
      savedStream(saved).records.filter((x) => x.type === 0x40000004)[2]!.offset + 16 + 8 * 5,
      BigInt(saved.domains[0]?.frames[0] ?? 0),
      true,
    );
    expect(() =>
      restoreStream(new ContiguousSource(gathered), located, {
        frameTable: again,
        domains: [],
        pageSize: saved.pageSize,
      }),
    ).toThrow(RestoreError);
    expect(Buffer.from(again.owners.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it("is reproducible from the seed", () => {
    const a = save(SPEC);
    const b = save(SPEC);
    expect(Array.from(a.streamFrames)).toEqual(Array.from(b.streamFrames));
    expect(Array.from(a.domains[2]?.frames ?? [])).toEqual(Array.from(b.domains[2]?.frames ?? []));
    const c = save({ ...SPEC, seed: 99 });
    expect(Array.from(c.streamFrames)).not.toEqual(Array.from(a.streamFrames));
  });

  it("appends to an existing domain list and frame table without disturbing them", () => {
    const saved = save(SPEC);
    const frameTable = new FrameTable(saved.frameCount);
    const spare = restoreFresh(saved).table.owners.indexOf(FRAME_FREE);
    expect(spare).toBeGreaterThanOrEqual(0);
    frameTable.owners[spare] = 0;
    const first = restoreFresh(save({ ...SPEC, seed: 1 })).domains[0];
    expect(first).toBeDefined();
    if (first === undefined) return;
    const domains: RestoredDomain[] = [{ ...first, domainId: 900 }];
    restoreBothPaths(saved.memory, { bootmem: saved.bootmemStart, frameTable, domains });
    expect(domains).toHaveLength(SPEC.domains + 1);
    expect(domains[0]?.domainId).toBe(900);
    expect(frameTable.owner(spare)).toBe(0);
  });
});

describe("images written by someone else", () => {
  it("restores a hand-laid image: PV domain, no M2P, pages in descending frames, optional record skipped", () => {
    const stream = encodeStream([
      { type: 0x40000000, body: le32(4, 17) },
      { type: 0xc0000123, body: new Uint8Array(13) }, // unknown optional: skipped
      { type: 0x40000003, body: domainInfo({ type: 1, domainId: 0, extraFlags: 1, maxVcpus: 2 }) },
      { type: 0x40000004, body: domainPages([100, 101, 3000]) },
      { type: 0x08, body: new Uint8Array(24) }, // X86_TSC_INFO, carried as-is
      { type: 0x40000003, body: domainInfo({ domainId: 7, handleByte: 0x11 }) },
      { type: 0x0a, body: concat(le32(1, 0), le64(5n, 0xffff_ffff_ffff_fff0n)) },
      { type: 0x09, body: hvmContext() },
      { type: 0x40000004, body: domainPages([200]) },
      { type: 0, body: new Uint8Array(0) },
    ]);
    const img = handImage(stream);
    const frameTable = new FrameTable(img.memory.frameCount);
    const domains: RestoredDomain[] = [];
    const r = restoreBothPaths(img.memory, { bootmem: img.bootmem, frameTable, domains });
    expect(domains.map((d) => [d.domainId, d.type, d.extraFlags, d.maxVcpus, d.frames])).toEqual([
      [0, 1, 1, 2, 3],
      [7, 2, 0, 1, 1],
    ]);
    expect(Array.from(domains[1]?.params ?? [])).toEqual([5n, 0xffff_ffff_ffff_fff0n]);
    expect(domains[1]?.handle).toEqual(new Uint8Array(16).fill(0x11));
    expect([frameTable.owner(100), frameTable.owner(3000), frameTable.owner(200)]).toEqual([0, 0, 7]);
    expect(domains[0]?.otherRecords?.map((o) => o.type)).toEqual([0x08]);
    expect(r.records).toBe(10);
    expect(r.xenVersion).toEqual({ major: 4, minor: 17 });
  });
});

describe("LU_M2P and LU_M2P_COMPAT", () => {
  it("claims the pages of both for Xen, with orders read as log2 of the page size in octets", () => {
    const stream = encodeStream([
      { type: 0x40000000, body: le32(4, 19) },
      // LU_M2P: a 16 KiB page at frame 1000, a discontiguity marker, an 8 KiB page at frame 1100.
      { type: 0x40000001, body: le64((1000n << 12n) | 14n, 5000n << 12n, (1100n << 12n) | 13n) },
      // LU_M2P_COMPAT: one 4 KiB page at frame 1200.
      { type: 0x40000002, body: le64((1200n << 12n) | 12n) },
      { type: 0x40000003, body: domainInfo({ domainId: 3 }) },
      { type: 0x40000004, body: domainPages([1004, 1102, 1201]) },
      { type: 0, body: new Uint8Array(0) },
    ]);
    const im = handImage(stream);
    const frameTable = new FrameTable(im.memory.frameCount);
    const r = restoreBothPaths(im.memory, { bootmem: im.bootmem, frameTable, domains: [] });
    expect(r.m2pEntries).toBe(3);
    expect(r.m2pCompatEntries).toBe(1);
    const xen = [1000, 1001, 1002, 1003, 1100, 1101, 1200];
    for (const f of xen) expect(frameTable.owner(f)).toBe(DOMID_XEN);
    expect([1004, 1102, 1201].map((f) => frameTable.owner(f))).toEqual([3, 3, 3]);
    // Stream pages + MFN array + 4 + 2 + 1 M2P frames.
    expect(r.xenFrames).toBe(im.streamFrames.length + 1 + xen.length);
  });

  it("save() writes LU_M2P entries the spec's way (order = log2 of 2 MiB)", () => {
    const saved = save(SPEC);
    expect(saved.m2pEntries.length).toBeGreaterThan(0);
    for (const e of saved.m2pEntries) expect(e & 0xfffn).toBe(21n);
    const { src, records } = savedStream(saved);
    const m2p = records.find((x) => x.type === 0x40000001);
    if (m2p === undefined) throw new Error("no LU_M2P");
    const first = src.window(m2p.offset + 8, 8).getBigUint64(src.windowOffset, true);
    expect(first).toBe(saved.m2pEntries[0]);
  });
});

describe("strict mode: what the generated validate() finds is an error, lenient accepts it", () => {
  const base = (): Parameters<typeof encodeStream>[0] => [
    { type: 0x40000000, body: le32(4, 19) },
    { type: 0x40000003, body: domainInfo({ domainId: 1 }) },
    { type: 0x40000004, body: domainPages([100, 101, 102]) },
    { type: 0, body: new Uint8Array(0) },
  ];
  // Record 1 (LU_DOMAIN_INFO) starts at 16, its body at 24; record 2's body at 24 + 48 + 8 = 80.
  const cases: Array<{
    name: string;
    edit: (r: ReturnType<typeof base>) => void;
    problem: RestoreProblem;
    offset: number;
    index: number;
    message: RegExp;
  }> = [
    {
      name: "non-zero LU_DOMAIN_INFO padding",
      edit: (r) => {
        const body = domainInfo({ domainId: 1 });
        body[45] = 0x5a;
        r[1] = { type: 0x40000003, body };
      },
      problem: "domain-info",
      offset: 24 + 45,
      index: 1,
      message: /lu_domain_info: padding '_pad' holds 0x5a at octet 1, expected zero/,
    },
    {
      name: "LU_DOMAIN_INFO flag bits lu_domctl_cdf does not name",
      edit: (r) => {
        r[1] = { type: 0x40000003, body: domainInfo({ domainId: 1, flags: 0x203 }) };
      },
      problem: "domain-info",
      offset: 24 + 28,
      index: 1,
      message: /'flags' has bits 0x200 that lu_domctl_cdf does not name/,
    },
    {
      name: "LU_DOMAIN_INFO extra_flags bits lu_extra_flags does not name",
      edit: (r) => {
        r[1] = { type: 0x40000003, body: domainInfo({ domainId: 1, extraFlags: 0x8 }) };
      },
      problem: "domain-info",
      offset: 24 + 40,
      index: 1,
      message: /'extra_flags' has bits 0x8/,
    },
    {
      name: "non-zero LU_DOMAIN_PAGES reserved word",
      edit: (r) => {
        r[2] = { type: 0x40000004, body: concat(le32(3, 7), le64(100n, 101n, 102n)) };
      },
      problem: "domain-pages",
      offset: 80 + 4,
      index: 2,
      message: /lu_domain_pages: reserved 'reserved' is 0x7, expected zero/,
    },
    {
      name: "non-zero HVM_PARAMS _res1",
      edit: (r) => {
        r.splice(2, 0, { type: 0x0a, body: concat(le32(1, 9), le64(2n, 3n)) });
      },
      problem: "hvm-params",
      offset: 80 + 4,
      index: 2,
      message: /xc_hvm_params: reserved '_res1' is 0x9, expected zero/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const recs = base();
      c.edit(recs);
      const im = img(recs);
      const err = expectFailure(im.memory, im.bootmem, c.problem);
      expect(err.stage).toBe(0);
      expect(err.where).toMatchObject({ offset: c.offset, recordIndex: c.index });
      expect(err.message).toMatch(c.message);
      expect(err.message).toMatch(new RegExp(`^offset ${c.offset}`));
      const lenient = restoreBothPaths(im.memory, {
        bootmem: im.bootmem,
        frameTable: new FrameTable(4096),
        domains: [],
        strict: false,
      });
      expect(lenient.domains.map((d) => d.domainId)).toEqual([1]);
      expect(lenient.frames).toBe(3);
    });
  }

  it("an unknown domain type is an error in both modes", () => {
    const recs = base();
    recs[1] = { type: 0x40000003, body: domainInfo({ domainId: 1, type: 3 }) };
    const im = img(recs);
    expect(expectFailure(im.memory, im.bootmem, "domain-info").message).toMatch(
      /domain type 3 is not x86 PV \(1\) or x86 HVM \(2\)/,
    );
    expect(() =>
      restoreBothPaths(im.memory, {
        bootmem: im.bootmem,
        frameTable: new FrameTable(4096),
        domains: [],
        strict: false,
      }),
    ).toThrow(RestoreError);
  });
});

describe("a failed restore reports the first problem and changes nothing", () => {
  const good = (): Parameters<typeof encodeStream>[0] => [
    { type: 0x40000000, body: le32(4, 19) },
    { type: 0x40000003, body: domainInfo({ domainId: 1 }) },
    { type: 0x40000004, body: domainPages([100, 101, 102]) },
    { type: 0x40000003, body: domainInfo({ domainId: 2 }) },
    { type: 0x09, body: hvmContext() },
    { type: 0x40000004, body: domainPages([200, 201]) },
    { type: 0, body: new Uint8Array(0) },
  ];

  it("the hand-laid baseline restores", () => {
    const img = handImage(encodeStream(good()));
    expect(
      restoreBothPaths(img.memory, { bootmem: img.bootmem, frameTable: new FrameTable(4096), domains: [] }).frames,
    ).toBe(5);
  });

  it("no breadcrumb at the bootmem frame", () => {
    const saved = save(SPEC);
    const err = expectFailure(saved.memory, saved.bootmemStart + 1, "breadcrumb");
    expect(err.message).toMatch(/no live update/);
    expect(err.where.offset).toBe((saved.bootmemStart + 1) * saved.pageSize);
  });

  it("a breadcrumb written for another page size", () => {
    const saved = save(SPEC);
    saved.memory.write(saved.bootmemStart * saved.pageSize, le64(0x4c69766555706461n & ~0xffffn));
    const err = expectFailure(saved.memory, saved.bootmemStart, "breadcrumb");
    // 0x...6461 masked to 64 KiB has zeros down to bit 15, so 32 KiB..1 MiB pages all give it.
    expect(err.message).toMatch(/masked for pages of 32768 to 1048576 bytes, this machine uses 4096-byte pages/);
  });

  it("a breadcrumb in the other byte order", () => {
    const saved = save(SPEC);
    const swapped = le64(0x4c69766555706000n).reverse();
    saved.memory.write(saved.bootmemStart * saved.pageSize, swapped);
    expect(expectFailure(saved.memory, saved.bootmemStart, "breadcrumb").message).toMatch(/endianness/);
  });

  it("shifted_nr_pages with low bits set", () => {
    const saved = save(SPEC);
    saved.memory.write(saved.bootmemStart * saved.pageSize + 16, le64(BigInt(saved.streamFrames.length)));
    expect(expectFailure(saved.memory, saved.bootmemStart, "breadcrumb").message).toMatch(/low bits/);
  });

  it("a stream page outside the machine", () => {
    const saved = save(SPEC);
    saved.memory.write(saved.mfnArrayStart * saved.pageSize + 8, le64(BigInt(saved.frameCount + 5)));
    const err = expectFailure(saved.memory, saved.bootmemStart, "stream-page");
    expect(err.where.offset).toBe(saved.mfnArrayStart * saved.pageSize + 8);
  });

  it("the same stream page twice", () => {
    const saved = save(SPEC);
    saved.memory.write(saved.mfnArrayStart * saved.pageSize + 16, le64(BigInt(saved.streamFrames[0] ?? 0)));
    expect(expectFailure(saved.memory, saved.bootmemStart, "stream-page").message).toMatch(/listed earlier/);
  });

  it("a stream page inside the bootmem", () => {
    const saved = save(SPEC);
    saved.memory.write(saved.mfnArrayStart * saved.pageSize, le64(BigInt(saved.bootmemStart + 1)));
    expect(expectFailure(saved.memory, saved.bootmemStart, "stream-page").message).toMatch(/bootmem/);
  });

  it("body_length running past the end of the stream", () => {
    const saved = save(SPEC);
    const { src, records } = savedStream(saved);
    const pages = records.find((r) => r.type === 0x40000004);
    if (pages === undefined) throw new Error("no LU_DOMAIN_PAGES");
    src.window(pages.offset + 4, 4).setUint32(src.windowOffset, 0x7fff_fff0, true);
    const err = expectFailure(saved.memory, saved.bootmemStart, "truncated");
    expect(err.where).toMatchObject({
      offset: pages.offset,
      recordIndex: records.indexOf(pages),
      recordName: "LU_DOMAIN_PAGES",
    });
  });

  it("no END record", () => {
    const recs = good().slice(0, -1);
    // Fill the rest of the page with an optional record so the stream ends exactly at the page edge.
    const used = encodeStream(recs).length;
    recs.push({ type: 0x80000001, body: new Uint8Array(4096 - used - 8) });
    const img = handImage(encodeStream(recs));
    expect(expectFailure(img.memory, img.bootmem, "missing-end").message).toMatch(/without its end record END/);
  });

  it("non-zero padding", () => {
    const recs = good();
    recs[1] = { type: 0x40000000, body: le32(4), padding: 0x5a };
    const img = handImage(encodeStream(recs));
    const err = expectFailure(img.memory, img.bootmem, "padding");
    expect(err.where.recordIndex).toBe(1);
  });

  it("an unknown mandatory record", () => {
    const recs = good();
    recs.splice(2, 0, { type: 0x40000077, body: new Uint8Array(8) });
    const err = expectFailure(img(recs).memory, img(recs).bootmem, "unknown-record");
    expect(err.where).toMatchObject({ recordIndex: 2, recordType: 0x40000077 });
  });

  it("a domain record before any LU_DOMAIN_INFO", () => {
    const recs = good();
    recs.splice(1, 0, { type: 0x0a, body: le32(0, 0) });
    expect(expectFailure(img(recs).memory, img(recs).bootmem, "record-order").where.recordName).toBe("HVM_PARAMS");
    const pv = good();
    pv.splice(1, 0, { type: 0x02, body: new Uint8Array(8) });
    expect(expectFailure(img(pv).memory, img(pv).bootmem, "record-order").where.recordName).toBe("X86_PV_INFO");
  });

  it("the same domain id twice, a reserved id, an id already restored", () => {
    const twice = good();
    twice[3] = { type: 0x40000003, body: domainInfo({ domainId: 1 }) };
    expect(expectFailure(img(twice).memory, img(twice).bootmem, "duplicate-domain").where.recordIndex).toBe(3);
    const reserved = good();
    reserved[3] = { type: 0x40000003, body: domainInfo({ domainId: 0x7ff2 }) };
    expect(expectFailure(img(reserved).memory, img(reserved).bootmem, "domain-info").message).toMatch(/reserved/);
    const ok = img(good());
    const first = restoreBothPaths(ok.memory, { bootmem: ok.bootmem, frameTable: new FrameTable(4096), domains: [] })
      .domains[0];
    if (first === undefined) throw new Error("no domain");
    expectFailure(ok.memory, ok.bootmem, "duplicate-domain", ({ domains }) => domains.push(first));
  });

  it("a frame owned twice: frames claimed before the failure are released", () => {
    const recs = good();
    recs[5] = { type: 0x40000004, body: domainPages([200, 102]) };
    const err = expectFailure(img(recs).memory, img(recs).bootmem, "frame-owned");
    expect(err.where).toMatchObject({ recordIndex: 5, recordName: "LU_DOMAIN_PAGES" });
    expect(err.message).toMatch(/frame 102 of domain 2 is already owned by domain 1/);
  });

  // Pass 1 claims frames four at a time; every kind of bad entry at every place in and across a
  // group must still be found at that exact entry, with the table left as it was.
  describe("a bad entry at any place in a list (groups of four and the tail)", () => {
    const frames = [300, 301, 302, 303, 304, 305, 306, 307, 308];
    // LU_VERSION (16 octets) + LU_DOMAIN_INFO (8 + 48): the list's record starts at 72, entries at 88.
    const entryOffset = (k: number): number => 72 + 8 + 8 + 8 * k;
    const withList = (body: Uint8Array): ReturnType<typeof img> => {
      const recs = good();
      recs[2] = { type: 0x40000004, body };
      return img(recs);
    };

    it("the same frame twice in one list, for every pair of places", () => {
      for (let k = 1; k < frames.length; k++) {
        for (let j = 0; j < k; j++) {
          const list = [...frames];
          list[k] = list[j] ?? 0;
          const im = withList(domainPages(list));
          const err = expectFailure(im.memory, im.bootmem, "frame-owned");
          expect(err.where).toMatchObject({ offset: entryOffset(k), recordIndex: 2 });
          expect(err.message).toMatch(new RegExp(`frame ${list[j]} of domain 1 is already owned by domain 1`));
        }
      }
    });

    it("a frame outside the machine, or with high bits set, at every place", () => {
      for (let k = 0; k < frames.length; k++) {
        const outside = [...frames];
        outside[k] = 4096;
        const im = withList(domainPages(outside));
        expect(expectFailure(im.memory, im.bootmem, "frame-outside").where.offset).toBe(entryOffset(k));
        const high = frames.map((f, i) => (i === k ? (1n << 32n) | BigInt(f) : BigInt(f)));
        const hi = withList(concat(le32(frames.length, 0), le64(...high)));
        expect(expectFailure(hi.memory, hi.bootmem, "frame-outside").where.offset).toBe(entryOffset(k));
      }
    });

    it("a run of consecutive frames with one owned in its middle, or running to the machine's end", () => {
      const im = withList(domainPages(frames));
      const owned = expectFailure(im.memory, im.bootmem, "frame-owned", ({ frameTable }) => {
        frameTable.owners[305] = 9;
      });
      expect(owned.where.offset).toBe(entryOffset(5));
      // The machine's last frame is a stream page here (Xen's), so a run over the end stops there.
      const edge = withList(domainPages([4090, 4091, 4092, 4093, 4094, 4095, 4096, 4097, 4098]));
      const atEnd = expectFailure(edge.memory, edge.bootmem, "frame-owned");
      expect(atEnd.where.offset).toBe(entryOffset(5));
      expect(atEnd.message).toMatch(/frame 4095 of domain 1 is already owned by Xen/);
    });

    it("a frame another domain owns, at every place", () => {
      for (let k = 0; k < frames.length; k++) {
        const list = [...frames];
        list[k] = 201; // domain 2's, claimed later: put it in the caller's table instead
        const im = withList(domainPages(list));
        const err = expectFailure(im.memory, im.bootmem, "frame-owned", ({ frameTable }) => {
          frameTable.owners[201] = 9;
        });
        expect(err.where.offset).toBe(entryOffset(k));
        expect(err.message).toMatch(/frame 201 of domain 1 is already owned by domain 9/);
      }
    });
  });

  it("a frame owned twice in a large saved image, mid-way through a page segment", () => {
    const saved = save(SPEC);
    const { src, records } = savedStream(saved);
    const lists = records.filter((r) => r.type === 0x40000004);
    const last = lists[lists.length - 1];
    if (last === undefined) throw new Error("no lists");
    // Entry 600 of the last domain's list repeats a frame of the first domain.
    src
      .window(last.offset + 16 + 8 * 600, 8)
      .setBigUint64(src.windowOffset, BigInt(saved.domains[0]?.frames[3] ?? 0), true);
    const err = expectFailure(saved.memory, saved.bootmemStart, "frame-owned");
    expect(err.where.offset).toBe(last.offset + 16 + 8 * 600);
  });

  it("a frame already owned in the caller's table", () => {
    const im = img(good());
    const err = expectFailure(im.memory, im.bootmem, "frame-owned", ({ frameTable }) => {
      frameTable.owners[201] = 44;
    });
    expect(err.message).toMatch(/owned by domain 44/);
  });

  it("a domain frame inside an M2P page (claimed for Xen first)", () => {
    const recs = good();
    // One 8 KiB M2P page (order 13: log2 of its size in octets) at frame 100: frames 100 and 101
    // belong to Xen.
    recs.splice(1, 0, { type: 0x40000001, body: le64((100n << 12n) | 13n) });
    const err = expectFailure(img(recs).memory, img(recs).bootmem, "frame-owned");
    expect(err.message).toMatch(/frame 100 of domain 1 is already owned by Xen/);
  });

  it("an M2P page order smaller than a machine page or larger than 1 GiB", () => {
    for (const order of [1n, 11n, 31n]) {
      const recs = good();
      recs.splice(1, 0, { type: 0x40000001, body: le64(0n, (100n << 12n) | order) });
      const err = expectFailure(img(recs).memory, img(recs).bootmem, "m2p");
      expect(err.stage).toBe(0);
      // The second entry's stream offset: LU_VERSION (16 octets), this record's header, one entry.
      expect(err.where).toMatchObject({ offset: 16 + 8 + 8, recordIndex: 1, recordName: "LU_M2P" });
      expect(err.message).toMatch(new RegExp(`LU_M2P entry 1 has order ${order}; expected 0 or 12\\.\\.30`));
    }
  });

  it("an M2P body that is not whole entries", () => {
    const recs = good();
    recs.splice(1, 0, { type: 0x40000002, body: new Uint8Array(12) });
    const err = expectFailure(img(recs).memory, img(recs).bootmem, "m2p");
    expect(err.where).toMatchObject({ recordIndex: 1, recordName: "LU_M2P_COMPAT" });
    expect(err.message).toMatch(/LU_M2P_COMPAT body is 12 bytes; expected a multiple of 8/);
  });

  it("a domain frame inside a compat M2P page (LU_M2P_COMPAT pages belong to Xen too)", () => {
    const recs = good();
    recs.splice(1, 0, { type: 0x40000002, body: le64((200n << 12n) | 12n) });
    const err = expectFailure(img(recs).memory, img(recs).bootmem, "frame-owned");
    expect(err.message).toMatch(/frame 200 of domain 2 is already owned by Xen/);
  });

  it("a compat M2P page running outside the machine, located at its entry", () => {
    const recs = good();
    recs.splice(1, 0, { type: 0x40000002, body: le64(0n, (4095n << 12n) | 13n) });
    const err = expectFailure(img(recs).memory, img(recs).bootmem, "frame-outside");
    expect(err.where).toMatchObject({ offset: 16 + 8 + 8, recordIndex: 1, recordName: "LU_M2P_COMPAT" });
  });

  it("a stream page the caller's table already owns, located at its MFN array entry", () => {
    const saved = save(SPEC);
    const page = saved.streamFrames[3] ?? 0;
    const err = expectFailure(saved.memory, saved.bootmemStart, "frame-owned", ({ frameTable }) => {
      frameTable.owners[page] = 100;
    });
    expect(err.message).toMatch(new RegExp(`stream page 3: frame ${page} is already owned by domain 100`));
    expect(err.where.offset).toBe(saved.mfnArrayStart * saved.pageSize + 8 * 3);
  });

  it("a frame outside the machine", () => {
    const recs = good();
    recs[2] = { type: 0x40000004, body: domainPages([100, 4096]) };
    expect(expectFailure(img(recs).memory, img(recs).bootmem, "frame-outside").message).toMatch(
      /frame 4096 of domain 1/,
    );
    const high = good();
    high[2] = { type: 0x40000004, body: concat(le32(1, 0), le64(1n << 40n)) };
    expectFailure(img(high).memory, img(high).bootmem, "frame-outside");
  });

  it("a domain page count that does not match the body", () => {
    const recs = good();
    recs[2] = { type: 0x40000004, body: concat(le32(9, 0), le64(100n)) };
    expectFailure(img(recs).memory, img(recs).bootmem, "domain-pages");
  });

  it("an HVM_CONTEXT without its END save record fails in pass 2 and undoes pass 1", () => {
    const recs = good();
    recs[4] = { type: 0x09, body: hvmContext([{ typecode: 1, length: 24 }]) };
    const err = expectFailure(img(recs).memory, img(recs).bootmem, "hvm-context");
    expect(err.stage).toBe(2);
    expect(err.where.recordName).toBe("HVM_CONTEXT");
  });

  it("an HVM save record longer than its HVM_CONTEXT", () => {
    const recs = good();
    const body = hvmContext();
    new DataView(body.buffer).setUint32(4, 1000, true);
    recs[4] = { type: 0x09, body };
    expectFailure(img(recs).memory, img(recs).bootmem, "hvm-context");
  });
});

const cache = new Map<string, ReturnType<typeof handImage>>();
function img(recs: Parameters<typeof encodeStream>[0]): ReturnType<typeof handImage> {
  const bytes = encodeStream(recs);
  const key = Buffer.from(bytes).toString("base64");
  const have = cache.get(key);
  if (have !== undefined) return have;
  const made = handImage(bytes);
  cache.set(key, made);
  return made;
}
