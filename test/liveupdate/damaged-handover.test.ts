/**
 * Nothing lost silently: damaged handovers that used to restore part of a host and report success.
 * Each image is a saved host patched the way another writer (or a fault) would leave it — an MFN
 * array entry pointing at a zero frame, a stream page or the MFN array inside the bootmem, a
 * breadcrumb that promises too few pages — or a stream laid out by hand (stream-fixture.ts). Each
 * must fail the restore (all-or-nothing, the caller's table untouched) and be a located problem in
 * `lu validate --image` and `lu dump --image`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { runValidate } from "../../cli/validate.js";
import { FrameTable } from "../../liveupdate/frame-table.js";
import { SMALL_HOST_SPEC, type HostSpec } from "../../liveupdate/host-spec.js";
import { RestoreError, type RestoreProblem } from "../../liveupdate/restore-error.js";
import type { RestoredDomain } from "../../liveupdate/restored-domain.js";
import { save, type SavedHost } from "../../liveupdate/save.js";
import type { MachineMemory } from "../../runtime/machine-memory.js";
import { writeMemoryImage } from "../../runtime/memory-image.js";
import { domainInfo, domainPages, encodeStream, handImage, le64, savedStream } from "./stream-fixture.js";
import { restoreBothPaths } from "./claim-paths.js";

const SPEC: HostSpec = { ...SMALL_HOST_SPEC, domains: 6, framesPerDomain: 1500 };
const dir = mkdtempSync(join(tmpdir(), "lu-damaged-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Restores expecting `problem`; the caller's frame table and domain list must be untouched. */
function expectRestoreFailure(
  memory: MachineMemory,
  bootmem: number,
  bootmemFrames: number,
  problem: RestoreProblem,
): RestoreError {
  const frameTable = new FrameTable(memory.frameCount);
  const before = frameTable.owners.slice();
  const domains: RestoredDomain[] = [];
  let caught: unknown;
  try {
    restoreBothPaths(memory, { bootmem, bootmemFrames, frameTable, domains });
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RestoreError);
  const err = caught as RestoreError;
  expect({ problem: err.problem, message: err.message }).toMatchObject({ problem });
  expect(domains).toEqual([]);
  expect(Buffer.from(frameTable.owners.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  return err;
}

/** `lu validate --image` and `lu dump --image` on `memory` written to a file: exit code and problems. */
function inspect(
  memory: MachineMemory,
  name: string,
  bootmem: string,
): { validate: { code: number; out: string }; dump: { code: number; err: string } } {
  const path = join(dir, name);
  writeMemoryImage(memory, path);
  let out = "";
  let err = "";
  const code = runValidate(
    path,
    { image: true, bootmem, pageSize: String(memory.pageSize) },
    (t) => (out += t),
    (t) => (err += t),
  );
  expect(err).toBe("");
  let dumpErr = "";
  const dumpCode = runDump(
    path,
    { image: true, bootmem, pageSize: String(memory.pageSize) },
    () => undefined,
    (t) => (dumpErr += t),
  );
  return { validate: { code, out }, dump: { code: dumpCode, err: dumpErr } };
}

/** A frame that reads as zeros: free in the saved machine and never written. */
function zeroFrame(saved: SavedHost): number {
  const f = saved.memory.nextFree(saved.bootmemStart + saved.bootmemFrames);
  expect(f).toBeGreaterThan(0);
  expect(saved.memory.isBacked(f)).toBe(false);
  return f;
}

function setMfnEntry(saved: SavedHost, k: number, mfn: number): void {
  saved.memory.write(saved.mfnArrayStart * saved.pageSize + 8 * k, le64(BigInt(mfn)));
}

describe("an END before the last stream page", () => {
  it("a stream page that reads as zeros (MFN array entry patched): restore fails naming the unread pages", () => {
    // 1107 frames a domain puts a domain's LU_DOMAIN_INFO at the start of stream page 17: a zero
    // page there reads as END, exactly the damage that used to restore the first domains silently.
    const saved = save({ ...SPEC, framesPerDomain: 1107 });
    const n = saved.streamFrames.length;
    const k = 17;
    expect(savedStream(saved).records.some((r) => r.offset === k * saved.pageSize && r.type === 0x40000003)).toBe(true);
    const zero = zeroFrame(saved);
    setMfnEntry(saved, k, zero);
    const err = expectRestoreFailure(saved.memory, saved.bootmemStart, saved.bootmemFrames, "missing-end");
    expect(err.message).toContain(`the END record lies in stream page ${k} (frame ${zero}) of ${n}`);
    expect(err.message).toContain(
      `${n - k - 1} stream page(s) never read, pages ${k + 1}..${n - 1} (frames ${saved.streamFrames[k + 1]}, `,
    );
    expect(err.where.offset).toBe(k * saved.pageSize);

    const r = inspect(saved.memory, "early-end.img", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.validate.code).toBe(1);
    expect(r.validate.out).toMatch(
      new RegExp(
        `offset ${k * saved.pageSize} .*END: the END record lies in stream page ${k} .*never read, pages ${k + 1}\\.\\.${n - 1} .*\\[early-end\\]`,
      ),
    );
    expect(r.dump.code).toBe(1);
    expect(r.dump.err).toMatch(new RegExp(`problem: .*never read, pages ${k + 1}\\.\\.`));
  });

  it("a zero page in the middle of a record fails too (the zeros are read as frame 0, twice)", () => {
    const saved = save(SPEC);
    setMfnEntry(saved, 3, zeroFrame(saved));
    const err = expectRestoreFailure(saved.memory, saved.bootmemStart, saved.bootmemFrames, "frame-owned");
    expect(err.message).toMatch(/frame 0 of domain \d+ is already owned by domain \d+/);
  });

  it("a hand-laid stream whose last page reads as zeros: the END is found early, page 2 unread", () => {
    const ps = 4096;
    const stream = encodeStream([
      { type: 0x40000003, body: domainInfo({ domainId: 1 }) },
      { type: 0x40000004, body: domainPages(Array.from({ length: 500 }, (_, i) => 2000 + i)) },
      // Padding up to the end of page 0 with an optional record, so the END opens page 1.
      { type: 0x80000001, body: new Uint8Array(ps - 56 - 4008 - 16) },
      { type: 0x40000003, body: domainInfo({ domainId: 2 }) },
      { type: 0x40000004, body: domainPages(Array.from({ length: 510 }, (_, i) => 2600 + i)) },
      { type: 0, body: new Uint8Array(0) },
    ]);
    const im = handImage(stream, 4096, ps);
    expect(im.streamFrames.length).toBe(3);
    // Page 1 starts with domain 2's LU_DOMAIN_INFO; zeroed, it reads as END.
    im.memory.frame(im.streamFrames[1] ?? 0).fill(0);
    const err = expectRestoreFailure(im.memory, im.bootmem, 4, "missing-end");
    expect(err.message).toContain(
      `the END record lies in stream page 1 (frame ${im.streamFrames[1]}) of 3: 1 stream page(s) never read, page 2 (frame ${im.streamFrames[2]})`,
    );
  });

  it("non-zero octets after END in the last page", () => {
    const saved = save(SPEC);
    const { src } = savedStream(saved);
    const at = saved.streamBytes + 40;
    expect(at).toBeLessThan(saved.streamFrames.length * saved.pageSize);
    src.window(at, 1).setUint8(src.windowOffset, 0x5a);
    const err = expectRestoreFailure(saved.memory, saved.bootmemStart, saved.bootmemFrames, "padding");
    expect(err.message).toMatch(
      /octet 0x5a after the END record in the last stream page .*only zero fill may follow END/,
    );
    expect(err.where.offset).toBe(at);
    const r = inspect(saved.memory, "after-end.img", String(saved.bootmemStart));
    expect(r.validate.code).toBe(1);
    expect(r.validate.out).toMatch(/octet 0x5a after the END record .*\[data-after-end\]/);
  });
});

describe("a stream that runs past its last page", () => {
  it("a breadcrumb promising one page too few: restore fails naming the last page", () => {
    const saved = save(SPEC);
    const n = saved.streamFrames.length;
    saved.memory.write(saved.bootmemStart * saved.pageSize + 16, le64(BigInt(n - 1) << 12n));
    const err = expectRestoreFailure(saved.memory, saved.bootmemStart, saved.bootmemFrames, "truncated");
    expect(err.message).toContain(
      `the stream runs past its last page (page ${n - 2}, frame ${saved.streamFrames[n - 2]}; ${n - 1} pages`,
    );
    const r = inspect(saved.memory, "overrun.img", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.validate.code).toBe(1);
    expect(r.validate.out).toMatch(
      new RegExp(
        `the stream runs past its last page \\(page ${n - 2}, frame ${saved.streamFrames[n - 2]};.*\\[stream-overrun\\]`,
      ),
    );
  });
});

describe("the live update bootmem is a range", () => {
  it("a stream page inside the bootmem beyond its first frame", () => {
    const saved = save(SPEC);
    const inside = saved.bootmemStart + 5;
    // Move stream page 2 into the bootmem (same bytes, so the stream itself is intact).
    saved.memory.frame(inside).set(saved.memory.frame(saved.streamFrames[2] ?? 0));
    setMfnEntry(saved, 2, inside);
    const err = expectRestoreFailure(saved.memory, saved.bootmemStart, saved.bootmemFrames, "stream-page");
    // The saved machine reserves its bootmem, so the runtime's MFN array walk already refuses it.
    expect(err.message).toContain(`data page 2 is frame ${inside}, inside the bootmem`);
    expect(err.where.offset).toBe(saved.mfnArrayStart * saved.pageSize + 16);
    const r = inspect(saved.memory, "page-in-bootmem.img", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.validate.code).toBe(1);
    expect(r.validate.out).toMatch(new RegExp(`data page 2 is frame ${inside}, inside the live update bootmem`));
    // Told only the first frame, nothing can be seen: the range is what makes the check possible.
    expect(inspect(saved.memory, "page-in-bootmem-first.img", String(saved.bootmemStart)).validate.code).toBe(0);
    // With a size instead of a count: 16 frames of 4 KiB.
    const bySize = inspect(saved.memory, "page-in-bootmem-size.img", `${saved.bootmemStart}:64K`);
    expect(bySize.validate.code).toBe(1);
  });

  it("the MFN array inside the bootmem", () => {
    const saved = save(SPEC);
    const inside = saved.bootmemStart + 8;
    for (let f = 0; f < saved.mfnArrayFrames; f++)
      saved.memory.frame(inside + f).set(saved.memory.frame(saved.mfnArrayStart + f));
    saved.memory.write(saved.bootmemStart * saved.pageSize + 8, le64(BigInt(inside * saved.pageSize)));
    const err = expectRestoreFailure(saved.memory, saved.bootmemStart, saved.bootmemFrames, "mfn-array");
    expect(err.message).toContain(`the MFN array (frame${saved.mfnArrayFrames > 1 ? "s" : ""} ${inside}`);
    expect(err.message).toContain(`lies inside the live update bootmem (frames ${saved.bootmemStart}..`);
    expect(err.where.offset).toBe(saved.bootmemStart * saved.pageSize + 8);
    const r = inspect(saved.memory, "array-in-bootmem.img", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.validate.code).toBe(1);
    expect(r.validate.out).toMatch(new RegExp(`the MFN array .* has frame ${inside} inside the live update bootmem`));
  });

  it("a domain page inside the bootmem is owned by Xen's bootmem, not silently given to the domain", () => {
    const saved = save(SPEC);
    const { src, records } = savedStream(saved);
    const pages = records.find((r) => r.type === 0x40000004);
    expect(pages).toBeDefined();
    const at = (pages?.offset ?? 0) + 16 + 8 * 7;
    const inside = saved.bootmemStart + 3;
    src.window(at, 8).setBigUint64(src.windowOffset, BigInt(inside), true);
    const err = expectRestoreFailure(saved.memory, saved.bootmemStart, saved.bootmemFrames, "frame-owned");
    expect(err.message).toContain(
      `frame ${inside} of domain ${saved.domains[0]?.domainId} is already owned by Xen (the live update bootmem)`,
    );
    expect(err.where.offset).toBe(at);
    // After a successful restore the bootmem is not owned by anyone in the table.
    const clean = save(SPEC);
    const table = new FrameTable(clean.frameCount);
    restoreBothPaths(clean.memory, {
      bootmem: clean.bootmemStart,
      bootmemFrames: clean.bootmemFrames,
      frameTable: table,
      domains: [],
    });
    for (let f = clean.bootmemStart; f < clean.bootmemStart + clean.bootmemFrames; f++)
      expect(table.owner(f)).toBe(0xffff);
  });

  it("a bootmem frame the caller's table already gives an owner is refused, named by its owner", () => {
    const saved = save(SPEC);
    const table = new FrameTable(saved.frameCount);
    table.owners[saved.bootmemStart + 2] = 0x7ff2;
    expect(() =>
      restoreBothPaths(saved.memory, {
        bootmem: saved.bootmemStart,
        bootmemFrames: saved.bootmemFrames,
        frameTable: table,
        domains: [],
      }),
    ).toThrow(`bootmem frame ${saved.bootmemStart + 2} is already owned by Xen (stream, MFN array or M2P)`);
  });
});
