/**
 * Test helper: parses in-memory `.lu` files into the checker's input, resolving imports within the set
 * the same way compile.ts does, so a single pass can be run and inspected.
 */
import type { CheckInput } from "../../../codegen/check/context.js";
import { DiagnosticSink } from "../../../codegen/check/context.js";
import { resolvedPath } from "../../../codegen/check/names.js";
import { parseLu } from "../../../codegen/parse/parse.js";

export function checkInput(files: Readonly<Record<string, string>>): CheckInput {
  return {
    files: Object.entries(files).map(([file, text]) => {
      const { ast, diagnostics } = parseLu(file, text);
      if (ast === null) throw new Error(`${file}: ${diagnostics[0]?.message ?? "parse failed"}`);
      return {
        ast,
        imports: ast.imports.map((imp) => {
          const target = resolvedPath(file, imp.path);
          return { import: imp, target: target in files ? target : null };
        }),
      };
    }),
  };
}

export function sink(): DiagnosticSink {
  return new DiagnosticSink();
}

/** `code line:col message` for compact assertions. */
export function summary(s: DiagnosticSink): string[] {
  return s.list.map((d) => `${d.code} ${d.span.line}:${d.span.col} ${d.message}`);
}
