import { describe, it } from "vitest";
import { runBudget } from "../budget.js";

describe("fuzz target breadcrumb", () => {
  it("keeps every invariant on 15000 cases (fixed seed)", () => {
    runBudget("breadcrumb", 15000, 0x1c0dec);
  });
});
