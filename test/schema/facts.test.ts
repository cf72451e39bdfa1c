/**
 * Byte-exact facts from the documents, checked against the schemas: bytes built by the schema IR
 * (test/fixtures/schema-encoder.ts) must be the octets the specs state.
 */
import { describe, expect, it } from "vitest";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { breadcrumbMagic } from "../../runtime/breadcrumb.js";
import { SchemaEncoder } from "../fixtures/schema-encoder.js";

const schemas = loadSchemas();
const enc = new SchemaEncoder(schemas);
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

function offsets(struct: string): Record<string, [number, number]> {
  const s = schemas.structs.get(struct);
  if (s === undefined) throw new Error(struct);
  return Object.fromEntries(s.fields.map((f) => [f.name, [f.offset, f.size]]));
}

describe("live update handover", () => {
  it("stores the breadcrumb magic on x86-64 as 00 60 70 55 65 76 69 4c ('LiveUpda' masked with PAGE_MASK)", () => {
    const b = enc.encode("lu_breadcrumb", { mfn_array_physaddr: 0x7000, shifted_nr_pages: 3n << 12n });
    // The spec prints the 7th octet as 89; its value 0x4c69766555706461 and "LiveUpda" make it 0x69.
    expect(hex(b.subarray(0, 8))).toBe("00 60 70 55 65 76 69 4c");
    expect(new DataView(b.buffer).getBigUint64(0, true)).toBe(breadcrumbMagic(4096));
    expect(b.length).toBe(24);
    expect(offsets("lu_breadcrumb")).toEqual({ magic: [0, 8], mfn_array_physaddr: [8, 8], shifted_nr_pages: [16, 8] });
  });

  it("encodes a 1 GiB M2P page at 0x4C0000000 as 0x4C000001E", () => {
    const e = enc.encode("lu_m2p_entry", { raw: { order: 30, mfn: 0x4c0000000 / 4096 } });
    expect(new DataView(e.buffer).getBigUint64(0, true)).toBe(0x4c000001en);
    expect(hex(e)).toBe("1e 00 00 c0 04 00 00 00");
  });

  it("marks a discontiguity with order 0 and the next MFN in the high bits", () => {
    const e = enc.encode("lu_m2p_entry", { raw: { order: 0, mfn: 0x12345 } });
    expect(new DataView(e.buffer).getBigUint64(0, true)).toBe(0x12345000n);
  });

  it("lays LU_DOMAIN_INFO out in 48 octets as the spec's diagram", () => {
    expect(schemas.structs.get("lu_domain_info")?.size).toBe(48);
    expect(offsets("lu_domain_info")).toEqual({
      type: [0, 4],
      page_shift: [4, 2],
      domain_id: [6, 2],
      domain_handle: [8, 16],
      ssidref: [24, 4],
      flags: [28, 4],
      max_vcpus: [32, 4],
      emulation_flags: [36, 4],
      extra_flags: [40, 4],
      _pad: [44, 4],
    });
    const b = enc.encode("lu_domain_info", {
      type: "x86_hvm",
      flags: ["hvm", "hap"],
      emulation_flags: ["lapic", "vpci"],
      extra_flags: ["privileged"],
    });
    const v = new DataView(b.buffer);
    expect([v.getUint32(0, true), v.getUint32(28, true), v.getUint32(36, true), v.getUint32(40, true)]).toEqual([
      2, 0x3, 0x401, 0x1,
    ]);
  });

  it("numbers the live update records with bit 30 set, and LU_DOMAIN_PAGES (our extension) at 0x40000004", () => {
    const lu = schemas.streams.get("lu_stream");
    const byName = Object.fromEntries((lu?.records ?? []).map((r) => [r.name, r.value]));
    expect(byName).toMatchObject({
      END: 0,
      LU_VERSION: 0x40000000,
      LU_M2P: 0x40000001,
      LU_M2P_COMPAT: 0x40000002,
      LU_DOMAIN_INFO: 0x40000003,
      LU_DOMAIN_PAGES: 0x40000004,
      HVM_CONTEXT: 9,
      HVM_PARAMS: 0xa,
    });
    const ranges = Object.fromEntries((lu?.ranges ?? []).map((r) => [r.name, [r.lo, r.hi]]));
    expect(ranges["future_mandatory_lu"]).toEqual([0x40000005, 0x7fffffff]);
    expect(ranges["future_optional_lu"]).toEqual([0xc0000000, 0xffffffff]);
    expect(lu?.align).toBe(8);
    expect(lu?.optionalBit).toBe(31);
    expect(offsets("lu_domain_pages")).toEqual({ count: [0, 4], reserved: [4, 4], mfns: [8, 0] });
  });
});

