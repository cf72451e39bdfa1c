/** Test helper: compiles the repo's schemas, or in-memory sources, into a checked program. */
import { readFileSync } from "node:fs";
import { compileProgram } from "../../../codegen/compile.js";
import type { LayoutProgram, LayoutStruct } from "../../../codegen/ir.js";

const ROOT = new URL("../../../", import.meta.url);

export const SCHEMA_FILES = [
  "schema/hvm-save.lu",
  "schema/libxc-stream.lu",
  "schema/libxl-stream.lu",
  "schema/live-update.lu",
];

export function repoProgram(): LayoutProgram {
  const result = compileProgram(SCHEMA_FILES, (p) => {
    try {
      return readFileSync(new URL(p, ROOT), "utf8");
    } catch {
      return undefined;
    }
  });
  if (result.program === null)
    throw new Error(`schemas do not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.program;
}

export function programOf(files: Record<string, string>): LayoutProgram {
  const entries = Object.keys(files);
  const result = compileProgram(entries, (p) => files[p]);
  if (result.program === null)
    throw new Error(`test schema does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.program;
}

export function lookupIn(program: LayoutProgram): (name: string) => LayoutStruct | undefined {
  const all = program.schemas.flatMap((s) => s.structs);
  return (name) => all.find((s) => s.name === name);
}
