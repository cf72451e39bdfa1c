/**
 * Images in the shapes hosts are dumped in, written here by hand (not by lu-codec's writer): an ELF64
 * core file with a hole and a zero tail (p_filesz < p_memsz), a raw dump from a base address, and
 * damaged files. Each is restored / validated through the CLI code paths.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runValidate } from "../../../cli/validate.js";
import { SMALL_HOST_SPEC } from "../../../liveupdate/host-spec.js";
import { save } from "../../../liveupdate/save.js";

const dir = mkdtempSync(join(tmpdir(), "lu-image-input-"));
if (process.env.KEEP === undefined) afterAll(() => rmSync(dir, { recursive: true, force: true }));

const saved = save({ ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 300, seed: 7 });
const PS = saved.pageSize;
/** Frames a restore reads: the bootmem, the MFN array, the stream pages. */
const needed = [
  ...Array.from({ length: saved.bootmemFrames }, (_, i) => saved.bootmemStart + i),
  saved.mfnArrayStart,
  ...saved.streamFrames,
].sort((a, b) => a - b);
/** The widest run of frames between two needed ones: the hole of the ELF dump. */
const hole = (() => {
  let best = { start: 0, count: 0 };
  for (let i = 1; i < needed.length; i++) {
    const a = (needed[i - 1] ?? 0) + 1;
    const b = needed[i] ?? 0;
    if (b - a > best.count) best = { start: a, count: b - a };
  }
  return best;
})();
const lastNeeded = needed[needed.length - 1] ?? 0;

/** The machine's bytes for frames [from, to). */
function frames(from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from) * PS);
  for (let f = from; f < to; f++) {
    const page = saved.memory.peekFrame(f);
    if (page !== undefined) out.set(page, (f - from) * PS);
  }
  return out;
}

interface Seg {
  readonly paddr: number;
  readonly memsz: number;
  readonly filesz: number;
  readonly data: Uint8Array;
  readonly offsetOverride?: number;
}

/** An ELF64 little-endian core file with one PT_LOAD per segment, data page-aligned after the headers. */
function elf(segs: readonly Seg[], cut = 0): Uint8Array {
  const headers = 64 + 56 * segs.length;
  let at = Math.ceil(headers / PS) * PS;
  const offsets = segs.map((s) => {
    const o = s.offsetOverride ?? at;
    at += Math.ceil(s.filesz / PS) * PS;
    return o;
  });
  const out = new Uint8Array(at - cut);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  dv.setUint16(16, 4, true); // ET_CORE
  dv.setUint16(18, 62, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(32, 64n, true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, segs.length, true);
  segs.forEach((s, i) => {
    const p = 64 + 56 * i;
    dv.setUint32(p, 1, true);
    dv.setUint32(p + 4, 6, true);
    dv.setBigUint64(p + 8, BigInt(offsets[i] ?? 0), true);
    dv.setBigUint64(p + 24, BigInt(s.paddr), true);
    dv.setBigUint64(p + 32, BigInt(s.filesz), true);
    dv.setBigUint64(p + 40, BigInt(s.memsz), true);
    const o = offsets[i] ?? 0;
    if (o < out.length) out.set(s.data.subarray(0, Math.min(s.filesz, out.length - o)), o);
  });
  return out;
}

/** Two segments around the hole; the second holds its data only up to the last needed frame. */
function twoSegments(): Seg[] {
  const end = saved.frameCount;
  const tailData = frames(hole.start + hole.count, lastNeeded + 1);
  return [
    { paddr: 0, memsz: hole.start * PS, filesz: hole.start * PS, data: frames(0, hole.start) },
    {
      paddr: (hole.start + hole.count) * PS,
      memsz: (end - hole.start - hole.count) * PS,
      filesz: tailData.length,
      data: tailData,
    },
  ];
}

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function validate(path: string, extra: Record<string, string> = {}): { code: number; out: string } {
  let out = "";
  const code = runValidate(
    path,
    { image: true, bootmem: `${saved.bootmemStart}:${saved.bootmemFrames}`, ...extra },
    (t) => (out += t),
    (t) => (out += t),
  );
  return { code, out };
}

describe("ELF64 core files", () => {
  it("are detected by their magic and restore with a hole and a zero tail (p_filesz < p_memsz)", () => {
    expect(hole.count).toBeGreaterThan(16);
    const path = join(dir, "host.elf");
    writeFileSync(path, elf(twoSegments()));
    expect(validate(path)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/ok \(image, \d+ records\)/) as unknown,
    });
    const r = lu("restore", path, "--bootmem", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^restored 3 domains, 900 frames/);
  });

  it("a stream page in a hole is a located problem naming the frame and its MFN array entry", () => {
    const segs = twoSegments();
    const page = saved.streamFrames.findIndex((f) => f < hole.start && f > saved.bootmemStart + saved.bootmemFrames);
    expect(page).toBeGreaterThanOrEqual(0);
    const f = saved.streamFrames[page] ?? 0;
    // The first segment split around that frame: it becomes a hole of its own.
    const first = segs[0] as Seg;
    const split: Seg[] = [
      { paddr: 0, memsz: f * PS, filesz: f * PS, data: first.data.subarray(0, f * PS) },
      {
        paddr: (f + 1) * PS,
        memsz: (hole.start - f - 1) * PS,
        filesz: (hole.start - f - 1) * PS,
        data: first.data.subarray((f + 1) * PS),
      },
      segs[1] as Seg,
    ];
    const path = join(dir, "page-hole.elf");
    writeFileSync(path, elf(split));
    const v = validate(path);
    expect(v.code).toBe(1);
    expect(v.out).toContain(
      `data page ${page} (MFN array entry ${page}) is frame ${f}, absent from the memory image (a hole)`,
    );
    const r = lu("restore", path, "--bootmem", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `error restore/stream-page: offset ${saved.mfnArrayStart * PS + 8 * page} .*: data page ${page} \\(MFN array entry ${page}\\) is frame ${f}, absent`,
      ),
    );
  });

  it("a segment cut short by the end of the file: a located problem, the stream still read when its pages are there", () => {
    const path = join(dir, "cut.elf");
    // The second segment's file data is cut by a page: its last frame becomes absent, not zeros.
    const segs = twoSegments();
    const s1 = segs[1] as Seg;
    const padded = {
      ...s1,
      filesz: s1.filesz + 2 * PS,
      data: (() => {
        const d = new Uint8Array(s1.filesz + 2 * PS);
        d.set(s1.data);
        return d;
      })(),
    };
    writeFileSync(path, elf([segs[0] as Seg, padded], PS));
    const v = validate(path);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/PT_LOAD 1 .*runs past the end of the file .*are absent \[elf-truncated-segment\]/);
    expect(v.out).toMatch(/1 problem\(s\)/);
    const r = lu("restore", path, "--bootmem", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^restored 3 domains/);
    expect(r.stderr).toMatch(/problem: offset \d+ .*runs past the end of the file/);
  });

  it("overlapping segments and program headers past the file", () => {
    const segs = twoSegments();
    const overlap = join(dir, "overlap.elf");
    writeFileSync(overlap, elf([...segs, { paddr: 0, memsz: PS, filesz: PS, data: new Uint8Array(PS).fill(0xee) }]));
    const v = validate(overlap);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/PT_LOAD 2 .*overlaps PT_LOAD 0 .*\[elf-overlapping-segments\]/);
    // The first segment keeps the range: the breadcrumb frame is still read from it.
    expect(v.out).not.toMatch(/breadcrumb/);
    const past = join(dir, "past.elf");
    const bytes = elf(segs);
    new DataView(bytes.buffer).setBigUint64(32, BigInt(bytes.length - 64), true);
    writeFileSync(past, bytes);
    const p = validate(past);
    expect(p.code).toBe(1);
    expect(p.out).toMatch(
      /offset 32 .*the \d+ program headers .*run past the end of the file .*\[elf-headers-past-file\]/,
    );
    const r = lu("restore", past, "--bootmem", String(saved.bootmemStart));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: offset 32 .*run past the end of the file/);
  });
});

