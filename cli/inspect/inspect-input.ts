/**
 * Opens what `lu dump` / `lu validate` are given and walks it: a libxc stream (image header says
 * "XENF", version 2 or 3), a libxl stream (header "LibxlFmt", with libxc streams in line after each
 * LIBXC_CONTEXT record), or a machine-memory image (`--image`: breadcrumb at the bootmem frame, MFN
 * array, vmap, live update stream). Files are read through the runtime's `FileSource` (chunks on
 * demand) and images frame by frame, so only what is walked is read.
 */
import { statSync } from "node:fs";
import type { ByteSource } from "../../runtime/byte-view.js";
import { openLiveUpdateStream } from "../../runtime/breadcrumb.js";
import { FileReadError, LuDataError } from "../../runtime/errors.js";
import { FileSource } from "../../runtime/file-source.js";
import { ImageUsageError, openImageInput, type ImageFormat } from "../image/image-input.js";
import { checkStreamEnd } from "../../runtime/stream-end.js";
import { checkWithAccessor, structClass } from "./accessor-checks.js";
import { decodeStruct, type DecodeContext, type DecodedStruct } from "./decode-struct.js";
import { type InspectProblem, stripLocation } from "./inspect-problem.js";
import type { JsonValue } from "./json-value.js";
import { type SchemaIndex, structOf } from "./schema-program.js";
import { type DumpRecord, type WalkResult, checkTrailingData, walkStream } from "./walk-stream.js";

export type InputKind = "libxc" | "libxl" | "image";

/** Where the live update bootmem is in a memory image, and the image's page size. */
export interface ImageInputOptions {
  readonly bootmemFrame: number;
  /** Frames in the bootmem (default 1): stream pages and the MFN array may not lie in it. */
  readonly bootmemFrames?: number;
  readonly pageSize: number;
  /** Forced image format (default: detected). */
  readonly format?: ImageFormat;
  /** Physical address of a raw dump's first octet. */
  readonly base?: number;
}

export interface InspectOptions {
  readonly image?: ImageInputOptions;
}

/** Receives the walk as it happens. */
export interface InspectSink {
  /** A header or preamble struct (`image_header`, `domain_header`, `libxl_header`, `breadcrumb`). */
  preamble(name: string, offset: number, fields: { readonly [k: string]: JsonValue }): void;
  /** A record of `stream` (`xc_stream`, `xl_stream`, `lu_stream`). */
  record(stream: string, record: DumpRecord): void;
}

export interface InspectResult {
  readonly kind: InputKind | "unknown";
  readonly problems: InspectProblem[];
  /** Octets read from the file (whole chunks of a stream file, whole frames of an image). */
  readonly bytesRead: number;
}

/** Usage or I/O trouble (exit 2), as opposed to a problem in the data (exit 1). */
export class InputError extends Error {}

const LIBXL_IDENT = 0x4c6962786c466d74n;
/** Problem kinds of a stream that ends inside a record or before its END. */
const OVERRUN_KINDS: ReadonlySet<string> = new Set(["truncated", "body-overrun", "missing-end"]);

