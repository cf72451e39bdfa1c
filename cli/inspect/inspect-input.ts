/**
 * Opens what `lu dump` / `lu validate` are given and walks it: a file a schema describes (one of
 * the schemas' `entry` streams, or the `--stream` / `--struct` asked for; see walk-file.ts), or a
 * machine-memory image (`--image`: breadcrumb at the bootmem frame, MFN array, vmap, live update
 * stream). Files are read through the runtime's `FileSource` (chunks on
 * demand) and images frame by frame, so only what is walked is read.
 */
import { statSync } from "node:fs";
import type { ByteSource } from "../../runtime/byte-view.js";
import { BREADCRUMB_SIZE, openLiveUpdateStream } from "../../runtime/breadcrumb.js";
import { FileReadError, LuDataError } from "../../runtime/errors.js";
import { FileSource } from "../../runtime/file-source.js";
import { autoBootmem } from "../image/auto-bootmem.js";
import type { BootmemRange } from "../image/bootmem-option.js";
import { ImageUsageError, openImageInput, type ImageFormat } from "../image/image-input.js";
import { checkStreamEnd } from "../../runtime/stream-end.js";
import { type InspectProblem, stripLocation } from "./inspect-problem.js";
import type { SchemaIndex } from "./schema-program.js";
import { type InspectTarget, type WalkSink, entryStreams, memoryStreams, walkFile } from "./walk-file.js";
import { walkStream } from "./walk-stream.js";

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
  /**
   * `--bootmem auto[:FRAME:COUNT]`: find the breadcrumb by scanning the image (or `within`, the
   * `liveupdate=` range, which is then the bootmem); `bootmemFrame` is ignored.
   */
  readonly auto?: { readonly within: BootmemRange | undefined };
  /** Receives the scan's lines (`--verbose`). */
  readonly log?: (line: string) => void;
  /** A progress bar on stderr while a large image is scanned. */
  readonly progress?: boolean;
}

export interface InspectOptions {
  readonly image?: ImageInputOptions;
  /** What a stream file is (default: one of the schemas' `entry` streams, told by its magic). */
  readonly target?: InspectTarget;
  /** Every octet of byte fields and payloads in hex (`lu dump --full`). */
  readonly full?: boolean;
}

/** Receives the walk as it happens: preamble structs (and the breadcrumb of an image), records. */
export type InspectSink = WalkSink;

export interface InspectResult {
  /** The entry's kind (`entry KIND` in the schema), `image`, the stream or struct name, or `unknown`. */
  readonly kind: string;
  readonly problems: InspectProblem[];
  /** Octets read from the file (whole chunks of a stream file, whole frames of an image). */
  readonly bytesRead: number;
}

/** Usage or I/O trouble (exit 2), as opposed to a problem in the data (exit 1). */
export class InputError extends Error {}

/** Problem kinds of a stream that ends inside a record or before its END. */
const OVERRUN_KINDS: ReadonlySet<string> = new Set(["truncated", "body-overrun", "missing-end"]);

