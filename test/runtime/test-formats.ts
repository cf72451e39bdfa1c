/** Stream formats for runtime tests, written by hand in the shape generated code emits. */
import type { StreamFormat } from "../../runtime/stream-format.js";

export const END = 0;
export const LU_VERSION = 0x40000000;
export const LU_M2P = 0x40000001;
export const LU_DOMAIN_INFO = 0x40000003;

/** The live-update stream framing: u32 type, u32 body_length, little-endian, padded to 8. */
export const LU_FORMAT: StreamFormat = {
  name: "lu_stream",
  headerSize: 8,
  typeOffset: 0,
  typeSize: 4,
  lengthOffset: 4,
  lengthSize: 4,
  littleEndian: true,
  align: 8,
  optionalBit: 31,
  endType: END,
  recordNames: new Map([
    [END, "END"],
    [LU_VERSION, "LU_VERSION"],
    [LU_M2P, "LU_M2P"],
    [LU_DOMAIN_INFO, "LU_DOMAIN_INFO"],
  ]),
  preambleSize: 0,
};

/** The libxc stream framing: big-endian image header (24) + domain header (16) before the records. */
export const LIBXC_FORMAT: StreamFormat = {
  ...LU_FORMAT,
  name: "libxc_stream",
  littleEndian: false,
  preambleSize: 40,
  recordNames: new Map([
    [0, "END"],
    [1, "PAGE_DATA"],
    [0x0f, "CHECKPOINT_DIRTY_PFN_LIST"],
  ]),
};

/** HVM save records: u16 typecode, u16 instance, u32 length; no padding, no optional bit. */
export const HVM_FORMAT: StreamFormat = {
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
  ]),
  preambleSize: 0,
};
