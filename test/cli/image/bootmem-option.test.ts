import { describe, expect, it } from "vitest";
import { parseBootmem } from "../../../cli/image/bootmem-option.js";

describe("parseBootmem", () => {
  it("a first frame, a frame count, a size with a suffix, hexadecimal", () => {
    expect(parseBootmem("256", 4096)).toEqual({ kind: "range", range: { start: 256, count: 1 } });
    expect(parseBootmem("256:256", 4096)).toEqual({ kind: "range", range: { start: 256, count: 256 } });
    expect(parseBootmem("0x100:1M", 4096)).toEqual({ kind: "range", range: { start: 256, count: 256 } });
    expect(parseBootmem("16:64k", 4096)).toEqual({ kind: "range", range: { start: 16, count: 16 } });
    expect(parseBootmem("16:1G", 65536)).toEqual({ kind: "range", range: { start: 16, count: 16384 } });
  });

  it("auto, alone or within a range", () => {
    expect(parseBootmem("auto", 4096)).toEqual({ kind: "auto", within: undefined });
    expect(parseBootmem("auto:16:16", 4096)).toEqual({ kind: "auto", within: { start: 16, count: 16 } });
  });

  it("refuses what is not a range, with the reason", () => {
    expect(() => parseBootmem("16:0", 4096)).toThrow("empty bootmem");
    expect(() => parseBootmem("16:6K", 4096)).toThrow("not a whole number of 4096-byte pages");
    expect(() => parseBootmem("x", 4096)).toThrow("not a whole number");
    expect(() => parseBootmem("1:2:3", 4096)).toThrow("is not FRAME");
    expect(() => parseBootmem("auto:auto", 4096)).toThrow("auto:FRAME:COUNT");
    expect(() => parseBootmem("99999999999999999999", 4096)).toThrow("too large");
  });
});
