import { describe, expect, it } from "vitest";
import { structMemberNames } from "../../../../codegen/emit/ts/member-names.js";
import { compileSources, struct } from "./program.js";

const program = compileSources({
  "a.lu": `
struct clashy size 32 {
  @0 offset: u32;
  @4 foo_bar: u16;
  @6 fooBar: u16;
  @8 big: u64;
  @16 big_number: u32;
  @20 word: u32 bits {
    big: 0..3;
    nibble: 4..7;
  };
  @24 constructor: u32;
  @28 _pad: pad[4];
}
`,
});

describe("structMemberNames", () => {
  const names = structMemberNames(struct(program, "clashy"));

  it("fields keep natural names unless they clash with members every class has", () => {
    expect(names.field.get("offset")).toBe("offsetField");
    expect(names.field.get("constructor")).toBe("constructorField");
    expect(names.field.get("foo_bar")).toBe("fooBar");
    expect(names.field.get("_pad")).toBeUndefined();
  });

  it("two schema names with one camelCase spelling get distinct members, first come first served", () => {
    expect(names.field.get("fooBar")).toBe("fooBar2");
  });

  it("derived names yield to fields: a bit range named like a field is prefixed, a number view suffixed", () => {
    expect(names.field.get("big_number")).toBe("bigNumber");
    expect(names.numberView.get("big")).toBe("bigNumber2");
    expect(names.range.get("word.big")).toBe("wordBig");
    expect(names.range.get("word.nibble")).toBe("nibble");
  });

  it("offset constants are UPPER_SNAKE and unique", () => {
    expect(names.offsetConst.get("foo_bar")).toBe("FOO_BAR_OFFSET");
    expect(names.offsetConst.get("fooBar")).toBe("FOO_BAR_OFFSET2");
  });
});
