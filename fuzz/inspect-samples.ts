/**
 * The valid inputs the `lu dump` / `lu validate` fuzz target starts from, as lists of record
 * segments that the mutators can work on record by record:
 *
 * - `libxc`: test/fixtures/sample-libxc.bin (make-fixtures.ts), one libxc v3 stream;
 * - `libxl`: a libxl header and records, LIBXC_CONTEXT, that libxc stream in line, more libxl
 *   records and END (the layout of test/cli/dump.test.ts);
 * - `image`: the live update stream of test/fixtures/sample-image.bin, laid out again by
 *   `layoutImage` on a machine of small pages with its breadcrumb and MFN array.
 */
import { readFileSync } from "node:fs";
import { XC_STREAM_FORMAT } from "../generated/libxc-stream.js";
import { XL_STREAM_FORMAT } from "../generated/libxl-stream.js";
import { LU_STREAM_FORMAT } from "../generated/live-update.js";
import { breadcrumbMagic, openLiveUpdateStream } from "../runtime/breadcrumb.js";
import { ContiguousSource } from "../runtime/contiguous-source.js";
import type { ByteSource } from "../runtime/byte-view.js";
import { openMemoryImage } from "../runtime/memory-image.js";
import { RecordReader } from "../runtime/record-reader.js";
import { SeededRandom } from "../runtime/seeded-random.js";
import type { StreamFormat } from "../runtime/stream-format.js";
import { encodeRecords, type FuzzRecord } from "./mutators/record-mutations.js";

export interface Segment {
  readonly format: StreamFormat;
  readonly preamble: Uint8Array;
  readonly records: readonly FuzzRecord[];
}

export type InspectKind = "libxc" | "libxl" | "image";
export const INSPECT_KINDS: readonly InspectKind[] = ["libxc", "libxl", "image"];

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url)));

/** The records of a well-formed stream in `source` from `start` (its preamble already skipped). */
function recordsOf(source: ByteSource, format: StreamFormat, start: number): FuzzRecord[] {
  const reader = new RecordReader(source, format, { start, strict: true });
  const out: FuzzRecord[] = [];
  while (reader.next()) {
    out.push({ type: reader.type, body: source.bytes(reader.bodyOffset, reader.bodyLength).slice() });
  }
  return out;
}

function libxcSegment(bytes: Uint8Array): Segment {
  const pre = XC_STREAM_FORMAT.preambleSize;
  return {
    format: XC_STREAM_FORMAT,
    preamble: bytes.slice(0, pre),
    records: recordsOf(new ContiguousSource(bytes), XC_STREAM_FORMAT, pre),
  };
}

function u32le(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint32(4 * i, v, true));
  return out;
}

function withTail(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

function libxlHeader(): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, 0x4c6962786c466d74n, false); // "LibxlFmt"
  dv.setUint32(8, 2, false);
  dv.setUint32(12, 0, false);
  return out;
}

let cache: Readonly<Record<InspectKind, readonly Segment[]>> | undefined;

export function inspectSamples(): Readonly<Record<InspectKind, readonly Segment[]>> {
  if (cache !== undefined) return cache;
  const xc = libxcSegment(fixture("sample-libxc.bin"));
  const image = openMemoryImage(new URL("../test/fixtures/sample-image.bin", import.meta.url).pathname, {
    pageSize: 4096,
  });
  let lu: FuzzRecord[];
  try {
    lu = recordsOf(openLiveUpdateStream(image.memory, 0).source, LU_STREAM_FORMAT, 0);
  } finally {
    image.close();
  }
  const xenstore = withTail(u32le(2, 0), new TextEncoder().encode("physmap\0on\0"));
  const emulator = withTail(u32le(2, 0), new Uint8Array(20).fill(0xab));
  cache = {
    libxc: [xc],
    libxl: [
      {
        format: XL_STREAM_FORMAT,
        preamble: libxlHeader(),
        records: [
          { type: 2, body: xenstore }, // EMULATOR_XENSTORE_DATA
          { type: 1, body: new Uint8Array(0) }, // LIBXC_CONTEXT
        ],
      },
      xc,
      {
        format: { ...XL_STREAM_FORMAT, preambleSize: 0 },
        preamble: new Uint8Array(0),
        records: [
          { type: 3, body: emulator }, // EMULATOR_CONTEXT
          { type: 0, body: new Uint8Array(0) }, // END
        ],
      },
    ],
    image: [{ format: LU_STREAM_FORMAT, preamble: new Uint8Array(0), records: lu }],
  };
  return cache;
}

export function encodeSegments(segments: readonly Segment[]): Uint8Array {
  const parts = segments.map((s) => encodeRecords(s.format, s.records, s.preamble));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface ImageLayout {
  readonly pageSize: number;
  /** Frame of the bootmem (the breadcrumb's frame). */
  readonly bootmem: number;
  readonly placementSeed: number;
  /** Octet the rest of the stream's last page is filled with (the writer leaves zeros). */
  readonly tailFill: number;
  /** Frames beyond those the layout needs. */
  readonly spareFrames: number;
}

export interface LaidOutImage {
  readonly image: Uint8Array;
  /** Where the breadcrumb and MFN array are, for mutations that aim at them. */
  readonly crumbAt: number;
  readonly mfnArrayAt: number;
  readonly mfnArrayBytes: number;
}

/**
 * A raw machine-memory image (offset = physical address) holding `stream` the way a live update
 * leaves it: data pages scattered in seeded order, a contiguous little-endian MFN array, the
 * breadcrumb at the start of the bootmem frame.
 */
export function layoutImage(stream: Uint8Array, l: ImageLayout): LaidOutImage {
  const ps = l.pageSize;
  const pages = Math.max(1, Math.ceil(stream.length / ps));
  const mfnFrames = Math.max(1, Math.ceil((8 * pages) / ps));
  const frames = Math.max(l.bootmem + 1, 1 + mfnFrames + pages + l.spareFrames);
  const image = new Uint8Array(frames * ps);
  const free = Array.from({ length: frames }, (_, i) => i).filter((f) => f !== l.bootmem);
  const mfnArrayFrame = free.find((f, i) => free.slice(i, i + mfnFrames).every((g, k) => g === f + k)) ?? 0;
  const rest = free.filter((f) => f < mfnArrayFrame || f >= mfnArrayFrame + mfnFrames);
  const rng = new SeededRandom(l.placementSeed >>> 0);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = rest[i] ?? 0;
    rest[i] = rest[j] ?? 0;
    rest[j] = t;
  }
  const mfns = rest.slice(0, pages);
  const dv = new DataView(image.buffer);
  mfns.forEach((mfn, p) => {
    const chunk = stream.subarray(p * ps, Math.min(stream.length, (p + 1) * ps));
    image.set(chunk, mfn * ps);
    image.fill(l.tailFill, mfn * ps + chunk.length, (mfn + 1) * ps);
    dv.setBigUint64(mfnArrayFrame * ps + 8 * p, BigInt(mfn), true);
  });
  const crumbAt = l.bootmem * ps;
  dv.setBigUint64(crumbAt, breadcrumbMagic(ps), true);
  dv.setBigUint64(crumbAt + 8, BigInt(mfnArrayFrame * ps), true);
  dv.setBigUint64(crumbAt + 16, BigInt(pages) << BigInt(Math.log2(ps)), true);
  return { image, crumbAt, mfnArrayAt: mfnArrayFrame * ps, mfnArrayBytes: 8 * pages };
}
