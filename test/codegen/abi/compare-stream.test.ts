import { describe, expect, it } from "vitest";
import type { LayoutRecord } from "../../../codegen/ir.js";
import { codes, diff, t } from "./diff.js";
import { recordHeader, type Builder, type StreamOpts } from "./layout-builder.js";

const u32 = t.prim("u32");

/** Stream `lu` with the given records (bodies `a` and `b`: two different frozen layouts, `a2` = `a`). */
function stream(b: Builder, records: readonly LayoutRecord[], opts: StreamOpts = {}) {
  return {
    structs: [
      recordHeader(b),
      b.struct("a", [b.field("x", 0, u32)], { abi: "frozen" }),
      b.struct("a2", [b.field("x", 0, u32)], { abi: "frozen" }),
      b.struct("b", [b.field("y", 0, t.prim("u64"))], { abi: "frozen" }),
    ],
    streams: [
      b.stream("lu", records, {
        ranges: [
          b.range("future_mandatory_lu", 0x40000004, 0x7fffffff),
          b.range("future_optional_lu", 0xc0000000, 0xffffffff),
        ],
        ...opts,
      }),
    ],
  };
}
const base = (b: Builder) => [
  b.record("END", 0, null),
  b.record("LU_VERSION", 0x40000000, "a"),
  b.record("LU_M2P", 0x40000001, "b"),
];

