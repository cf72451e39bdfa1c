/**
 * The `lu` entry point (cli/main.ts): version, usage errors, and the CLI reference in docs/cli.md
 * covering every command the program registers, so the reference cannot silently fall behind.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Command names from the "Commands:" section of `lu --help`. */
function commandNames(help: string): string[] {
  const section = help.split("Commands:")[1]?.split("\n\n")[0] ?? "";
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1] ?? "").filter((c) => c !== "help");
}

describe("lu", () => {
  const help = lu("--help");

  it("prints help with the exit codes and exits 0", () => {
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Exit codes: 0 success");
    expect(commandNames(help.stdout).length).toBeGreaterThanOrEqual(8);
  });

  it("prints the package version", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const r = lu("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("rejects an unknown command as a usage error (exit 2), without a stack trace", () => {
    const r = lu("frobnicate");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a missing argument as a usage error (exit 2)", () => {
    const r = lu("dump");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("missing required argument");
  });

  it("has every command documented in docs/cli.md", () => {
    const headings = readFileSync("docs/cli.md", "utf8")
      .split("\n")
      .filter((line) => line.startsWith("### "));
    for (const command of commandNames(help.stdout)) {
      const documented = headings.some((h) => h.includes(`\`lu ${command}\``));
      expect(documented, `docs/cli.md has no heading for 'lu ${command}'`).toBe(true);
    }
  });
});
