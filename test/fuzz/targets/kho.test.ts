import { describe, it } from "vitest";
import { runBudget } from "../budget.js";

describe("fuzz target kho", () => {
  it("keeps every invariant on 2000 damaged handovers (fixed seed)", () => {
    runBudget("kho", 2000, 0x6b686f);
  });
});
