/**
 * The CLI's promise for bad input: one line on stderr naming the problem (and its location when
 * the data is to blame), exit 1 for invalid data or 2 for usage and I/O errors, and never a stack
 * trace or an uncaught-exception dump.
 */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why a failed CLI run breaks the promise, or undefined when it keeps it. */
export function judgeCliFailure(run: CliRun, command: string): string | undefined {
  const lines = run.stderr.split("\n").filter((l) => l.trim().length > 0 && !/^npm warn/i.test(l));
  if (/\n\s+at .+:\d+:\d+\)?/.test(run.stderr) || /node:internal|Uncaught|file:\/\//.test(run.stderr))
    return `stack trace on stderr:\n${run.stderr}`;
  if (run.status !== 1 && run.status !== 2) return `exit status ${run.status} (expected 1 or 2); stderr: ${run.stderr}`;
  if (lines.length !== 1) return `${lines.length} lines on stderr (expected one): ${run.stderr}`;
  if (!(lines[0] ?? "").startsWith(`lu ${command}`) && !/^error:/.test(lines[0] ?? ""))
    return `stderr does not say which command failed: ${lines[0]}`;
  return undefined;
}