describe("libxc stream", () => {
  it('starts the image header with eight 0xFF octets then "XENF", all big-endian', () => {
    const b = enc.encode("xc_image_header", { version: 3, options: { endianness: "little" } });
    expect(hex(b)).toBe("ff ff ff ff ff ff ff ff 58 45 4e 46 00 00 00 03 00 00 00 00 00 00 00 00");
    const big = enc.encode("xc_image_header", { version: 2, options: { endianness: "big" } });
    expect(hex(big.subarray(12, 18))).toBe("00 00 00 02 00 01");
  });

  it("keeps the PFN in bits 0-51 and the page type in bits 60-63 of a PAGE_DATA entry", () => {
    const e = enc.encode("xc_page_data_pfn", { pfn_type: { pfn: 0xf_ffff_ffff_ffffn, type: "l4tab_pin" } });
    expect(new DataView(e.buffer).getBigUint64(0, true)).toBe(0xc00f_ffff_ffff_ffffn);
    expect(() => enc.encode("xc_page_data_pfn", { pfn_type: { pfn: 1n << 52n } })).toThrow(/does not fit/);
  });

  it("numbers every record type as revision 3 of the spec", () => {
    const xc = schemas.streams.get("xc_stream");
    expect(Object.fromEntries((xc?.records ?? []).map((r) => [r.name, r.value]))).toEqual({
      END: 0x00,
      PAGE_DATA: 0x01,
      X86_PV_INFO: 0x02,
      X86_PV_P2M_FRAMES: 0x03,
      X86_PV_VCPU_BASIC: 0x04,
      X86_PV_VCPU_EXTENDED: 0x05,
      X86_PV_VCPU_XSAVE: 0x06,
      SHARED_INFO: 0x07,
      X86_TSC_INFO: 0x08,
      HVM_CONTEXT: 0x09,
      HVM_PARAMS: 0x0a,
      TOOLSTACK: 0x0b,
      X86_PV_VCPU_MSRS: 0x0c,
      VERIFY: 0x0d,
      CHECKPOINT: 0x0e,
      CHECKPOINT_DIRTY_PFN_LIST: 0x0f,
      STATIC_DATA_END: 0x10,
      X86_CPUID_POLICY: 0x11,
      X86_MSR_POLICY: 0x12,
    });
    expect(xc?.preamble).toEqual(["xc_image_header", "xc_domain_header"]);
  });

  it("lays the domain header, X86_TSC_INFO and HVM_PARAMS out as the spec's diagrams", () => {
    expect(offsets("xc_domain_header")).toEqual({
      type: [0, 4],
      page_shift: [4, 2],
      _res1: [6, 2],
      xen_major: [8, 4],
      xen_minor: [12, 4],
    });
    expect(offsets("xc_x86_tsc_info")).toEqual({
      mode: [0, 4],
      khz: [4, 4],
      nsec: [8, 8],
      incarnation: [16, 4],
      _res1: [20, 4],
    });
    const p = enc.encode("xc_hvm_params", { count: 1, param: [{ index: 0x12, value: 0xffff_ffff_ffff_fffen }] });
    expect(hex(p)).toBe("01 00 00 00 00 00 00 00 12 00 00 00 00 00 00 00 fe ff ff ff ff ff ff ff");
  });
});

describe("libxl stream", () => {
  it('starts with "LibxlFmt", version 2, options, big-endian', () => {
    const b = enc.encode("xl_header", { options: ["legacy"] });
    expect(new TextDecoder().decode(b.subarray(0, 8))).toBe("LibxlFmt");
    expect(hex(b.subarray(8))).toBe("00 00 00 02 00 00 00 02");
  });
});

describe("HVM save records", () => {
  it("frames each record with an 8-octet descriptor (typecode, instance, length) and no padding", () => {
    expect(offsets("hvm_save_descriptor")).toEqual({ typecode: [0, 2], instance: [2, 2], length: [4, 4] });
    const s = schemas.streams.get("hvm_save");
    expect(s?.align).toBe(1);
    expect(s?.optionalBit).toBeNull();
  });

  it("puts the pending event's valid bit at bit 31, as gcc does on x86-64", () => {
    const b = enc.encode("hvm_hw_cpu", {
      pending_event: { pending_vector: 0xe, pending_type: 3, pending_error_valid: 1, pending_valid: 1 },
    });
    expect(b.length).toBe(1032);
    expect(new DataView(b.buffer).getUint32(1016, true)).toBe(0x80000b0e);
  });

  it("starts with the HVM file magic", () => {
    const b = enc.encode("hvm_save_header", {});
    expect(hex(b.subarray(0, 8))).toBe("86 12 38 54 01 00 00 00");
  });
});
