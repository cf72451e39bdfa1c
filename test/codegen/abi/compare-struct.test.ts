import { describe, expect, it } from "vitest";
import { bodyBreaks, bodyCodes, codes, diff, t, withBody } from "./diff.js";

const u32 = t.prim("u32");
const u64 = t.prim("u64");

describe("struct layout rules (record body, frozen by default)", () => {
  it("an unchanged body is compatible with no findings", () => {
    const r = diff((b) => withBody(b, [b.field("a", 0, u32), b.field("b", 4, u32)]));
    expect(r.compatible).toBe(true);
    expect(r.breaking).toEqual([]);
    expect(r.allowed).toEqual([]);
  });

  it("a moved field is LU4001 and carries the new and the old place", () => {
    const r = diff((b, v) =>
      withBody(b, [b.field("a", 0, u32), b.field("b", v === "old" ? 4 : 8, u32, { line: v === "old" ? 7 : 9 })], {
        size: 12,
        abi: "frozen",
      }),
    );
    expect(r.compatible).toBe(false);
    const moved = r.breaking.find((f) => f.code === "LU4001");
    expect(moved?.message).toBe("field 'b' of struct 'foo' moved from offset 4 to 8");
    expect(moved?.span).toMatchObject({ file: "new.lu", line: 9 });
    expect(moved?.oldSpan).toMatchObject({ file: "old.lu", line: 7 });
  });

  it("a resized field is LU4002, not also a retype", () => {
    const r = diff((b, v) => withBody(b, [b.field("a", 0, v === "old" ? u32 : u64)], { size: 8, abi: "frozen" }));
    expect(bodyCodes(r)).toContain("LU4002");
    expect(bodyCodes(r)).not.toContain("LU4003");
  });

  it("same size, other type is LU4003 (signedness; integer to bytes)", () => {
    const signed = diff((b, v) => withBody(b, [b.field("a", 0, v === "old" ? u32 : t.prim("i32"))]));
    expect(bodyCodes(signed)).toEqual(["LU4003"]);
    expect(bodyBreaks(signed)[0]?.message).toBe("field 'a' of struct 'foo' retyped from u32le to i32le");
    const bytes = diff((b, v) => withBody(b, [b.field("a", 0, v === "old" ? u32 : t.bytes(t.fixed(4)))]));
    expect(bodyCodes(bytes)).toEqual(["LU4003"]);
  });

  it("swapped fields are LU4004 as well as two moves", () => {
    const r = diff((b, v) =>
      withBody(
        b,
        v === "old" ? [b.field("a", 0, u32), b.field("b", 4, u32)] : [b.field("b", 0, u32), b.field("a", 4, u32)],
      ),
    );
    expect(bodyCodes(r).sort()).toEqual(["LU4001", "LU4001", "LU4004"]);
  });

  it("a removed field is LU4005, also when it became reserved", () => {
    const gone = diff((b, v) =>
      withBody(
        b,
        v === "old"
          ? [b.field("a", 0, u32), b.field("b", 4, u32)]
          : [b.field("a", 0, u32), b.field("_pad", 4, t.pad(4))],
      ),
    );
    expect(bodyBreaks(gone).map((f) => f.message)).toEqual([
      "field 'b' (bytes 4..8) removed from struct 'foo' (now padding)",
    ]);
    const reserved = diff((b, v) =>
      withBody(b, [b.field("a", 0, u32), b.field("b", 4, u32, { reserved: v === "new" })]),
    );
    expect(bodyCodes(reserved)).toEqual(["LU4005"]);
  });

  it("an endianness change is LU4006", () => {
    const r = diff((b, v) => withBody(b, [b.field("a", 0, t.prim("u32", v === "old" ? "little" : "big"))]));
    expect(bodyCodes(r)).toEqual(["LU4006"]);
  });

  it("a struct that shrinks is LU4007", () => {
    const r = diff((b, v) =>
      withBody(b, v === "old" ? [b.field("a", 0, u64)] : [b.field("a", 0, u64)], {
        size: v === "old" ? 16 : 8,
        abi: "frozen",
      }),
    );
    expect(bodyCodes(r)).toEqual(["LU4007"]);
  });

  it("a frozen struct may not grow, even at its end (LU4008)", () => {
    const r = diff((b, v) =>
      withBody(b, v === "old" ? [b.field("a", 0, u32)] : [b.field("a", 0, u32), b.field("b", 4, u32)]),
    );
    expect(bodyBreaks(r).map((f) => f.code)).toEqual(["LU4008"]);
    expect(bodyBreaks(r)[0]?.message).toContain("added 'b'");
  });

  it("giving padding or a reserved field a meaning is LU4015", () => {
    const pad = diff((b, v) =>
      withBody(b, [b.field("a", 0, u32), v === "old" ? b.field("_pad", 4, t.pad(4)) : b.field("flags", 4, u32)]),
    );
    expect(bodyCodes(pad)).toEqual(["LU4015"]);
    expect(bodyBreaks(pad)[0]?.message).toContain("gives a meaning to bytes 4..8");
    const reserved = diff((b, v) =>
      withBody(b, [
        b.field("a", 0, u32),
        v === "old" ? b.field("rsvd", 4, u32, { reserved: true }) : b.field("rsvd", 4, u32),
      ]),
    );
    expect(bodyCodes(reserved)).toEqual(["LU4015"]);
  });

  it("a changed constant (marker, version) is LU4022", () => {
    const r = diff((b, v) => withBody(b, [b.field("magic", 0, u32, { constValue: v === "old" ? 0xfeedn : 0xbeefn })]));
    expect(bodyBreaks(r).map((f) => f.message)).toEqual([
      "constant field 'magic' of struct 'foo' changed value from 0xFEED to 0xBEEF",
    ]);
  });

  it("an alignment change is LU4010", () => {
    const r = diff((b, v) => withBody(b, [b.field("a", 0, u64)], { align: v === "old" ? 8 : 4, abi: "frozen" }));
    expect(bodyCodes(r)).toEqual(["LU4010"]);
  });

  it("renaming a field at the same place with the same type is allowed (LU4105)", () => {
    const r = diff((b, v) => withBody(b, [b.field(v === "old" ? "nr" : "count", 0, u32)]));
    expect(r.compatible).toBe(true);
    expect(codes(r.allowed)).toEqual(["LU4105"]);
  });

  it("typing an integer as an enum of the same width is allowed (LU4106)", () => {
    const r = diff((b, v) =>
      withBody(
        b,
        [b.field("kind", 0, v === "old" ? u32 : t.en("kind"))],
        { abi: "frozen" },
        v === "new" ? { enums: [b.enm("kind", "u32", { a: 1 })] } : {},
      ),
    );
    expect(r.compatible).toBe(true);
    expect(codes(r.allowed).sort()).toEqual(["LU4104", "LU4106"]);
  });

  it("bit ranges: moved or removed is LU4016, a new range in reserved bits is LU4015", () => {
    const moved = diff((b, v) =>
      withBody(b, [
        b.bits("raw", 0, "u64", [
          ["order", 0, 11],
          ["mfn", v === "old" ? 12 : 16, 63],
        ]),
      ]),
    );
    expect(bodyCodes(moved)).toEqual(["LU4016"]);
    const removed = diff((b, v) =>
      withBody(b, [
        b.bits(
          "raw",
          0,
          "u64",
          v === "old"
            ? [
                ["order", 0, 11],
                ["mfn", 12, 63],
              ]
            : [["mfn", 12, 63]],
        ),
      ]),
    );
    expect(bodyBreaks(removed).map((f) => f.message)).toEqual([
      "bit range 'raw.order' of struct 'foo' (bits 0..11) removed",
    ]);
    const added = diff((b, v) =>
      withBody(b, [
        b.bits(
          "raw",
          0,
          "u64",
          v === "old"
            ? [["mfn", 12, 63]]
            : [
                ["order", 0, 11],
                ["mfn", 12, 63],
              ],
        ),
      ]),
    );
    expect(bodyCodes(added)).toEqual(["LU4015"]);
  });

  it("documentation changes are allowed (LU4107)", () => {
    const r = diff((b, v) =>
      withBody(b, [b.field("a", 0, u32, v === "old" ? {} : { doc: "the a" })], { abi: "frozen", doc: v }),
    );
    expect(r.compatible).toBe(true);
    expect(codes(r.allowed)).toEqual(["LU4107", "LU4107"]);
  });
});