export function inspectFile(path: string, schemas: SchemaIndex, options: InspectOptions, sink: InspectSink): InspectResult {
  if (options.image !== undefined) return inspectImage(path, schemas, options.image, sink);
  let source: FileSource;
  try {
    if (statSync(path).isDirectory()) throw new Error("it is a directory");
    source = FileSource.open(path);
  } catch (e) {
    throw new InputError(`cannot open ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const problems: InspectProblem[] = [];
    const kind = detect(source);
    if (kind === "libxc") {
      // The file is exactly the stream (the spec's END "shall be the final record"): anything
      // after END is garbage, or a sign of a concatenated or wrongly cut image.
      const xc = walkLibxc(source, 0, schemas, problems, sink, undefined);
      if (xc.complete) checkTrailingData(source, xc.position, source.byteLength, { index: xc.lastIndex, name: xc.lastName ?? "END" }, "the END record", problems);
    } else if (kind === "libxl") {
      walkLibxl(source, schemas, problems, sink);
    } else {
      problems.push({ offset: 0, kind: "unknown-format", message: "not a libxc stream (8 octets 0xFF, \"XENF\") nor a libxl stream (\"LibxlFmt\"); for a memory image use --image --bootmem FRAME" });
    }
    return { kind, problems, bytesRead: source.bytesRead };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    source.close();
  }
}

/**
 * What a failure while reading becomes: a read error (the file shrank, the disk failed) is usage or
 * I/O trouble, exit 2, with the file named and never a stack trace; programming errors pass through.
 */
function ioError(path: string, e: unknown): unknown {
  if (e instanceof InputError) return e;
  if (e instanceof LuDataError) return new InputError(e.message);
  if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string") {
    return new InputError(`cannot read ${path}: ${e.message}`);
  }
  return e;
}

function detect(source: ByteSource): InputKind | "unknown" {
  if (source.byteLength < 16) return "unknown";
  const view = source.window(0, 16);
  const o = source.windowOffset;
  if (view.getBigUint64(o, false) === 0xffff_ffff_ffff_ffffn && view.getUint32(o + 8, false) === 0x58454e46) return "libxc";
  if (view.getBigUint64(o, false) === LIBXL_IDENT) return "libxl";
  return "unknown";
}

function preambleContext(schemas: SchemaIndex, source: ByteSource, problems: InspectProblem[]): DecodeContext {
  return {
    schemas,
    source,
    problems,
    nestedStream: () => null,
  };
}

/** Decodes a preamble struct by the IR and checks it with its generated class's `validate()` too. */
function decodePreamble(ctx: DecodeContext, structName: string, offset: number, available: number): DecodedStruct {
  const since = ctx.problems.length;
  const decoded = decodeStruct(ctx, structName, offset, available);
  const cls = structClass(structName);
  if (cls !== undefined) checkWithAccessor(cls, ctx.source, offset, available, undefined, ctx.problems, since);
  return decoded;
}

/** Walks a libxc stream starting at `at`; returns the offset after its last record. */
function walkLibxc(
  source: ByteSource,
  at: number,
  schemas: SchemaIndex,
  problems: InspectProblem[],
  sink: InspectSink,
  stopAfter: string | undefined,
): WalkResult {
  const ihdr = structOf(schemas, "xc_image_header");
  const dhdr = structOf(schemas, "xc_domain_header");
  const ctx = preambleContext(schemas, source, problems);
  if (source.byteLength - at < ihdr.size + dhdr.size) {
    problems.push({ offset: at, kind: "truncated", message: `the libxc headers need ${ihdr.size + dhdr.size} octets, ${source.byteLength - at} left` });
    return { position: source.byteLength, complete: false, lastName: undefined, lastIndex: -1 };
  }
  const image = decodePreamble(ctx, ihdr.name, at, ihdr.size).fields;
  sink.preamble("image_header", at, image);
  const version = image["version"];
  const options = image["options"];
  const endianness = options !== null && typeof options === "object" && !Array.isArray(options) ? (options as { readonly [k: string]: JsonValue })["endianness"] : undefined;
  if (version !== 2 && version !== 3) {
    problems.push({ offset: at + 12, field: "version", kind: "unsupported-version", message: `libxc stream version ${String(version)} is not 2 or 3` });
    return { position: at + ihdr.size, complete: false, lastName: undefined, lastIndex: -1 };
  }
  if (endianness !== "little") {
    problems.push({ offset: at + 16, field: "options.endianness", kind: "unsupported-endianness", message: "big-endian libxc streams are not supported (the schemas are little-endian, as the spec mandates for x86 and arm)" });
    return { position: at + ihdr.size, complete: false, lastName: undefined, lastIndex: -1 };
  }
  const domain = decodePreamble(ctx, dhdr.name, at + ihdr.size, dhdr.size).fields;
  sink.preamble("domain_header", at + ihdr.size, domain);
  const shift = domain["page_shift"];
  const pageSize = typeof shift === "number" && shift >= 9 && shift <= 30 ? 2 ** shift : undefined;
  if (pageSize === undefined) problems.push({ offset: at + ihdr.size + 4, field: "page_shift", kind: "bad-page-shift", message: `page_shift ${String(shift)} is not a page size between 2^9 and 2^30` });
  let seenStaticEnd = false;
  const order = version === 3 ? new Set(["PAGE_DATA", "X86_PV_P2M_FRAMES", "X86_PV_VCPU_BASIC", "HVM_CONTEXT", "SHARED_INFO"]) : new Set<string>();
  return walkStream({
    schemas,
    source,
    problems,
    streamName: "xc_stream",
    start: at + ihdr.size + dhdr.size,
    ...(pageSize !== undefined ? { pageSize } : {}),
    ...(stopAfter !== undefined ? { stopAfter } : {}),
    onRecord: (r) => {
      if (r.name === "STATIC_DATA_END") seenStaticEnd = true;
      else if (!seenStaticEnd && order.has(r.name)) {
        problems.push({ offset: r.offset, recordIndex: r.index, record: r.name, kind: "record-order", message: `a version 3 stream must send STATIC_DATA_END before ${r.name}` });
        seenStaticEnd = true;
      }
      sink.record("xc_stream", r);
    },
  });
}

function walkLibxl(source: ByteSource, schemas: SchemaIndex, problems: InspectProblem[], sink: InspectSink): void {
  const hdr = structOf(schemas, "xl_header");
  const ctx = preambleContext(schemas, source, problems);
  const header = decodePreamble(ctx, hdr.name, 0, Math.min(hdr.size, source.byteLength)).fields;
  sink.preamble("libxl_header", 0, header);
  const opts = header["options"];
  if (Array.isArray(opts) && opts.includes("big_endian")) {
    problems.push({ offset: 12, field: "options", kind: "unsupported-endianness", message: "big-endian libxl streams are not supported" });
    return;
  }
  let start = hdr.size;
  let indexBase = 0;
  for (;;) {
    let lastIndex = -1;
    const r = walkStream({
      schemas,
      source,
      problems,
      streamName: "xl_stream",
      start,
      stopAfter: "LIBXC_CONTEXT",
      indexBase,
      onRecord: (rec) => {
        lastIndex = rec.index;
        sink.record("xl_stream", rec);
      },
    });
    if (lastIndex >= 0) indexBase = lastIndex + 1;
    if (!r.complete) return;
    if (r.lastName !== "LIBXC_CONTEXT") {
      // The libxl END record ends the file as END ends a plain libxc file.
      checkTrailingData(source, r.position, source.byteLength, { index: indexBase - 1, name: r.lastName ?? "END" }, "the libxl END record", problems);
      return;
    }
    const xc = walkLibxc(source, r.position, schemas, problems, sink, "CHECKPOINT");
    if (!xc.complete) return;
    start = xc.position;
  }
}

function inspectImage(
  path: string,
  schemas: SchemaIndex,
  image: ImageInputOptions,
  sink: InspectSink,
): InspectResult {
  const bootmemFrames = image.bootmemFrames ?? 1;
  let input;
  try {
    // The bootmem is reserved, so the MFN array checks refuse stream pages and array frames in it.
    input = openImageInput(path, {
      pageSize: image.pageSize,
      ...(image.format === undefined ? {} : { format: image.format }),
      ...(image.base === undefined ? {} : { base: image.base }),
      reserved: [{ start: image.bootmemFrame, count: bootmemFrames, name: "live update bootmem" }],
    });
  } catch (e) {
    if (e instanceof RangeError) {
      throw new InputError(`the bootmem (${bootmemFrames} frame(s) from ${image.bootmemFrame}) runs beyond the image: ${e.message}`);
    }
    throw new InputError(e instanceof ImageUsageError ? e.message : `cannot open ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Damage of the file itself comes first, located at file offsets.
  const problems: InspectProblem[] = [...input.problems];
  const opened = input.image;
  if (opened === undefined) return { kind: "image", problems, bytesRead: 0 };
  try {
    let stream;
    try {
      stream = openLiveUpdateStream(opened.memory, image.bootmemFrame * image.pageSize);
    } catch (e) {
      if (!(e instanceof LuDataError) || e instanceof FileReadError) throw e;
      problems.push({ offset: e.where.offset ?? image.bootmemFrame * image.pageSize, kind: e.code, message: stripLocation(e) });
      return { kind: "image", problems, bytesRead: opened.framesRead() * image.pageSize };
    }
    const crumb = stream.breadcrumb;
    sink.preamble("breadcrumb", image.bootmemFrame * image.pageSize, {
      mfn_array_physaddr: crumb.mfnArrayPhysAddr,
      shifted_nr_pages: crumb.shiftedNrPages.toString(),
      nr_pages: crumb.nrPages,
      mfns: stream.mfns.length <= 16 ? Array.from(stream.mfns) : { count: stream.mfns.length, first: Array.from(stream.mfns.subarray(0, 16)) },
    });
    // The stream's END must lie in its last page with only zero fill after it: an END earlier leaves
    // pages unread (their domains lost), a stream running past its last page was cut.
    let endOffset = -1;
    const walked = walkStream({
      schemas,
      source: stream.source,
      problems,
      streamName: "lu_stream",
      onRecord: (r) => {
        if (r.name === "END") endOffset = r.offset;
        sink.record("lu_stream", r);
      },
    });
    const pages = stream.mfns;
    if (walked.complete && endOffset >= 0) {
      const end = checkStreamEnd(stream.source, endOffset, walked.position, image.pageSize, pages);
      if (end !== undefined) problems.push({ offset: end.where.offset ?? endOffset, record: "END", kind: end.code, message: stripLocation(end) });
    } else if (!walked.complete && OVERRUN_KINDS.has(problems[problems.length - 1]?.kind ?? "")) {
      const n = pages.length;
      problems.push({
        offset: stream.source.byteLength,
        kind: "stream-overrun",
        message: `the stream runs past its last page (page ${n - 1}, frame ${pages[n - 1] ?? -1}; ${n} pages, ${stream.source.byteLength} octets): the breadcrumb's page count is too small or pages are missing`,
      });
    }
    return { kind: "image", problems, bytesRead: opened.framesRead() * image.pageSize };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    opened.close();
  }
}
