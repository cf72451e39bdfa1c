/**
 * A bounded fuzz of the CLI as users run it: `lu restore` on images that `save()` wrote and that are
 * then mutated (seeded byte edits in the breadcrumb, the MFN array and the stream pages), plus files
 * that are not images at all and bad arguments. Each run must fail with one line and exit 1 or 2, or
 * succeed; no stack traces. Spawning is slow, so the budget is a handful of runs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeCliFailure } from "../../fuzz/cli-check.js";
import { SMALL_HOST_SPEC } from "../../liveupdate/host-spec.js";
import { save } from "../../liveupdate/save.js";
import { SeededRandom } from "../../runtime/seeded-random.js";
import { writeMemoryImage } from "../../runtime/memory-image.js";

const spec = {
  ...SMALL_HOST_SPEC,
  domains: 2,
  framesPerDomain: 8,
  vcpus: 1,
  hvmParams: 2,
  hvmContextBytes: 256,
  bootmemFrames: 2,
  bootmemStart: 3,
  spareFrames: 8,
};
let dir = "";
let image = "";
let host: ReturnType<typeof save>;

function lu(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lu-fuzz-cli-"));
  host = save(spec);
  image = join(dir, "good.img");
  writeMemoryImage(host.memory, image);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the good image with `edits` seeded byte changes in the frames that matter. */
function mutatedImage(seed: number, edits: number): string {
  const bytes = new Uint8Array(readFileSync(image));
  const rng = new SeededRandom(seed);
  const frames = [host.bootmemStart, host.mfnArrayStart, ...host.streamFrames];
  for (let k = 0; k < edits; k++) {
    const frame = frames[rng.below(frames.length)] ?? 0;
    const at = frame * host.pageSize + (frame === host.bootmemStart ? rng.below(24) : rng.below(host.pageSize));
    bytes[at] = rng.below(256);
  }
  const path = join(dir, `mutated-${seed}.img`);
  writeFileSync(path, bytes);
  return path;
}

describe("lu restore on hostile input", () => {
  it("restores the unmutated image (the baseline the mutations start from)", () => {
    const r = lu("restore", image, "--bootmem", String(host.bootmemStart), "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  it(`mutated images (${seeds.length} seeds): a result, or one line and exit 1`, () => {
    const outcomes: string[] = [];
    for (const seed of seeds) {
      const r = lu("restore", mutatedImage(seed, 1 + (seed % 4)), "--bootmem", String(host.bootmemStart));
      outcomes.push(`${seed}:${r.status}`);
      if (r.status === 0) continue;
      expect(judgeCliFailure(r, "restore"), `seed ${seed}`).toBeUndefined();
      expect(r.status, `seed ${seed}: ${r.stderr}`).toBe(1);
      expect(r.stderr, `seed ${seed}`).toMatch(/offset|0x|frame|record/);
    }
    console.log(`lu restore on mutated images, seed:exit = ${outcomes.join(" ")}`);
  }, 120_000);

  it("files that are not images and bad arguments: one line, exit 1 or 2", () => {
    writeFileSync(join(dir, "empty.img"), new Uint8Array(0));
    writeFileSync(join(dir, "odd.img"), new Uint8Array(4097));
    writeFileSync(join(dir, "zeros.img"), new Uint8Array(8 * 4096));
    mkdirSync(join(dir, "a-dir"), { recursive: true });
    const runs: string[][] = [
      ["restore", join(dir, "missing.img"), "--bootmem", "3"],
      ["restore", join(dir, "empty.img"), "--bootmem", "0"],
      ["restore", join(dir, "odd.img"), "--bootmem", "0"],
      ["restore", join(dir, "zeros.img"), "--bootmem", "0"],
      ["restore", join(dir, "a-dir"), "--bootmem", "0"],
      ["restore", image, "--bootmem", "999999999"],
      ["restore", image, "--bootmem", "-1"],
      ["restore", image, "--bootmem", "3", "--page-size", "3"],
    ];
    for (const args of runs) {
      const r = lu(...args);
      expect(judgeCliFailure(r, "restore"), args.join(" ")).toBeUndefined();
    }
  }, 120_000);
});
