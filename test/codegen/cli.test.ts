/**
 * The compiler commands end to end: spawns `tsx cli/main.ts check|layout|gen` on temp files and
 * checks exit codes and output; the `gen` file sync is exercised directly with a stand-in output.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planGen, syncOutput } from "../../codegen/cli.js";
import { docExample, LIBXC_STUB } from "./doc-example.js";

const ROOT = new URL("../../", import.meta.url).pathname;
let dir = "";

function lu(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return luIn(dir, ...args);
}

function luIn(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  // The project's own tsx (what `npx tsx` runs from the repo), so the temp cwd needs no node_modules.
  const r = spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "cli/main.ts"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^npm warn .*\n/gm, "") };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lu-cli-"));
  mkdirSync(join(dir, "schema"));
  writeFileSync(join(dir, "schema/live-update.lu"), docExample());
  writeFileSync(join(dir, "schema/libxc-stream.lu"), LIBXC_STUB);
  writeFileSync(join(dir, "bad.lu"), "struct s size 8 {\n  @0 a: u32;\n  @2 b: u32;\n}\n");
  writeFileSync(join(dir, "syntax.lu"), "struct s {\n  @0 a u32;\n}\n");
  writeFileSync(join(dir, "warn.lu"), "struct s size 8 {\n  @0 a: u16;\n  @2 b: u32;\n  @6 c: u16;\n}\n");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("lu check", () => {
  it("exits 0 on a good schema (and its imports)", () => {
    const r = lu("check", "schema/live-update.lu");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 1 file \(2 schemas with imports\), 4 structs/);
    expect(r.stderr).toBe("");
  });

  it("accepts a directory as all its .lu files", () => {
    expect(lu("check", "schema").code).toBe(0);
  });

  it("exits 1 with rendered diagnostics and no stack trace on errors", () => {
    const r = lu("check", "bad.lu");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "bad.lu:3:3: error LU3001: field 'b' overlaps 'a' (bytes 2..4)\n 3 |   @2 b: u32;\n   |   ^~~~~~~~~~",
    );
    // One mistake, one diagnostic: the misplaced 'b' is not also reported as misaligned or as leaving a gap.
    expect(r.stderr).toContain("1 error, 0 warnings");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 on a syntax error", () => {
    const r = lu("check", "syntax.lu");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^syntax\.lu:2:8: error LU1001: syntax error: expected ":"/);
  });

  it("exits 0 with warnings printed", () => {
    const r = lu("check", "warn.lu");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning LU3006");
  });

  it("exits 2 on a missing file and on usage errors", () => {
    expect(lu("check", "nope.lu")).toMatchObject({ code: 2, stderr: "lu check: no such file or directory: nope.lu\n" });
    expect(lu("check").code).toBe(2);
    expect(lu("layout", "a.lu", "--bogus").code).toBe(2);
  });

  it("has --help for every command", () => {
    for (const cmd of ["check", "layout", "gen"]) {
      const r = lu(cmd, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: lu ${cmd} `));
    }
  });
});

describe("lu layout", () => {
  it("prints the JSON shape", () => {
    const r = lu("layout", "schema/live-update.lu", "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      structs: {
        name: string;
        size: number;
        align: number;
        fields: { name: string; offset: number; size: number; type: string }[];
      }[];
    };
    expect(json.structs.map((s) => s.name)).toEqual(["lu_breadcrumb", "lu_m2p_entry", "lu_m2p"]);
    const crumb = json.structs[0];
    expect(crumb).toMatchObject({ name: "lu_breadcrumb", size: 24, align: 8 });
    expect(crumb?.fields[1]).toEqual({ name: "mfn_array_physaddr", offset: 8, size: 8, type: "u64" });
    expect(lu("layout", "schema/live-update.lu", "--json", "--all").stdout).toContain('"name": "rhdr"');
  });

  it("shows string constants and length fields, in text and JSON (examples/riff-wave.lu, schema/kho.lu)", () => {
    const riff = luIn(ROOT, "layout", "examples/riff-wave.lu");
    expect(riff.code).toBe(0);
    expect(riff.stdout).toContain("  0x0004     4  size     4  u32 = length of rest\n");
    expect(riff.stdout).toContain('  0x0000     0  id       4  ascii[4] = "RIFF"\n');
    const json = JSON.parse(luIn(ROOT, "layout", "schema/kho.lu", "--json").stdout) as {
      consts: { name: string; type: string; value: string }[];
    };
    expect(json.consts).toContainEqual({
      name: "KHO_V1_COMPATIBLE",
      type: "string",
      value: '"kho-v1"',
      file: "schema/kho.lu",
    });
    expect(json.consts).toContainEqual({
      name: "KHO_PAGE_SIZE",
      type: "integer",
      value: "0x1000",
      file: "schema/kho.lu",
    });
    expect(luIn(ROOT, "layout", "schema/kho.lu").stdout).toMatch(
      /^const KHO_V1_COMPATIBLE += "kho-v1" +\(schema\/kho\.lu\)$/m,
    );
  });

  it("prints a text table, and diagnostics with exit 1 for a bad schema", () => {
    expect(lu("layout", "schema/live-update.lu").stdout).toContain("struct lu_m2p_entry  size 8  align 8");
    expect(lu("layout", "bad.lu").code).toBe(1);
  });
});

// Each gen spawn loads prettier; give the block room on a 2-core machine (not a speed target).
describe("lu gen", { timeout: 120_000 }, () => {
  it("generates into --out, rewrites nothing when fresh, and --check finds stale, missing and extra files", () => {
    const first = lu("gen", "schema", "--out", "out");
    expect(first.code).toBe(0);
    const produced = readdirSync(join(dir, "out")).sort();
    expect(produced).toEqual(["index.ts", "libxc-stream.ts", "live-update.ts"]);
    expect(readFileSync(join(dir, "out/live-update.ts"), "utf8")).toContain("schema/live-update.lu");

    const again = lu("gen", "schema", "--out", "out");
    expect(again).toMatchObject({ code: 0, stdout: "" });
    expect(lu("gen", "schema", "--out", "out", "--check").code).toBe(0);

    writeFileSync(join(dir, "out/live-update.ts"), "// edited\n");
    writeFileSync(join(dir, "out/orphan.ts"), "// no schema\n");
    rmSync(join(dir, "out/index.ts"));
    const check = lu("gen", "schema", "--out", "out", "--check");
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("out is out of date: run 'lu gen schema --out out'");
    expect(
      check.stderr
        .split("\n")
        .filter((l) => /^(stale|missing|extra):/.test(l))
        .sort(),
    ).toEqual(["extra: out/orphan.ts", "missing: out/index.ts", "stale: out/live-update.ts"]);
    expect(readFileSync(join(dir, "out/live-update.ts"), "utf8")).toBe("// edited\n");

    expect(lu("gen", "schema", "--out", "out").code).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(produced);
  });

  it("prints diagnostics and exits 1 without writing on a bad schema", () => {
    const r = lu("gen", "bad.lu", "--out", "bad-out");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error LU3001");
    expect(() => readdirSync(join(dir, "bad-out"))).toThrow();
  });

  it("outside the lu-codec sources, generated files import the runtime as lu-codec/runtime and name the command", () => {
    const text = readFileSync(join(dir, "out/live-update.ts"), "utf8");
    expect(text).toContain("— do not edit, run `lu gen schema --out out`");
    expect(text).toMatch(/^import (type )?\{[^}]*\} from "lu-codec\/runtime";$/m);
    expect(text).not.toContain("../runtime");
  });

  it("with no arguments and no lu.config.json: a usage error naming the config, and no ./generated", () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    const r = luIn(empty, "gen");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lu gen: no schema files given and no lu\.config\.json in .*: run 'lu gen <schemas\.\.\.> --out <dir>', or write lu\.config\.json/,
    );
    expect(existsSync(join(empty, "generated"))).toBe(false);
  });

  it("with no arguments, generates what lu.config.json says; --check names the configured command", () => {
    const app = mkdtempSync(join(dir, "app-"));
    mkdirSync(join(app, "lu"));
    writeFileSync(join(app, "lu/point.lu"), "endian little;\nstruct point size 8 {\n  @0 x: i32;\n  @4 y: i32;\n}\n");
    writeFileSync(
      join(app, "lu.config.json"),
      JSON.stringify({ schemas: ["lu"], out: "src/gen", runtime: "@acme/lu-runtime", regenerate: "npm run codegen" }),
    );
    const r = luIn(app, "gen");
    expect(r.code).toBe(0);
    expect(readdirSync(join(app, "src/gen")).sort()).toEqual(["index.ts", "point.ts"]);
    const point = readFileSync(join(app, "src/gen/point.ts"), "utf8");
    expect(point).toContain("@generated by lu-codec from lu/point.lu — do not edit, run `npm run codegen`");
    expect(point).toMatch(/from "@acme\/lu-runtime";/);
    writeFileSync(
      join(app, "lu/point.lu"),
      "endian little;\nstruct point size 12 {\n  @0 x: i32;\n  @4 y: i32;\n  @8 z: i32;\n}\n",
    );
    const stale = luIn(app, "gen", "--check");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("src/gen is out of date: run 'npm run codegen'");
  });

  it("a bad lu.config.json or --import-style is a usage error (exit 2) naming the problem", () => {
    const app = mkdtempSync(join(dir, "badcfg-"));
    writeFileSync(join(app, "lu.config.json"), JSON.stringify({ schemas: ["lu"], out: "gen", outDir: "x" }));
    expect(luIn(app, "gen")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^lu gen: lu\.config\.json: unknown key 'outDir' \(known: schemas, out, importStyle, runtime, target, regenerate\)\n$/,
      ),
    });
    writeFileSync(join(app, "lu.config.json"), "{ schemas: [");
    expect(luIn(app, "gen")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^lu gen: lu\.config\.json is not valid JSON/),
    });
    expect(lu("gen", "schema", "--out", "o2", "--import-style", "cjs")).toMatchObject({
      code: 2,
      stderr: "lu gen: --import-style must be 'package' or 'relative', not 'cjs'\n",
    });
    expect(lu("gen", "schema", "--out", "o2", "--import-style", "relative").code).toBe(2);
  });

  it("--watch regenerates when a schema changes and stops cleanly on SIGINT", async () => {
    const app = mkdtempSync(join(dir, "watch-"));
    mkdirSync(join(app, "lu"));
    const schema = (n: number): string => `struct s size ${n} {\n  @0 a: u8;\n  @1 _pad: pad[${n - 1}];\n}\n`;
    writeFileSync(join(app, "lu/s.lu"), schema(4));
    writeFileSync(join(app, "lu.config.json"), JSON.stringify({ schemas: ["lu"], out: "gen" }));
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "cli/main.ts"), "gen", "--watch"], {
      cwd: app,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    const until = async (ok: () => boolean, what: string): Promise<void> => {
      for (let waited = 0; !ok(); waited += 50) {
        if (waited > 60_000) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const sizeOf = (): string | undefined =>
      existsSync(join(app, "gen/s.ts"))
        ? /static readonly SIZE = (\d+)/.exec(readFileSync(join(app, "gen/s.ts"), "utf8"))?.[1]
        : undefined;
    try {
      await until(() => stderr.includes("watching"), "the first run");
      expect(sizeOf()).toBe("4");
      writeFileSync(join(app, "lu/s.lu"), schema(16));
      await until(() => sizeOf() === "16", "regeneration");
      // A broken edit reports diagnostics and keeps watching; fixing it regenerates.
      writeFileSync(join(app, "lu/s.lu"), "struct s size 2 {\n  @0 a: u32;\n}\n");
      await until(() => stderr.includes("error LU"), "the diagnostic");
      writeFileSync(join(app, "lu/s.lu"), schema(8));
      await until(() => sizeOf() === "8", "regeneration after the fix");
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });
});

describe("planGen", () => {
  it("imports the runtime relatively inside the lu-codec sources, as a package elsewhere", () => {
    expect(planGen([], {}, ROOT).runtime).toEqual({ style: "relative", dir: "../runtime" });
    expect(planGen(["schema"], { out: join(ROOT, "test/tmp-out") }, ROOT).runtime).toEqual({
      style: "relative",
      dir: "../../runtime",
    });
    expect(planGen(["schema"], { out: join(dir, "elsewhere") }, ROOT).runtime).toEqual({
      style: "package",
      module: "lu-codec/runtime",
    });
    expect(planGen(["schema"], { out: join(dir, "x"), runtime: "../vendor/lu" }, ROOT).runtime).toEqual({
      style: "relative",
      dir: "../vendor/lu",
    });
  });
});

describe("gen output sync", () => {
  const files = [
    { path: "a.ts", text: "export const a = 1;\n" },
    { path: "index.ts", text: 'export * from "./a.js";\n' },
  ];

  it("writes what changed, deletes stale .ts files, and --check reports differences", () => {
    const out = join(dir, "gen-out");
    mkdirSync(out);
    writeFileSync(join(out, "old.ts"), "stale\n");
    writeFileSync(join(out, "notes.txt"), "kept\n");
    expect(syncOutput(out, files, true)).toBe(1);
    expect(readdirSync(out).sort()).toEqual(["notes.txt", "old.ts"]);

    expect(syncOutput(out, files, false)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["a.ts", "index.ts", "notes.txt"]);
    expect(readFileSync(join(out, "a.ts"), "utf8")).toBe("export const a = 1;\n");
    expect(syncOutput(out, files, true)).toBe(0);

    writeFileSync(join(out, "a.ts"), "edited by hand\n");
    expect(syncOutput(out, files, true)).toBe(1);
    expect(readFileSync(join(out, "a.ts"), "utf8")).toBe("edited by hand\n");
  });
});
