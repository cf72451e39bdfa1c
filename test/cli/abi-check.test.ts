import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAbiCheck, type AbiCheckFlags } from "../../cli/abi-check.js";

const PAIRS = resolve("test/abi");
let dir = "";

function run(args: string[], flags: AbiCheckFlags = {}, cwd = dir): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runAbiCheck(args, flags, { out: (s) => (out += s), err: (s) => (err += s), cwd });
  return { code, out, err };
}

const git = (...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", ...args], {
    cwd: dir,
    encoding: "utf8",
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "abi-cli-"));
  cpSync(join(PAIRS, "field-moved"), join(dir, "moved"), { recursive: true });
  cpSync(join(PAIRS, "record-added"), join(dir, "added"), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lu abi-check OLD NEW", () => {
  it("exits 1 on a break and prints file:line:col: error LU4xxx with the old place as a note", () => {
    const r = run(["moved/before.lu", "moved/after.lu"]);
    expect(r.code).toBe(1);
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(
      /^moved\/after\.lu:\d+:\d+: error LU4001: field 'b' of struct 'foo_body' moved from offset 4 to 8$/,
    );
    expect(lines[1]).toMatch(/^note: moved\/before\.lu:\d+:\d+: /);
    expect(r.out).toMatch(/incompatible: 2 breaking changes/);
  });

  it("exits 0 on allowed changes and lists them", () => {
    const r = run(["added/before.lu", "added/after.lu"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "LU4101: new mandatory record type 0x40000004 'BAR' in stream 's' (range 'future_mandatory')",
    );
  });

  it("--json prints one document with compatible, breaking and allowed", () => {
    const r = run(["moved/before.lu", "moved/after.lu"], { json: true });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      compatible: boolean;
      breaking: { code: string; new: { file: string }; old: { file: string } }[];
      allowed: unknown[];
    };
    expect(doc.compatible).toBe(false);
    expect(doc.breaking.map((f) => f.code).sort()).toEqual(["LU4001", "LU4017"]);
    expect(doc.breaking[0]?.new.file).toBe("moved/after.lu");
    expect(doc.breaking[0]?.old.file).toBe("moved/before.lu");
    expect(doc.allowed).toEqual([]);
  });

  it("compares two directories as programs", () => {
    mkdirSync(join(dir, "d1"));
    mkdirSync(join(dir, "d2"));
    cpSync(join(dir, "added", "before.lu"), join(dir, "d1", "s.lu"));
    cpSync(join(dir, "added", "after.lu"), join(dir, "d2", "s.lu"));
    expect(run(["d1", "d2"]).code).toBe(0);
    expect(run(["d2", "d1"]).code).toBe(1);
  });

  it("exits 2 on usage errors, missing paths and schemas that do not compile", () => {
    expect(run(["moved/before.lu"]).code).toBe(2);
    expect(run(["moved/before.lu", "nope.lu"]).err).toMatch(/'nope\.lu' does not exist/);
    expect(run(["a", "b", "c"]).code).toBe(2);
    expect(run([], { base: "HEAD", baseline: true }).code).toBe(2);
    writeFileSync(join(dir, "broken.lu"), "struct {\n");
    const bad = run(["broken.lu", "moved/after.lu"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/broken\.lu does not compile/);
  });
});

describe("lu abi-check --base REV [DIR] and --baseline", () => {
  beforeAll(() => {
    git("init", "-q");
    mkdirSync(join(dir, "schema"));
    cpSync(join(dir, "moved", "before.lu"), join(dir, "schema", "s.lu"));
    git("add", "schema");
    git("commit", "-q", "-m", "v1");
    git("tag", "abi-v1");
  });

  it("compares DIR at a git revision with the working tree", () => {
    expect(run(["schema"], { base: "abi-v1" }).code).toBe(0);
    cpSync(join(dir, "moved", "after.lu"), join(dir, "schema", "s.lu"));
    const r = run([], { base: "abi-v1" });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^schema\/s\.lu:\d+:\d+: error LU4001/);
    expect(r.out).toMatch(/\nnote: schema\/s\.lu:\d+:\d+: /);
    expect(run([], { base: "no-such-rev" }).code).toBe(2);
    cpSync(join(dir, "moved", "before.lu"), join(dir, "schema", "s.lu"));
  });

  it("--base REV --head REV compares two git revisions, whatever the working tree holds", () => {
    cpSync(join(dir, "moved", "after.lu"), join(dir, "schema", "s.lu"));
    git("commit", "-q", "-am", "v2 moves a field");
    git("tag", "abi-v2");
    cpSync(join(dir, "moved", "before.lu"), join(dir, "schema", "s.lu"));
    const r = run(["schema"], { base: "abi-v1", head: "abi-v2" });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^schema\/s\.lu:\d+:\d+: error LU4001/);
    expect(run(["schema"], { base: "abi-v1", head: "abi-v1" }).code).toBe(0);
    expect(run(["schema"], { head: "abi-v2" }).code).toBe(2);
    expect(run(["schema"], { base: "abi-v1", head: "no-such-rev" }).code).toBe(2);
    git("checkout", "-q", "abi-v1", "--", "schema/s.lu");
  });

  it("--baseline reads package.json abiBaseline: a snapshot directory or a git revision", () => {
    mkdirSync(join(dir, "abi", "baseline"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ abiBaseline: "abi/baseline" }));
    const empty = run([], { baseline: true });
    expect(empty.code).toBe(0);
    expect(empty.out).toContain("LU4104");
    cpSync(join(dir, "moved", "after.lu"), join(dir, "abi", "baseline", "s.lu"));
    expect(run([], { baseline: true }).code).toBe(1);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ abiBaseline: "abi-v1" }));
    expect(run([], { baseline: true }).code).toBe(0);
    writeFileSync(join(dir, "package.json"), JSON.stringify({}));
    expect(run([], { baseline: true }).err).toMatch(/no "abiBaseline"/);
  });
});

describe("the lu binary", () => {
  const lu = (...args: string[]) =>
    spawnSync(resolve("node_modules/.bin/tsx"), [resolve("cli/main.ts"), "abi-check", ...args], {
      cwd: dir,
      encoding: "utf8",
    });
  it("exits with the verdict, and 2 for a bad option; --help exits 0", () => {
    expect(lu("moved/before.lu", "moved/after.lu").status).toBe(1);
    expect(lu("added/before.lu", "added/after.lu").status).toBe(0);
    expect(lu("--bogus").status).toBe(2);
    const help = lu("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--base <rev>");
  });
});
