/**
 * Which HVM save records a domain's HVM_CONTEXT holds and how big they are, for a given vCPU count
 * and target size. Sizes are the x86-64 layouts of Xen's public hvm/save.h.
 */
import {
  HVM_SAVE_CPU,
  HVM_SAVE_CPU_XSAVE,
  HVM_SAVE_DESCRIPTOR_SIZE,
  HVM_SAVE_END,
  HVM_SAVE_HEADER,
  HVM_SAVE_IOAPIC,
  HVM_SAVE_LAPIC,
  HVM_SAVE_LAPIC_REGS,
  HVM_SAVE_MTRR,
  HVM_SAVE_PIC,
  HVM_SAVE_PIT,
  HVM_SAVE_PMTIMER,
  HVM_SAVE_RTC,
} from "./stream-constants.js";

export const HVM_BODY_SIZES: ReadonlyMap<number, number> = new Map([
  [HVM_SAVE_HEADER, 24],
  [HVM_SAVE_CPU, 1032],
  [HVM_SAVE_PIC, 8],
  [HVM_SAVE_IOAPIC, 400],
  [HVM_SAVE_LAPIC, 24],
  [HVM_SAVE_LAPIC_REGS, 1024],
  [HVM_SAVE_PIT, 56],
  [HVM_SAVE_RTC, 16],
  [HVM_SAVE_PMTIMER, 8],
  [HVM_SAVE_MTRR, 240],
]);

/** CPU_XSAVE body before its save area: xfeature_mask, xcr0, xcr0_accum (u64 each). */
export const XSAVE_FIXED = 24;
/** Smallest XSAVE area: the 512-byte legacy region plus the 64-byte XSAVE header. */
export const XSAVE_MIN_AREA = 576;

export interface HvmRecordPlan {
  readonly typecode: number;
  readonly instance: number;
  readonly length: number;
}

function sizeOf(typecode: number): number {
  const s = HVM_BODY_SIZES.get(typecode);
  if (s === undefined) throw new Error(`no size for HVM save typecode ${typecode}`);
  return s;
}

/** The save records of one domain, in order, ending with END. */
export function planHvmContext(vcpus: number, targetBytes: number): HvmRecordPlan[] {
  const recs: HvmRecordPlan[] = [];
  const add = (typecode: number, instance: number, length = sizeOf(typecode)): void => {
    recs.push({ typecode, instance, length });
  };
  add(HVM_SAVE_HEADER, 0);
  for (let v = 0; v < vcpus; v++) add(HVM_SAVE_CPU, v);
  add(HVM_SAVE_PIC, 0);
  add(HVM_SAVE_PIC, 1);
  add(HVM_SAVE_IOAPIC, 0);
  for (let v = 0; v < vcpus; v++) add(HVM_SAVE_LAPIC, v);
  for (let v = 0; v < vcpus; v++) add(HVM_SAVE_LAPIC_REGS, v);
  add(HVM_SAVE_PIT, 0);
  add(HVM_SAVE_RTC, 0);
  add(HVM_SAVE_PMTIMER, 0);
  for (let v = 0; v < vcpus; v++) add(HVM_SAVE_MTRR, v);
  const fixed = contextBytes(recs) + HVM_SAVE_DESCRIPTOR_SIZE;
  const perVcpu = Math.floor((targetBytes - fixed) / vcpus) - HVM_SAVE_DESCRIPTOR_SIZE - XSAVE_FIXED;
  const area = Math.max(XSAVE_MIN_AREA, Math.floor(perVcpu / 64) * 64);
  for (let v = 0; v < vcpus; v++) add(HVM_SAVE_CPU_XSAVE, v, XSAVE_FIXED + area);
  add(HVM_SAVE_END, 0, 0);
  return recs;
}

/** Bytes the records take in an HVM_CONTEXT blob (descriptor + body each, no padding). */
export function contextBytes(recs: readonly HvmRecordPlan[]): number {
  let n = 0;
  for (const r of recs) n += HVM_SAVE_DESCRIPTOR_SIZE + r.length;
  return n;
}
