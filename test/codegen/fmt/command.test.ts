/** `lu fmt` on a user's files: in place, --check, --stdout, a file that does not parse. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "lu-fmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lu fmt", () => {
  it("--check lists an unformatted file (exit 1); fmt rewrites it; then --check passes", () => {
    const file = join(dir, "a.lu");
    writeFileSync(file, "struct a size 8 {\n@0 x:u32;\n  @4 yy : u32; // y\n}\n");
    const check = lu("fmt", "--check", file);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`not formatted: ${file}`);
    expect(readFileSync(file, "utf8")).toContain("@0 x:u32;");
    const stdout = lu("fmt", "--stdout", file);
    expect(stdout.stdout).toBe("struct a size 8 {\n  @0 x:  u32;\n  @4 yy: u32; // y\n}\n");
    const write = lu("fmt", file);
    expect(write.status).toBe(0);
    expect(write.stdout).toBe(`formatted ${file}\n`);
    expect(readFileSync(file, "utf8")).toBe(stdout.stdout);
    const again = lu("fmt", "--check", file);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe("1 file formatted\n");
  });

  it("leaves a file that does not parse alone and reports its syntax error (exit 1)", () => {
    const file = join(dir, "bad.lu");
    writeFileSync(file, "struct b {\n  @0 x u32;\n}\n");
    const r = lu("fmt", file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("bad.lu:2:");
    expect(r.stderr).toContain("LU1001");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(file, "utf8")).toBe("struct b {\n  @0 x u32;\n}\n");
  });

  it("reports a missing file as a usage error (exit 2)", () => {
    const r = lu("fmt", join(dir, "nope.lu"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no such file or directory");
  });
});
