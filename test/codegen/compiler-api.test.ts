/**
 * `lu-codec/compiler`: compile in-memory sources, get diagnostics, the layout IR and generated text.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import {
  compileAndGenerate,
  compileSources,
  generate,
  layoutListing,
  parseConfig,
  renderDiagnostics,
} from "../../codegen/compiler-api.js";

const sources = {
  "lu/base.lu": "endian big;\nenum kind : u8 { a = 1, b = 2 }\n",
  "lu/rec.lu":
    'import "base.lu";\nendian big;\nstruct rec size 4 {\n  @0 k: kind;\n  @1 _pad: pad[1];\n  @2 n: u16;\n}\n',
};

describe("compiler API", () => {
  it("compiles in-memory sources (imports resolve among them) to the layout IR", () => {
    const { program, diagnostics } = compileSources(sources);
    expect(diagnostics).toEqual([]);
    expect(program?.schemas.map((s) => s.file)).toEqual(["lu/base.lu", "lu/rec.lu"]);
    expect(layoutListing(program ?? { schemas: [], declaredIn: new Map() }).structs).toMatchObject([
      {
        name: "rec",
        size: 4,
        fields: [
          { name: "k", offset: 0 },
          { name: "_pad", offset: 1 },
          { name: "n", offset: 2, size: 2 },
        ],
      },
    ]);
  });

  it("generates files importing lu-codec/runtime and naming `lu gen` by default; options change both", async () => {
    const program = compileSources(sources).program;
    if (program === null) throw new Error("does not compile");
    const files = await generate(program);
    expect(files.map((f) => f.path)).toEqual(["base.ts", "rec.ts", "index.ts"]);
    const rec = files.find((f) => f.path === "rec.ts")?.text ?? "";
    expect(rec).toContain("do not edit, run `lu gen`");
    expect(rec).toMatch(/from "lu-codec\/runtime";/);
    expect(rec).toMatch(/from "\.\/base\.js";/);
    const custom = await generate(program, {
      runtime: { style: "relative", dir: "../vendor/lu" },
      regenerate: "make gen",
    });
    const text = custom.find((f) => f.path === "rec.ts")?.text ?? "";
    expect(text).toMatch(/from "\.\.\/vendor\/lu\/accessor-support\.js";/);
    expect(text).toContain("run `make gen`");
  });

  it("returns diagnostics and their rendering (file:line:col, caret) for a broken source, and no files", async () => {
    const r = await compileAndGenerate({ "bad.lu": "struct s size 4 {\n  @0 a: u32;\n  @2 b: u16;\n}\n" });
    expect(r.program).toBeNull();
    expect(r.files).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ code: "LU3001", severity: "error", span: { file: "bad.lu" } });
    expect(r.rendered).toContain("bad.lu:3:3: error LU3001");
    expect(r.rendered).toContain("^");
    expect(renderDiagnostics(r.diagnostics, () => undefined)).toContain("bad.lu:3:3: error LU3001");
  });

  it("checks a lu.config.json object", () => {
    expect(parseConfig("c.json", { schemas: "lu", out: "gen", importStyle: "package" })).toEqual({
      schemas: ["lu"],
      out: "gen",
      importStyle: "package",
    });
    expect(() => parseConfig("c.json", { schemas: [], out: "gen" })).toThrow(/'schemas' must be/);
    expect(() => parseConfig("c.json", { schemas: ["lu"] })).toThrow(/'out' must be a non-empty string/);
    expect(() => parseConfig("c.json", { schemas: ["lu"], out: "g", target: "rust" })).toThrow(
      /'target' must be "typescript"/,
    );
  });
});

describe("docs/compiler-api.md", () => {
  it("its example runs and prints what its comments say", async () => {
    const doc = readFileSync("docs/compiler-api.md", "utf8");
    const example = /```ts\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
    expect(example).toContain('from "lu-codec/compiler"');
    const dir = mkdtempSync(join(resolve("test/codegen"), "doc-example-"));
    const logged: unknown[][] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args));
    try {
      const file = join(dir, "example.ts");
      writeFileSync(
        file,
        `${example.replace('"lu-codec/compiler"', JSON.stringify(resolve("codegen/compiler-api.js")))}\nexport {};\n`,
      );
      await import(pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(logged).toEqual([["base.ts"], ["rec.ts"], ["index.ts"], [0, 4]]);
  });
});
