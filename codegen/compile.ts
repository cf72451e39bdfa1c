/**
 * The compiler's public API (no file system access: the caller supplies `readFile`).
 * Parses each entry file and everything it imports, then checks them as one program.
 */
import type { AstFile } from "./ast.js";
import { checkProgram } from "./check/check.js";
import type { CheckFile } from "./check/context.js";
import { resolvedPath } from "./check/names.js";
import { type Diagnostic, diag, hasErrors } from "./diagnostics.js";
import type { LayoutProgram } from "./ir.js";
import { type ParseOptions, parseLu } from "./parse/parse.js";

export { renderDiagnostic, renderDiagnostics } from "./diagnostics.js";
export type { Diagnostic } from "./diagnostics.js";
export type { ParseOptions } from "./parse/parse.js";

export interface CompileResult {
  /** The checked program, or null when any error was reported. */
  readonly program: LayoutProgram | null;
  /** Every diagnostic (errors and warnings), ordered by file load order, then position. */
  readonly diagnostics: Diagnostic[];
}

/** Normalises a path to the key form used in spans and the IR: posix separators, no `.`/`..` segments. */
export function normalisePath(path: string): string {
  return resolvedPath("", path.replace(/\\/g, "/"));
}

/**
 * Compiles `entryFiles` and everything they import as one program. `parse` sets the parser's
 * limits (expression nesting and depth; docs/limits.md) for every file.
 */
export function compileProgram(
  entryFiles: readonly string[],
  readFile: (path: string) => string | undefined,
  parse: ParseOptions = {},
): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const asts = new Map<string, AstFile | null>();
  const order: string[] = [];
  const importsOf = new Map<string, CheckFile["imports"]>();

  const load = (file: string, text: string): void => {
    order.push(file);
    const parsed = parseLu(file, text, parse);
    diagnostics.push(...parsed.diagnostics);
    asts.set(file, parsed.ast);
    if (parsed.ast === null) return;
    const imports = parsed.ast.imports.map((imp) => {
      const target = resolvedPath(file, imp.path);
      if (!asts.has(target)) {
        const importedText = readFile(target);
        if (importedText === undefined) return { import: imp, target: null };
        load(target, importedText);
      }
      return { import: imp, target };
    });
    importsOf.set(file, imports);
  };

  for (const entry of entryFiles) {
    const file = normalisePath(entry);
    if (asts.has(file)) continue;
    const text = readFile(file);
    if (text === undefined) {
      asts.set(file, null);
      diagnostics.push(diag.fileNotFound(file));
      continue;
    }
    load(file, text);
  }

  // Syntax errors stop here: checking half-parsed programs only adds noise.
  if (hasErrors(diagnostics)) return { program: null, diagnostics: sortByPosition(diagnostics, order) };

  const files: CheckFile[] = order.flatMap((file) => {
    const ast = asts.get(file);
    return ast === null || ast === undefined ? [] : [{ ast, imports: importsOf.get(file) ?? [] }];
  });
  const checked = checkProgram({ files });
  return { program: checked.program, diagnostics: sortByPosition([...diagnostics, ...checked.diagnostics], order) };
}

function sortByPosition(diags: readonly Diagnostic[], order: readonly string[]): Diagnostic[] {
  const rank = new Map(order.map((f, i) => [f, i]));
  return [...diags].sort(
    (a, b) => (rank.get(a.span.file) ?? 0) - (rank.get(b.span.file) ?? 0) || a.span.start - b.span.start,
  );
}
