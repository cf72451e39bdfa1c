import { describe, it } from "vitest";
import { runBudget } from "../budget.js";

describe("fuzz target schema-compiler", () => {
  it("keeps every invariant on 6000 cases (fixed seed)", () => {
    runBudget("schema-compiler", 6000, 0x1c0dec);
  });
});