export function inspectFile(
  path: string,
  schemas: SchemaIndex,
  options: InspectOptions,
  sink: InspectSink,
): InspectResult {
  if (options.image !== undefined) return inspectImage(path, schemas, options.image, sink, options.full === true);
  let source: FileSource;
  try {
    if (statSync(path).isDirectory()) throw new Error("it is a directory");
    source = FileSource.open(path);
  } catch (e) {
    throw new InputError(`cannot open ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const { kind, problems } = walkFile(
      source,
      schemas,
      options.target ?? { kind: "entries", streams: entryStreams(schemas).map((e) => e.name) },
      sink,
      options.full === true,
    );
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
  if (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === "string" &&
    typeof (e as NodeJS.ErrnoException).syscall === "string"
  ) {
    return new InputError(`cannot read ${path}: ${e.message}`);
  }
  return e;
}

function inspectImage(
  path: string,
  schemas: SchemaIndex,
  image: ImageInputOptions,
  sink: InspectSink,
  full: boolean,
): InspectResult {
  // Which stream an image holds, and what its breadcrumb is called, is the schemas' to say.
  const lu = memoryStreams(schemas)[0];
  const entry = lu?.entry?.memory;
  if (lu === undefined || entry === undefined)
    throw new InputError("no schema declares a stream found in memory ('entry KIND in memory via STRUCT as LABEL;')");
  // The runtime reads the breadcrumb; the struct the schema names for it must be the one it reads.
  const via = schemas.structs.get(entry.via);
  if (via?.size !== BREADCRUMB_SIZE)
    throw new InputError(
      `the schema's '${entry.via}' (${via?.size ?? "?"} octets) is not the breadcrumb the runtime reads (${BREADCRUMB_SIZE} octets)`,
    );
  const given: BootmemRange | undefined =
    image.auto === undefined ? { start: image.bootmemFrame, count: image.bootmemFrames ?? 1 } : image.auto.within;
  let bootmemFrame = given?.start ?? 0;
  let bootmemFrames = given?.count ?? 1;
  let input;
  try {
    // The bootmem is reserved, so the MFN array checks refuse stream pages and array frames in it.
    input = openImageInput(path, {
      pageSize: image.pageSize,
      ...(image.format === undefined ? {} : { format: image.format }),
      ...(image.base === undefined ? {} : { base: image.base }),
      reserved: given === undefined ? [] : [{ start: bootmemFrame, count: bootmemFrames, name: "live update bootmem" }],
    });
  } catch (e) {
    if (e instanceof RangeError) {
      throw new InputError(
        `the bootmem (${bootmemFrames} frame(s) from ${bootmemFrame}) runs beyond the image: ${e.message}`,
      );
    }
    throw new InputError(
      e instanceof ImageUsageError ? e.message : `cannot open ${path}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  // Damage of the file itself comes first, located at file offsets.
  const problems: InspectProblem[] = [...input.problems];
  const opened = input.image;
  if (opened === undefined) return { kind: "image", problems, bytesRead: 0 };
  try {
    if (image.auto !== undefined) {
      const found = autoBootmem(opened, image.auto.within, {
        ...(image.log === undefined ? {} : { log: image.log }),
        progress: image.progress === true,
      });
      if (found.kind === "refused") {
        problems.push(found.problem);
        return { kind: "image", problems, bytesRead: opened.framesRead() * image.pageSize };
      }
      bootmemFrame = found.range.start;
      bootmemFrames = found.range.count;
    }
    let stream;
    try {
      stream = openLiveUpdateStream(opened.memory, bootmemFrame * image.pageSize);
    } catch (e) {
      if (!(e instanceof LuDataError) || e instanceof FileReadError) throw e;
      problems.push({
        offset: e.where.offset ?? bootmemFrame * image.pageSize,
        kind: e.code,
        message: stripLocation(e),
      });
      return { kind: "image", problems, bytesRead: opened.framesRead() * image.pageSize };
    }
    const crumb = stream.breadcrumb;
    sink.preamble(entry.label, bootmemFrame * image.pageSize, {
      mfn_array_physaddr: crumb.mfnArrayPhysAddr,
      shifted_nr_pages: crumb.shiftedNrPages.toString(),
      nr_pages: crumb.nrPages,
      mfns:
        stream.mfns.length <= 16
          ? Array.from(stream.mfns)
          : { count: stream.mfns.length, first: Array.from(stream.mfns.subarray(0, 16)) },
    });
    // The stream's END must lie in its last page with only zero fill after it: an END earlier leaves
    // pages unread (their domains lost), a stream running past its last page was cut.
    let endOffset = -1;
    const walked = walkStream({
      schemas,
      source: stream.source,
      problems,
      streamName: lu.name,
      full,
      onRecord: (r) => {
        if (r.name === lu.end) endOffset = r.offset;
        sink.record(lu.name, r);
      },
    });
    const pages = stream.mfns;
    if (walked.complete && endOffset >= 0) {
      const end = checkStreamEnd(stream.source, endOffset, walked.position, image.pageSize, pages);
      if (end !== undefined)
        problems.push({
          offset: end.where.offset ?? endOffset,
          record: lu.end ?? lu.name,
          kind: end.code,
          message: stripLocation(end),
        });
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
