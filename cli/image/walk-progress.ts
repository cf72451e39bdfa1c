/**
 * The progress bar of `lu dump` and `lu validate` on large inputs: on stderr, only when stderr is a
 * terminal (and, for `lu dump`, when its text is not going to that terminal too) and not turned off
 * with `--no-progress`. It wraps the walk's sink and follows the records' offsets: the total is the
 * stream's size once the breadcrumb of an image says how many pages it has, or the file's size.
 */
import { statSync } from "node:fs";
import { Presets, SingleBar } from "cli-progress";
import { inspectFile, type InspectOptions, type InspectResult, type InspectSink } from "../inspect/inspect-input.js";
import type { SchemaIndex } from "../inspect/schema-program.js";

/** Inputs of at least this many octets get a bar (as `lu restore`'s). */
export const PROGRESS_BYTES = 16 * 1024 * 1024;

export interface WalkProgress {
  readonly sink: InspectSink;
  /** Removes the bar (call once the walk is over, also when it failed). */
  stop(): void;
}

/**
 * `sink` with a bar, when `enabled`. `fileBytes` is the total of a stream file; an image's total
 * comes from its breadcrumb preamble (`nr_pages` × `pageSize`).
 */
export function withWalkProgress(
  sink: InspectSink,
  enabled: boolean,
  fileBytes: number | undefined,
  pageSize: number | undefined,
): WalkProgress {
  if (!enabled) return { sink, stop: () => undefined };
  let bar: SingleBar | undefined;
  let total = 0;
  let shown = 0;
  const start = (bytes: number): void => {
    total = bytes;
    if (bytes < PROGRESS_BYTES) return;
    bar = new SingleBar(
      { format: "walking  [{bar}] {percentage}% {value}/{total} MiB", stream: process.stderr },
      Presets.shades_classic,
    );
    bar.start(Math.ceil(bytes / 2 ** 20), 0);
  };
  if (fileBytes !== undefined && pageSize === undefined) start(fileBytes);
  return {
    sink: {
      preamble: (name, offset, fields) => {
        const pages = fields["nr_pages"];
        if (
          bar === undefined &&
          total === 0 &&
          name === "breadcrumb" &&
          pageSize !== undefined &&
          typeof pages === "number"
        )
          start(pages * pageSize);
        sink.preamble(name, offset, fields);
      },
      record: (stream, r) => {
        if (bar !== undefined && r.offset > shown + 2 ** 20) {
          shown = r.offset;
          bar.update(Math.min(Math.floor(r.offset / 2 ** 20), Math.ceil(total / 2 ** 20)));
        }
        sink.record(stream, r);
      },
    },
    stop: () => {
      if (bar === undefined) return;
      bar.update(Math.ceil(total / 2 ** 20));
      bar.stop();
      bar = undefined;
    },
  };
}

/** The size of `path` when it is a regular file (undefined otherwise: the walk reports the trouble). */
export function fileBytes(path: string): number | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `inspectFile` with a progress bar over the walk when `showBar` (a large input on a terminal);
 * the bar is taken down whatever the walk ends with.
 */
export function inspectWithProgress(
  file: string,
  schemas: SchemaIndex,
  options: InspectOptions,
  sink: InspectSink,
  showBar: boolean,
): InspectResult {
  const progress = withWalkProgress(sink, showBar, fileBytes(file), options.image?.pageSize);
  try {
    return inspectFile(file, schemas, options, progress.sink);
  } finally {
    progress.stop();
  }
}