describe("append-only structs (stream headers and preambles)", () => {
  const header = (
    b: Parameters<Parameters<typeof diff>[0]>[0],
    fields: Parameters<typeof b.struct>[1],
    size?: number,
  ) => ({
    structs: [
      b.struct("rhdr", [b.field("type", 0, u32), b.field("length", 4, u32)], { abi: "append" }),
      b.struct("image_header", fields, size === undefined ? { abi: "append" } : { abi: "append", size }),
    ],
    streams: [b.stream("s", [b.record("END", 0, null)], { preamble: ["image_header"] })],
  });

  it("a field appended at the end is allowed (LU4102) and reported", () => {
    const r = diff((b, v) =>
      header(b, v === "old" ? [b.field("marker", 0, u64)] : [b.field("marker", 0, u64), b.field("options", 8, u32)]),
    );
    expect(r.compatible).toBe(true);
    expect(r.allowed.map((f) => f.message)).toEqual([
      "field 'options' appended to struct 'image_header' at offset 8 (4 bytes)",
    ]);
  });

  it("a field inserted before the old end is LU4009 (and moves what follows)", () => {
    const r = diff((b, v) =>
      header(
        b,
        v === "old"
          ? [b.field("marker", 0, u64), b.field("id", 8, u32)]
          : [b.field("marker", 0, u64), b.field("extra", 8, u32), b.field("id", 12, u32)],
      ),
    );
    expect(bodyCodes(r).sort()).toEqual(["LU4001", "LU4009"]);
  });

  it("appending into old tail padding gives padding a meaning (LU4015)", () => {
    const r = diff((b, v) =>
      header(
        b,
        v === "old"
          ? [b.field("id", 0, u32), b.field("_pad", 4, t.pad(4))]
          : [b.field("id", 0, u32), b.field("options", 4, u32)],
      ),
    );
    expect(bodyCodes(r)).toEqual(["LU4015"]);
  });

  it("the id and version constants may not change (LU4022)", () => {
    const r = diff((b, v) =>
      header(b, [
        b.field("id", 0, t.ascii(4), { constValue: v === "old" ? "XENF" : "XENG" }),
        b.field("version", 4, u32, { constValue: v === "old" ? 2n : 3n }),
      ]),
    );
    expect(bodyCodes(r)).toEqual(["LU4022", "LU4022"]);
    expect(bodyBreaks(r)[0]?.message).toBe(
      `constant field 'id' of struct 'image_header' changed value from "XENF" to "XENG"`,
    );
  });
});

