/**
 * Where a paged stream must end. The live update breadcrumb says how many pages the stream has,
 * and the stream ends with its single END record: so END lies in the last page, and nothing but
 * zero fill follows it there. An END in an earlier page (a page that reads as zeros parses as END)
 * would leave every later page unread and the domains in them lost without a word; non-zero octets
 * after END are records nobody will read. Both are damaged handovers.
 *
 * The check costs one page at most: the page index of END, then the tail of the last page.
 */
import type { ByteSource } from "./byte-view.js";
import { StreamEndError } from "./errors.js";

/** Up to this many frames are named in a message; the rest are counted. */
const NAMED_FRAMES = 8;

/** "frames 10, 12, 14 and 3 more" for stream pages `from .. to-1`. */
export function describePages(frames: ArrayLike<number>, from: number, to: number): string {
  const count = to - from;
  const span = count === 1 ? `page ${from}` : `pages ${from}..${to - 1}`;
  const named: number[] = [];
  for (let i = from; i < to && named.length < NAMED_FRAMES; i++) named.push(frames[i] ?? -1);
  const more = count > named.length ? ` and ${count - named.length} more` : "";
  return `${span} (frame${count === 1 ? "" : "s"} ${named.join(", ")}${more})`;
}

/**
 * Checks that the END record at stream offset `endOffset`, whose record ends at `endRecordEnd`,
 * lies in the last of the stream's pages (`frames`, one per page, in stream order) and is followed
 * by zeros only. Returns the problem, or undefined when the end is where it belongs.
 */
export function checkStreamEnd(
  source: ByteSource,
  endOffset: number,
  endRecordEnd: number,
  pageSize: number,
  frames: ArrayLike<number>,
): StreamEndError | undefined {
  const n = frames.length;
  const endPage = Math.floor(endOffset / pageSize);
  if (endPage < n - 1) {
    return new StreamEndError(
      "early-end",
      `the END record lies in stream page ${endPage} (frame ${frames[endPage] ?? -1}) of ${n}: ` +
        `${n - 1 - endPage} stream page(s) never read, ${describePages(frames, endPage + 1, n)}`,
      endOffset,
      n - 1 - endPage,
    );
  }
  const streamBytes = n * pageSize;
  if (endRecordEnd >= streamBytes) return undefined;
  let first = -1;
  let value = 0;
  source.segments(endRecordEnd, streamBytes - endRecordEnd, (piece, at) => {
    if (first >= 0) return;
    for (let k = 0; k < piece.length; k++) {
      const b = piece[k] ?? 0;
      if (b !== 0) {
        first = at + k;
        value = b;
        return;
      }
    }
  });
  if (first < 0) return undefined;
  return new StreamEndError(
    "data-after-end",
    `octet 0x${value.toString(16).padStart(2, "0")} after the END record in the last stream page (page ${n - 1}, frame ${frames[n - 1] ?? -1}): only zero fill may follow END`,
    first,
    0,
  );
}