describe("raw dumps and flat images", () => {
  it("a raw dump from --base restores; frames below the base are absent", () => {
    const base = needed[0] ?? 0;
    expect(base).toBeGreaterThan(0);
    const path = join(dir, "host.raw");
    writeFileSync(path, frames(base, saved.frameCount));
    expect(validate(path, { base: String(base * PS) })).toMatchObject({ code: 0 });
    const r = lu(
      "restore",
      path,
      "--base",
      `0x${(base * PS).toString(16)}`,
      "--bootmem",
      `${saved.bootmemStart}:${saved.bootmemFrames}`,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^restored 3 domains, 900 frames/);
    // The bootmem below the base is absent: a located problem, not zeros.
    const above = join(dir, "above.raw");
    writeFileSync(above, frames(saved.bootmemStart + 1, saved.frameCount));
    const a = validate(above, { base: String((saved.bootmemStart + 1) * PS), bootmem: String(saved.bootmemStart) });
    expect(a.code).toBe(1);
    expect(a.out).toContain(`the breadcrumb's frame ${saved.bootmemStart} is absent from the memory image (a hole)`);
    expect(lu("restore", path, "--base", "100", "--bootmem", "16").status).toBe(2);
  });

  it("a flat image grown by a few octets: exit 1 with the problem, the restore still done", () => {
    const path = join(dir, "grown.img");
    const bytes = new Uint8Array(saved.frameCount * PS + 5);
    bytes.set(frames(0, saved.frameCount));
    writeFileSync(path, bytes);
    const r = lu("restore", path, "--bootmem", `${saved.bootmemStart}:${saved.bootmemFrames}`);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^restored 3 domains/);
    expect(r.stderr).toBe(
      `lu restore: ${path}: problem: offset ${saved.frameCount * PS} (0x${(saved.frameCount * PS).toString(16)}): image size ${saved.frameCount * PS + 5} octets is not a whole number of 4096-octet pages: the last 5 octets (part of frame ${saved.frameCount}) are not read, that frame is absent [image-partial-page]\n`,
    );
    expect(validate(path).code).toBe(1);
  });
});
