/**
 * lu-codec in someone else's project: pack it exactly as npm would publish it, install the tarball
 * into a scratch app once (shared by every test here), then
 *  - check the tarball holds every file its `bin` and `exports` reach,
 *  - run every `lu` command from the installed bin,
 *  - walk through what a new user does: write an own schema, `lu gen` from lu.config.json, compile
 *    under `tsc --strict`, build a file with the generated setters and the record writer, read it
 *    back, `validate()` it, and read it again through a vmap of the app's own scattered pages,
 *  - use `lu-codec/compiler` from the app.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "lu-pack-"));
const app = join(scratch, "sensor-app");
const installed = join(app, "node_modules/lu-codec");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = join(repo, "node_modules/typescript/bin/tsc");
let installLog = "";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The installed `lu` (node_modules/.bin/lu: the symlink npm made, run through its shebang). */
function lu(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(app, "node_modules/.bin/lu"), args, {
    cwd: app,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

beforeAll(() => {
  // `npm pack` runs `prepack`, which builds dist/ afresh from the current sources.
  run(npm, ["pack", "--silent", "--pack-destination", scratch], repo);
  const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
  if (tarball === undefined) throw new Error("npm pack made no tarball");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "sensor-app", private: true, type: "module", scripts: { gen: "lu gen" } }, null, 2),
  );
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, tarball)], {
    cwd: app,
    encoding: "utf8",
  });
  installLog = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`npm install failed:\n${installLog}`);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the packed tarball", () => {
  it("installs without install-script warnings (the build runs on prepack, not prepare)", () => {
    expect(installLog).not.toMatch(/install-scripts|prepare/);
    const pkg = json(readFileSync(join(installed, "package.json"), "utf8"));
    expect((pkg["scripts"] as Record<string, string>)["prepare"]).toBeUndefined();
  });

  it("holds every file its bin and exports name, and every module they import", () => {
    const pkg = json(readFileSync(join(installed, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      exports: Record<string, Record<string, string>>;
    };
    const targets = [...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => Object.values(e))].filter(
      (t) => !t.includes("*"),
    );
    for (const t of targets) expect(existsSync(join(installed, t)), t).toBe(true);
    // Follow every relative import of every shipped module (static, `export from` and dynamic).
    const js: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".js") || p.endsWith(".d.ts")) js.push(p);
      }
    };
    walk(join(installed, "dist"));
    const missing: string[] = [];
    for (const file of js) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
        const spec = m[1] ?? "";
        if (spec.includes("${")) continue; // a template literal in generated code, not an import
        if (!existsSync(join(dirname(file), spec))) missing.push(`${file.slice(installed.length + 1)} → ${spec}`);
      }
    }
    expect(missing).toEqual([]);
    expect(js.length).toBeGreaterThan(50);
  });
});

