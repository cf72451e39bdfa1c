import { describe, expect, it } from "vitest";
import { isOptionalValue, rangeClass } from "../../../codegen/abi/record-ranges.js";
import { builder } from "./layout-builder.js";

describe("record type classes", () => {
  const b = builder("x.lu");
  it("reads the optional bit", () => {
    expect(isOptionalValue(0x80000000, 31)).toBe(true);
    expect(isOptionalValue(0x7fffffff, 31)).toBe(false);
    expect(isOptionalValue(0x40000000, 30)).toBe(true);
    expect(isOptionalValue(0xffffffff, null)).toBe(false);
  });
  it("takes a range's class from its name first, then from its bounds", () => {
    expect(rangeClass(b.range("future_optional", 0x10, 0x20), 31)).toBe("optional");
    expect(rangeClass(b.range("future_mandatory", 0x80000000, 0x80000010), 31)).toBe("mandatory");
    expect(rangeClass(b.range("future", 0x80000000, 0xffffffff), 31)).toBe("optional");
    expect(rangeClass(b.range("future", 0x10, 0x7fffffff), 31)).toBe("mandatory");
    expect(rangeClass(b.range("anything", 0x10, 0xffffffff), 31)).toBe("mixed");
  });
});
