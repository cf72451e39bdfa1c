/**
 * Golden cases: each `test/golden/<case>/` holds `input.lu` and `expected.ts`, the exact emitter
 * output for it (generated with the runtime at `../../../runtime`, so the file type-checks in
 * place: tsconfig includes test/, so `npm run typecheck` compiles every expected.ts). A case
 * without both files fails; `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites expected.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProgram, renderDiagnostics } from "../../codegen/compile.js";
import { generateTypeScript } from "../../codegen/emit/ts/generate.js";

const root = new URL(".", import.meta.url).pathname;
const cases = readdirSync(root)
  .filter((name) => statSync(join(root, name)).isDirectory())
  .sort();
const update = process.env["UPDATE_GOLDEN"] === "1";

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The generated TypeScript of `test/golden/<name>/input.lu`. */
export async function goldenOutput(name: string): Promise<string> {
  const input = join("test/golden", name, "input.lu");
  const { program, diagnostics } = compileProgram([input], readText);
  if (program === null) throw new Error(renderDiagnostics(diagnostics, readText));
  const files = await generateTypeScript(program, { runtimeDir: "../../../runtime" });
  const file = files.find((f) => f.path === "input.ts");
  if (file === undefined) throw new Error(`no input.ts among ${files.map((f) => f.path).join(", ")}`);
  return file.text;
}

describe("golden emitter output", () => {
  it("has at least one case", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      expect(existsSync(join(dir, "input.lu")), `${name}/input.lu is missing`).toBe(true);
      const actual = await goldenOutput(name);
      const expectedPath = join(dir, "expected.ts");
      if (update) writeFileSync(expectedPath, actual);
      expect(existsSync(expectedPath), `${name}/expected.ts is missing (run with UPDATE_GOLDEN=1)`).toBe(true);
      expect(actual).toBe(readFileSync(expectedPath, "utf8"));
    });
  }

  it("same input, byte-identical output", async () => {
    for (const name of cases) expect(await goldenOutput(name)).toBe(await goldenOutput(name));
  });
});
