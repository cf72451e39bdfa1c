/**
 * `lu save --kho`, `lu dump --kho` and `lu validate --kho` as a user runs them: round trip through an
 * image file for both map formats, and a damaged image giving a located error, exit 1, no stack trace.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { walkKho } from "../../kho/walk.js";
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
      const saved = lu(
        "save",
        "--kho",
        "--kho-version",
        version,
        "--sessions",
        "2",
        "--files-per-session",
        "2",
        "--folios-per-file",
        "5",
        "--out",
        img,
        "--json",
      );
      expect(saved.status, saved.stderr).toBe(0);
      const info = JSON.parse(saved.stdout) as { preserved_blocks: number; fdt: string };
      const v = lu("validate", "--kho", img, "--json");
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({
        valid: true,
        compatible: `kho-v${version}`,
        blocks: info.preserved_blocks,
        sessions: 2,
        files: 4,
        folios: 20,
        problems: [],
      });
      const d = lu("dump", "--kho", img, "--fdt", info.fdt);
      expect(d.status, d.stderr).toBe(0);
      expect(d.stdout).toContain(`KHO kho-v${version} (version ${version}), root FDT at ${info.fdt}`);
      expect(d.stdout.match(/^ {6}folio pfn/gm)).toHaveLength(20);
      const j = JSON.parse(lu("dump", "--kho", img, "--json").stdout) as {
        kho: { luo: { sessions: { files: { memfd: { folios: unknown[] } }[] }[] } };
      };
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
    expect(v.stdout).toContain(
      `LUO session 1 ("session-1") files block 0 at 0x${files.toString(16)}: entry count 100 is above the 63 entries a page holds [chain-count]`,
    );
    expect(v.stderr).not.toMatch(/\n\s+at /);
    const d = lu("dump", "--kho", path);
    expect(d.status).toBe(1);
    expect(d.stderr).toContain("problem: LUO session 1");
    expect(d.stdout).toContain('session 0 "session-0": 2 files');
  });

  it("stops a file chain of more than 10000 blocks (KHO_MAX_BLOCKS) with the chain and block named, exit 1", () => {
    // 10001 preserved pages: the folio pages of one big memfd, re-written as a kho_block chain of
    // luo_file_ser (one empty entry each) that session 0's file_set_ser.files now points at.
    const img = writeKho({ sessions: 1, filesPerSession: 1, foliosPerFile: 6000, seed: 5, version: 4 });
    const folios = walkKho(img.memory).graph.luo?.sessions[0]?.files[0]?.memfd?.folios ?? [];
    const pages = folios.flatMap((f) => Array.from({ length: 2 ** f.order }, (_, k) => f.pfn + k)).slice(0, 10001);
    expect(pages).toHaveLength(10001);
    pages.forEach((pfn, k) => {
      const v = img.memory.frameView(pfn);
      for (let o = 0; o < 16 + 64; o += 8) v.setBigUint64(o, 0n, true);
      v.setBigUint64(0, BigInt(pages[k + 1] ?? 0) * 4096n, true);
      v.setBigUint64(8, 1n, true);
    });
    const first = BigInt(pages[0] ?? 0) * 4096n;
    const sessions = img.manifest.sessionBlocks[0] ?? 0n;
    img.memory.frameView(Number(sessions / 4096n)).setBigUint64(16 + 64, first, true);
    const path = join(dir, "long-chain.img");
    writeMemoryImage(img.memory, path);
    const last = BigInt(pages[10000] ?? 0) * 4096n;
    const v = lu("validate", "--kho", path);
    expect(v.status, v.stderr).toBe(1);
    expect(v.stdout).toContain(
      `LUO session 0 ("session-0") files block 10000 at 0x${last.toString(16)}: more than 10000 blocks [chain-limit]`,
    );
    expect(v.stderr).not.toMatch(/\n\s+at /);
    const j = lu("validate", "--kho", path, "--json");
    expect(j.status).toBe(1);
    expect((JSON.parse(j.stdout) as { problems: { code: string }[] }).problems.map((p) => p.code)).toEqual([
      "chain-limit",
    ]);
  });

  it("decodes the LUO FLB entries in dump and --json", () => {
    const img = join(dir, "flb.img");
    expect(
      lu(
        "save",
        "--kho",
        "--sessions",
        "1",
        "--files-per-session",
        "1",
        "--folios-per-file",
        "2",
        "--flbs",
        "2",
        "--out",
        img,
      ).status,
    ).toBe(0);
    const d = lu("dump", "--kho", img);
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout).toContain("sessions, 2 FLBs");
    expect(d.stdout).toMatch(/^ {2}flb 1 "test-flb-1-v1": data 0x[0-9a-f]+, count 2$/m);
    const j = JSON.parse(lu("dump", "--kho", img, "--json").stdout) as {
      kho: { luo: { flbs: { name: string; count: string }[] } };
    };
    expect(j.kho.luo.flbs.map((f) => [f.name, f.count])).toEqual([
      ["test-flb-0-v1", "1"],
      ["test-flb-1-v1", "2"],
    ]);
    expect(lu("save", "--kho", "--flbs", "64", "--out", img).status).toBe(2);
  });

  it("exits 2 for a bad address or a missing file", () => {
    expect(lu("dump", "--kho", join(dir, "k4.img"), "--fdt", "zz").status).toBe(2);
    const missing = lu("validate", "--kho", join(dir, "none.img"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^lu validate: cannot open/);
  });
});
