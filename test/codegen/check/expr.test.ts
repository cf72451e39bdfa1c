import { describe, expect, it } from "vitest";
import type { AstExpr } from "../../../codegen/ast.js";
import { evaluate } from "../../../codegen/check/expr.js";
import { sink } from "./check-input.js";

const at = { file: "t.lu", start: 0, end: 1, line: 1, col: 1 };
const num = (value: bigint): AstExpr => ({ kind: "number", value, span: at });
const name = (n: string): AstExpr => ({ kind: "name", name: n, span: at });
const bin = (op: Extract<AstExpr, { kind: "binary" }>["op"], left: AstExpr, right: AstExpr): AstExpr => ({
  kind: "binary",
  op,
  left,
  right,
  span: at,
});

describe("evaluate", () => {
  it("computes every operator on bigints", () => {
    const s = sink();
    const cases: [AstExpr, bigint][] = [
      [bin("|", num(8n), num(1n)), 9n],
      [bin("^", num(6n), num(3n)), 5n],
      [bin("&", num(6n), num(3n)), 2n],
      [bin("<<", num(1n), num(64n)), 1n << 64n],
      [bin(">>", num(256n), num(4n)), 16n],
      [bin("+", num(2n), num(3n)), 5n],
      [bin("-", num(2n), num(3n)), -1n],
      [bin("*", num(1n << 40n), num(1n << 40n)), 1n << 80n],
      [bin("/", num(7n), num(2n)), 3n],
      [bin("%", num(7n), num(2n)), 1n],
      [{ kind: "unary", op: "-", operand: num(5n), span: at }, -5n],
      [{ kind: "unary", op: "~", operand: num(0n), span: at }, (1n << 64n) - 1n],
    ];
    for (const [e, v] of cases) expect(evaluate(e, () => null, s)).toBe(v);
    expect(s.list).toEqual([]);
  });

  it("asks the resolver for names and propagates a missing value without reporting twice", () => {
    const s = sink();
    const seen: string[] = [];
    const resolve = (n: string) => {
      seen.push(n);
      return n === "K" ? 10n : null;
    };
    expect(evaluate(bin("+", name("K"), num(1n)), resolve, s)).toBe(11n);
    expect(evaluate(bin("+", name("GONE"), num(1n)), resolve, s)).toBeNull();
    expect(seen).toEqual(["K", "GONE"]);
    expect(s.list).toEqual([]);
  });

  it("reports division by zero and bad shifts as LU2010", () => {
    const s = sink();
    expect(evaluate(bin("/", num(1n), num(0n)), () => null, s)).toBeNull();
    expect(evaluate(bin(">>", num(1n), num(-2n)), () => null, s)).toBeNull();
    expect(s.list.map((d) => [d.code, d.message])).toEqual([
      ["LU2010", "division by zero"],
      ["LU2010", "negative shift count -2"],
    ]);
  });
});
