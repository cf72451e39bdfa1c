import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../../runtime/contiguous-source.js";
import { STRUCT_CLASSES, validBody } from "../../../fuzz/targets/generated-validate.js";
import { runBudget } from "../budget.js";

describe("fuzz target generated-validate", () => {
  it("covers every generated struct class", () => {
    expect(STRUCT_CLASSES.size).toBeGreaterThanOrEqual(50);
  });

  it("valid bodies need init(): without it some have problems, with it none do", () => {
    let before = 0;
    for (const [name, cls] of STRUCT_CLASSES) {
      for (let seed = 0; seed < 4; seed++) {
        const body = validBody(name, seed);
        const s = cls.at(new ContiguousSource(body), 0, body.length);
        if (s.validate().length > 0) before++;
        expect(s.init().validate(), `${name} seed ${seed}`).toEqual([]);
      }
    }
    expect(before).toBeGreaterThan(0);
  });

  it("keeps every invariant on 20000 cases (fixed seed)", () => {
    runBudget("generated-validate", 20000, 0x1c0dec);
  });
});