describe("every lu command from the installed bin", { timeout: 120_000 }, () => {
  it("--help and --version", () => {
    const help = lu("--help");
    expect(help).toMatchObject({ code: 0, stderr: "" });
    for (const cmd of ["check", "layout", "gen", "dump", "validate", "abi-check", "save", "restore"])
      expect(help.stdout).toContain(`  ${cmd}`);
    const pkg = json(readFileSync(join(repo, "package.json"), "utf8"));
    expect(lu("--version")).toMatchObject({ code: 0, stdout: `${String(pkg["version"])}\n` });
    expect(lu("gen", "--help").stdout).toContain("--watch");
  });

  it("check, layout, gen and abi-check on the package's own schemas", () => {
    const schemaDir = join(installed, "schema");
    expect(lu("check", schemaDir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: \d+ files/) });
    const layout = json(lu("layout", join(schemaDir, "live-update.lu"), "--json").stdout) as {
      structs: { name: string; size: number }[];
    };
    expect(layout.structs.find((s) => s.name === "lu_breadcrumb")?.size).toBe(24);
    const out = join(scratch, "xen-gen");
    expect(lu("gen", schemaDir, "--out", out).code).toBe(0);
    const shipped = readdirSync(schemaDir)
      .filter((f) => f.endsWith(".lu"))
      .map((f) => f.replace(/\.lu$/, ".ts"));
    expect(shipped).toContain("live-update.ts");
    expect(readdirSync(out).sort()).toEqual([...shipped, "index.ts"].sort());
    expect(readFileSync(join(out, "live-update.ts"), "utf8")).toMatch(/ from "lu-codec\/runtime";/);
    expect(lu("abi-check", schemaDir, schemaDir)).toMatchObject({ code: 0 });
    const widened = join(scratch, "abi-new.lu");
    writeFileSync(join(scratch, "abi-old.lu"), "struct s size 8 abi frozen {\n  @0 a: u32;\n  @4 b: u32;\n}\n");
    writeFileSync(widened, "struct s size 8 abi frozen {\n  @0 a: u64;\n}\n");
    const broken = lu("abi-check", join(scratch, "abi-old.lu"), widened);
    expect(broken.code).toBe(1);
  });

  it("save, restore, validate and dump a small host image; dump a libxc stream", () => {
    const saved = lu("save", "--small", "--out", "host.img", "--json");
    expect(saved.code).toBe(0);
    const info = json(saved.stdout);
    const bootmem = String(info["bootmem"]);
    const restored = lu("restore", "host.img", "--bootmem", bootmem, "--no-progress", "--json");
    expect(restored.code).toBe(0);
    expect((json(restored.stdout)["domains"] as unknown[]).length).toBe(info["domains"]);
    // Pass 1 over a pool of worker threads: the worker's entry ships next to the pool's module.
    const parallel = json(
      lu("restore", "host.img", "--bootmem", bootmem, "--no-progress", "--json", "--workers", "2").stdout,
    );
    expect(parallel["workers"]).toBe(2);
    expect(parallel["pool_startup_ms"]).toBeGreaterThan(0);
    expect(parallel["frames"]).toBe(json(restored.stdout)["frames"]);
    expect(lu("validate", "host.img", "--image", "--bootmem", bootmem)).toMatchObject({
      code: 0,
      stdout: `host.img: ok (image, ${String(info["records"])} records)\n`,
    });
    const dumped = lu("dump", "host.img", "--image", "--bootmem", bootmem, "--json");
    expect(dumped.code).toBe(0);
    expect(JSON.stringify(json(dumped.stdout))).toContain("LU_DOMAIN_INFO");
    copyFileSync(join(repo, "test/fixtures/sample-libxc.bin"), join(app, "sample-libxc.bin"));
    expect(lu("dump", "sample-libxc.bin")).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("image_header @0"),
    });
    expect(lu("restore", "--demo", "--small", "--no-progress")).toMatchObject({ code: 0 });
  });

  it("doc, fmt and lsp on the package's own schemas; the editor grammar ships", () => {
    const schemaDir = join(installed, "schema");
    const doc = lu("doc", join(schemaDir, "live-update.lu"));
    expect(doc.code).toBe(0);
    expect(doc.stdout).toContain("    | domain_handle[0-7]                              |");
    expect(lu("fmt", "--check", schemaDir)).toMatchObject({ code: 0 });
    expect(lu("lsp", "--help")).toMatchObject({ code: 0 });
    expect(existsSync(join(installed, "editors/vscode/syntaxes/lu.tmLanguage.json"))).toBe(true);
    expect(existsSync(join(installed, "editors/vscode/language-configuration.json"))).toBe(true);
  });
});

const SENSOR_LU = `/// Sensor log: a big-endian file header, then type-length-value records.
endian big;

const SLOG_MAGIC = 0x534C_4F47;

/// What a sample measures.
enum sensor_kind : u8 {
  temperature = 1,
  humidity = 2,
  pressure = 3,
}

/// Sample quality.
flags sample_flags : u8 {
  calibrated = 1 << 0,
  clipped = 1 << 1,
  estimated = 1 << 2,
}

/// The file header, once before the records.
struct slog_header size 16 {
  @0 magic: u32 = SLOG_MAGIC;
  @4 version: u16 = 1;
  @6 spare: u16 reserved;
  @8 device_id: u64;
}

/// Every record's header.
struct slog_rhdr size 4 {
  @0 type: u16;
  @2 length: u16;
}

/// One burst of readings from one channel.
struct sample {
  @0 timestamp: u64;
  @8 kind: sensor_kind;
  @9 quality: sample_flags;
  @10 route: u16 bits {
    channel: 0..3;
    gain: 4..7;
  };
  @12 spare: u32 reserved;
  @16 count: u16;
  @18 _pad: pad[2];
  @20 readings: i32[count];
}

stream slog {
  preamble slog_header;
  header slog_rhdr (type, length);
  align 4;
  end END;
  record END = 0;
  record SAMPLE = 1 : sample;
}
`;

