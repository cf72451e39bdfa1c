/**
 * The checked layout IR of lu-codec's own schemas (schema/*.lu), compiled once per process straight
 * from the compiler (not through the CLI), for fuzz targets that need to know what a valid body is
 * independently of the generated code they check.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileProgram } from "../codegen/compile.js";
import type { LayoutEnum, LayoutFlags, LayoutProgram, LayoutStruct } from "../codegen/ir.js";

export interface SchemaIr {
  readonly program: LayoutProgram;
  readonly structs: ReadonlyMap<string, LayoutStruct>;
  readonly enums: ReadonlyMap<string, LayoutEnum>;
  readonly flags: ReadonlyMap<string, LayoutFlags>;
}

let cached: SchemaIr | undefined;

export function schemaIr(): SchemaIr {
  if (cached !== undefined) return cached;
  const dir = fileURLToPath(new URL("../schema/", import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".lu"))
    .sort()
    .map((f) => join(dir, f));
  const result = compileProgram(files, (p) => (existsSync(p) ? readFileSync(p, "utf8") : undefined));
  if (result.program === null) throw new Error("schema/*.lu does not compile (run `lu check schema`)");
  const structs = new Map<string, LayoutStruct>();
  const enums = new Map<string, LayoutEnum>();
  const flags = new Map<string, LayoutFlags>();
  for (const s of result.program.schemas) {
    for (const d of s.structs) structs.set(d.name, d);
    for (const d of s.enums) enums.set(d.name, d);
    for (const d of s.flags) flags.set(d.name, d);
  }
  cached = { program: result.program, structs, enums, flags };
  return cached;
}
