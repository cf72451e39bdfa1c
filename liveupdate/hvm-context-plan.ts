/**
 * Which HVM save records a domain's HVM_CONTEXT holds and how big they are, for a given vCPU count
 * and target size. Typecodes and sizes come from the generated HVM save classes
 * (generated/hvm-save.ts, the x86-64 layouts of Xen's public hvm/save.h).
 */
import { HVM_SAVE_BODIES, HVM_SAVE_RECORD, HvmHwCpuXsave, HvmSaveDescriptor } from "../generated/hvm-save.js";

const T = HVM_SAVE_RECORD;

/** CPU_XSAVE body before its save area: xfeature_mask, xcr0, xcr0_accum (u64 each). */
export const XSAVE_FIXED = HvmHwCpuXsave.FPU_SSE_OFFSET;
/** Smallest XSAVE area: the 512-byte legacy region plus the 64-byte XSAVE header. */
export const XSAVE_MIN_AREA = HvmHwCpuXsave.SIZE - HvmHwCpuXsave.FPU_SSE_OFFSET;

export interface HvmRecordPlan {
  readonly typecode: number;
  readonly instance: number;
  readonly length: number;
}

/** Size of a fixed-size save record's body: its generated class's SIZE. */
function sizeOf(typecode: number): number {
  const s = HVM_SAVE_BODIES.get(typecode)?.SIZE;
  if (s === undefined) throw new Error(`no size for HVM save typecode ${typecode}`);
  return s;
}

/** The save records of one domain, in order, ending with END. */
export function planHvmContext(vcpus: number, targetBytes: number): HvmRecordPlan[] {
  const recs: HvmRecordPlan[] = [];
  const add = (typecode: number, instance: number, length = sizeOf(typecode)): void => {
    recs.push({ typecode, instance, length });
  };
  add(T.HEADER, 0);
  for (let v = 0; v < vcpus; v++) add(T.CPU, v);
  add(T.PIC, 0);
  add(T.PIC, 1);
  add(T.IOAPIC, 0);
  for (let v = 0; v < vcpus; v++) add(T.LAPIC, v);
  for (let v = 0; v < vcpus; v++) add(T.LAPIC_REGS, v);
  add(T.PIT, 0);
  add(T.RTC, 0);
  add(T.PMTIMER, 0);
  for (let v = 0; v < vcpus; v++) add(T.MTRR, v);
  const fixed = contextBytes(recs) + HvmSaveDescriptor.SIZE;
  const perVcpu = Math.floor((targetBytes - fixed) / vcpus) - HvmSaveDescriptor.SIZE - XSAVE_FIXED;
  const area = Math.max(XSAVE_MIN_AREA, Math.floor(perVcpu / 64) * 64);
  for (let v = 0; v < vcpus; v++) add(T.CPU_XSAVE, v, XSAVE_FIXED + area);
  add(T.END, 0, 0);
  return recs;
}

/** Bytes the records take in an HVM_CONTEXT blob (descriptor + body each, no padding). */
export function contextBytes(recs: readonly HvmRecordPlan[]): number {
  let n = 0;
  for (const r of recs) n += HvmSaveDescriptor.SIZE + r.length;
  return n;
}
