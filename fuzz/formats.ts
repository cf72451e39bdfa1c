/**
 * The record framings the stream fuzzer drives the reader with, written out here (not imported from
 * generated code) so the fuzzer does not depend on the schemas: the live update stream (LE, padded
 * to 8, bit 31 optional), the libxc migration stream (BE, a 40-octet preamble, padded to 8) and the
 * HVM save records (u16 typecode, u32 length, no padding, no optional bit).
 */
import type { StreamFormat } from "../runtime/stream-format.js";

export const FUZZ_FORMATS: Readonly<Record<string, StreamFormat>> = {
  lu: {
    name: "lu_stream",
    headerSize: 8,
    typeOffset: 0,
    typeSize: 4,
    lengthOffset: 4,
    lengthSize: 4,
    littleEndian: true,
    align: 8,
    optionalBit: 31,
    endType: 0,
    recordNames: new Map([
      [0, "END"],
      [0x0a, "HVM_CONTEXT"],
      [0x0b, "HVM_PARAMS"],
      [0x40000000, "LU_VERSION"],
      [0x40000001, "LU_M2P"],
      [0x40000003, "LU_DOMAIN_INFO"],
      [0x40000004, "LU_DOMAIN_PAGES"],
      [0xc0000000, "LU_OPTIONAL_KNOWN"],
    ]),
    preambleSize: 0,
  },
  libxc: {
    name: "libxc_stream",
    headerSize: 8,
    typeOffset: 0,
    typeSize: 4,
    lengthOffset: 4,
    lengthSize: 4,
    littleEndian: false,
    align: 8,
    optionalBit: 31,
    endType: 0,
    recordNames: new Map([
      [0, "END"],
      [1, "PAGE_DATA"],
      [0x0a, "HVM_CONTEXT"],
      [0x0f, "CHECKPOINT_DIRTY_PFN_LIST"],
    ]),
    preambleSize: 40,
  },
  hvm: {
    name: "hvm_save",
    headerSize: 8,
    typeOffset: 0,
    typeSize: 2,
    lengthOffset: 4,
    lengthSize: 4,
    littleEndian: true,
    align: 1,
    optionalBit: null,
    endType: 0,
    recordNames: new Map([
      [0, "END"],
      [1, "HEADER"],
      [2, "CPU"],
      [16, "CPU_XSAVE"],
    ]),
    preambleSize: 0,
  },
};

export type FuzzFormatName = "lu" | "libxc" | "hvm";
export const FUZZ_FORMAT_NAMES: readonly FuzzFormatName[] = ["lu", "libxc", "hvm"];

export function fuzzFormat(name: string): StreamFormat {
  const f = FUZZ_FORMATS[name];
  if (f === undefined) throw new Error(`unknown fuzz stream format '${name}'`);
  return f;
}
