/**
 * `lu save --kho`, `lu dump --kho` and `lu validate --kho` as a user runs them: round trip through an
 * image file for both map formats, and a damaged image giving a located error, exit 1, no stack trace.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeKho } from "../../kho/writer.js";
import { writeMemoryImage } from "../../runtime/memory-image.js";

const dir = mkdtempSync(join(tmpdir(), "lu-kho-"));
function lu(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { encoding: "utf8" });
}

describe("lu save/dump/validate --kho", () => {
  for (const version of ["4", "1"]) {
    it(`round-trips a kho-v${version} image through a file`, () => {
      const img = join(dir, `k${version}.img`);
      const saved = lu("save", "--kho", "--kho-version", version, "--sessions", "2", "--files-per-session", "2", "--folios-per-file", "5", "--out", img, "--json");
      expect(saved.status, saved.stderr).toBe(0);
      const info = JSON.parse(saved.stdout) as { preserved_blocks: number; fdt: string };
      const v = lu("validate", "--kho", img, "--json");
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, compatible: `kho-v${version}`, blocks: info.preserved_blocks, sessions: 2, files: 4, folios: 20, problems: [] });
      const d = lu("dump", "--kho", img, "--fdt", info.fdt);
      expect(d.status, d.stderr).toBe(0);
      expect(d.stdout).toContain(`KHO kho-v${version} (version ${version}), root FDT at ${info.fdt}`);
      expect(d.stdout.match(/^ {6}folio pfn/gm)).toHaveLength(20);
      const j = JSON.parse(lu("dump", "--kho", img, "--json").stdout) as { kho: { luo: { sessions: { files: { memfd: { folios: unknown[] } }[] }[] } } };
      expect(j.kho.luo.sessions[1]?.files[1]?.memfd.folios).toHaveLength(5);
    });
  }

  it("reports a damaged link with its location and exit 1, without a stack trace", () => {
    const img = writeKho({ sessions: 2, filesPerSession: 2, foliosPerFile: 5, seed: 9, version: 4 });
    const files = img.manifest.fileBlocks[1]?.[0] ?? 0n;
    img.memory.frameView(Number(files / 4096n)).setBigUint64(8, 100n, true);
    const path = join(dir, "bad.img");
    writeMemoryImage(img.memory, path);
    const v = lu("validate", "--kho", path);
    expect(v.status).toBe(1);
    expect(v.stdout).toContain(`LUO session 1 ("session-1") files block 0 at 0x${files.toString(16)}: entry count 100 is above the 63 entries a page holds [chain-count]`);
    expect(v.stderr).not.toMatch(/\n\s+at /);
    const d = lu("dump", "--kho", path);
    expect(d.status).toBe(1);
    expect(d.stderr).toContain("problem: LUO session 1");
    expect(d.stdout).toContain('session 0 "session-0": 2 files');
  });

  it("exits 2 for a bad address or a missing file", () => {
    expect(lu("dump", "--kho", join(dir, "k4.img"), "--fdt", "zz").status).toBe(2);
    const missing = lu("validate", "--kho", join(dir, "none.img"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^lu validate: cannot open/);
  });
});