/** The app's program: writes sensor.slog with the generated accessors, reads it back three ways. */
const MAIN_TS = `import { readFileSync, writeFileSync } from "node:fs";
import { BufferRecordWriter, ContiguousSource, RecordReader, vmapPages, type ByteSource, type Problem } from "lu-codec/runtime";
import { SAMPLE_FLAGS, SENSOR_KIND, SLOG_FORMAT, SLOG_RECORD, Sample, SlogHeader } from "./generated/index.js";

const bursts: readonly (readonly number[])[] = [[-40, 12, 7], [500], [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 2147483647]];

const w = new BufferRecordWriter(SLOG_FORMAT);
SlogHeader.at(w.source, 0).init().deviceId = 0xfeed_0000_beefn;
bursts.forEach((values, i) => {
  const placed = w.beginRecord(SLOG_RECORD.SAMPLE, Sample.SIZE + 4 * values.length);
  const s = Sample.at(placed.source, placed.offset, placed.length).init();
  s.timestamp = 1_700_000_000_000_000_000n + BigInt(i);
  s.kind = i === 1 ? SENSOR_KIND.pressure : SENSOR_KIND.humidity;
  s.quality = SAMPLE_FLAGS.calibrated | (i === 2 ? SAMPLE_FLAGS.clipped : 0);
  s.channel = i + 1;
  s.gain = 15 - i;
  s.count = values.length;
  values.forEach((v, j) => s.readings.set(j, v));
});
w.end();
writeFileSync("sensor.slog", w.bytes());

interface Summary {
  readonly magic: number;
  readonly device: string;
  readonly samples: unknown[];
  readonly problems: Problem[];
}

function read(src: ByteSource): Summary {
  const header = SlogHeader.at(src, 0);
  const problems = header.validate([], "header");
  const samples: unknown[] = [];
  for (const r of new RecordReader(src, SLOG_FORMAT, { strict: true }).records()) {
    if (r.isEnd) break;
    const s = Sample.at(src, r.bodyOffset, r.bodyLength);
    s.validate(problems, \`record\${r.index}\`);
    const readings: number[] = [];
    for (let j = 0; j < s.readings.length; j++) readings.push(s.readings.at(j));
    const kind: number = s.kind;
    samples.push({ type: r.name, ts: s.timestamp.toString(), kind, quality: s.quality, channel: s.channel, gain: s.gain, readings });
  }
  return { magic: header.magic, device: header.deviceId.toString(16), samples, problems };
}

const bytes = new Uint8Array(readFileSync("sensor.slog"));
const flat = read(new ContiguousSource(bytes));

// The app's own pages: 24-byte pages, each at a different offset of one pool, in reverse order.
const pageSize = 24;
const count = Math.ceil(bytes.length / pageSize);
const pool = new ArrayBuffer(count * (pageSize + 5));
const pages: Uint8Array[] = [];
for (let k = 0; k < count; k++) {
  const piece = bytes.subarray(k * pageSize, Math.min((k + 1) * pageSize, bytes.length));
  const page = new Uint8Array(pool, (count - 1 - k) * (pageSize + 5) + 3, piece.length);
  page.set(piece);
  pages.push(page);
}
const paged = read(vmapPages(pages));

// A damaged copy: wrong magic, a reserved field set, an unknown enum value.
const damaged = bytes.slice();
damaged[0] = 0x58;
damaged[16 + 4 + 12] = 1;
damaged[16 + 4 + 8] = 9;
const bad = read(new ContiguousSource(damaged));

console.log(JSON.stringify({ size: bytes.length, flat, same: JSON.stringify(paged) === JSON.stringify(flat), pages: count, bad: bad.problems.map((p) => [p.kind, p.field]) }));
`;

/** Build-tool use of `lu-codec/compiler`: compile a schema in memory, render a diagnostic. */
const COMPILER_TS = `import { compileAndGenerate, type Diagnostic } from "lu-codec/compiler";

const good = await compileAndGenerate({ "lu/p.lu": "struct p size 4 {\\n  @0 x: u16;\\n  @2 y: u16;\\n}\\n" });
const bad = await compileAndGenerate({ "bad.lu": "struct q size 2 align 1 {\\n  @0 x: u32;\\n}\\n" });
const codes: string[] = bad.diagnostics.map((d: Diagnostic) => d.code);
console.log(JSON.stringify({ files: good.files.map((f) => f.path), imports: good.files[0]?.text.includes('from "lu-codec/runtime"'), codes, rendered: bad.rendered.split("\\n")[0] }));
`;

