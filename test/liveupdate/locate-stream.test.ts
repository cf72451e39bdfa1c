import { describe, expect, it } from "vitest";
import { DOMID_XEN, FRAME_FREE, FrameTable } from "../../liveupdate/frame-table.js";
import { SMALL_HOST_SPEC, type HostSpec } from "../../liveupdate/host-spec.js";
import { locateStream, releaseLocated } from "../../liveupdate/locate-stream.js";
import { RestoreError } from "../../liveupdate/restore-error.js";
import { save, type SavedHost } from "../../liveupdate/save.js";
import { le64 } from "./stream-fixture.js";

const SPEC: HostSpec = { ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 600, hvmParams: 3 };

function setEntry(saved: SavedHost, i: number, mfn: number): void {
  saved.memory.write(saved.mfnArrayStart * saved.pageSize + 8 * i, le64(BigInt(mfn)));
}

function locateFailure(saved: SavedHost, table: FrameTable): RestoreError {
  const before = table.owners.slice();
  let caught: unknown;
  try {
    locateStream(saved.memory, saved.bootmemStart, 2 ** 20, saved.bootmemFrames, table);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RestoreError);
  // All or nothing: every claim made before the failure is released.
  expect(Buffer.from(table.owners.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  return caught as RestoreError;
}

describe("locateStream with a frame table", () => {
  it("claims the stream pages and the MFN array frames for Xen, and releaseLocated frees them", () => {
    const saved = save(SPEC);
    const table = new FrameTable(saved.frameCount);
    const located = locateStream(saved.memory, saved.bootmemStart, 2 ** 20, saved.bootmemFrames, table);
    expect(located.claimedIn).toBe(table);
    const want = [
      ...saved.streamFrames,
      ...Array.from({ length: saved.mfnArrayFrames }, (_, f) => saved.mfnArrayStart + f),
    ].sort((a, b) => a - b);
    expect(table.framesOf(DOMID_XEN)).toEqual(want);
    releaseLocated(located);
    expect(table.ownedCount()).toBe(0);
  });

  it("finds a page listed twice by its second claim, at that entry, without sorting", () => {
    const saved = save(SPEC);
    setEntry(saved, 5, saved.streamFrames[2] ?? 0);
    const err = locateFailure(saved, new FrameTable(saved.frameCount));
    expect([err.problem, err.stage]).toEqual(["stream-page", "locate"]);
    expect(err.message).toContain(`data page 5 is frame ${saved.streamFrames[2]}, listed earlier in the MFN array too`);
    expect(err.where.offset).toBe(saved.mfnArrayStart * saved.pageSize + 40);
  });

  it("reports whichever comes first in the array, a duplicate or an entry outside the machine", () => {
    const dupFirst = save(SPEC);
    setEntry(dupFirst, 3, dupFirst.streamFrames[1] ?? 0);
    setEntry(dupFirst, 4, dupFirst.frameCount + 1);
    expect(locateFailure(dupFirst, new FrameTable(dupFirst.frameCount)).message).toMatch(
      /data page 3 .* listed earlier/,
    );
    const outsideFirst = save(SPEC);
    setEntry(outsideFirst, 3, outsideFirst.frameCount + 1);
    setEntry(outsideFirst, 4, outsideFirst.streamFrames[1] ?? 0);
    expect(locateFailure(outsideFirst, new FrameTable(outsideFirst.frameCount)).message).toMatch(
      /data page 3 .* outside the machine/,
    );
  });

  it("refuses a stream page or an MFN array frame the caller's table gives someone else", () => {
    const saved = save(SPEC);
    const page = new FrameTable(saved.frameCount);
    page.owners[saved.streamFrames[4] ?? 0] = 7;
    const e1 = locateFailure(saved, page);
    expect([e1.problem, e1.message]).toEqual([
      "frame-owned",
      expect.stringContaining(`stream page 4: frame ${saved.streamFrames[4]} is already owned by domain 7`),
    ]);
    const array = new FrameTable(saved.frameCount);
    array.owners[saved.mfnArrayStart] = DOMID_XEN;
    const e2 = locateFailure(saved, array);
    expect(e2.problem).toBe("frame-owned");
    expect(e2.message).toContain(`MFN array frame ${saved.mfnArrayStart} is already owned by Xen`);
    expect(e2.where.offset).toBe(saved.mfnArrayStart * saved.pageSize);
    expect(array.owners[saved.streamFrames[0] ?? 0]).toBe(FRAME_FREE);
  });
});
