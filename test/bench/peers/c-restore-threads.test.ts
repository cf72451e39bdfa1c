/**
 * The C restore on several threads (bench/peers/c/lu-restore.c, THREADS > 1), which the parallel
 * table of the benchmark holds lu-codec's pool against: it restores the same domains and the same
 * frame table as on one thread (and as lu-codec), and a guest frame listed by two domains, whose
 * lists different threads claim, is refused with the one-thread error at the same place, whether
 * the threads find conflicts by counting (as lu-codec) or by compare-and-exchange.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCRestore, runCRestore, type CClaims } from "../../../bench/peers/c-restore.js";
import { fingerprint, frameTableDigest } from "../../../bench/peers/peer-result.js";
import { gather, toPeer } from "../../../bench/stream-restore.bench.js";
import { FrameTable } from "../../../liveupdate/frame-table.js";
import { SMALL_HOST_SPEC } from "../../../liveupdate/host-spec.js";
import { restore } from "../../../liveupdate/restore.js";
import { save, type SavedHost } from "../../../liveupdate/save.js";
import { writeMemoryImage } from "../../../runtime/memory-image.js";
import { haveCompiler } from "../../../bench/c-compiler.js";

/** 8 domains of 4096 scattered frames: 64 lists of a page each, so every thread gets runs. */
const SPEC = { ...SMALL_HOST_SPEC, framesPerDomain: 4096, extentFrames: 1 };

/** Stream offsets of the first entry of every LU_DOMAIN_PAGES list, in stream order. */
function listStarts(saved: SavedHost): number[] {
  const g = gather(saved);
  const dv = new DataView(g.buffer, g.byteOffset, g.byteLength);
  const out: number[] = [];
  for (let off = 0; off < g.byteLength; ) {
    const type = dv.getUint32(off, true);
    if (type === 0) break;
    if (type === 0x40000004) out.push(off + 16);
    off += 8 + Math.ceil(dv.getUint32(off + 4, true) / 8) * 8;
  }
  return out;
}

/** Machine address of a stream offset. */
function physical(saved: SavedHost, offset: number): number {
  return (saved.streamFrames[Math.floor(offset / saved.pageSize)] ?? 0) * saved.pageSize + (offset % saved.pageSize);
}

describe.skipIf(haveCompiler() === undefined)("the C restore on several threads", () => {
  let dir: string;
  let bin: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "lu-c-threads-"));
    const built = buildCRestore(dir);
    if (built === undefined) throw new Error("no C compiler");
    bin = built;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("restores the same domains and frame table on 1, 2 and 3 threads as lu-codec", () => {
    const saved = save(SPEC);
    const table = new FrameTable(saved.frameCount);
    const lu = toPeer(restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: table, domains: [] }));
    const img = join(dir, "host.img");
    writeMemoryImage(saved.memory, img);
    const image = { image: img, bootmem: saved.bootmemStart, pageSize: saved.pageSize, repeat: 3 };
    const one = runCRestore(bin, image);
    expect(one.threads).toBe(1);
    expect(one.claims).toBe("serial");
    expect(one.fingerprint).toBe(fingerprint(lu));
    expect(one.table_digest).toBe(frameTableDigest(table.owners));
    const runs: [number, CClaims][] = [
      [2, "count"],
      [3, "count"],
      [2, "cas"],
    ];
    for (const [threads, claims] of runs) {
      const doc = runCRestore(bin, { ...image, threads, claims });
      expect(doc.threads).toBe(threads);
      expect(doc.claims).toBe(claims);
      expect(doc.fingerprint).toBe(one.fingerprint);
      expect(doc.table_digest).toBe(one.table_digest);
      expect(doc.runs_ms).toHaveLength(3);
      expect(doc.pass1_ms?.every((ms) => ms >= 0)).toBe(true);
    }
  });

  it("refuses a frame listed by the first and the last domain with the one-thread error", () => {
    const saved = save(SPEC);
    const starts = listStarts(saved);
    expect(starts.length).toBeGreaterThanOrEqual(8);
    const first = starts[0] ?? 0;
    const last = starts[starts.length - 1] ?? 0;
    // The last list's first entry becomes the first list's first frame: the later claim is refused.
    saved.memory.write(physical(saved, last), saved.memory.read(physical(saved, first), 8).slice());
    expect(() =>
      restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: new FrameTable(saved.frameCount), domains: [] }),
    ).toThrow(/already owned/);

    const img = join(dir, "dup.img");
    writeMemoryImage(saved.memory, img);
    const args = [img, String(saved.bootmemStart), String(saved.pageSize), "2"];
    const one = spawnSync(bin, args, { encoding: "utf8" });
    expect(one.status).toBe(1);
    expect(one.stderr).toBe(`lu-restore: frame owned twice (at ${last})\n`);
    for (const extra of [
      ["2", "count"],
      ["3", "count"],
      ["2", "cas"],
    ]) {
      const many = spawnSync(bin, [...args, ...extra], { encoding: "utf8" });
      expect({ status: many.status, stderr: many.stderr, stdout: many.stdout }).toEqual({
        status: 1,
        stderr: one.stderr,
        stdout: "",
      });
    }
  });

  it("rejects a thread count it cannot run", () => {
    const r = spawnSync(bin, ["/nonexistent", "16", "4096", "1", "0"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/THREADS is 1 to 1024/);
  });
});