describe("record types", () => {
  it("a new record type in a range of its class is allowed (LU4101)", () => {
    const r = diff((b, v) => stream(b, v === "old" ? base(b) : [...base(b), b.record("LU_NEW", 0x40000004, "a")]));
    expect(r.compatible).toBe(true);
    expect(r.allowed.map((f) => f.message)).toEqual([
      "new mandatory record type 0x40000004 'LU_NEW' in stream 'lu' (range 'future_mandatory_lu')",
    ]);
  });

  it("a new optional record in the optional range is allowed; outside every range or in the wrong class is LU4021", () => {
    expect(
      diff((b, v) => stream(b, v === "old" ? base(b) : [...base(b), b.record("LU_OPT", 0xc0000001, null)])).compatible,
    ).toBe(true);
    const outside = diff((b, v) => stream(b, v === "old" ? base(b) : [...base(b), b.record("X", 0x00000020, null)]));
    expect(outside.breaking.map((f) => f.message)).toEqual([
      "new mandatory record type 0x00000020 'X' of stream 'lu' lies outside every declared record type range",
    ]);
    const wrong = diff((b, v) =>
      stream(b, v === "old" ? base(b) : [...base(b), b.record("Y", 0x40000010, null, 30)], { optionalBit: 30 }),
    );
    expect(codes(wrong.breaking)).toEqual(["LU4021"]);
    expect(wrong.breaking[0]?.message).toBe(
      "new optional record type 0x40000010 'Y' of stream 'lu' lies in range 'future_mandatory_lu', which is reserved for mandatory records",
    );
  });

  it("with no ranges declared any new value is allowed", () => {
    const r = diff((b, v) =>
      stream(b, v === "old" ? base(b) : [...base(b), b.record("X", 0x20, null)], { ranges: [] }),
    );
    expect(r.compatible).toBe(true);
  });

  it("a removed record type is LU4018", () => {
    const r = diff((b, v) => stream(b, v === "old" ? base(b) : base(b).slice(0, 2)));
    expect(codes(r.breaking)).toEqual(["LU4018"]);
  });

  it("a renumbered record type is LU4019, plus LU4020 when it crosses the optional bit", () => {
    const renum = diff((b, v) =>
      stream(
        b,
        v === "old"
          ? base(b)
          : [b.record("END", 0, null), b.record("LU_VERSION", 0x40000000, "a"), b.record("LU_M2P", 0x40000005, "b")],
      ),
    );
    expect(codes(renum.breaking)).toEqual(["LU4019"]);
    const cross = diff((b, v) =>
      stream(
        b,
        v === "old"
          ? base(b)
          : [b.record("END", 0, null), b.record("LU_VERSION", 0x40000000, "a"), b.record("LU_M2P", 0xc0000001, "b")],
      ),
    );
    expect(codes(cross.breaking).sort()).toEqual(["LU4019", "LU4020"]);
  });

  it("a type value pointed at another layout is LU4017; at the same layout under a new name it is a rename", () => {
    const reused = diff((b, v) =>
      stream(
        b,
        v === "old"
          ? base(b)
          : [b.record("END", 0, null), b.record("LU_VERSION", 0x40000000, "b"), b.record("LU_M2P", 0x40000001, "b")],
      ),
    );
    expect(reused.breaking.map((f) => f.code)).toContain("LU4017");
    expect(reused.breaking.find((f) => f.code === "LU4017")?.message).toBe(
      "record type 0x40000000 'LU_VERSION' of stream 'lu' reused for another layout (body 'a' → 'b'); use a new record type value",
    );
    const same = diff((b, v) =>
      stream(
        b,
        v === "old"
          ? base(b)
          : [b.record("END", 0, null), b.record("LU_VER", 0x40000000, "a2"), b.record("LU_M2P", 0x40000001, "b")],
      ),
    );
    expect(same.compatible).toBe(true);
    expect(same.allowed.map((f) => f.message)).toEqual([
      "record type 'LU_VER' (was 'LU_VERSION') of stream 'lu' renamed, same layout",
    ]);
  });

  it("an empty body that gains a struct is LU4017", () => {
    const r = diff((b, v) => stream(b, v === "old" ? base(b) : [b.record("END", 0, "a"), ...base(b).slice(1)]));
    expect(codes(r.breaking)).toEqual(["LU4017"]);
  });

  it("framing changes are LU4023", () => {
    expect(codes(diff((b, v) => stream(b, base(b), { align: v === "old" ? 8 : 4 })).breaking)).toEqual(["LU4023"]);
    expect(codes(diff((b, v) => stream(b, base(b), { optionalBit: v === "old" ? 31 : null })).breaking)).toContain(
      "LU4023",
    );
    const typeMoved = diff((b, v) => ({
      structs: [
        b.struct(
          "rhdr",
          v === "old"
            ? [b.field("type", 0, u32), b.field("length", 4, u32)]
            : [b.field("length", 0, u32), b.field("type", 4, u32)],
          { abi: "append" },
        ),
      ],
      streams: [b.stream("lu", [b.record("END", 0, null)])],
    }));
    expect(codes(typeMoved.breaking)).toContain("LU4023");
  });

  it("a removed stream is LU4024, a new one LU4104", () => {
    const r = diff((b, v) => ({
      structs: [recordHeader(b)],
      streams: [b.stream(v === "old" ? "one" : "two", [b.record("END", 0, null)])],
    }));
    expect(codes(r.breaking)).toEqual(["LU4024"]);
    expect(codes(r.allowed)).toEqual(["LU4104"]);
  });

  it("changed ranges are reported as allowed (LU4108)", () => {
    const r = diff((b, v) =>
      stream(b, base(b), v === "old" ? {} : { ranges: [b.range("future_mandatory_lu", 0x40000004, 0x7fffffff)] }),
    );
    expect(r.compatible).toBe(true);
    expect(codes(r.allowed)).toEqual(["LU4108"]);
  });
});

describe("every finding names both places", () => {
  it("new span in the new schema, old span in the old one", () => {
    const r = diff((b, v) =>
      stream(
        b,
        v === "old"
          ? base(b)
          : [b.record("END", 0, null), b.record("LU_VERSION", 0x40000000, "b"), b.record("NEW", 0x20, null)],
        { align: v === "old" ? 8 : 4 },
      ),
    );
    const all = [...r.breaking, ...r.allowed];
    expect(all.length).toBeGreaterThan(3);
    for (const f of all) {
      expect(f.span.file).toBe("new.lu");
      expect(f.oldSpan.file).toBe("old.lu");
    }
  });
});
