/**
 * `lu dump FILE`: every preamble struct and record of a file a schema describes (the built-in
 * schemas' entries: libxc and libxl streams; any `.lu` with `--schema`), or (with --image) the live
 * update stream of a machine-memory image; nested streams too. Human-readable by default; `--json` prints one JSON document, written record by
 * record so a large stream is never held in memory. Exit 0 when the data is clean, 1 when it has
 * problems (they are listed, dump goes as far as it can), 2 for usage or I/O errors.
 */
import type { Command } from "commander";
import { InputError, type InspectOptions } from "./inspect/inspect-input.js";
import type { SchemaIndex } from "./inspect/schema-program.js";
import { type InputFlags, addInputOptions, inspectOptions } from "./inspect/input-options.js";
import { formatProblem } from "./inspect/inspect-problem.js";
import { type SchemaFlags, addSchemaOptions, chooseSchema } from "./inspect/schema-target.js";
import { type JsonValue, plainJson } from "./inspect/json-value.js";
import { JsonWriter } from "./inspect/json-writer.js";
import { preambleText, recordText } from "./inspect/render-text.js";
import { recordJson } from "./inspect/walk-stream.js";
import { addKhoOptions, type KhoFlags, runKhoDump } from "../kho/cli.js";
import { inspectWithProgress } from "./image/walk-progress.js";

interface DumpFlags extends InputFlags, SchemaFlags {
  readonly json?: boolean;
  /** Text output: every octet of byte fields and payloads (JSON has them unless `summary`). */
  readonly full?: boolean;
  /** JSON output: byte fields over 32 octets summarised, payloads and unknown bodies counted. */
  readonly summary?: boolean;
}

/** Schemas and walk options from the flags dump and validate share. */
export function dumpInputs(flags: InputFlags & SchemaFlags & { readonly full?: boolean }): {
  schemas: SchemaIndex;
  options: InspectOptions;
} {
  const image = inspectOptions(flags);
  if (
    image.image !== undefined &&
    (flags.schema !== undefined || flags.stream !== undefined || flags.struct !== undefined)
  ) {
    throw new InputError(
      "--image walks the live update stream of the built-in schemas; --schema, --stream and --struct are for files a schema describes",
    );
  }
  const { schemas, target } = chooseSchema(flags);
  return { schemas, options: { ...image, target, ...(flags.full === true ? { full: true } : {}) } };
}

/** Runs the dump, writing through `write`; returns the exit code. */
export function runDump(
  file: string,
  flags: DumpFlags,
  write: (text: string) => void,
  writeErr: (text: string) => void,
): number {
  try {
    if (flags.summary === true && flags.json !== true)
      throw new InputError("--summary goes with --json (the text output summarises byte fields anyway)");
    // A bar on the terminal's stderr, unless the dump itself is going to that terminal.
    const showBar = flags.progress !== false && process.stderr.isTTY === true && process.stdout.isTTY !== true;
    if (flags.json === true) {
      // Complete unless --summary: `lu encode` rebuilds the file from this document.
      const { schemas, options } = dumpInputs({ ...flags, full: flags.summary !== true });
      const headers: JsonValue[] = [];
      const out = new JsonWriter(write);
      let first = true;
      out.raw(`{"file":${JSON.stringify(file)},"records":[`);
      const result = inspectWithProgress(
        file,
        schemas,
        options,
        {
          // Kept until the end of the document, after the input is closed: read their octets now.
          preamble: (name, offset, fields) => headers.push({ name, offset, fields: plainJson(fields) }),
          record: (stream, r) => {
            const json = recordJson(r) as { readonly [k: string]: JsonValue };
            out.raw(first ? "\n" : ",\n");
            out.value({ stream, ...json });
            first = false;
          },
        },
        showBar,
      );
      out.raw(
        `\n],"kind":${JSON.stringify(result.kind)},"headers":${JSON.stringify(headers)},"bytesRead":${result.bytesRead},"problems":${JSON.stringify(result.problems)}}\n`,
      );
      out.flush();
      return result.problems.length > 0 ? 1 : 0;
    }
    const { schemas, options } = dumpInputs(flags);
    const result = inspectWithProgress(
      file,
      schemas,
      options,
      {
        preamble: (name, offset, fields) => write(`${preambleText(name, offset, fields)}\n`),
        record: (stream, r) => write(`${recordText(stream, r)}\n`),
      },
      showBar,
    );
    for (const p of result.problems) writeErr(`problem: ${formatProblem(p)}\n`);
    return result.problems.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      writeErr(`lu dump: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export function register(program: Command): void {
  addKhoOptions(
    addSchemaOptions(
      addInputOptions(
        program
          .command("dump")
          .description(
            "decode a file a schema describes (built-in: libxc v2/v3, libxl streams), (--image) a live update memory image, or (--kho) a Linux KHO/LUO handover image; exit 0 clean, 1 problems found (listed on stderr), 2 usage/I/O",
          )
          .argument("<file>", "stream file or memory image"),
      ),
    ),
  )
    .option("--json", "print one JSON document")
    .option("--full", "text output: every octet of byte fields and payloads in hex (--json always has them)")
    .option(
      "--summary",
      "with --json: byte fields over 32 octets as {bytes, nonzero, head}, payloads as {bytes} (not enough for `lu encode`)",
    )
    .action((file: string, flags: DumpFlags & KhoFlags) => {
      if (flags.kho === true) {
        process.exitCode = runKhoDump(
          file,
          flags,
          (t) => process.stdout.write(t),
          (t) => process.stderr.write(t),
        );
        return;
      }
      process.exitCode = runDump(
        file,
        flags,
        (t) => process.stdout.write(t),
        (t) => process.stderr.write(t),
      );
    });
}
