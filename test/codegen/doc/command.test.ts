/** `lu doc` on a user's schema in a scratch project: pages, stdout, --check, errors. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const CLI = resolve("cli/main.ts");
// Run from the scratch project, which has no node_modules: load tsx by path.
const TSX = pathToFileURL(resolve("node_modules/tsx/dist/esm/index.mjs")).href;

function lu(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", TSX, CLI, ...args], { encoding: "utf8", cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "lu-doc-user-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, "sensor.lu"),
  `/// Sensor packets.
endian little;
import "common.lu";

/// One reading.
struct reading size 16 {
  @0 hdr: common_hdr;
  /// Millikelvin.
  @4 temp: u32;
  @8 stamp: u64;
}
`,
);
writeFileSync(join(dir, "common.lu"), "endian little;\nstruct common_hdr size 4 { @0 kind: u16; @2 len: u16; }\n");

describe("lu doc on a user's schema", () => {
  it("prints Markdown to stdout: the diagram and the type linked into the imported file's page", () => {
    const r = lu(dir, "doc", "sensor.lu");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("    | hdr                   | temp                    |");
    expect(r.stdout).toContain("| 0 | 4 | `hdr` | [common_hdr](common.md#common_hdr) | - |  |");
    expect(r.stdout).toContain("| 4 | 4 | `temp` | u32 | LE | Millikelvin. |");
  });

  it("writes pages with --out, --all includes imports, and --check notices a stale page", () => {
    const out = join(dir, "docs");
    expect(lu(dir, "doc", "sensor.lu", "--all", "--format", "html", "--out", out).status).toBe(0);
    expect(readFileSync(join(out, "sensor.html"), "utf8")).toContain(
      '<a class="ref" href="common.html#common_hdr">common_hdr</a>',
    );
    expect(readFileSync(join(out, "common.html"), "utf8")).toContain('id="common_hdr"');
    expect(lu(dir, "doc", "sensor.lu", "--all", "--format", "html", "--out", out, "--check").status).toBe(0);
    writeFileSync(join(out, "sensor.html"), "old");
    const stale = lu(dir, "doc", "sensor.lu", "--all", "--format", "html", "--out", out, "--check");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`stale: ${join(out, "sensor.html")}`);
    expect(stale.stderr).toContain(
      `is out of date: run 'npm run lu -- doc sensor.lu --format html --out ${out} --all'`,
    );
  });

  it("reports schema errors as diagnostics (exit 1) and a bad format as usage (exit 2)", () => {
    writeFileSync(join(dir, "bad.lu"), "struct b size 4 { @0 a: u32; @2 c: u16; }\n");
    const bad = lu(dir, "doc", "bad.lu");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("bad.lu:1:");
    expect(bad.stderr).toContain("LU3001");
    const usage = lu(dir, "doc", "sensor.lu", "--format", "pdf");
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("--format must be md or html");
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });
});
