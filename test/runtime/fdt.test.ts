import { describe, expect, it } from "vitest";
import { Fdt, FdtBuilder, FdtError, stringProperty, u32CellsProperty, u64Property } from "../../runtime/fdt.js";

function sample(): Uint8Array {
  return new FdtBuilder()
    .beginNode("")
    .propString("compatible", "kho-v4")
    .propU64("preserved-memory-map", 0x1234_5000n, true)
    .beginNode("LUO")
    .propU64("preserved-data", 0x8000n, true)
    .prop("cells", Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 2))
    .endNode()
    .endNode()
    .finish();
}

describe("Fdt reader and builder", () => {
  it("round-trips nodes and typed properties and finds nodes by path", () => {
    const fdt = Fdt.parse(sample(), "root");
    expect(fdt.version).toBe(17);
    expect(stringProperty(fdt.root, "compatible")).toBe("kho-v4");
    expect(u64Property(fdt.root, "preserved-memory-map", true)).toBe(0x1234_5000n);
    const luo = fdt.node("/LUO");
    expect(luo?.path).toBe("/LUO");
    expect(luo === undefined ? null : u64Property(luo, "preserved-data", true)).toBe(0x8000n);
    expect(luo === undefined ? null : u32CellsProperty(luo, "cells")).toEqual([1, 2]);
    expect(fdt.node("/nope")).toBeUndefined();
  });

  it("stores the container big-endian: magic d0 0d fe ed", () => {
    expect(Array.from(sample().subarray(0, 4))).toEqual([0xd0, 0x0d, 0xfe, 0xed]);
  });

  it("reports a bad magic, a truncated blob, a bad token and a wrong-size u64 with where they are", () => {
    const bad = sample();
    bad[0] = 0;
    expect(() => Fdt.parse(bad, "KHO root FDT at 0x1000")).toThrow(
      "KHO root FDT at 0x1000: bad magic 0x000dfeed (an FDT starts with 0xd00dfeed)",
    );
    expect(() => Fdt.parse(sample().subarray(0, 60), "f")).toThrow(
      /totalsize \d+ is not between 40 and the 60 octets available/,
    );
    const tok = sample();
    tok[56 + 3] = 7; // first token (FDT_BEGIN_NODE) becomes 7
    expect(() => Fdt.parse(tok, "f")).toThrow(FdtError);
    expect(() => Fdt.parse(tok, "f")).toThrow("unknown token 0x7");
    const fdt = Fdt.parse(
      new FdtBuilder()
        .beginNode("")
        .prop("x", Uint8Array.of(1, 2, 3))
        .endNode()
        .finish(),
    );
    expect(() => u64Property(fdt.root, "x", true)).toThrow("/: property 'x' is 3 octets, not the 8 of a u64");
  });

  it("rejects nesting deeper than 64 nodes", () => {
    const b = new FdtBuilder();
    for (let i = 0; i < 70; i++) b.beginNode(`n${i}`);
    for (let i = 0; i < 70; i++) b.endNode();
    expect(() => Fdt.parse(b.finish())).toThrow(/nodes nested deeper than 64/);
  });
});