describe("rules reach embedded structs", () => {
  it("a free struct nobody checks may change freely", () => {
    const r = diff((b, v) => ({
      structs: [b.struct("scratch", [b.field("a", v === "old" ? 0 : 4, u32)], { size: 8 })],
    }));
    expect(r.compatible).toBe(true);
  });

  it("a free struct embedded in a frozen body is frozen", () => {
    const r = diff((b, v) =>
      withBody(
        b,
        [b.field("inner", 0, t.struct("inner"), { size: 8 })],
        { abi: "frozen" },
        {
          structs: [b.struct("inner", [b.field("x", 0, u32), b.field("y", 4, t.prim(v === "old" ? "u32" : "i32"))])],
        },
      ),
    );
    expect(bodyBreaks(r).map((f) => f.message)).toEqual(["field 'y' of struct 'inner' retyped from u32le to i32le"]);
  });

  it("an array element inside an append struct is frozen: growing it changes the stride", () => {
    const r = diff((b, v) => ({
      structs: [
        b.struct("entry", v === "old" ? [b.field("a", 0, u32)] : [b.field("a", 0, u32), b.field("b", 4, u32)]),
        b.struct(
          "table",
          [
            b.field("n", 0, u32),
            b.field("e", 4, t.array({ kind: "struct", structName: "entry" }, v === "old" ? 4 : 8, t.rest)),
          ],
          {
            abi: "append",
          },
        ),
      ],
    }));
    expect(bodyCodes(r).sort()).toEqual(["LU4003", "LU4008"]);
  });

  it("relaxing a struct's rule in the new version does not switch the check off", () => {
    const r = diff((b, v) =>
      withBody(b, [b.field("a", 0, v === "old" ? u32 : t.prim("i32"))], { abi: v === "old" ? "frozen" : "free" }),
    );
    expect(bodyCodes(r)).toEqual(["LU4003"]);
  });
});