describe(
  "a new user's walk: own schema, lu gen from lu.config.json, tsc --strict, build, read, validate, vmap",
  { timeout: 180_000 },
  () => {
    it("works with no workaround", () => {
      mkdirSync(join(app, "lu"));
      writeFileSync(join(app, "lu/sensor.lu"), SENSOR_LU);
      writeFileSync(
        join(app, "lu.config.json"),
        JSON.stringify({ schemas: ["lu"], out: "src/generated", regenerate: "npm run gen" }, null, 2),
      );
      expect(lu("check", "lu")).toMatchObject({ code: 0 });

      // A bare `lu gen` does what the config says.
      const gen = lu("gen");
      expect(gen).toMatchObject({ code: 0, stdout: "wrote src/generated/sensor.ts\nwrote src/generated/index.ts\n" });
      const sensor = readFileSync(join(app, "src/generated/sensor.ts"), "utf8");
      expect(sensor).toContain("@generated by lu-codec from lu/sensor.lu — do not edit, run `npm run gen`");
      expect(sensor).toMatch(/^} from "lu-codec\/runtime";$/m);
      expect(lu("gen", "--check")).toMatchObject({ code: 0 });

      writeFileSync(join(app, "src/main.ts"), MAIN_TS);
      writeFileSync(join(app, "src/compiler.ts"), COMPILER_TS);
      writeFileSync(
        join(app, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            outDir: "out",
            rootDir: "src",
            skipLibCheck: false,
            types: ["node"],
            typeRoots: [join(repo, "node_modules/@types")],
          },
          include: ["src"],
        }),
      );
      run(process.execPath, [tsc, "-p", "tsconfig.json"], app);
      const result = json(run(process.execPath, ["out/main.js"], app)) as {
        size: number;
        flat: { magic: number; device: string; samples: Record<string, unknown>[]; problems: unknown[] };
        same: boolean;
        pages: number;
        bad: [string, string][];
      };

      // Header 16; each SAMPLE: rhdr 4 + fixed part 20 + 4 per reading (already 4-aligned); END 4.
      expect(result.size).toBe(16 + (24 + 12) + (24 + 4) + (24 + 44) + 4);
      expect(result.flat.magic).toBe(0x534c4f47);
      expect(result.flat.device).toBe("feed0000beef");
      expect(result.flat.problems).toEqual([]);
      expect(result.flat.samples).toEqual([
        {
          type: "SAMPLE",
          ts: "1700000000000000000",
          kind: 2,
          quality: 1,
          channel: 1,
          gain: 15,
          readings: [-40, 12, 7],
        },
        { type: "SAMPLE", ts: "1700000000000000001", kind: 3, quality: 1, channel: 2, gain: 14, readings: [500] },
        {
          type: "SAMPLE",
          ts: "1700000000000000002",
          kind: 2,
          quality: 3,
          channel: 3,
          gain: 13,
          readings: [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 2147483647],
        },
      ]);
      expect(result.same).toBe(true);
      expect(result.pages).toBe(Math.ceil(result.size / 24));
      expect(result.bad.map(([kind]) => kind).sort()).toEqual(["bad-constant", "nonzero-reserved", "unknown-enum"]);

      // The bytes on disk, checked independently of the generated code: big-endian throughout.
      const file = readFileSync(join(app, "sensor.slog"));
      const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
      expect([dv.getUint32(0), dv.getUint16(4), dv.getBigUint64(8)]).toEqual([0x534c4f47, 1, 0xfeed0000beefn]);
      expect([dv.getUint16(16), dv.getUint16(18), dv.getBigUint64(20)]).toEqual([1, 32, 1_700_000_000_000_000_000n]);
      expect([dv.getUint8(28), dv.getUint8(29), dv.getUint16(30), dv.getUint16(36), dv.getInt32(40)]).toEqual([
        2,
        1,
        (15 << 4) | 1,
        3,
        -40,
      ]);
      expect([dv.getUint16(file.length - 4), dv.getUint16(file.length - 2)]).toEqual([0, 0]);

      // The compiler API, type-checked and run from the app.
      const api = json(run(process.execPath, ["out/compiler.js"], app));
      expect(api).toEqual({
        files: ["p.ts", "index.ts"],
        imports: true,
        codes: expect.arrayContaining(["LU3003"]),
        rendered: expect.stringMatching(/^bad\.lu:2:3: error LU3003: field 'x' /),
      });

      // Edit the schema: --check notices and names the configured command; lu gen brings it back.
      writeFileSync(join(app, "lu/sensor.lu"), SENSOR_LU.replace("pressure = 3,", "pressure = 3,\n  light = 4,"));
      expect(lu("gen", "--check")).toMatchObject({
        code: 1,
        stderr: expect.stringContaining("src/generated is out of date: run 'npm run gen'"),
      });
      expect(lu("gen").code).toBe(0);
      expect(readFileSync(join(app, "src/generated/sensor.ts"), "utf8")).toContain("light: 4");
    });
  },
);
