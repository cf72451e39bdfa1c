/**
 * schema/*.lu and examples/*.lu are in the layout `lu fmt` gives them (run
 * `npm run lu -- fmt schema examples` after an edit).
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatLu } from "../../codegen/fmt/format.js";

for (const dir of ["schema", "examples"]) {
  describe(`${dir}/`, () => {
    const files = readdirSync(dir)
      .filter((n) => n.endsWith(".lu"))
      .sort();
    it("holds .lu files", () => {
      expect(files.length).toBeGreaterThan(0);
    });
    for (const name of files) {
      it(`${name} is formatted by lu fmt`, () => {
        const file = `${dir}/${name}`;
        const text = readFileSync(file, "utf8");
        const result = formatLu(file, text);
        if (!result.ok) throw new Error(`${file}: ${result.reason}`);
        expect(result.changed, `${file} is not formatted: run 'npm run lu -- fmt ${dir}'`).toBe(false);
      });
    }
  });
}
