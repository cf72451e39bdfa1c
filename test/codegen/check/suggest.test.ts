import { describe, expect, it } from "vitest";
import { closestName, didYouMean, editDistance, primitiveSpelling } from "../../../codegen/check/suggest.js";

describe("did you mean", () => {
  it("measures edits, a swap of neighbours counting as one, case ignored", () => {
    expect(editDistance("kind", "kind")).toBe(0);
    expect(editDistance("knid", "kind")).toBe(1);
    expect(editDistance("sensor_knd", "sensor_kind")).toBe(1);
    expect(editDistance("PAGE_SZE", "page_size")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "xyz")).toBe(3);
  });

  it("suggests the closest name only when it is a likely typo", () => {
    expect(closestName("sensor_knd", ["sensor_kind", "sensor_flags"])).toBe("sensor_kind");
    expect(closestName("hdrr", ["hdr", "body"])).toBe("hdr");
    expect(closestName("domain_kind", ["lu_domain_info", "point"])).toBeNull();
    expect(closestName("ab", ["xy"])).toBeNull();
    expect(closestName("abc", ["abd", "abe"])).toBe("abd"); // ties: first in sorted order
  });

  it("spells C type names the way the language does", () => {
    expect(primitiveSpelling("uint16")).toBe("u16");
    expect(primitiveSpelling("uint16_t")).toBe("u16");
    expect(primitiveSpelling("u_int32_t")).toBe("u32");
    expect(primitiveSpelling("int8_t")).toBe("i8");
    expect(primitiveSpelling("int64")).toBe("i64");
    expect(primitiveSpelling("__le32")).toBe("u32le");
    expect(primitiveSpelling("__be16")).toBe("u16be");
    expect(primitiveSpelling("__u64")).toBe("u64");
    expect(primitiveSpelling("s32")).toBe("i32");
    expect(primitiveSpelling("u64_t")).toBe("u64");
    expect(primitiveSpelling("double")).toBe("f64");
    expect(primitiveSpelling("u32")).toBeNull();
    expect(primitiveSpelling("domain")).toBeNull();
  });

  it("phrases the help", () => {
    expect(didYouMean("uint16", ["u16", "u32"], true)).toBe("did you mean 'u16'?");
    expect(didYouMean("uint16", ["unit16"])).toBe("did you mean 'unit16'?");
    expect(didYouMean("zzz", ["abc"])).toBeUndefined();
  });
});
