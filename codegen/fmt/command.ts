/**
 * `lu fmt`: formats `.lu` files in place (or prints them, or with `--check` only reports the files
 * that are not formatted). The only module of codegen/fmt that touches the file system.
 * Exit codes: 0 formatted (or nothing to do), 1 unformatted under --check, a file that does not
 * parse, or a refusal; 2 usage or I/O error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { expandSchemaArgs } from "../cli.js";
import { renderDiagnostics } from "../diagnostics.js";
import { formatLu } from "./format.js";

interface FmtFlags {
  readonly check?: boolean;
  readonly stdout?: boolean;
}

function run(args: readonly string[], flags: FmtFlags): number {
  const files = expandSchemaArgs(args);
  let status = 0;
  const unformatted: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const result = formatLu(file, text);
    if (!result.ok) {
      if (result.diagnostics.length > 0) process.stderr.write(`${renderDiagnostics(result.diagnostics, () => text)}\n`);
      process.stderr.write(`lu fmt: ${file}: ${result.reason}\n`);
      status = 1;
      continue;
    }
    if (flags.stdout === true) process.stdout.write(result.text);
    else if (flags.check === true) {
      if (result.changed) unformatted.push(file);
    } else if (result.changed) {
      writeFileSync(file, result.text);
      process.stdout.write(`formatted ${file}\n`);
    }
  }
  if (flags.check === true && flags.stdout !== true) {
    for (const f of unformatted) process.stderr.write(`not formatted: ${f}\n`);
    if (unformatted.length > 0) {
      process.stderr.write(`run 'lu fmt ${unformatted.join(" ")}' to format\n`);
      return 1;
    }
    if (status === 0) process.stdout.write(`${files.length} file${files.length === 1 ? "" : "s"} formatted\n`);
  }
  return status;
}

export function register(program: Command): void {
  program
    .command("fmt")
    .description("format .lu files in place: aligned offsets and types, one canonical spacing, comments kept")
    .argument("[files...]", "schema files or directories", ["schema"])
    .option("--check", "write nothing; exit 1 and list the files that are not formatted")
    .option("--stdout", "print the formatted text instead of writing the files")
    .action((files: string[], flags: FmtFlags) => {
      try {
        process.exitCode = run(files, flags);
      } catch (e) {
        process.stderr.write(`lu fmt: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
      }
    });
}
