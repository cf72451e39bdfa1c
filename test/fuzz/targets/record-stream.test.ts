import { describe, it } from "vitest";
import { runBudget } from "../budget.js";

describe("fuzz target record-stream", () => {
  it("keeps every invariant on 40000 cases (fixed seed)", () => {
    runBudget("record-stream", 40000, 0x1c0dec);
  });
});
