/**
 * Progress bars of `lu dump`, `lu validate` and `lu restore` on a large image (17 MiB of stream in
 * a 2-million-frame machine, as an ELF dump): on a terminal (a pty from util-linux `script`, where
 * present) the scan and the walk draw a bar on stderr; `--no-progress` turns it off; with stderr a
 * pipe there is none, and the output is the same as with `--no-progress`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "lu-progress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const image = join(dir, "mid.elf");
const LU = [process.execPath, "--import", "tsx", "cli/main.ts"];

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [node = "node", ...rest] = LU;
  const r = spawnSync(node, [...rest, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** What `lu ARGS` writes to its terminal (stdout sent to /dev/null), run on a pty. */
function onTerminal(...args: string[]): string {
  const command = `${[...LU, ...args].map(quote).join(" ")} >/dev/null`;
  const r = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", maxBuffer: 1 << 26 });
  return r.stdout;
}

const BAR = /\d+% \d+\/\d+ (frames|MiB|pages)/;

beforeAll(() => {
  const r = lu("save", "--domains", "16", "--frames-per-domain", "131072", "--format", "elf", "--out", image);
  expect(r.status).toBe(0);
}, 60_000);

describe("progress bars", () => {
  it.runIf(hasScript)(
    "are drawn on a terminal by validate, dump (to a file) and restore, and --no-progress turns them off",
    () => {
      const validate = onTerminal("validate", "--image", image, "--bootmem", "auto");
      expect(validate).toMatch(/scanning \[.*\] 100% 2113024\/2113024 frames/);
      expect(validate).toMatch(/walking {2}\[.*\] 100% 17\/17 MiB/);
      expect(onTerminal("dump", "--image", image, "--bootmem", "auto")).toMatch(/walking {2}\[.*\] 100% 17\/17 MiB/);
      expect(onTerminal("restore", image, "--bootmem", "auto")).toMatch(/reading {2}\[.*\] 100% 4229\/4229 pages/);
      for (const args of [
        ["validate", "--image", image],
        ["dump", "--image", image],
        ["restore", image],
      ]) {
        expect(onTerminal(...args, "--bootmem", "auto", "--no-progress")).not.toMatch(BAR);
      }
    },
    120_000,
  );

  it("are never drawn when stderr is not a terminal, and --no-progress is accepted", () => {
    for (const args of [
      ["validate", "--image", image],
      ["restore", image],
    ]) {
      const piped = lu(...args, "--bootmem", "auto");
      const quiet = lu(...args, "--bootmem", "auto", "--no-progress");
      expect(piped.status).toBe(0);
      expect(quiet.status).toBe(0);
      expect(piped.stderr).toBe("");
      expect(quiet.stderr).toBe("");
      expect(
        piped.stdout.replace(/[\d.]+ ms|[\d.]+ MB\/s|[\d.]+ Mframes\/s|pass \d [\d.]+ ms|locate [\d.]+ ms/g, ""),
      ).toBe(quiet.stdout.replace(/[\d.]+ ms|[\d.]+ MB\/s|[\d.]+ Mframes\/s|pass \d [\d.]+ ms|locate [\d.]+ ms/g, ""));
    }
    const dump = lu("dump", "--image", image, "--bootmem", "auto", "--no-progress");
    expect(dump.status).toBe(0);
    expect(dump.stderr).toBe("");
  }, 120_000);
});
