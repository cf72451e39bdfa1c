import { describe, expect, it } from "vitest";
import { checkConstants } from "../../../codegen/check/constants.js";
import { checkLayout } from "../../../codegen/check/layout.js";
import { checkNames } from "../../../codegen/check/names.js";
import { checkStreams } from "../../../codegen/check/streams.js";
import { checkTypes } from "../../../codegen/check/types.js";
import { checkInput, sink, summary } from "./check-input.js";

const HEADER =
  "struct rhdr { @0 type: u32; @4 length: u32; }\nstruct small { @0 type: u8; @1 length: u8; }\nstruct pre { @0 magic: u64; }\nstruct body { @0 x: u32; }\n";

function streams(text: string) {
  const s = sink();
  const input = checkInput({ "a.lu": HEADER + text });
  const names = checkNames(input, s);
  const consts = checkConstants(input, names, s);
  const layouts = checkLayout(input, names, consts, checkTypes(input, names, consts, s), s);
  return { streams: checkStreams(input, names, consts, layouts, s).streams, diags: summary(s) };
}

describe("streams pass", () => {
  it("resolves framing, records, optional bit and ranges", () => {
    const { streams: result, diags } = streams(`
/// The stream.
stream st {
  preamble pre;
  header rhdr (type, length);
  align 8;
  optional bit 31;
  end END;
  range future = 0x10..0x7FFF_FFFF;
  record END = 0;
  /// A body.
  record BODY = 1 : body;
  record OPT = 0x8000_0002 : body;
}`);
    expect(diags).toEqual([]);
    const st = result.get("st");
    expect(st).toMatchObject({
      name: "st",
      preamble: ["pre"],
      header: "rhdr",
      typeField: "type",
      lengthField: "length",
      align: 8,
      optionalBit: 31,
      end: "END",
      doc: "The stream.",
    });
    expect(st?.records.map((r) => [r.name, r.value, r.body, r.optional, r.doc])).toEqual([
      ["END", 0, null, false, null],
      ["BODY", 1, "body", false, "A body."],
      ["OPT", 0x80000002, "body", true, null],
    ]);
    expect(st?.ranges).toMatchObject([{ name: "future", lo: 0x10, hi: 0x7fffffff }]);
  });

  it("defaults to no padding and no optional bit", () => {
    const st = streams("stream st { header rhdr (type, length); end E; record E = 0; }").streams.get("st");
    expect(st).toMatchObject({ align: 1, optionalBit: null, preamble: [] });
  });

  it("checks type values against the width of the type field", () => {
    expect(
      streams(
        "stream st { header small (type, length); optional bit 8; end E; record E = 0; record F = 256; range r = 0..300; }",
      ).diags,
    ).toEqual([
      "LU2011 5:55 optional bit 8 is outside the 8-bit type field",
      "LU2003 5:90 record type value 256 is out of range of type field u8 (0..255)",
      "LU2003 5:108 range bound 300 is out of range of type field u8 (0..255)",
    ]);
  });

  it("reports malformed streams", () => {
    expect(
      streams(
        "stream st { header rhdr (type, length); header rhdr (type, length); end E; record E = 0; record F = 0; range r = 5..1; preamble nope; }",
      ).diags,
    ).toEqual([
      "LU2002 5:41 duplicate 'header' directive",
      "LU2001 5:129 unknown struct 'nope'",
      "LU2005 5:97 record 'F' has the same type value as 'E' (0x0)",
      "LU2011 5:104 range 'r' is empty (0x5 > 0x1)",
    ]);
  });
});
