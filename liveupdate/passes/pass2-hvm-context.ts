/**
 * Pass 2: the remaining domain state. Each HVM_CONTEXT body is a sequence of HVM save records, each
 * an `hvm_save_descriptor` (generated/hvm-save.ts: typecode, instance, length) and `length` octets,
 * ending with the END typecode. The descriptors are read through one reused `HvmSaveDescriptor`
 * flyweight; the records are kept as references into the stream: nothing is copied. Each body's
 * length must be one its struct's load rule takes (exact, or an older size of a zero-extended one).
 */
import { HVM_SAVE_BODIES, HVM_SAVE_RECORD, HvmSaveDescriptor } from "../../generated/hvm-save.js";
import { bodyLengthProblem } from "../../runtime/zero-extend.js";
import { LU_STREAM_FORMAT, LU_STREAM_RECORD_NAMES } from "../../generated/live-update.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import { RestoreError } from "../restore-error.js";
import type { StagedRestore } from "./record-plan.js";

export function pass2HvmContext(src: ByteSource, staged: StagedRestore): number {
  let saveRecords = 0;
  const desc = new HvmSaveDescriptor();
  for (const ref of staged.contextRecords) {
    const d = staged.domains[ref.domain];
    if (d === undefined) throw new Error("pass 0 recorded HVM_CONTEXT without a domain");
    const start = ref.offset + LU_STREAM_FORMAT.headerSize;
    const end = start + ref.bodyLength;
    let p = start;
    const fail = (message: string, at: number): never => {
      throw new RestoreError("hvm-context", 2, message, {
        offset: at,
        recordIndex: ref.index,
        recordType: ref.type,
        recordName: LU_STREAM_RECORD_NAMES.get(ref.type) ?? "HVM_CONTEXT",
      });
    };
    for (;;) {
      if (p + HvmSaveDescriptor.SIZE > end)
        fail(`HVM_CONTEXT of domain ${d.domainId} ends without an END save record`, p);
      desc.wrap(src, p, end - p);
      const typecode = desc.typecode;
      const instance = desc.instance;
      const length = desc.length;
      const body = p + HvmSaveDescriptor.SIZE;
      if (body + length > end) {
        fail(
          `HVM save record typecode ${typecode} instance ${instance} length ${length} runs past HVM_CONTEXT (${end - body} bytes left)`,
          p,
        );
      }
      // Xen's load rules: exact length, or zero-extended from an older size (generated/hvm-save.ts).
      const cls = HVM_SAVE_BODIES.get(typecode);
      const wrong = cls === undefined ? null : bodyLengthProblem(cls, length);
      if (wrong !== null)
        fail(`HVM save record typecode ${typecode} instance ${instance}: body of ${length} octets is ${wrong}`, body);
      d.hvmRecords.push({ typecode, instance, length, offset: body });
      saveRecords++;
      if (typecode === HVM_SAVE_RECORD.END) break;
      p = body + length;
    }
  }
  return saveRecords;
}
