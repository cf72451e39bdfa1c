/**
 * `lu encode [--schema FILE.lu] [--stream NAME | --struct NAME] IN.json`: the file a `lu dump
 * --json` document describes, octet for octet (dump → encode gives the dumped file back). The
 * result is checked as `lu validate` checks a file before anything is written; a document that
 * breaks a rule of the schema writes nothing. Output goes to stdout or `--out FILE`.
 * Exit 0 written, 1 the document does not fit the schema or breaks a rule, 2 usage or I/O error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { ContiguousSource } from "../runtime/contiguous-source.js";
import { DumpLayoutError, readDumpLines } from "./inspect/dump-lines.js";
import { EncodeError, type RecordSequence, encodeDocument } from "./inspect/encode-json.js";
import { InputError } from "./inspect/inspect-input.js";
import { formatProblem } from "./inspect/inspect-problem.js";
import type { JsonValue } from "./inspect/json-value.js";
import { type SchemaFlags, addSchemaOptions, chooseSchema } from "./inspect/schema-target.js";
import { walkFile } from "./inspect/walk-file.js";

/**
 * Documents up to this size are parsed whole (any JSON layout); larger ones record by record, as
 * `lu dump --json` lays them out (one record a line), since a string cannot hold them.
 */
export const WHOLE_PARSE_LIMIT = 256 * 1024 * 1024;

interface EncodeFlags extends SchemaFlags {
  readonly out?: string;
}

/** Encodes `input` (a path, or `-` for stdin); the octets go to `writeBytes` or `--out`. */
export function runEncode(
  input: string,
  flags: EncodeFlags,
  writeBytes: (bytes: Uint8Array) => void,
  writeErr: (text: string) => void,
): number {
  try {
    const { schemas, target } = chooseSchema(flags);
    let text: Buffer;
    try {
      text = readFileSync(input === "-" ? 0 : input);
    } catch (e) {
      throw new InputError(`cannot read ${input}: ${e instanceof Error ? e.message : String(e)}`);
    }
    let doc: JsonValue;
    let records: RecordSequence | undefined;
    try {
      if (text.length <= WHOLE_PARSE_LIMIT) doc = JSON.parse(text.toString("utf8")) as JsonValue;
      else ({ doc, records } = readDumpLines(text));
    } catch (e) {
      writeErr(
        `lu encode: ${input} is not ${e instanceof DumpLayoutError ? "a dump document read record by record (over 256 MiB)" : "JSON"}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      return 1;
    }
    const bytes = encodeDocument(schemas, target, doc, records);
    const { problems } = walkFile(
      new ContiguousSource(bytes),
      schemas,
      target,
      { preamble: () => undefined, record: () => undefined },
      false,
    );
    if (problems.length > 0) {
      for (const p of problems) writeErr(`problem: ${formatProblem(p)} [${p.kind}]\n`);
      writeErr(`lu encode: the encoded file breaks ${problems.length} rule(s) of the schema; nothing written\n`);
      return 1;
    }
    if (flags.out !== undefined) {
      try {
        writeFileSync(flags.out, bytes);
      } catch (e) {
        throw new InputError(`cannot write ${flags.out}: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else writeBytes(bytes);
    return 0;
  } catch (e) {
    if (e instanceof EncodeError) {
      writeErr(`lu encode: ${e.message}\n`);
      return 1;
    }
    if (e instanceof InputError) {
      writeErr(`lu encode: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export function register(program: Command): void {
  addSchemaOptions(
    program
      .command("encode")
      .description(
        "write the file a `lu dump --json` document describes; checked like `lu validate` first; exit 0 written, 1 does not fit the schema, 2 usage/I/O",
      )
      .argument("<in.json>", "a lu dump --json document, or - for stdin"),
  )
    .option("-o, --out <file>", "write here instead of stdout")
    .action((input: string, flags: EncodeFlags) => {
      process.exitCode = runEncode(
        input,
        flags,
        (b) => process.stdout.write(b),
        (t) => process.stderr.write(t),
      );
    });
}
