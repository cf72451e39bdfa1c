/** schema/*.lu are in the layout `lu fmt` gives them (run `npm run lu -- fmt schema` after an edit). */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatLu } from "../../codegen/fmt/format.js";

describe("schema/", () => {
  const files = readdirSync("schema").filter((n) => n.endsWith(".lu")).sort();
  for (const name of files) {
    it(`${name} is formatted by lu fmt`, () => {
      const file = `schema/${name}`;
      const text = readFileSync(file, "utf8");
      const result = formatLu(file, text);
      if (!result.ok) throw new Error(`${file}: ${result.reason}`);
      expect(result.changed, `${file} is not formatted: run 'npm run lu -- fmt schema'`).toBe(false);
    });
  }
});
