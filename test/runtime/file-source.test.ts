import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BoundsError, FileReadError } from "../../runtime/errors.js";
import { FileSource } from "../../runtime/file-source.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { BufferRecordWriter } from "../../runtime/record-writer.js";
import { SeededRandom } from "../../runtime/seeded-random.js";
import { StraddleView } from "../../runtime/straddle-view.js";
import { LIBXC_FORMAT } from "./test-formats.js";
import { VIEW_OPS, sameValue } from "./view-ops.js";

const dir = mkdtempSync(join(tmpdir(), "lu-file-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomFile(name: string, size: number): { path: string; bytes: Uint8Array } {
  const rnd = new SeededRandom(size);
  const bytes = Uint8Array.from({ length: size }, () => rnd.nextU32() & 0xff);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe("FileSource", () => {
  it("reads only the chunks that are touched", () => {
    const { path, bytes } = randomFile("big.bin", 4 * 1024 * 1024);
    const src = FileSource.open(path, { chunkSize: 4096 });
    try {
      expect(src.byteLength).toBe(bytes.length);
      expect(src.bytesRead).toBe(0);
      expect(Array.from(src.bytes(100, 16))).toEqual(Array.from(bytes.subarray(100, 116)));
      src.window(3 * 1024 * 1024, 8);
      expect(src.bytesRead).toBe(2 * 4096);
    } finally {
      src.close();
    }
  });

  it("agrees with the bytes for every op at every offset around a chunk edge, the short tail chunk included", () => {
    const { path, bytes } = randomFile("edges.bin", 3 * 256 + 100);
    const ref = new DataView(bytes.buffer);
    const src = FileSource.open(path, { chunkSize: 256, maxCachedChunks: 2 });
    try {
      for (const edge of [256, 512, 768]) {
        for (let o = edge - 9; o <= edge + 1; o++) {
          for (const op of VIEW_OPS) {
            if (o + op.size > bytes.length) continue;
            for (const le of [true, false]) {
              const v = src.window(o, op.size);
              expect(sameValue(op.get(v, src.windowOffset, le), op.get(ref, o, le)), `${op.name} at ${o}`).toBe(true);
            }
          }
        }
      }
      expect(src.window(250, 8)).toBeInstanceOf(StraddleView);
      expect(src.bytesCopied).toBeGreaterThan(0);
      expect(() => src.window(bytes.length - 2, 4)).toThrow(BoundsError);
    } finally {
      src.close();
    }
  });

  it("keeps a bounded cache, and views handed out before an eviction still read right", () => {
    const { path, bytes } = randomFile("evict.bin", 64 * 1024);
    const src = FileSource.open(path, { chunkSize: 1024, maxCachedChunks: 3 });
    try {
      const early = src.window(10, 4);
      const earlyAt = src.windowOffset;
      for (let i = 1; i < 64; i++) src.window(i * 1024, 4);
      expect(src.cachedChunks).toBe(3);
      expect(early.getUint32(earlyAt, true)).toBe(new DataView(bytes.buffer).getUint32(10, true));
      // Re-reading an evicted chunk reads it again.
      const before = src.bytesRead;
      src.window(0, 4);
      expect(src.bytesRead).toBe(before + 1024);
    } finally {
      src.close();
    }
  });

  it("runs the record reader over a libxc stream file", () => {
    const w = new BufferRecordWriter(LIBXC_FORMAT);
    for (let i = 0; i < 50; i++) w.appendRecord(1, new Uint8Array(300).fill(i));
    w.end();
    const path = join(dir, "stream.libxc");
    writeFileSync(path, w.bytes());
    const src = FileSource.open(path, { chunkSize: 512 });
    try {
      const recs = [...new RecordReader(src, LIBXC_FORMAT, { strict: true })];
      expect(recs).toHaveLength(51);
      expect(src.bytes(recs[7]?.bodyOffset ?? 0, 300).every((b) => b === 7)).toBe(true);
    } finally {
      src.close();
    }
  });

  it("a file that shrank under it is a FileReadError, not a short read", () => {
    const { path } = randomFile("shrinks.bin", 8192);
    const src = FileSource.open(path, { chunkSize: 4096 });
    try {
      truncateSync(path, 5000);
      expect(() => src.window(8000, 8)).toThrow(FileReadError);
    } finally {
      src.close();
    }
  });
});
