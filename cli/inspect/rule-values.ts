/**
 * Evaluates the schema's stream rules (`require`, `if`, payload sizes) on decoded values: the JSON
 * `lu dump` prints, so `lu encode` and the decoder read a rule the same way. An enum member name
 * stands for its value, a flag member for 1 when set; a value that cannot be read (a field missing
 * from a short body) is undefined and the rule is not applied.
 */
import type { LayoutSizeExpr, LayoutValuePath, LayoutValueSet } from "../../codegen/ir.js";
import type { JsonValue } from "./json-value.js";
import type { SchemaIndex } from "./schema-program.js";

type JsonObject = { readonly [k: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

function integerOf(v: JsonValue | undefined, enumName: string | null, schemas: SchemaIndex): bigint | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string") {
    if (enumName !== null) {
      const m = schemas.enums.get(enumName)?.members.find((x) => x.name === v);
      if (m !== undefined) return m.value;
    }
    if (/^-?\d+$/.test(v) || /^0x[0-9a-f]+$/i.test(v)) return BigInt(v);
    return undefined;
  }
  if (isObject(v) && "raw" in v) return integerOf(v["raw"], null, schemas);
  return undefined;
}

/** The value at `path` below `root` (the decoded fields of the path's root struct). */
export function valueAt(root: JsonObject | undefined, path: LayoutValuePath, schemas: SchemaIndex): bigint | undefined {
  let cur: JsonValue | undefined = root;
  for (const name of path.fields) {
    if (path.flag !== null && name === path.flag && Array.isArray(cur))
      return (cur as readonly JsonValue[]).includes(name) ? 1n : 0n;
    if (!isObject(cur)) return undefined;
    cur = cur[name];
  }
  return integerOf(cur, path.enumName, schemas);
}

export function inSet(v: bigint, set: LayoutValueSet): boolean {
  return set.some((r) => v >= r.lo && v <= r.hi);
}

/** `2, 3`, `9..30`, `little` (enum member names where the path has an enum). */
export function setText(set: LayoutValueSet, enumName: string | null, schemas: SchemaIndex): string {
  const name = (v: bigint): string =>
    (enumName === null ? undefined : schemas.enums.get(enumName)?.members.find((m) => m.value === v)?.name) ??
    v.toString();
  return set.map((r) => (r.lo === r.hi ? name(r.lo) : `${name(r.lo)}..${name(r.hi)}`)).join(", ");
}

export function pathText(path: LayoutValuePath): string {
  return [path.root, ...path.fields].join(".");
}

/**
 * A payload size from the record's decoded body fields and the stream's decoded preamble structs
 * (by struct name); undefined when a value it needs is not there.
 */
export function sizeValue(
  expr: LayoutSizeExpr,
  body: JsonObject,
  preamble: ReadonlyMap<string, JsonObject>,
  schemas: SchemaIndex,
): bigint | undefined {
  switch (expr.kind) {
    case "number":
      return expr.value;
    case "path":
      return valueAt(expr.scope === "body" ? body : preamble.get(expr.path.root), expr.path, schemas);
    case "count": {
      const list = body[expr.array];
      if (!Array.isArray(list)) return undefined;
      let n = 0n;
      for (const el of list as readonly JsonValue[]) {
        const v = valueAt(isObject(el) ? el : undefined, expr.element, schemas);
        if (v === undefined) return undefined;
        if (inSet(v, expr.values) !== expr.negate) n++;
      }
      return n;
    }
    case "binary": {
      const l = sizeValue(expr.left, body, preamble, schemas);
      const r = sizeValue(expr.right, body, preamble, schemas);
      if (l === undefined || r === undefined) return undefined;
      switch (expr.op) {
        case "+":
          return l + r;
        case "-":
          return l - r;
        case "*":
          return l * r;
        case "/":
          return r === 0n ? undefined : l / r;
        case "%":
          return r === 0n ? undefined : l % r;
        case "<<":
          return r < 0n || r > 64n ? undefined : l << r;
        case ">>":
          return r < 0n ? undefined : l >> r;
      }
    }
  }
}
