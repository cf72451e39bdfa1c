import { describe, it } from "vitest";
import { runBudget } from "../budget.js";

describe("fuzz target restore", () => {
  it("keeps every invariant on 10000 cases (fixed seed)", () => {
    runBudget("restore", 10000, 0x1c0dec);
  });
});
