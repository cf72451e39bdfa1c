/**
 * Pass 2, constants: evaluates every `const` (any order; cycles are LU2010) and offers evaluation of
 * other expressions (offsets, sizes, values) against the constants visible from a file. String
 * constants (`const C = "kho-v1";`) are collected apart: an integer expression that names one, or a
 * string place that names an integer constant, is LU2006.
 */
import type { AstExpr, AstStringRef } from "../ast.js";
import { diag } from "../diagnostics.js";
import type { LayoutConst, LayoutStringConst } from "../ir.js";
import type { CheckInput, DiagnosticSink } from "./context.js";
import { evaluate } from "./expr.js";
import type { NameTable } from "./names.js";

export interface ConstTable {
  /** Checked integer constants per file, in declaration order (those that evaluated). */
  readonly byFile: ReadonlyMap<string, readonly LayoutConst[]>;
  /** String constants per file, in declaration order. */
  readonly stringsByFile: ReadonlyMap<string, readonly LayoutStringConst[]>;
  /** Evaluates `expr` in `file`; null after reporting an error (or when a used constant is broken). */
  evaluate(file: string, expr: AstExpr): bigint | null;
  /** The text of a string literal or string constant seen from `file`; null after reporting. */
  text(file: string, ref: AstStringRef): string | null;
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
    const value = entry.decl.value;
    if (value.kind === "string") return null;
    if (active.includes(name)) return null;
    active.push(name);
    const v = evalIn(entry.file, value);
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
        if (found?.kind === "const" && found.decl.value.kind === "string") {
          sink.report(diag.wrongKind(at.span, name, "a string constant", "an integer constant"));
          return null;
        }
        return found === null ? null : valueOf(name);
      },
      sink,
    );

  const text = (file: string, ref: AstStringRef): string | null => {
    if (ref.kind === "string") return ref.value;
    const found = names.lookup(file, ref.name, "string constant", ["const"]);
    if (found === null || found.kind !== "const") return null;
    if (found.decl.value.kind !== "string") {
      sink.report(
        diag.wrongKind(ref.name.span, ref.name.text, "an integer constant", "a string constant or a string literal"),
      );
      return null;
    }
    return found.decl.value.value;
  };

  const byFile = new Map<string, LayoutConst[]>();
  const stringsByFile = new Map<string, LayoutStringConst[]>();
  for (const { ast } of input.files) {
    const list: LayoutConst[] = [];
    const strings: LayoutStringConst[] = [];
    for (const decl of ast.decls) {
      if (decl.kind !== "const" || names.decls.get(decl.name.text)?.decl !== decl) continue;
      if (decl.value.kind === "string") {
        strings.push({ name: decl.name.text, value: decl.value.value, doc: decl.doc, span: decl.name.span });
        continue;
      }
      const value = valueOf(decl.name.text);
      if (value !== null) list.push({ name: decl.name.text, value, doc: decl.doc, span: decl.name.span });
    }
    byFile.set(ast.file, list);
    stringsByFile.set(ast.file, strings);
  }
  return { byFile, stringsByFile, evaluate: evalIn, text };
}
