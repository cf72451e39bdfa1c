/**
 * `lu save` → image file → `lu restore --json`, through the real command line (cli/save.ts,
 * cli/restore.ts): the JSON document carries every domain's LU_DOMAIN_INFO fields, and a wrong
 * bootmem frame is exit 1 with the location.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatHandle } from "../../liveupdate/saved-domain.js";
import { save } from "../../liveupdate/save.js";
import { SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";

const dir = mkdtempSync(join(tmpdir(), "lu-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("lu save / lu restore", () => {
  const image = join(dir, "host.img");
  const args = ["--small", "--domains", "3", "--frames-per-domain", "300", "--seed", "7"];

  it("round-trips through an image file, with every domain field in --json", () => {
    const saved = lu("save", "--out", image, ...args, "--json");
    expect(saved.status).toBe(0);
    const info = JSON.parse(saved.stdout) as { bootmem: number; stream_bytes: number; records: number };
    const r = lu("restore", image, "--bootmem", String(info.bootmem), "--json", "--repeat", "3");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      domains: Array<Record<string, unknown>>;
      frames: number;
      records: number;
      stream_bytes: number;
      bytes_copied: number;
      passes: Record<string, number>;
      restore_ms: number;
      cold_restore_ms: number;
    };
    // The same spec saved in memory is what the file must hold.
    const want = save({ ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 300, seed: 7 });
    expect(doc.domains).toEqual(
      want.domains.map((d) => ({
        domain_id: d.domainId,
        type: d.type,
        page_shift: d.pageShift,
        handle: formatHandle(d.handle),
        ssidref: d.ssidref,
        flags: d.flags,
        max_vcpus: d.maxVcpus,
        emulation_flags: d.emulationFlags,
        extra_flags: d.extraFlags,
        param_count: d.params.length,
        frames: d.frames.length,
        hvm_records: d.hvmRecords.length,
        other_records: 0,
      })),
    );
    expect(doc.frames).toBe(900);
    expect(doc.records).toBe(info.records);
    expect(doc.stream_bytes).toBe(info.stream_bytes);
    expect(doc.bytes_copied).toBe(0);
    expect(Object.keys(doc.passes)).toEqual(["locate", "pass0", "pass1", "pass2"]);
    expect(doc.restore_ms).toBeGreaterThan(0);
    expect(doc.cold_restore_ms).toBeGreaterThan(0);
  });

  it("writes an image the schema-driven validator accepts (lu validate --image)", () => {
    const r = lu("validate", image, "--image", "--bootmem", "16");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok \(image, \d+ records\)/);
  });

  it("prints a summary line with MB/s", () => {
    const r = lu("restore", image, "--bootmem", "16");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^restored 3 domains, 900 frames, \d+ records from .* MiB of stream in [\d.]+ ms: [\d.]+ MB\/s/);
  });

  it("exits 1 with the location when the bootmem frame holds no breadcrumb", () => {
    const r = lu("restore", image, "--bootmem", "17", "--json");
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { code: string; offset: number; message: string } };
    expect(doc.error.code).toBe("restore/breadcrumb");
    expect(doc.error.offset).toBe(17 * 4096);
  });

  it("exits 2 on usage errors", () => {
    expect(lu("restore", image).status).toBe(2);
    expect(lu("restore", join(dir, "missing.img"), "--bootmem", "1").status).toBe(2);
  });
});
