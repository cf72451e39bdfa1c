/**
 * The checked layout program of lu-codec's own schemas (`schema/*.lu`, shipped with the package),
 * compiled once per process. `lu dump` and `lu validate` decode by this IR, so they always agree
 * with the schemas, field for field.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileProgram, renderDiagnostics } from "../../codegen/compile.js";
import type { LayoutProgram, LayoutStream, LayoutStruct, LayoutEnum, LayoutFlags } from "../../codegen/ir.js";

/** Declarations of the program by name. */
export interface SchemaIndex {
  readonly program: LayoutProgram;
  readonly structs: ReadonlyMap<string, LayoutStruct>;
  readonly streams: ReadonlyMap<string, LayoutStream>;
  readonly enums: ReadonlyMap<string, LayoutEnum>;
  readonly flags: ReadonlyMap<string, LayoutFlags>;
  readonly consts: ReadonlyMap<string, bigint>;
}

/** `schema/` of this package (two levels up from cli/inspect, in the source tree and in dist/). */
export function defaultSchemaDir(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  for (const up of ["../../schema", "../../../schema"]) {
    const dir = join(here, up);
    if (existsSync(join(dir, "live-update.lu"))) return dir;
  }
  return join(here, "../../schema");
}

let cached: SchemaIndex | undefined;

/** Compiles every `.lu` file of `dir` as one program; throws with the rendered diagnostics on error. */
export function loadSchemas(dir: string = defaultSchemaDir()): SchemaIndex {
  if (cached !== undefined && dir === defaultSchemaDir()) return cached;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".lu"))
    .sort()
    .map((f) => join(dir, f));
  const result = compileProgram(files, (p) => (existsSync(p) ? readFileSync(p, "utf8") : undefined));
  if (result.program === null) {
    throw new Error(
      `the schemas in ${dir} do not compile:\n${renderDiagnostics(result.diagnostics, (p) => (existsSync(p) ? readFileSync(p, "utf8") : undefined))}`,
    );
  }
  const index = indexOf(result.program);
  if (dir === defaultSchemaDir()) cached = index;
  return index;
}

/** A schema compile failure: the rendered diagnostics. */
export class SchemaLoadError extends Error {}

/**
 * Compiles `file` (and what it imports) as one program, for `--schema`. Its own declarations are
 * `ownFile`'s in `program.schemas`; throws `SchemaLoadError` with the diagnostics when it does not
 * compile.
 */
export function loadSchemaFile(file: string): { readonly index: SchemaIndex; readonly ownFile: string } {
  const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, "utf8") : undefined);
  if (read(file) === undefined) throw new SchemaLoadError(`cannot read schema ${file}`);
  const result = compileProgram([file], read);
  if (result.program === null)
    throw new SchemaLoadError(`schema ${file} does not compile:\n${renderDiagnostics(result.diagnostics, read)}`);
  return { index: indexOf(result.program), ownFile: result.program.schemas[0]?.file ?? file };
}

function indexOf(program: LayoutProgram): SchemaIndex {
  const result = { program };
  const structs = new Map<string, LayoutStruct>();
  const streams = new Map<string, LayoutStream>();
  const enums = new Map<string, LayoutEnum>();
  const flags = new Map<string, LayoutFlags>();
  const consts = new Map<string, bigint>();
  for (const s of result.program.schemas) {
    for (const d of s.structs) structs.set(d.name, d);
    for (const d of s.streams) streams.set(d.name, d);
    for (const d of s.enums) enums.set(d.name, d);
    for (const d of s.flags) flags.set(d.name, d);
    for (const d of s.consts) consts.set(d.name, d.value);
  }
  return { program: result.program, structs, streams, enums, flags, consts };
}

/** The named struct; an Error if the schemas lack it (a programming error, not a data error). */
export function structOf(schemas: SchemaIndex, name: string): LayoutStruct {
  const s = schemas.structs.get(name);
  if (s === undefined) throw new Error(`schema has no struct '${name}'`);
  return s;
}

export function streamOf(schemas: SchemaIndex, name: string): LayoutStream {
  const s = schemas.streams.get(name);
  if (s === undefined) throw new Error(`schema has no stream '${name}'`);
  return s;
}
