/**
 * `lu validate FILE`: checks a file a schema describes (see `lu dump`) or (with --image) a live
 * update memory image against every structural rule (framing, padding, end record and nothing after
 * it in a stream file) and every rule of the schemas: field rules (constants, reserved and padding
 * octets, enum values, flag bits, counts) and stream rules (`require`, `order`, `max length`,
 * payload sizes). Prints each
 * problem with its location.
 * Exit 0 clean, 1 invalid, 2 usage or I/O error.
 */
import type { Command } from "commander";
import { InputError } from "./inspect/inspect-input.js";
import { dumpInputs } from "./dump.js";
import { type InputFlags, addInputOptions } from "./inspect/input-options.js";
import { formatProblem } from "./inspect/inspect-problem.js";
import { type SchemaFlags, addSchemaOptions } from "./inspect/schema-target.js";
import { addKhoOptions, type KhoFlags, runKhoValidate } from "../kho/cli.js";
import { inspectWithProgress } from "./image/walk-progress.js";

interface ValidateFlags extends InputFlags, SchemaFlags {
  readonly json?: boolean;
}

export function runValidate(
  file: string,
  flags: ValidateFlags,
  write: (text: string) => void,
  writeErr: (text: string) => void,
): number {
  try {
    const { schemas, options } = dumpInputs(flags);
    let records = 0;
    const showBar = flags.progress !== false && process.stderr.isTTY === true;
    const result = inspectWithProgress(
      file,
      schemas,
      options,
      {
        preamble: () => undefined,
        record: () => {
          records++;
        },
      },
      showBar,
    );
    if (flags.json === true) {
      write(
        `${JSON.stringify({ file, kind: result.kind, records, valid: result.problems.length === 0, bytesRead: result.bytesRead, problems: result.problems })}\n`,
      );
    } else {
      for (const p of result.problems) write(`${file}: ${formatProblem(p)} [${p.kind}]\n`);
      write(
        result.problems.length === 0
          ? `${file}: ok (${result.kind}, ${records} records)\n`
          : `${file}: ${result.problems.length} problem(s)\n`,
      );
    }
    return result.problems.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      writeErr(`lu validate: ${e.message}\n`);
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
          .command("validate")
          .description(
            "check a file a schema describes (built-in: libxc/libxl streams), (--image) a live update memory image, or (--kho) a Linux KHO/LUO handover image; exit 0 clean, 1 invalid, 2 usage/I/O",
          )
          .argument("<file>", "stream file or memory image"),
      ),
    ),
  )
    .option("--json", "print the result as one JSON document")
    .action((file: string, flags: ValidateFlags & KhoFlags) => {
      if (flags.kho === true) {
        process.exitCode = runKhoValidate(
          file,
          flags,
          (t) => process.stdout.write(t),
          (t) => process.stderr.write(t),
        );
        return;
      }
      process.exitCode = runValidate(
        file,
        flags,
        (t) => process.stdout.write(t),
        (t) => process.stderr.write(t),
      );
    });
}
