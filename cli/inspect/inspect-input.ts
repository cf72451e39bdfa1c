/**
 * Opens what `lu dump` / `lu validate` are given and walks it: a file a schema describes (one of
 * the schemas' `entry` streams, or the `--stream` / `--struct` asked for; see walk-file.ts), or a
 * machine-memory image (`--image`: breadcrumb at the bootmem frame, MFN array, vmap, live update
 * stream). Files are read through the runtime's `FileSource` (chunks on
 * demand) and images frame by frame, so only what is walked is read.
 */
import { statSync } from "node:fs";
import type { ByteSource } from "../../runtime/byte-view.js";
import { openLiveUpdateStream } from "../../runtime/breadcrumb.js";
import { FileReadError, LuDataError } from "../../runtime/errors.js";
import { FileSource } from "../../runtime/file-source.js";
import { openMemoryImage } from "../../runtime/memory-image.js";
import { type InspectProblem, stripLocation } from "./inspect-problem.js";
import type { SchemaIndex } from "./schema-program.js";
import { type InspectTarget, type WalkSink, entryStreams, walkFile } from "./walk-file.js";
import { walkStream } from "./walk-stream.js";

export interface InspectOptions {
  readonly image?: { readonly bootmemFrame: number; readonly pageSize: number };
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
    const { kind, problems } = walkFile(source, schemas, options.target ?? { kind: "entries", streams: entryStreams(schemas).map((e) => e.name) }, sink, options.full === true);
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

function inspectImage(
  path: string,
  schemas: SchemaIndex,
  image: { readonly bootmemFrame: number; readonly pageSize: number },
  sink: InspectSink,
): InspectResult {
  let opened;
  try {
    opened = openMemoryImage(path, { pageSize: image.pageSize });
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
  const problems: InspectProblem[] = [];
  try {
    if (image.bootmemFrame >= opened.memory.frameCount) {
      throw new InputError(`bootmem frame ${image.bootmemFrame} is beyond the image (${opened.memory.frameCount} frames of ${image.pageSize} octets)`);
    }
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
    // No trailing-data check here: the stream's source is whole pages, so the rest of the last
    // page after END is normal (zero fill or whatever the page held before).
    walkStream({ schemas, source: stream.source, problems, streamName: "lu_stream", onRecord: (r) => sink.record("lu_stream", r) });
    return { kind: "image", problems, bytesRead: opened.framesRead() * image.pageSize };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    opened.close();
  }
}
