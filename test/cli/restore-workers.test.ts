/**
 * `lu restore --workers N` (cli/restore.ts): the same restore, document and errors with any number
 * of threads; the pool's start-up reported apart from the restore.
 */
import { spawnSync } from "node:child_process";
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";
import { save } from "../../liveupdate/save.js";
import { savedStream } from "../liveupdate/stream-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "lu-workers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The document without what differs by design (times, thread count, pool start-up). */
function restored(doc: Record<string, unknown>): Record<string, unknown> {
  const {
    passes: _p,
    restore_ms: _r,
    cold_restore_ms: _c,
    mb_per_s: _m,
    mframes_per_s: _f,
    workers: _w,
    pool_startup_ms: _s,
    ...rest
  } = doc;
  return rest;
}

describe("lu restore --workers", () => {
  const args = ["--small", "--domains", "3", "--frames-per-domain", "3000", "--seed", "11", "--extent-frames", "1"];
  const image = join(dir, "host.img");
  const made = lu("save", "--out", image, ...args, "--json");
  const bootmem = String((JSON.parse(made.stdout) as { bootmem: number }).bootmem);

  it("restores the same host with 1, 2 and 4 threads, the pool's start-up apart", () => {
    const docs = [1, 2, 4].map((n) => {
      const r = lu("restore", image, "--bootmem", bootmem, "--json", "--workers", String(n));
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    });
    expect(docs.map((d) => [d.workers, d.pool_startup_ms === null])).toEqual([
      [1, true],
      [2, false],
      [4, false],
    ]);
    expect(docs[1]?.pool_startup_ms).toBeGreaterThan(0);
    expect(restored(docs[1] ?? {})).toEqual(restored(docs[0] ?? {}));
    expect(restored(docs[2] ?? {})).toEqual(restored(docs[0] ?? {}));
  });

  it("says in the summary how many threads ran pass 1 and what the pool cost to start", () => {
    const r = lu("restore", image, "--bootmem", bootmem, "--workers", "2");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /pass 1 on 2 threads \(worker pool started in [0-9.]+ ms, before and apart from the restore\)/,
    );
    expect(lu("restore", image, "--bootmem", bootmem, "--workers", "1").stdout).toMatch(/pass 1 on 1 thread\n/);
  });

  it("reports a frame owned twice with the same line and exit status on any number of threads", () => {
    const saved = save({ ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 3000, seed: 11, extentFrames: 1 });
    const { records } = savedStream(saved);
    const lists = records.filter((r) => r.type === 0x40000004);
    const last = lists[lists.length - 1];
    if (last === undefined) throw new Error("no lists");
    // Entry 2500 of the last list repeats a frame of the first domain.
    const offset = last.offset + 16 + 8 * 2500;
    const bad = join(dir, "bad.img");
    copyFileSync(image, bad);
    const fd = openSync(bad, "r+");
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(saved.domains[0]?.frames[7] ?? 0), true);
    writeSync(
      fd,
      bytes,
      0,
      8,
      (saved.streamFrames[Math.floor(offset / saved.pageSize)] ?? 0) * saved.pageSize + (offset % saved.pageSize),
    );
    closeSync(fd);
    const runs = [1, 2, 3].map((n) => lu("restore", bad, "--bootmem", bootmem, "--workers", String(n)));
    for (const r of runs) {
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(runs[0]?.stderr);
    }
    expect(runs[0]?.stderr).toMatch(new RegExp(`offset ${offset} .*already owned by domain 1`));
  });

  it("refuses a thread count below 1", () => {
    const r = lu("restore", "--demo", "--small", "--workers", "0");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers must be an integer >= 1/);
  });
});
