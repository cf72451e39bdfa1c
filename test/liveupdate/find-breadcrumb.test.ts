/**
 * The breadcrumb finder on a saved host: it finds the one breadcrumb, refuses page starts that only
 * carry the magic (saying why), refuses ambiguity naming every consistent candidate, and says what
 * it scanned when it finds nothing.
 */
import { describe, expect, it } from "vitest";
import { LU_MAGIC } from "../../generated/live-update.js";
import { breadcrumbVerdict, findBreadcrumb, maskedMagic, MAX_JUDGED } from "../../liveupdate/find-breadcrumb.js";
import { SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";
import { save } from "../../liveupdate/save.js";
import { BREADCRUMB_SIZE } from "../../runtime/breadcrumb.js";
import { MachineMemory } from "../../runtime/machine-memory.js";

const spec = { ...SMALL_HOST_SPEC, domains: 2, framesPerDomain: 200, seed: 11 };

/** A fresh saved host, and free frames nothing uses (for decoys). */
function host(): { memory: MachineMemory; bootmem: number; free: number[]; mfnArray: number; firstPage: number } {
  const saved = save(spec);
  const free: number[] = [];
  for (let f = saved.memory.nextFree(0); free.length < 4 && f >= 0; f = saved.memory.nextFree(f + 1))
    if (!saved.memory.isBacked(f)) free.push(f);
  return {
    memory: saved.memory,
    bootmem: saved.bootmemStart,
    free,
    mfnArray: saved.mfnArrayStart,
    firstPage: saved.streamFrames[0] ?? -1,
  };
}

function u64(memory: MachineMemory, addr: number, value: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, value, true);
  memory.write(addr, b);
}

