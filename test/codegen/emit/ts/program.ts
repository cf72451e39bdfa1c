/** Compiles in-memory `.lu` sources for emitter tests (the real compiler, so the IR is real). */
import { compileProgram } from "../../../../codegen/compile.js";
import type { LayoutProgram, LayoutStruct } from "../../../../codegen/ir.js";

export function compileSources(files: Record<string, string>, entries = Object.keys(files)): LayoutProgram {
  const { program, diagnostics } = compileProgram(entries, (p) => files[p]);
  if (program === null)
    throw new Error(diagnostics.map((d) => `${d.span.file}:${d.span.line}: ${d.message}`).join("\n"));
  return program;
}

export function struct(program: LayoutProgram, name: string): LayoutStruct {
  for (const s of program.schemas) for (const x of s.structs) if (x.name === name) return x;
  throw new Error(`no struct ${name}`);
}
