/**
 * `--bootmem auto` and `--bootmem auto:FRAME:COUNT` for `lu restore`, `lu dump --image` and
 * `lu validate --image`: scans an opened image for the breadcrumb (liveupdate/find-breadcrumb.ts)
 * and turns the verdict into the bootmem range the commands use, or a located problem (exit 1).
 * With a range (the `liveupdate=` range) the bootmem runs from the breadcrumb's frame to the range's
 * end; without one only the breadcrumb's frame is known.
 */
import { Presets, SingleBar } from "cli-progress";
import { breadcrumbVerdict, findBreadcrumb } from "../../liveupdate/find-breadcrumb.js";
import type { MemoryImage } from "../../runtime/memory-image.js";
import type { InspectProblem } from "../inspect/inspect-problem.js";
import type { BootmemRange } from "./bootmem-option.js";

export type AutoBootmem =
  | { readonly kind: "found"; readonly range: BootmemRange }
  | { readonly kind: "refused"; readonly problem: InspectProblem };

export interface AutoBootmemOptions {
  /** Receives one line per candidate and the verdict (`--verbose`). */
  readonly log?: (line: string) => void;
  /** Show a progress bar on stderr while a large range is scanned (a terminal, no `--no-progress`). */
  readonly progress?: boolean;
}

/** Scans of at least this many frames get a progress bar (1 GiB of 4 KiB pages). */
const PROGRESS_FRAMES = 2 ** 18;

export function autoBootmem(
  image: MemoryImage,
  within: BootmemRange | undefined,
  options: AutoBootmemOptions = {},
): AutoBootmem {
  const memory = image.memory;
  const ps = memory.pageSize;
  const scan = within ?? { start: 0, count: memory.frameCount };
  const log = options.log;
  log?.(
    `bootmem auto: scanning the page starts of frames ${scan.start}..${scan.start + scan.count - 1} for the breadcrumb`,
  );
  const bar =
    options.progress === true && scan.count >= PROGRESS_FRAMES
      ? new SingleBar(
          { format: "scanning [{bar}] {percentage}% {value}/{total} frames", stream: process.stderr },
          Presets.shades_classic,
        )
      : undefined;
  bar?.start(scan.count, 0);
  let result;
  try {
    result = findBreadcrumb(memory, {
      ...(within === undefined ? {} : { within }),
      readPages: (mfn, _count, into) => image.peek(mfn * ps, into),
      ...(bar === undefined ? {} : { onProgress: (done: number) => bar.update(done) }),
    });
  } finally {
    bar?.stop();
  }
  for (const c of result.candidates) {
    log?.(
      `bootmem auto: frame ${c.frame} (0x${(c.frame * ps).toString(16)}): ${c.accepted ? "accepted" : "refused"}: ${c.reason}`,
    );
  }
  if (result.unjudged > 0) log?.(`bootmem auto: ${result.unjudged} further page start(s) hold the magic, not judged`);
  const verdict = breadcrumbVerdict(result, ps);
  if (verdict.kind !== "found") {
    log?.(`bootmem auto: ${verdict.message}`);
    return {
      kind: "refused",
      problem: {
        offset: scan.start * ps,
        kind: verdict.kind === "none" ? "breadcrumb-not-found" : "breadcrumb-ambiguous",
        message: verdict.message,
      },
    };
  }
  const count = within === undefined ? 1 : within.start + within.count - verdict.frame;
  log?.(
    `bootmem auto: the bootmem starts at frame ${verdict.frame}${within === undefined ? "" : ` (${count} frames to the end of the given range)`}`,
  );
  return { kind: "found", range: { start: verdict.frame, count } };
}
