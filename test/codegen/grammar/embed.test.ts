import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { embedGrammar } from "../../../codegen/grammar/embed.js";
import { LU_GRAMMAR_SOURCE } from "../../../codegen/grammar/lu-grammar.js";

describe("embedded grammar", () => {
  it("is exactly codegen/grammar/lu.ohm (run `npx tsx codegen/grammar/embed.ts` after editing it)", () => {
    const ohm = readFileSync(new URL("../../../codegen/grammar/lu.ohm", import.meta.url), "utf8");
    expect(LU_GRAMMAR_SOURCE).toBe(ohm);
    const module = readFileSync(new URL("../../../codegen/grammar/lu-grammar.ts", import.meta.url), "utf8");
    expect(module).toBe(embedGrammar(ohm));
  });
});
