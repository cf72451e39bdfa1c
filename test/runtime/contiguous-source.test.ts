import { describe, expect, it } from "vitest";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { BoundsError } from "../../runtime/errors.js";

describe("ContiguousSource", () => {
  it("wraps an ArrayBuffer without copying", () => {
    const buf = new ArrayBuffer(16);
    const src = new ContiguousSource(buf);
    src.window(4, 4).setUint32(src.windowOffset, 0xdeadbeef, true);
    expect(new DataView(buf).getUint32(4, true)).toBe(0xdeadbeef);
    expect(src.bytesCopied).toBe(0);
  });

  it("wraps a SharedArrayBuffer", () => {
    const sab = new SharedArrayBuffer(8);
    const src = new ContiguousSource(sab);
    src.bytes(0, 8)[3] = 9;
    expect(new Uint8Array(sab)[3]).toBe(9);
  });

  it("wraps a sub-range of a Node Buffer at its own offset", () => {
    const backing = Buffer.alloc(64);
    const sub = backing.subarray(10, 30);
    const src = new ContiguousSource(sub, 4, 8);
    expect(src.byteLength).toBe(8);
    src.window(0, 2).setUint16(src.windowOffset, 0x1234, false);
    expect(backing[14]).toBe(0x12);
    expect(backing[15]).toBe(0x34);
    expect(() => src.window(7, 2)).toThrow(BoundsError);
  });

  it("slices without copying and segments() gives one piece", () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i);
    const src = new ContiguousSource(bytes).slice(8, 16);
    const seen: Array<[number, number]> = [];
    src.segments(2, 10, (piece, at) => seen.push([piece[0] ?? -1, at]));
    expect(seen).toEqual([[10, 2]]);
    expect(src.bytes(0, 4).buffer).toBe(bytes.buffer);
  });

  it("rejects out-of-range construction and access with BoundsError", () => {
    expect(() => new ContiguousSource(new ArrayBuffer(4), 2, 4)).toThrow(BoundsError);
    const src = new ContiguousSource(new ArrayBuffer(4));
    expect(() => src.bytes(-1, 2)).toThrow(BoundsError);
    expect(() => src.segments(0, 5, () => undefined)).toThrow(BoundsError);
  });
});
