/**
 * `toJSON()` of generated classes gives the shape `lu dump --json` gives (cli/inspect's decoder,
 * driven by the IR): enum values as member names (the number when unknown), flag sets as arrays
 * of names with unknown bits as one hex string, bit ranges as `{ raw, … }`, 64-bit values as
 * numbers when safe and decimal strings above. Checked on random contents, field for field. The
 * one documented difference: dump shows a byte field as `{ bytes, hex }` (summarised when long),
 * toJSON as the whole hex string.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LayoutProgram } from "../../codegen/ir.js";
import { decodeStruct } from "../../cli/inspect/decode-struct.js";
import type { JsonValue } from "../../cli/inspect/json-value.js";
import type { SchemaIndex } from "../../cli/inspect/schema-program.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import type { StructAccessor } from "../../runtime/accessor-support.js";
import { COLOUR, Everything, Label, Note, PERM, PackedBits, Point, WIDE_PERM, WideBits } from "../golden/every-kind/expected.js";
import { goldenProgram } from "./sources.js";

function indexOf(program: LayoutProgram): SchemaIndex {
  const index = {
    program,
    structs: new Map(program.schemas.flatMap((s) => s.structs.map((d) => [d.name, d] as const))),
    streams: new Map(program.schemas.flatMap((s) => s.streams.map((d) => [d.name, d] as const))),
    enums: new Map(program.schemas.flatMap((s) => s.enums.map((d) => [d.name, d] as const))),
    flags: new Map(program.schemas.flatMap((s) => s.flags.map((d) => [d.name, d] as const))),
    consts: new Map(program.schemas.flatMap((s) => s.consts.map((d) => [d.name, d.value] as const))),
  };
  return index;
}

const schemas = indexOf(goldenProgram("every-kind"));

/** What `lu dump --json` gives for the struct at `offset` of `src`, byte fields as plain hex. */
function dumped(src: ContiguousSource, name: string, offset: number, length: number): JsonValue {
  const { fields } = decodeStruct(
    { schemas, source: src, problems: [], nestedStream: () => null },
    name,
    offset,
    length,
  );
  const plain = (v: JsonValue): JsonValue => {
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === "object") {
      const o = v as { readonly [k: string]: JsonValue };
      if (typeof o["bytes"] === "number" && typeof o["hex"] === "string") return o["hex"];
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
    }
    return v;
  };
  return plain(fields);
}

function roundTrip(value: JsonValue): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

describe("toJSON() and lu dump --json agree", () => {
  const cases: { name: string; size: number; place: (src: ContiguousSource) => StructAccessor }[] = [
    { name: "point", size: Point.SIZE, place: (src) => Point.at(src) },
    { name: "packed_bits", size: PackedBits.SIZE, place: (src) => PackedBits.at(src) },
    { name: "wide_bits", size: WideBits.SIZE, place: (src) => WideBits.at(src) },
    {
      name: "everything",
      size: Everything.SIZE,
      place: (src) => {
        const e = Everything.at(src, 0, Everything.SIZE);
        e.id = "EVRY"; // dump keeps the octets after a NUL, toJSON stops at the first: keep the text NUL-free
        e.count = 0;
        return e;
      },
    },
  ];
  for (const c of cases) {
    it(`${c.name}, random contents`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: c.size, maxLength: c.size }), (bytes) => {
          const src = new ContiguousSource(bytes.slice().buffer);
          const accessor = c.place(src);
          expect(roundTrip(accessor.toJSON())).toEqual(roundTrip(dumped(src, c.name, 0, c.size)));
        }),
        { seed: 12, numRuns: 200 },
      );
    });
  }

  it("names enum values and flags, and shows what the schema does not name", () => {
    const e = Everything.at(new ContiguousSource(new ArrayBuffer(Everything.SIZE))).init();
    e.type = COLOUR.green;
    e.perms = PERM.read | PERM.top;
    e.wide = WIDE_PERM.high | 4n;
    e.shades.set(0, COLOUR.red);
    e.shades.set(1, 9 as typeof COLOUR.red);
    expect(e.toJSON()).toMatchObject({ type: "green", perms: ["read", "top"], wide: ["high", "0x4"], shades: ["red", 9] });
    e.type = 5 as typeof COLOUR.red;
    expect(e.toJSON()).toMatchObject({ type: 5 });
    expect(roundTrip(e.toJSON())).toEqual(roundTrip(dumped(e.src as ContiguousSource, "everything", 0, Everything.SIZE)));
  });

  it("ascii tails: counted and rest-of-body text", () => {
    const buf = new ArrayBuffer(32);
    const src = new ContiguousSource(buf);
    const label = Label.at(src, 0, Label.sizeFor(6));
    label.len = 6;
    label.text = "sensor";
    expect(label.toJSON()).toEqual({ len: 6, text: "sensor" });
    expect(roundTrip(label.toJSON())).toEqual(roundTrip(dumped(src, "label", 0, Label.sizeFor(6))));
    const note = Note.at(src, 16, 10);
    note.text = "hi";
    expect(note.toJSON()).toEqual({ text: "hi" });
    expect(roundTrip(note.toJSON())).toEqual(roundTrip(dumped(src, "note", 16, 10)));
  });
});
