/**
 * Pass 2: the remaining domain state. Each HVM_CONTEXT body is a sequence of HVM save records
 * (descriptor: typecode u16, instance u16, length u32; then `length` octets) ending with the END
 * typecode 0. The records are kept as references into the stream: nothing is copied.
 */
import type { ByteSource } from "../../runtime/byte-view.js";
import { RestoreError } from "../restore-error.js";
import { HVM_SAVE_DESCRIPTOR_SIZE, HVM_SAVE_END, RECORD_HEADER_SIZE, RECORD_NAMES } from "../stream-constants.js";
import type { StagedRestore } from "./record-plan.js";

export function pass2HvmContext(src: ByteSource, staged: StagedRestore): number {
  let saveRecords = 0;
  for (const ref of staged.contextRecords) {
    const d = staged.domains[ref.domain];
    if (d === undefined) throw new Error("pass 0 recorded HVM_CONTEXT without a domain");
    const end = ref.offset + RECORD_HEADER_SIZE + ref.bodyLength;
    let p = ref.offset + RECORD_HEADER_SIZE;
    const fail = (message: string, at: number): never => {
      throw new RestoreError("hvm-context", 2, message, {
        offset: at,
        recordIndex: ref.index,
        recordType: ref.type,
        recordName: RECORD_NAMES.get(ref.type) ?? "HVM_CONTEXT",
      });
    };
    for (;;) {
      if (p + HVM_SAVE_DESCRIPTOR_SIZE > end) fail(`HVM_CONTEXT of domain ${d.domainId} ends without an END save record`, p);
      const v = src.window(p, HVM_SAVE_DESCRIPTOR_SIZE);
      const o = src.windowOffset;
      const typecode = v.getUint16(o, true);
      const instance = v.getUint16(o + 2, true);
      const length = v.getUint32(o + 4, true);
      const body = p + HVM_SAVE_DESCRIPTOR_SIZE;
      if (body + length > end) {
        fail(`HVM save record typecode ${typecode} instance ${instance} length ${length} runs past HVM_CONTEXT (${end - body} bytes left)`, p);
      }
      d.hvmRecords.push({ typecode, instance, length, offset: body });
      saveRecords++;
      if (typecode === HVM_SAVE_END) break;
      p = body + length;
    }
  }
  return saveRecords;
}
