/**
 * Target `record-stream`: the runtime RecordReader over a contiguous source (with guard bytes
 * around it) and over a vmap of small scattered pages, in strict and lax mode, with and without
 * tight limits. Inputs are valid streams of three framings, then record-level mutations (length
 * fields 0 / max / off by one, mandatory⇄optional types, swapped, dropped and duplicated records,
 * dirty padding) and byte-level ones (bit flips, edge words, truncation at any length).
 *
 * Beyond "typed errors only", the reader must agree with the reference reading of the rules on
 * every record and on the first error, and every body it hands out must hold the input's bytes.
 */
import * as fc from "fast-check";
import type { ByteSource } from "../../runtime/byte-view.js";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { FileSource } from "../../runtime/file-source.js";
import {
  MissingEndError,
  NonZeroPaddingError,
  RecordLimitError,
  TruncatedRecordError,
  UnknownRecordError,
} from "../../runtime/errors.js";
import {
  DEFAULT_MAX_BODY_LENGTH,
  DEFAULT_MAX_RECORDS,
  RecordReader,
  type RecordReaderOptions,
} from "../../runtime/record-reader.js";
import type { StreamFormat } from "../../runtime/stream-format.js";
import type { FuzzCase, FuzzTarget, Params } from "../fuzz-case.js";
import { FUZZ_FORMAT_NAMES, fuzzFormat } from "../formats.js";
import { judgeDataError, violated } from "../invariants.js";
import { applyByteMutations, byteMutation } from "../mutators/byte-mutations.js";
import { applyRecordMutations, encodeRecords, recordMutation, type FuzzRecord } from "../mutators/record-mutations.js";
import { guardedCopy, scatteredCopy } from "../paged-copy.js";
import { referenceRead, type ReferenceOutcome } from "../reference-reader.js";

function recordArb(format: StreamFormat): fc.Arbitrary<FuzzRecord> {
  const known = [...format.recordNames.keys()].filter((t) => t !== format.endType);
  const typeMax = format.typeSize === 4 ? 0xffffffff : 0xffff;
  const optional =
    format.optionalBit === null
      ? []
      : [fc.nat({ max: typeMax }).map((t) => (t | (2 ** (format.optionalBit ?? 0))) >>> 0)];
  return fc.record({
    type: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...known) },
      ...optional.map((a) => ({ weight: 2, arbitrary: a })),
      { weight: 1, arbitrary: fc.nat({ max: typeMax }) },
    ),
    body: fc.oneof(
      { weight: 3, arbitrary: fc.uint8Array({ maxLength: 40 }) },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ minLength: 40, maxLength: 300 }),
      },
    ),
  });
}

const caseArb = fc
  .constantFrom(...FUZZ_FORMAT_NAMES)
  .chain((formatName) => {
    const format = fuzzFormat(formatName);
    return fc.record({
      formatName: fc.constant(formatName),
      preamble: fc.uint8Array({
        minLength: format.preambleSize,
        maxLength: format.preambleSize,
      }),
      records: fc.array(recordArb(format), { maxLength: 12 }),
      endBody: fc.oneof(
        { weight: 9, arbitrary: fc.constant(new Uint8Array(0)) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }) },
      ),
      recordMutations: fc.array(recordMutation(), { maxLength: 3 }),
      byteMutations: fc.oneof(
        { weight: 2, arbitrary: fc.constant([]) },
        {
          weight: 3,
          arbitrary: fc.array(byteMutation(), { minLength: 1, maxLength: 3 }),
        },
      ),
      source: fc.constantFrom("contiguous", "contiguous", "contiguous", "vmap", "vmap", "vmap", "vmap", "file"),
      pageSize: fc.constantFrom(64, 128, 256, 4096),
      placementSeed: fc.nat(),
      strict: fc.boolean(),
      maxRecords: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }) },
      ),
      maxBodyLength: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(0, 7, 8, 40, 299, 300) },
      ),
    });
  })
  .map((g): FuzzCase => {
    const format = fuzzFormat(g.formatName);
    const records = applyRecordMutations(
      [...g.records, { type: format.endType, body: g.endBody }],
      g.recordMutations,
      format,
    );
    const data = applyByteMutations(encodeRecords(format, records, g.preamble), g.byteMutations);
    const params: Params = {
      format: g.formatName,
      source: g.source,
      pageSize: g.pageSize,
      placementSeed: g.placementSeed,
      strict: g.strict,
      ...(g.maxRecords === null ? {} : { maxRecords: g.maxRecords }),
      ...(g.maxBodyLength === null ? {} : { maxBodyLength: g.maxBodyLength }),
    };
    return { data, params };
  });

function num(params: Params, key: string): number | undefined {
  const v = params[key];
  return typeof v === "number" ? v : undefined;
}

let scratch: string | undefined;

