/**
 * Evaluation of integer expressions (arbitrary precision, C operators). Names are resolved by the
 * caller; errors (division by zero, negative shift) are reported as LU2010 and give null.
 */
import type { AstExpr } from "../ast.js";
import { diag } from "../diagnostics.js";
import type { DiagnosticSink } from "./context.js";

const MASK64 = (1n << 64n) - 1n;
/** Largest magnitude a product may reach: a chain of `*` (A1 = A0 * A0, ...) would otherwise square its way to gigabytes. */
const MAX_PRODUCT = 1n << 8192n;

/** Resolves a name to its value, or null after reporting why it has none. */
export type NameResolver = (name: string, expr: AstExpr) => bigint | null;

export function evaluate(expr: AstExpr, resolve: NameResolver, sink: DiagnosticSink): bigint | null {
  switch (expr.kind) {
    case "number":
      return expr.value;
    case "name":
      return resolve(expr.name, expr);
    case "unary": {
      const v = evaluate(expr.operand, resolve, sink);
      if (v === null) return null;
      return expr.op === "-" ? -v : ~v & MASK64;
    }
    case "binary": {
      const l = evaluate(expr.left, resolve, sink);
      const r = evaluate(expr.right, resolve, sink);
      if (l === null || r === null) return null;
      switch (expr.op) {
        case "|":
          return l | r;
        case "^":
          return l ^ r;
        case "&":
          return l & r;
        case "+":
          return l + r;
        case "-":
          return l - r;
        case "*": {
          const v = l * r;
          if (v >= MAX_PRODUCT || -v >= MAX_PRODUCT) {
            sink.report(diag.constExpr(expr.span, "product is too large (more than 8192 bits)"));
            return null;
          }
          return v;
        }
        case "/":
        case "%":
          if (r === 0n) {
            sink.report(diag.constExpr(expr.span, "division by zero"));
            return null;
          }
          return expr.op === "/" ? l / r : l % r;
        case "<<":
        case ">>":
          if (r < 0n) {
            sink.report(diag.constExpr(expr.span, `negative shift count ${r}`));
            return null;
          }
          if (expr.op === "<<" && r > 4096n) {
            sink.report(diag.constExpr(expr.span, `shift count ${r} is too large`));
            return null;
          }
          return expr.op === "<<" ? l << r : l >> r;
      }
    }
  }
}
