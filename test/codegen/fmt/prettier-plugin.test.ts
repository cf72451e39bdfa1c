import { readFileSync } from "node:fs";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import { formatLu } from "../../../codegen/fmt/format.js";
import luPrettierPlugin from "../../../codegen/fmt/prettier-plugin.js";

describe("the prettier plugin", () => {
  it("formats a .lu file through prettier exactly as lu fmt does", async () => {
    for (const file of ["schema/live-update.lu", "schema/libxl-stream.lu"]) {
      const text = readFileSync(file, "utf8");
      const expected = formatLu(file, text);
      if (!expected.ok) throw new Error(expected.reason);
      expect(await format(text, { filepath: file, plugins: [luPrettierPlugin] })).toBe(expected.text);
    }
    expect(await format("struct s size 4{@0 a:u32;}", { parser: "lu", plugins: [luPrettierPlugin] })).toBe(
      "struct s size 4 {\n  @0 a: u32;\n}\n",
    );
  });

  it("reports a file that does not parse as a syntax error with the compiler's diagnostic", async () => {
    await expect(
      format("struct s { @0 a u32; }\n", { filepath: "bad.lu", plugins: [luPrettierPlugin] }),
    ).rejects.toThrow(/LU1001/);
  });
});
