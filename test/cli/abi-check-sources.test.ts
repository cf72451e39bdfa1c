import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromGitRevision, fromWorkingTree, SourceError } from "../../cli/abi-check-sources.js";

let repo = "";
const git = (...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", ...args], {
    cwd: repo,
    encoding: "utf8",
  });

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "abi-src-"));
  git("init", "-q");
  mkdirSync(join(repo, "schema", "nested"), { recursive: true });
  writeFileSync(join(repo, "schema", "b.lu"), "// b v1\n");
  writeFileSync(join(repo, "schema", "a.lu"), "// a v1\n");
  writeFileSync(join(repo, "schema", "nested", "c.lu"), "// nested\n");
  writeFileSync(join(repo, "schema", "notes.md"), "not a schema\n");
  git("add", ".");
  git("commit", "-q", "-m", "v1");
  git("tag", "v1");
  writeFileSync(join(repo, "schema", "a.lu"), "// a v2\n");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("schema versions from a git revision", () => {
  it("lists the *.lu directly in the directory and reads them as they were", () => {
    const v = fromGitRevision("v1", "schema", repo);
    expect(v.entries).toEqual(["schema/a.lu", "schema/b.lu"]);
    expect(v.readFile("schema/a.lu")).toBe("// a v1\n");
    expect(v.readFile("schema/nested/c.lu")).toBe("// nested\n");
    expect(v.readFile("schema/missing.lu")).toBeUndefined();
    expect(v.label).toBe("v1:schema/");
  });

  it("names a missing revision or an empty directory as a SourceError", () => {
    expect(() => fromGitRevision("no-such-tag", "schema", repo)).toThrow(SourceError);
    expect(() => fromGitRevision("v1", "schema/nested/none", repo)).toThrow(/holds no \.lu files/);
  });
});

describe("schema versions from the working tree", () => {
  it("takes every *.lu of a directory in name order, with paths as given", () => {
    const v = fromWorkingTree("schema", { cwd: repo });
    expect(v.entries).toEqual(["schema/a.lu", "schema/b.lu"]);
    expect(v.readFile("schema/a.lu")).toBe("// a v2\n");
  });

  it("takes a single file, and refuses a missing path or an empty directory unless asked", () => {
    expect(fromWorkingTree("schema/b.lu", { cwd: repo }).entries).toEqual(["schema/b.lu"]);
    expect(() => fromWorkingTree("nope", { cwd: repo })).toThrow(SourceError);
    mkdirSync(join(repo, "empty"));
    expect(() => fromWorkingTree("empty", { cwd: repo })).toThrow(/holds no \.lu files/);
    expect(fromWorkingTree("empty", { cwd: repo, allowEmpty: true }).entries).toEqual([]);
  });
});
