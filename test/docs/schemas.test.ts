/**
 * docs/schemas/ is what `lu doc` makes from schema/ (Markdown and HTML): it must be fresh, like
 * generated/. Regenerate with `npm run lu -- doc schema --out docs/schemas` (and `--format html`).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

function lu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("docs/schemas", () => {
  for (const format of ["md", "html"]) {
    it(`is up to date with schema/ (${format})`, () => {
      const r = lu("doc", "schema", "--format", format, "--out", "docs/schemas", "--check");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const pages = readdirSync("schema").filter((f) => f.endsWith(".lu")).length;
      expect(r.stdout).toContain(`docs/schemas is up to date (${pages} ${format} pages)`);
    });
  }
});
