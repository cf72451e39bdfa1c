/**
 * `lu save` → image file → `lu restore --json`, through the real command line (cli/save.ts,
 * cli/restore.ts): the JSON document carries every domain's LU_DOMAIN_INFO fields, and a wrong
 * bootmem frame is exit 1 with the location.
 */
import { spawnSync } from "node:child_process";
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatHandle } from "../../liveupdate/saved-domain.js";
import { save } from "../../liveupdate/save.js";
import { SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";
import { savedStream } from "./stream-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "lu-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return luWith({}, ...args);
}

/** `lu` with extra environment (the EIO preload reads LU_TEST_EIO_*). */
function luWith(
  env: Record<string, string>,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const preload = Object.keys(env).length > 0 ? ["--require", "./test/liveupdate/eio-preload.cjs"] : [];
  const r = spawnSync(process.execPath, [...preload, "--import", "tsx", "cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of `image` with `bytes` written at stream offset `offset` (through the saved stream's pages). */
function patchedCopy(
  image: string,
  name: string,
  saved: ReturnType<typeof save>,
  offset: number,
  bytes: Uint8Array,
): string {
  const out = join(dir, name);
  copyFileSync(image, out);
  const fd = openSync(out, "r+");
  try {
    const page = saved.streamFrames[Math.floor(offset / saved.pageSize)] ?? 0;
    writeSync(fd, bytes, 0, bytes.length, page * saved.pageSize + (offset % saved.pageSize));
  } finally {
    closeSync(fd);
  }
  return out;
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
      claim_path: string;
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
    expect(doc.claim_path).toBe("wasm");
    // --no-wasm: the JavaScript claim loop, the same restore.
    const js = lu("restore", image, "--bootmem", String(info.bootmem), "--json", "--no-wasm");
    expect(js.status).toBe(0);
    const jsDoc = JSON.parse(js.stdout) as typeof doc;
    expect(jsDoc.claim_path).toBe("js");
    expect([jsDoc.domains, jsDoc.frames, jsDoc.records]).toEqual([doc.domains, doc.frames, doc.records]);
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
    expect(r.stdout).toMatch(
      /^restored 3 domains, 900 frames, \d+ records from .* MiB of stream in [\d.]+ ms: [\d.]+ MB\/s/,
    );
  });

  it("exits 1 with the location when the bootmem frame holds no breadcrumb", () => {
    const r = lu("restore", image, "--bootmem", "17", "--json");
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { code: string; offset: number; message: string } };
    expect(doc.error.code).toBe("restore/breadcrumb");
    expect(doc.error.offset).toBe(17 * 4096);
  });

  it("exits 2 with one line, no stack trace, when reading the image fails (I/O)", () => {
    // Only the breadcrumb frame (bootmem 16) reads; every other frame of the image fails with EIO.
    const env = { LU_TEST_EIO_PATH: image, LU_TEST_EIO_KEEP: String(16 * 4096) };
    // Detecting the format reads the file's first octets: that fails first, as an I/O error too.
    const detect = luWith(env, "restore", image, "--bootmem", "16");
    expect(detect.status).toBe(2);
    expect(detect.stderr).toMatch(
      /^lu restore: .*host\.img: I\/O error io: .*cannot read its first octets to detect the format: EIO: i\/o error, read\n$/,
    );
    // With the format given, the frames' reads fail.
    const r = luWith(env, "restore", image, "--bootmem", "16", "--image-format", "flat");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^lu restore: .*host\.img: I\/O error io: .*cannot read frame \d+: EIO: i\/o error, read\n$/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const j = luWith(env, "restore", image, "--bootmem", "16", "--json", "--image-format", "flat");
    expect(j.status).toBe(2);
    const doc = JSON.parse(j.stdout) as { error: { code: string; offset: number | null } };
    expect(doc.error.code).toBe("io");
    expect(doc.error.offset).toBeGreaterThan(0);
    // The same image reads fine without the failing disk.
    expect(lu("restore", image, "--bootmem", "16").status).toBe(0);
  });

  it("exits 1 with one line naming the problem and its location for a bad image", () => {
    const saved = save({ ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 300, seed: 7 });
    const { records } = savedStream(saved);
    const info = records.find((r) => r.type === 0x40000003);
    if (info === undefined) throw new Error("no LU_DOMAIN_INFO");
    // LU_DOMAIN_INFO's padding (octet 44 of the body) made non-zero.
    const bad = patchedCopy(image, "bad-pad.img", saved, info.offset + 8 + 44, Uint8Array.of(0x77));
    const r = lu("restore", bad, "--bootmem", "16");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const index = records.indexOf(info);
    expect(r.stderr).toBe(
      `lu restore: ${bad}: error restore/domain-info: offset ${info.offset + 52} (0x${(info.offset + 52).toString(16)}), ` +
        `record #${index}, type LU_DOMAIN_INFO (0x40000003): ` +
        "lu_domain_info: padding '_pad' holds 0x77 at octet 0, expected zero\n",
    );
    // --lenient accepts it.
    expect(lu("restore", bad, "--bootmem", "16", "--lenient").status).toBe(0);
    // A body_length running past the stream: one line, location, exit 1.
    const pages = records.find((r) => r.type === 0x40000004);
    if (pages === undefined) throw new Error("no LU_DOMAIN_PAGES");
    const cut = patchedCopy(image, "bad-length.img", saved, pages.offset + 4, Uint8Array.of(0xf0, 0xff, 0xff, 0x7f));
    const t = lu("restore", cut, "--bootmem", "16");
    expect(t.status).toBe(1);
    expect(t.stderr.split("\n")).toHaveLength(2);
    expect(t.stderr).toMatch(
      new RegExp(
        `^lu restore: .*: error restore/truncated: offset ${pages.offset} \\(0x[0-9a-f]+\\), record #${records.indexOf(pages)}, type LU_DOMAIN_PAGES`,
      ),
    );
    expect(t.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 naming the unread pages when a stream page reads as zeros (early END)", () => {
    // A saved image whose MFN array entry 17 is patched, in the file, to a frame of zeros: page 17
    // starts with a domain's LU_DOMAIN_INFO, so the zeros read as END (see damaged-handover.test.ts).
    const spec = ["--small", "--domains", "6", "--frames-per-domain", "1107"];
    const early = join(dir, "early-end.img");
    expect(lu("save", "--out", early, ...spec).status).toBe(0);
    const saved = save({ ...SMALL_HOST_SPEC, domains: 6, framesPerDomain: 1107 });
    const zero = saved.memory.nextFree(saved.bootmemStart + saved.bootmemFrames);
    const fd = openSync(early, "r+");
    try {
      const entry = new Uint8Array(8);
      new DataView(entry.buffer).setBigUint64(0, BigInt(zero), true);
      writeSync(fd, entry, 0, 8, saved.mfnArrayStart * 4096 + 8 * 17);
    } finally {
      closeSync(fd);
    }
    const n = saved.streamFrames.length;
    const r = lu("restore", early, "--bootmem", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `lu restore: ${early}: error restore/missing-end: offset ${17 * 4096} (0x${(17 * 4096).toString(16)}): ` +
        `the END record lies in stream page 17 (frame ${zero}) of ${n}: ${n - 18} stream page(s) never read, ` +
        `pages 18..${n - 1} (frames ${Array.from(saved.streamFrames.subarray(18, 26)).join(", ")}${n > 26 ? ` and ${n - 26} more` : ""})\n`,
    );
  });

  it("exits 1 naming the frame when a stream page lies inside the bootmem range (--bootmem FRAME:COUNT)", () => {
    const saved = save({ ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 300, seed: 7 });
    const moved = join(dir, "page-in-bootmem.img");
    copyFileSync(image, moved);
    const fd = openSync(moved, "r+");
    try {
      // Stream page 1's bytes copied to bootmem frame 16 + 9, and MFN array entry 1 pointed there.
      writeSync(fd, saved.memory.frame(saved.streamFrames[1] ?? 0), 0, 4096, 25 * 4096);
      const entry = new Uint8Array(8);
      new DataView(entry.buffer).setBigUint64(0, 25n, true);
      writeSync(fd, entry, 0, 8, saved.mfnArrayStart * 4096 + 8);
    } finally {
      closeSync(fd);
    }
    // Only the first frame known: the page cannot be seen to be in the bootmem.
    expect(lu("restore", moved, "--bootmem", "16").status).toBe(0);
    for (const bootmem of ["16:16", "16:64K", "0x10:0x10"]) {
      const r = lu("restore", moved, "--bootmem", bootmem);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `lu restore: ${moved}: error restore/stream-page: offset ${saved.mfnArrayStart * 4096 + 8} (0x${(saved.mfnArrayStart * 4096 + 8).toString(16)}): ` +
          "data page 1 is frame 25, inside the live update bootmem\n",
      );
    }
    const v = lu("validate", moved, "--image", "--bootmem", "16:16");
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/data page 1 is frame 25, inside the live update bootmem/);
    expect(lu("restore", moved, "--bootmem", "16:5000G").status).toBe(2);
    expect(lu("restore", moved, "--bootmem", "16:0").status).toBe(2);
    expect(lu("restore", moved, "--bootmem", "16:12K3").status).toBe(2);
  });

  it("exits 2 on usage errors", () => {
    expect(lu("restore", image).status).toBe(2);
    expect(lu("restore", join(dir, "missing.img"), "--bootmem", "1").status).toBe(2);
  });
});
