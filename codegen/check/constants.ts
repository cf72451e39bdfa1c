/**
 * Pass 2, constants: evaluates every `const` (any order; cycles are LU2010) and offers evaluation of
 * other expressions (offsets, sizes, values) against the constants visible from a file.
 */
import type { AstExpr } from "../ast.js";
import { diag } from "../diagnostics.js";
import type { LayoutConst } from "../ir.js";
import type { CheckInput, DiagnosticSink } from "./context.js";
import { evaluate } from "./expr.js";
import type { NameTable } from "./names.js";

export interface ConstTable {
  /** Checked constants per file, in declaration order (those that evaluated). */
  readonly byFile: ReadonlyMap<string, readonly LayoutConst[]>;
  /** Evaluates `expr` in `file`; null after reporting an error (or when a used constant is broken). */
  evaluate(file: string, expr: AstExpr): bigint | null;
}

export function checkConstants(input: CheckInput, names: NameTable, sink: DiagnosticSink): ConstTable {
  /** name → value (null: broken, already reported). */
  const values = new Map<string, bigint | null>();
  const active: string[] = [];

  const valueOf = (name: string): bigint | null => {
    const known = values.get(name);
    if (known !== undefined) return known;
    const entry = names.decls.get(name);
    if (entry === undefined || entry.kind !== "const") return null;
    if (active.includes(name)) return null;
    active.push(name);
    const v = evalIn(entry.file, entry.decl.value);
    active.pop();
    values.set(name, v);
    return v;
  };

  const evalIn = (file: string, expr: AstExpr): bigint | null =>
    evaluate(
      expr,
      (name, at) => {
        const cycleStart = active.indexOf(name);
        if (cycleStart >= 0) {
          sink.report(diag.constCycle(at.span, [...active.slice(cycleStart), name]));
          return null;
        }
        const found = names.lookup(file, { text: name, span: at.span }, "constant", ["const"]);
        return found === null ? null : valueOf(name);
      },
      sink,
    );

  const byFile = new Map<string, LayoutConst[]>();
  for (const { ast } of input.files) {
    const list: LayoutConst[] = [];
    for (const decl of ast.decls) {
      if (decl.kind !== "const" || names.decls.get(decl.name.text)?.decl !== decl) continue;
      const value = valueOf(decl.name.text);
      if (value !== null) list.push({ name: decl.name.text, value, doc: decl.doc, span: decl.name.span });
    }
    byFile.set(ast.file, list);
  }
  return { byFile, evaluate: evalIn };
}
