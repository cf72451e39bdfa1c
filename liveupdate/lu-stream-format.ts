/**
 * The live update stream's framing as a runtime `StreamFormat`: type u32 + body_length u32
 * little-endian, records padded to 8 octets, bit 31 marks an optional type, END (0) ends it. The
 * record names are the types the restore understands; anything else mandatory is an error.
 */
import type { StreamFormat } from "../runtime/stream-format.js";
import { REC_END, RECORD_NAMES } from "./stream-constants.js";

export const LU_STREAM_FORMAT: StreamFormat = {
  name: "lu_stream",
  headerSize: 8,
  typeOffset: 0,
  typeSize: 4,
  lengthOffset: 4,
  lengthSize: 4,
  littleEndian: true,
  align: 8,
  optionalBit: 31,
  endType: REC_END,
  recordNames: RECORD_NAMES,
  preambleSize: 0,
};