/** The case's bytes in a scratch file, read back through small chunks and a tiny cache (evictions, straddles). */
function fileSourceFor(data: Uint8Array, chunkSize: number): FileSource {
  scratch ??= join(mkdtempSync(join(tmpdir(), "lu-fuzz-")), "stream.bin");
  writeFileSync(scratch, data);
  return FileSource.open(scratch, {
    chunkSize: Math.max(64, Math.min(chunkSize, 4096)),
    maxCachedChunks: 2,
  });
}

function sourceFor(c: FuzzCase): ByteSource {
  if (c.params["source"] === "file") return fileSourceFor(c.data, num(c.params, "pageSize") ?? 64);
  if (c.params["source"] === "vmap")
    return scatteredCopy(c.data, num(c.params, "pageSize") ?? 64, num(c.params, "placementSeed") ?? 0);
  return new ContiguousSource(guardedCopy(c.data, 5, 11));
}

function compare(ref: ReferenceOutcome, got: ReturnType<RecordReader["current"]>[], error: unknown): void {
  const n = Math.max(ref.records.length, got.length);
  for (let i = 0; i < n; i++) {
    const r = ref.records[i];
    const g = got[i];
    if (r === undefined || g === undefined)
      violated(`reader returned ${got.length} records, the rules give ${ref.records.length}`);
    if (
      r.offset !== g.offset ||
      r.type !== g.type ||
      r.bodyOffset !== g.bodyOffset ||
      r.bodyLength !== g.bodyLength ||
      r.skipped !== g.skipped ||
      r.index !== g.index
    ) {
      violated(`record ${i}: reader says ${JSON.stringify(g)}, the rules give ${JSON.stringify(r)}`);
    }
  }
  if (ref.error === undefined) {
    if (error !== undefined) return; // judged by the harness (a legit typed error would have been predicted)
    return;
  }
  const expectedClass = {
    MissingEndError,
    RecordLimitError,
    TruncatedRecordError,
    UnknownRecordError,
    NonZeroPaddingError,
  }[ref.error.kind];
  if (!(error instanceof expectedClass)) {
    violated(
      `expected ${ref.error.kind} at offset ${ref.error.offset} (record #${ref.error.recordIndex}), got ${error instanceof Error ? `${error.name}: ${error.message}` : "a result"}`,
    );
  }
  if (error.where.offset !== ref.error.offset || error.where.recordIndex !== ref.error.recordIndex) {
    violated(
      `${ref.error.kind} located at ${error.message}, the rules put it at offset ${ref.error.offset}, record #${ref.error.recordIndex}`,
    );
  }
}

export const recordStreamTarget: FuzzTarget = {
  name: "record-stream",
  description: "RecordReader over contiguous and vmap sources: mutated streams of three framings",
  arbitrary: () => caseArb,
  run(c: FuzzCase): void {
    const format = fuzzFormat(String(c.params["format"] ?? "lu"));
    const strict = c.params["strict"] === true;
    const maxRecords = num(c.params, "maxRecords");
    const maxBodyLength = num(c.params, "maxBodyLength");
    const options: RecordReaderOptions = {
      strict,
      end: c.data.length,
      ...(maxRecords === undefined ? {} : { maxRecords }),
      ...(maxBodyLength === undefined ? {} : { maxBodyLength }),
    };
    const ref = referenceRead(c.data, format, {
      strict,
      maxRecords: maxRecords ?? DEFAULT_MAX_RECORDS,
      maxBodyLength: maxBodyLength ?? DEFAULT_MAX_BODY_LENGTH,
    });
    // A stream shorter than its preamble is the caller's business (the reader starts after it).
    if (c.data.length < format.preambleSize) return;
    const source = sourceFor(c);
    try {
      readAll(c, format, options, ref, source);
    } finally {
      if (source instanceof FileSource) source.close();
    }
  },
  judgeError: (e) => judgeDataError(e),
};

function readAll(
  c: FuzzCase,
  format: StreamFormat,
  options: RecordReaderOptions,
  ref: ReferenceOutcome,
  source: ByteSource,
): void {
  {
    const reader = new RecordReader(source, format, options);
    const got: ReturnType<RecordReader["current"]>[] = [];
    let error: unknown;
    try {
      while (reader.next()) {
        const rec = reader.current();
        got.push(rec);
        if (got.length <= 16) {
          const body = source.bytes(rec.bodyOffset, rec.bodyLength);
          const want = c.data.subarray(rec.bodyOffset, rec.bodyOffset + rec.bodyLength);
          if (body.length !== want.length || body.some((b, k) => b !== want[k]))
            violated(`record ${rec.index}: body bytes differ from the input's`);
        }
      }
    } catch (e) {
      error = e;
    }
    compare(ref, got, error);
    if (error !== undefined) throw error;
    if (reader.next()) violated("reader went on after the end record");
  }
}
