/**
 * `--schema FILE.lu`, `--stream NAME`, `--struct NAME` of `lu dump`, `lu validate` and `lu encode`:
 * which schemas decode the file and what the file is taken to be. Without `--schema` the package's
 * own schemas are used and the file is one of their `entry` streams, told by its magic.
 */
import { InputError } from "./inspect-input.js";
import { type SchemaIndex, SchemaLoadError, loadSchemaFile, loadSchemas } from "./schema-program.js";
import type { InspectTarget } from "./walk-file.js";

export interface SchemaFlags {
  readonly schema?: string;
  readonly stream?: string;
  readonly struct?: string;
}

export interface SchemaChoice {
  readonly schemas: SchemaIndex;
  readonly target: InspectTarget;
}

export function chooseSchema(flags: SchemaFlags): SchemaChoice {
  if (flags.stream !== undefined && flags.struct !== undefined)
    throw new InputError("--stream and --struct exclude each other");
  let schemas: SchemaIndex;
  let own: string | undefined;
  if (flags.schema === undefined) schemas = loadSchemas();
  else {
    try {
      const loaded = loadSchemaFile(flags.schema);
      schemas = loaded.index;
      own = loaded.ownFile;
    } catch (e) {
      if (e instanceof SchemaLoadError) throw new InputError(e.message);
      throw e;
    }
  }
  const where = flags.schema ?? "the built-in schemas";
  if (flags.struct !== undefined) {
    if (!schemas.structs.has(flags.struct)) throw new InputError(`${where} declare no struct '${flags.struct}'`);
    return { schemas, target: { kind: "struct", struct: flags.struct } };
  }
  if (flags.stream !== undefined) {
    if (!schemas.streams.has(flags.stream)) throw new InputError(`${where} declare no stream '${flags.stream}'`);
    return { schemas, target: { kind: "stream", stream: flags.stream } };
  }
  const entries = schemas.program.schemas
    .filter((s) => own === undefined || s.file === own)
    .flatMap((s) => s.streams.filter((st) => st.entry !== null && st.entry.memory === undefined).map((st) => st.name));
  if (entries.length === 0)
    throw new InputError(`${where} declare no 'entry' stream; give --stream NAME or --struct NAME`);
  return { schemas, target: { kind: "entries", streams: entries } };
}

/** Adds the three options to a command. */
export function addSchemaOptions<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option("--schema <file.lu>", "decode by this schema (and what it imports) instead of the built-in ones")
    .option("--stream <name>", "the file is this stream of the schema (default: the schema's entry stream)")
    .option("--struct <name>", "the file is this one struct of the schema");
}
