import { describe, expect, it } from "vitest";
import { bigintLiteral, hexLiteral, intLiteral, isSafe, numberLiteral } from "../../../../codegen/emit/ts/literals.js";

describe("literals", () => {
  it("decimal below 2^16, hex above, bigint suffix when asked", () => {
    expect(numberLiteral(12n)).toBe("12");
    expect(numberLiteral(-3)).toBe("-3");
    expect(numberLiteral(0x10000n)).toBe("0x10000");
    expect(bigintLiteral(0xffff_ffff_ffff_ffffn)).toBe("0xffffffffffffffffn");
    expect(intLiteral(5n, true)).toBe("5n");
    expect(hexLiteral(2, 8)).toBe("0x00000002");
  });

  it("refuses a number literal that would lose precision", () => {
    expect(isSafe(2n ** 53n - 1n)).toBe(true);
    expect(isSafe(2n ** 53n)).toBe(false);
    expect(() => numberLiteral(2n ** 53n)).toThrow(/not a safe integer/);
  });
});