describe("findBreadcrumb", () => {
  it("takes the magic from the schema: LU_MAGIC for 4 KiB pages, the same magic masked for others", () => {
    expect(maskedMagic(4096)).toBe(LU_MAGIC);
    expect(maskedMagic(65536)).toBe(LU_MAGIC & ~0xffffn);
  });

  it("finds the saved host's breadcrumb in the whole machine and in a range, untouched frames left unbacked", () => {
    const h = host();
    const backed = h.memory.backedCount;
    const whole = findBreadcrumb(h.memory);
    expect(whole.candidates.map((c) => [c.frame, c.accepted])).toEqual([[h.bootmem, true]]);
    expect(whole.scanned).toEqual({ start: 0, count: h.memory.frameCount });
    expect(h.memory.backedCount).toBe(backed);
    const verdict = breadcrumbVerdict(whole, 4096);
    expect(verdict).toMatchObject({ kind: "found", frame: h.bootmem });
    const ranged = findBreadcrumb(h.memory, { within: { start: h.bootmem, count: spec.bootmemFrames } });
    expect(ranged.candidates.map((c) => c.frame)).toEqual([h.bootmem]);
    expect(ranged.candidates[0]?.reason).toMatch(/the first record is LU_VERSION/);
  });

  it("refuses page starts that carry only the magic, each with its reason, and still finds the real one", () => {
    const h = host();
    const [bare, badArray, badFirst] = h.free;
    if (bare === undefined || badArray === undefined || badFirst === undefined) throw new Error("no free frames");
    const ps = h.memory.pageSize;
    u64(h.memory, bare * ps, LU_MAGIC); // nothing after it: zero pages
    // A breadcrumb whose MFN array's first entry is outside the machine.
    u64(h.memory, badArray * ps, LU_MAGIC);
    u64(h.memory, badArray * ps + 8, BigInt(h.free[3] ?? 0) * BigInt(ps));
    u64(h.memory, badArray * ps + 16, 1n << 12n);
    u64(h.memory, (h.free[3] ?? 0) * ps, BigInt(h.memory.frameCount + 5));
    // A copy of the real breadcrumb pointing at an array whose first page is not a record.
    h.memory.write(badFirst * ps, h.memory.read(h.bootmem * ps, BREADCRUMB_SIZE));
    u64(h.memory, h.firstPage * ps, 0x7777n); // type 0x7777: not a record the schema names
    const result = findBreadcrumb(h.memory);
    const byFrame = new Map(result.candidates.map((c) => [c.frame, c]));
    expect(byFrame.get(bare)?.reason).toMatch(/no data pages/);
    expect(byFrame.get(badArray)?.reason).toMatch(
      new RegExp(`MFN array entry 0 is frame ${h.memory.frameCount + 5}, outside the machine`),
    );
    expect(byFrame.get(badFirst)?.reason).toMatch(/type 0x7777 is not one the schema names/);
    expect(byFrame.get(h.bootmem)?.accepted).toBe(false); // the real one shares the damaged first page
    const verdict = breadcrumbVerdict(result, ps);
    expect(verdict.kind).toBe("none");
    if (verdict.kind !== "found")
      expect(verdict.message).toMatch(
        /no consistent breadcrumb in .*page\(s\) start with the magic 0x4c69766555706000 but were refused \(frame/,
      );
  });

  it("refuses ambiguity: two consistent breadcrumbs are both named", () => {
    const h = host();
    const copy = h.free[0] ?? -1;
    h.memory.write(copy * h.memory.pageSize, h.memory.read(h.bootmem * h.memory.pageSize, BREADCRUMB_SIZE));
    const verdict = breadcrumbVerdict(findBreadcrumb(h.memory), h.memory.pageSize);
    expect(verdict.kind).toBe("ambiguous");
    const [a, b] = [h.bootmem, copy].sort((x, y) => x - y);
    if (verdict.kind === "ambiguous")
      expect(verdict.message).toMatch(
        new RegExp(
          `^2 consistent breadcrumbs in .*: frame ${a} \\(\\d+ pages\\), frame ${b} \\(\\d+ pages\\); give the bootmem with --bootmem FRAME\\[:COUNT\\]$`,
        ),
      );
  });

  it("judges at most MAX_JUDGED candidates, so a page start of magic everywhere costs no frame per page, and refuses then", () => {
    const memory = new MachineMemory({ frameCount: 4096 });
    const magic = new Uint8Array(8);
    new DataView(magic.buffer).setBigUint64(0, LU_MAGIC, true);
    for (let f = 0; f < 4096; f++) memory.frame(f).set(magic);
    const backed = memory.backedCount;
    const result = findBreadcrumb(memory);
    expect(result.candidates.length).toBe(MAX_JUDGED);
    expect(result.unjudged).toBe(4096 - MAX_JUDGED);
    expect(memory.backedCount).toBe(backed);
    const verdict = breadcrumbVerdict(result, 4096);
    expect(verdict.kind).toBe("ambiguous");
    if (verdict.kind !== "found")
      expect(verdict.message).toBe(
        `4096 of the 4096 page start(s) of frames 0..4095 hold the live update magic; only the first ${MAX_JUDGED} were judged (0 consistent): give the liveupdate= range with --bootmem auto:FRAME:COUNT, or the bootmem with --bootmem FRAME[:COUNT]`,
      );
  });

  it("says what it scanned when no page starts with the magic, skipping absent frames", () => {
    const memory = new MachineMemory({ frameCount: 64, absent: [{ start: 10, count: 6 }] });
    memory.frame(3)[0] = 0x61;
    const progress: number[] = [];
    const result = findBreadcrumb(memory, { onProgress: (done) => progress.push(done) });
    expect(result.absent).toBe(6);
    expect(progress).toEqual([0, 64]);
    expect(breadcrumbVerdict(result, 4096)).toEqual({
      kind: "none",
      message:
        "no breadcrumb found: none of 58 page start(s) of frames 0..63 (6 absent frame(s) skipped) holds the live update magic 0x4c69766555706000",
    });
    expect(() => findBreadcrumb(memory, { within: { start: 60, count: 10 } })).toThrow(RangeError);
  });
});
