import { describe, expect, it } from "vitest";
import { DEFAULT_HOST_SPEC, SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";
import { planHvmContext, contextBytes } from "../../liveupdate/hvm-context-plan.js";
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
    const array = new DataView(saved.memory.read(saved.mfnArrayStart * saved.pageSize, saved.streamFrames.length * 8).buffer);
    saved.streamFrames.forEach((mfn, i) => expect(array.getBigUint64(8 * i, true)).toBe(BigInt(mfn)));
  });

  it("writes the records in the order of the handover spec", () => {
    const { records } = savedStream(saved);
    const types = records.map((r) => r.type);
    const perDomain = [0x40000003, 0x0a, 0x09, 0x40000004];
    expect(types).toEqual([0x40000000, 0x40000001, ...Array.from({ length: SMALL_HOST_SPEC.domains }, () => perDomain).flat(), 0]);
    expect(records[records.length - 1]?.offset).toBe(saved.streamBytes - 8);
  });

  it("materialises only the stream pages, the MFN array and the breadcrumb frame", () => {
    expect(saved.memory.backedCount).toBe(saved.streamFrames.length + saved.mfnArrayFrames + 1);
  });
});
