import { describe, expect, it } from "vitest";
import { FrameTable } from "../../liveupdate/frame-table.js";
import { DEFAULT_HOST_SPEC, SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";
import { planHvmContext, contextBytes } from "../../liveupdate/hvm-context-plan.js";
import { restoreBothPaths } from "./claim-paths.js";
import { planLayout, save } from "../../liveupdate/save.js";
import { breadcrumbMagic } from "../../runtime/breadcrumb.js";
import { savedStream } from "./stream-fixture.js";

describe("planLayout", () => {
  it("gives the default host about 66 MiB of stream, 64 MiB of it frame lists", () => {
    const l = planLayout(DEFAULT_HOST_SPEC);
    expect(l.streamBytes / 2 ** 20).toBeGreaterThan(66);
    expect(l.streamBytes / 2 ** 20).toBeLessThan(66.5);
    expect(l.streamPages).toBe(Math.ceil(l.streamBytes / 4096));
    // Every machine frame has an M2P entry: the M2P pages cover the whole machine.
    expect(l.m2pPages * 512 * 4096).toBeGreaterThanOrEqual(l.frameCount * 8);
  });
});

describe("planHvmContext", () => {
  it("holds HEADER, a CPU per vCPU, ..., and ends with END, near the target size", () => {
    const recs = planHvmContext(4, 32768);
    expect(recs[0]?.typecode).toBe(1);
    expect(recs.filter((r) => r.typecode === 2).map((r) => r.instance)).toEqual([0, 1, 2, 3]);
    expect(recs.filter((r) => r.typecode === 2).every((r) => r.length === 1032)).toBe(true);
    expect(recs[recs.length - 1]).toEqual({ typecode: 0, instance: 0, length: 0 });
    const size = contextBytes(recs);
    expect(size).toBeLessThanOrEqual(32768);
    expect(size).toBeGreaterThan(32768 - 4 * 64 - 64);
  });
});

describe("save", () => {
  const saved = save(SMALL_HOST_SPEC);

  it("places stream pages outside the bootmem and apart from every guest frame", () => {
    const guest = new Set<number>();
    for (const d of saved.domains) for (const f of d.frames) guest.add(f);
    expect(guest.size).toBe(SMALL_HOST_SPEC.domains * SMALL_HOST_SPEC.framesPerDomain);
    for (const mfn of saved.streamFrames) {
      expect(guest.has(mfn)).toBe(false);
      expect(mfn < saved.bootmemStart || mfn >= saved.bootmemStart + saved.bootmemFrames).toBe(true);
    }
    for (let f = 0; f < saved.mfnArrayFrames; f++) {
      const mfn = saved.mfnArrayStart + f;
      expect(guest.has(mfn) || saved.streamFrames.includes(mfn)).toBe(false);
    }
  });

  it("writes the breadcrumb and a physically contiguous MFN array listing the stream pages", () => {
    const crumb = new DataView(saved.memory.read(saved.bootmemStart * saved.pageSize, 24).buffer);
    expect(crumb.getBigUint64(0, true)).toBe(breadcrumbMagic(saved.pageSize));
    expect(crumb.getBigUint64(8, true)).toBe(BigInt(saved.mfnArrayStart * saved.pageSize));
    expect(crumb.getBigUint64(16, true)).toBe(BigInt(saved.streamFrames.length) << 12n);
    const array = new DataView(
      saved.memory.read(saved.mfnArrayStart * saved.pageSize, saved.streamFrames.length * 8).buffer,
    );
    saved.streamFrames.forEach((mfn, i) => expect(array.getBigUint64(8 * i, true)).toBe(BigInt(mfn)));
  });

  it("writes the records in the order of the handover spec", () => {
    const { records } = savedStream(saved);
    const types = records.map((r) => r.type);
    const perDomain = [0x40000003, 0x0a, 0x09, 0x40000004];
    expect(types).toEqual([
      0x40000000,
      0x40000001,
      ...Array.from({ length: SMALL_HOST_SPEC.domains }, () => perDomain).flat(),
      0,
    ]);
    expect(records[records.length - 1]?.offset).toBe(saved.streamBytes - 8);
  });

  it("materialises only the stream pages, the MFN array and the breadcrumb frame", () => {
    expect(saved.memory.backedCount).toBe(saved.streamFrames.length + saved.mfnArrayFrames + 1);
  });
});

describe("save with guest memory in extents", () => {
  const spec = { ...SMALL_HOST_SPEC, domains: 5, framesPerDomain: 700, extentFrames: 64 };
  const saved = save(spec);
  const guest = saved.domains.flatMap((d) => Array.from(d.frames));

  it("hands out whole aligned extents, each frame once, away from the bootmem, MFN array, M2P and stream", () => {
    expect(guest).toHaveLength(5 * 700);
    expect(new Set(guest).size).toBe(guest.length);
    // Domain after domain, the frames walk extent by extent: the i-th is at place i mod 64 of an aligned extent.
    guest.forEach((f, i) => expect(f % 64).toBe(i % 64));
    const stream = new Set(saved.streamFrames);
    const m2pStart = Number((saved.m2pEntries[0] ?? 0n) >> 12n);
    for (const f of guest) {
      expect(f < saved.bootmemStart || f >= saved.bootmemStart + saved.bootmemFrames).toBe(true);
      expect(f < saved.mfnArrayStart || f >= saved.mfnArrayStart + saved.mfnArrayFrames).toBe(true);
      expect(stream.has(f)).toBe(false);
      expect(f).toBeLessThan(m2pStart);
    }
    // Shuffled: the extents are not simply in ascending order.
    const firsts = guest.filter((_, i) => i % 64 === 0);
    expect(firsts.some((f, i) => i > 0 && f < (firsts[i - 1] ?? 0))).toBe(true);
  });

  it("restores to the same frame table as it saved", () => {
    const table = new FrameTable(saved.frameCount);
    const r = restoreBothPaths(saved.memory, { bootmem: saved.bootmemStart, frameTable: table, domains: [] });
    expect(r.frames).toBe(guest.length);
    saved.domains.forEach((d) =>
      expect(table.framesOf(d.domainId)).toEqual(Array.from(d.frames).sort((a, b) => a - b)),
    );
  });

  it("is reproducible from the seed, and an extent of 1 is the frame-by-frame layout", () => {
    expect(Array.from(save(spec).domains[2]?.frames ?? [])).toEqual(Array.from(saved.domains[2]?.frames ?? []));
    const one = save({ ...spec, extentFrames: 1 });
    // The embedded hosts say 512; a spec that does not say is frame by frame.
    const { extentFrames: embedded, ...withoutExtent } = SMALL_HOST_SPEC;
    expect(embedded).toBe(512);
    const absent = save({ ...withoutExtent, domains: 5, framesPerDomain: 700 });
    expect(Array.from(one.domains[4]?.frames ?? [])).toEqual(Array.from(absent.domains[4]?.frames ?? []));
  });

  it("rejects an extent that is not a power of two or too large", () => {
    expect(() => save({ ...spec, extentFrames: 48 })).toThrow(/'extentFrames' is 48; expected a power of two/);
    expect(() => save({ ...spec, extentFrames: 2 ** 19 })).toThrow(/'extentFrames'/);
    expect(() => save({ ...spec, extentFrames: 0 })).toThrow(/'extentFrames'/);
  });
});
