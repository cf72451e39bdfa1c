/**
 * A reader that stops early (`lu dump big.img | head`) closes the pipe under us. Node reports that as
 * an EPIPE 'error' on stdout and, unhandled, prints a stack trace. Behave like the C tools instead:
 * stop writing and exit as a process killed by SIGPIPE would (128 + 13), so `set -o pipefail`
 * scripts see the usual status and nobody sees a trace.
 */
import type { Writable } from "node:stream";

/** Exit status of a process the shell saw die of SIGPIPE. */
export const CLOSED_PIPE_EXIT = 141;

/** Exit quietly with {@link CLOSED_PIPE_EXIT} when `stream`'s reader goes away; rethrow anything else. */
export function exitQuietlyOnClosedPipe(stream: Writable, exit: (code: number) => never = process.exit): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    exit(CLOSED_PIPE_EXIT);
  });
}
