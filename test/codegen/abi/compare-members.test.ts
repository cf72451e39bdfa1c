import { describe, expect, it } from "vitest";
import { codes, diff, t, withBody } from "./diff.js";

/** A body with one enum field and one flags field, the enum/flag sets built per version. */
const sets = (enumOld: Record<string, number>, enumNew: Record<string, number>, base: "u32" | "u16" = "u32") =>
  diff((b, v) =>
    withBody(
      b,
      [b.field("kind", 0, t.en("kind"))],
      { abi: "frozen" },
      {
        enums: [b.enm("kind", v === "old" ? "u32" : base, v === "old" ? enumOld : enumNew)],
      },
    ),
  );

describe("enum and flag members", () => {
  it("a new member is allowed (LU4103)", () => {
    const r = sets({ pv: 1 }, { pv: 1, hvm: 2 });
    expect(r.compatible).toBe(true);
    expect(r.allowed.map((f) => f.message)).toEqual(["new enum member 'kind.hvm' = 0x00000002"]);
  });

  it("a renumbered member is LU4011", () => {
    const r = sets({ pv: 1, hvm: 2 }, { pv: 1, hvm: 3 });
    expect(r.breaking.map((f) => f.message)).toEqual([
      "enum member 'kind.hvm' renumbered from 0x00000002 to 0x00000003",
    ]);
  });

  it("a value given to another name is LU4012, whether the old name went or moved", () => {
    expect(codes(sets({ pv: 1 }, { xen_pv: 1 }).breaking)).toEqual(["LU4012"]);
    expect(codes(sets({ pv: 1 }, { pv: 2, pvh: 1 }).breaking).sort()).toEqual(["LU4011", "LU4012"]);
  });

  it("a removed member is LU4013 and points at the enum in the new schema", () => {
    const r = sets({ pv: 1, hvm: 2 }, { pv: 1 });
    expect(codes(r.breaking)).toEqual(["LU4013"]);
    expect(r.breaking[0]?.span.file).toBe("new.lu");
    expect(r.breaking[0]?.oldSpan.file).toBe("old.lu");
  });

  it("a changed base type is LU4014", () => {
    expect(codes(sets({ pv: 1 }, { pv: 1 }, "u16").breaking)).toEqual(["LU4014"]);
  });

  it("flag sets follow the same rules", () => {
    const r = diff((b, v) =>
      withBody(
        b,
        [b.field("f", 0, t.fl("cdf"))],
        { abi: "frozen" },
        {
          flags: [b.flags("cdf", "u32", v === "old" ? { hvm: 1, hap: 2 } : { hvm: 1, hap: 4, s3: 8 })],
        },
      ),
    );
    expect(codes(r.breaking)).toEqual(["LU4011"]);
    expect(codes(r.allowed)).toEqual(["LU4103"]);
  });

  it("a field switched to a renamed enum compares the two enums' members", () => {
    const r = diff((b, v) =>
      withBody(
        b,
        [b.field("kind", 0, t.en(v === "old" ? "kind" : "domain_kind"))],
        { abi: "frozen" },
        {
          enums: [v === "old" ? b.enm("kind", "u32", { pv: 1, hvm: 2 }) : b.enm("domain_kind", "u32", { pv: 1 })],
        },
      ),
    );
    expect(codes(r.breaking)).toEqual(["LU4013"]);
  });

  it("a removed enum is LU4024", () => {
    const r = diff((b, v) => ({ enums: v === "old" ? [b.enm("gone", "u8", { a: 1 })] : [] }));
    expect(r.breaking.map((f) => f.message)).toEqual(["enum 'gone' removed"]);
  });
});
