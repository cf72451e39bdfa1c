import { describe, expect, it } from "vitest";
import * as runtime from "../../runtime/index.js";

describe("runtime public surface", () => {
  it("exports the views, memory model, streams, breadcrumb, files and errors", () => {
    for (const name of [
      "ContiguousSource",
      "VmapSource",
      "vmap",
      "StraddleView",
      "MachineMemory",
      "FrameAllocator",
      "SeededRandom",
      "walkU64Array",
      "walkU64ArrayAsU32Pairs",
      "walkU64ArrayWords",
      "RecordReader",
      "BufferRecordWriter",
      "PagedRecordWriter",
      "readBreadcrumb",
      "readMfnArray",
      "writeBreadcrumb",
      "openLiveUpdateStream",
      "FileSource",
      "openMemoryImage",
      "writeMemoryImage",
      "BreadcrumbError",
      "TruncatedRecordError",
      "MissingEndError",
      "UnknownRecordError",
      "NonZeroPaddingError",
      "RecordLimitError",
      "FrameError",
      "OutOfFramesError",
      "FileReadError",
      "WriterError",
      "IntegerRangeError",
    ]) {
      expect(runtime, name).toHaveProperty(name);
    }
  });

  it("every runtime error is a LuDataError with a code", () => {
    const e = new runtime.TruncatedRecordError("header", 8, 3, { offset: 16, recordIndex: 2 });
    expect(e).toBeInstanceOf(runtime.LuDataError);
    expect(e.code).toBe("truncated");
    expect(e.message).toBe("offset 16 (0x10), record #2: record header needs 8 bytes but only 3 remain");
  });
});
