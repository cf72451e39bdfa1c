/**
 * Numbers of the live update stream that are not field layouts: record type values, HVM save type
 * codes, the breadcrumb magic. From docs/specs/live-update-handover.pandoc (record types, breadcrumb),
 * libxc-migration-stream.pandoc (HVM_CONTEXT, HVM_PARAMS, END) and Xen's public hvm/save.h
 * (typecodes). LU_DOMAIN_PAGES is a lu-codec extension (see schema/live-update.lu).
 */
export const REC_END = 0x00000000;
export const REC_HVM_CONTEXT = 0x00000009;
export const REC_HVM_PARAMS = 0x0000000a;
export const REC_LU_VERSION = 0x40000000;
export const REC_LU_M2P = 0x40000001;
export const REC_LU_M2P_COMPAT = 0x40000002;
export const REC_LU_DOMAIN_INFO = 0x40000003;
export const REC_LU_DOMAIN_PAGES = 0x40000004;
/** Type values with this bit set are optional and may be skipped. */
export const REC_OPTIONAL_BIT = 0x80000000;

export const RECORD_HEADER_SIZE = 8;
export const RECORD_ALIGN = 8;
export const LU_DOMAIN_INFO_SIZE = 48;
export const LU_VERSION_SIZE = 8;
/** LU_DOMAIN_PAGES and HVM_PARAMS start with count u32 + reserved u32. */
export const COUNTED_BODY_HEADER = 8;

/** Breadcrumb: "LiveUpda" before masking with the page mask. */
export const LU_MAGIC = 0x4c69766555706461n;
export const BREADCRUMB_SIZE = 24;

/** HVM save record typecodes (public/arch-x86/hvm/save.h). */
export const HVM_SAVE_END = 0;
export const HVM_SAVE_HEADER = 1;
export const HVM_SAVE_CPU = 2;
export const HVM_SAVE_PIC = 3;
export const HVM_SAVE_IOAPIC = 4;
export const HVM_SAVE_LAPIC = 5;
export const HVM_SAVE_LAPIC_REGS = 6;
export const HVM_SAVE_PIT = 10;
export const HVM_SAVE_RTC = 11;
export const HVM_SAVE_PMTIMER = 13;
export const HVM_SAVE_MTRR = 14;
export const HVM_SAVE_CPU_XSAVE = 16;
export const HVM_SAVE_DESCRIPTOR_SIZE = 8;
export const HVM_FILE_MAGIC = 0x54381286;

/** LU_DOMAIN_INFO.type values. */
export const LU_DOMAIN_TYPE_X86_PV = 1;
export const LU_DOMAIN_TYPE_X86_HVM = 2;

/**
 * libxc domain records the live update stream carries as-is (live-update-handover.pandoc, "Data
 * Stream Overview"): accepted after a LU_DOMAIN_INFO and kept as references for the domain; this
 * restore's passes do not interpret them.
 */
export const LIBXC_DOMAIN_RECORDS: ReadonlyMap<number, string> = new Map([
  [0x02, "X86_PV_INFO"],
  [0x03, "X86_PV_P2M_FRAMES"],
  [0x04, "X86_PV_VCPU_BASIC"],
  [0x05, "X86_PV_VCPU_EXTENDED"],
  [0x06, "X86_PV_VCPU_XSAVE"],
  [0x07, "SHARED_INFO"],
  [0x08, "X86_TSC_INFO"],
  [0x0c, "X86_PV_VCPU_MSRS"],
  [0x11, "X86_CPUID_POLICY"],
  [0x12, "X86_MSR_POLICY"],
]);

/** Names for messages, and the record types the restore accepts. */
export const RECORD_NAMES: ReadonlyMap<number, string> = new Map([
  ...LIBXC_DOMAIN_RECORDS,
  [REC_END, "END"],
  [REC_HVM_CONTEXT, "HVM_CONTEXT"],
  [REC_HVM_PARAMS, "HVM_PARAMS"],
  [REC_LU_VERSION, "LU_VERSION"],
  [REC_LU_M2P, "LU_M2P"],
  [REC_LU_M2P_COMPAT, "LU_M2P_COMPAT"],
  [REC_LU_DOMAIN_INFO, "LU_DOMAIN_INFO"],
  [REC_LU_DOMAIN_PAGES, "LU_DOMAIN_PAGES"],
]);

/** Bytes a record with `bodyLength` octets of body takes in the stream (header + body + padding). */
export function recordSpan(bodyLength: number): number {
  return RECORD_HEADER_SIZE + Math.ceil(bodyLength / RECORD_ALIGN) * RECORD_ALIGN;
}
