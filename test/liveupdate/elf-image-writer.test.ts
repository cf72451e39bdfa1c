/**
 * The ELF64 core writer: its segments follow the machine's runs of data, binutils' readelf reads
 * the file without a warning (where binutils is installed), and lu-codec's own reader maps every
 * frame back where it was, holes absent.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openImageInput } from "../../cli/image/image-input.js";
import { ELF_PN_XNUM } from "../../generated/elf-core.js";
import { planElfSegments, writeElfImage } from "../../liveupdate/elf-image-writer.js";
import { SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";
import { save } from "../../liveupdate/save.js";
import { MachineMemory } from "../../runtime/machine-memory.js";

const dir = mkdtempSync(join(tmpdir(), "lu-elf-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readelf = spawnSync("readelf", ["--version"], { encoding: "utf8" }).status === 0;

function runReadelf(args: string[], path: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync("readelf", ["-W", ...args, path], { encoding: "utf8" });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("ELF64 core writer", () => {
  it("plans one PT_LOAD per run of backed frames, and a zero-tail marker keeping the machine's size", () => {
    const memory = new MachineMemory({ frameCount: 64 });
    for (const f of [2, 3, 4, 10, 40, 41]) memory.frame(f)[0] = f;
    expect(planElfSegments(memory)).toEqual([
      { firstFrame: 2, frames: 3, fileFrames: 3 },
      { firstFrame: 10, frames: 1, fileFrames: 1 },
      { firstFrame: 40, frames: 2, fileFrames: 2 },
      { firstFrame: 63, frames: 1, fileFrames: 0 },
    ]);
    const full = new MachineMemory({ frameCount: 8 });
    for (let f = 0; f < 8; f++) full.frame(f)[1] = 1;
    expect(planElfSegments(full)).toEqual([{ firstFrame: 0, frames: 8, fileFrames: 8 }]);
  });

  it("writes a saved host that reads back frame for frame, holes absent", () => {
    const saved = save({ ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 300, seed: 7 });
    const path = join(dir, "small.elf");
    const written = writeElfImage(saved.memory, path);
    expect(written.segments).toBe(planElfSegments(saved.memory).length);
    expect(readFileSync(path).length).toBe(written.fileBytes);
    const input = openImageInput(path, { pageSize: saved.pageSize });
    expect(input.format).toBe("elf");
    expect(input.problems).toEqual([]);
    const image = input.image;
    if (image === undefined) throw new Error("no image");
    try {
      expect(image.memory.frameCount).toBe(saved.memory.frameCount);
      const backed = new Set(saved.memory.backedFrames());
      for (const f of backed) expect(image.memory.frame(f)).toEqual(saved.memory.frame(f));
      // A frame the machine never touched is a hole of the dump (except the size marker, zeros).
      const untouched = [...Array(saved.memory.frameCount - 1).keys()].find((f) => !backed.has(f)) ?? -1;
      expect(untouched).toBeGreaterThanOrEqual(0);
      expect(image.memory.isPresent(untouched)).toBe(false);
      expect(image.memory.isPresent(saved.memory.frameCount - 1)).toBe(true);
    } finally {
      image.close();
    }
  });

  it.runIf(readelf)("is read by binutils' readelf -h and -l without a complaint", () => {
    const saved = save({ ...SMALL_HOST_SPEC, domains: 2, framesPerDomain: 256, seed: 3 });
    const path = join(dir, "readelf.elf");
    const written = writeElfImage(saved.memory, path);
    const h = runReadelf(["-h"], path);
    expect(h.stderr).toBe("");
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/Class:\s+ELF64/);
    expect(h.stdout).toMatch(/Type:\s+CORE \(Core file\)/);
    expect(h.stdout).toMatch(/Machine:\s+Advanced Micro Devices X86-64/);
    expect(h.stdout).toMatch(new RegExp(`Number of program headers:\\s+${written.segments}\\b`));
    const l = runReadelf(["-l"], path);
    expect(l.stderr).toBe("");
    expect(l.status).toBe(0);
    const loads = l.stdout.split("\n").filter((line) => /^\s+LOAD\s/.test(line));
    expect(loads.length).toBe(written.segments);
    // The breadcrumb's frame is the start of a segment, at its physical address.
    const bootmemAddr = `0x${(saved.bootmemStart * saved.pageSize).toString(16).padStart(16, "0")}`;
    expect(loads.some((line) => line.split(/\s+/)[4] === bootmemAddr)).toBe(true);
  });

  it.runIf(readelf)("puts more than 65534 segments in section header 0 (PN_XNUM), which readelf follows", () => {
    const frames = 2 * 0x10000 + 2;
    const memory = new MachineMemory({ pageSize: 64, frameCount: frames });
    for (let f = 0; f < frames; f += 2) memory.frame(f)[0] = 1; // every other frame: one run each
    const path = join(dir, "xnum.elf");
    const written = writeElfImage(memory, path);
    expect(written.segments).toBeGreaterThan(ELF_PN_XNUM);
    const h = runReadelf(["-h"], path);
    expect(h.stderr).toBe("");
    expect(h.stdout).toMatch(new RegExp(`Number of program headers:\\s+65535 \\(${written.segments}\\)`));
    const input = openImageInput(path, { pageSize: 64 });
    expect(input.problems).toEqual([]);
    expect(input.image?.memory.isPresent(frames - 2)).toBe(true);
    expect(input.image?.memory.isPresent(frames - 3)).toBe(false);
    input.image?.close();
  });
});
