import { describe, expect, it } from "vitest";
import {
  bindingName,
  constantName,
  memberName,
  NameAllocator,
  objectKey,
  typeName,
  words,
} from "../../codegen/naming.js";

describe("words", () => {
  it("splits at underscores and lower→upper changes, drops empty words", () => {
    expect(words("lu_domain_info")).toEqual(["lu", "domain", "info"]);
    expect(words("_res1")).toEqual(["res1"]);
    expect(words("xc_x86PvInfo")).toEqual(["xc", "x86", "pv", "info"]);
    expect(words("LU_M2P_COMPAT")).toEqual(["lu", "m2p", "compat"]);
    expect(words("__")).toEqual([]);
    expect(words("XcRhdr")).toEqual(["xc", "rhdr"]);
  });
});

describe("typeName", () => {
  it("PascalCases schema names", () => {
    expect(typeName("lu_domain_info")).toBe("LuDomainInfo");
    expect(typeName("xc_x86_pv_info")).toBe("XcX86PvInfo");
    expect(typeName("hvm_hw_cpu")).toBe("HvmHwCpu");
  });
  it("keeps keywords as they are (they are lower case, classes are not)", () => {
    expect(typeName("type")).toBe("Type");
    expect(typeName("default")).toBe("Default");
    expect(typeName("constructor")).toBe("Constructor");
  });
  it("suffixes names that would shadow a global or a runtime import", () => {
    expect(typeName("map")).toBe("MapStruct");
    expect(typeName("byte_view")).toBe("ByteViewStruct");
    expect(typeName("problem", "Type")).toBe("ProblemType");
  });
  it("never starts with a digit", () => {
    expect(typeName("3d_point")).toBe("T3dPoint");
  });
});

describe("memberName", () => {
  it("camelCases schema names and drops leading underscores", () => {
    expect(memberName("page_shift")).toBe("pageShift");
    expect(memberName("_res1")).toBe("res1");
    expect(memberName("mfn_array_physaddr")).toBe("mfnArrayPhysaddr");
  });
  it("keeps keywords that are fine as class members", () => {
    expect(memberName("type")).toBe("type");
    expect(memberName("default")).toBe("default");
    expect(memberName("length")).toBe("length");
  });
  it("suffixes names every generated class already uses", () => {
    expect(memberName("constructor")).toBe("constructorField");
    expect(memberName("offset")).toBe("offsetField");
    expect(memberName("view")).toBe("viewField");
    expect(memberName("byte_length")).toBe("byteLengthField");
    expect(memberName("validate")).toBe("validateField");
  });
  it("never starts with a digit", () => {
    expect(memberName("8bit")).toBe("f8bit");
  });
});

describe("bindingName", () => {
  it("suffixes reserved words so they can be bound", () => {
    expect(bindingName("default")).toBe("default_");
    expect(bindingName("type")).toBe("type");
    expect(bindingName("new")).toBe("new_");
  });
});

describe("constantName", () => {
  it("UPPER_SNAKEs any spelling", () => {
    expect(constantName("lu_domain_type")).toBe("LU_DOMAIN_TYPE");
    expect(constantName("LU_MAGIC")).toBe("LU_MAGIC");
    expect(constantName("xcX86")).toBe("XC_X86");
  });
});

describe("objectKey", () => {
  it("quotes keys that are not identifiers", () => {
    expect(objectKey("x86_hvm")).toBe("x86_hvm");
    expect(objectKey("default")).toBe("default");
    expect(objectKey("__proto__")).toBe('["__proto__"]');
    expect(objectKey("a-b")).toBe('"a-b"');
  });
});

describe("NameAllocator", () => {
  it("gives later takers of a name a numeric suffix, deterministically", () => {
    const a = new NameAllocator(["view"]);
    expect(a.take("fooBar")).toBe("fooBar");
    expect(a.take("fooBar")).toBe("fooBar2");
    expect(a.take("view")).toBe("view2");
    expect(a.has("fooBar2")).toBe(true);
  });
});
