/**
 * How schema names become TypeScript names: one place, so every emitter (and every reader of the
 * generated code) can predict them.
 *
 * - `typeName("lu_domain_info")` → `LuDomainInfo` (classes, type aliases)
 * - `memberName("page_shift")` → `pageShift` (accessors, methods)
 * - `constantName("lu_domain_type")` → `LU_DOMAIN_TYPE` (`as const` objects, constants)
 *
 * Words are split at underscores, at lower→upper case changes and before a capitalised word
 * after a digit (`x86Pv` → x86, pv; `M2P` stays one word); leading/trailing underscores
 * are dropped (`_res1` → `res1`). Names that would clash with a JavaScript reserved word, a global
 * the generated code relies on, or a member every generated class has get a suffix; see the sets
 * below.
 */

/** Splits a schema name into lower-case words: `xc_x86PvInfo` → `["xc", "x86", "pv", "info"]`. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/([0-9])([A-Z][a-z])/g, "$1_$2")
    .split("_")
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Names a class or type alias may not take: globals the generated code (or its readers) use, and
 * the runtime symbols generated files import. A clash gets the suffix `Struct`/`Type` from the caller.
 */
const RESERVED_TYPE_NAMES = new Set([
  "Array",
  "ArrayBuffer",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "Boolean",
  "DataView",
  "Date",
  "Error",
  "Function",
  "Infinity",
  "JSON",
  "Map",
  "Math",
  "NaN",
  "Number",
  "Object",
  "Promise",
  "RangeError",
  "ReadonlyMap",
  "ReadonlySet",
  "Record",
  "Set",
  "String",
  "Symbol",
  "TypeError",
  "Uint8Array",
  "Uint16Array",
  "Uint32Array",
  // runtime symbols generated code imports
  "AlignmentError",
  "BoundsError",
  "ByteSource",
  "ByteView",
  "FieldInfo",
  "JsonValue",
  "Problem",
  "StreamFormat",
  "StructAccessor",
  "StructClass",
  "StructArray",
  "UnsafeNumberError",
]);

/** PascalCase name for a struct class: `lu_domain_info` → `LuDomainInfo`; `map` → `MapStruct`. */
export function typeName(name: string, suffix = "Struct"): string {
  const w = words(name);
  const base = w.length === 0 ? "Unnamed" : w.map(capitalise).join("");
  const safe = /^[0-9]/.test(base) ? `T${base}` : base;
  return RESERVED_TYPE_NAMES.has(safe) ? `${safe}${suffix}` : safe;
}

/** JavaScript reserved words and names that cannot be a binding or a class member as-is. */
const RESERVED_WORDS = new Set([
  "arguments",
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "eval",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "new",
  "null",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "undefined",
  "var",
  "void",
  "while",
  "with",
  "yield",
]);

/**
 * Members every generated struct class has, so a schema field cannot take these names:
 * placement state, placement methods, and what `Object.prototype` already means.
 */
export const STRUCT_MEMBERS: ReadonlySet<string> = new Set([
  "view",
  "offset",
  "src",
  "base",
  "byteLength",
  "at",
  "wrap",
  "rebind",
  "validate",
  "init",
  "toJSON",
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__proto__",
]);

/**
 * camelCase name for an accessor or method: `page_shift` → `pageShift`, `_res1` → `res1`.
 * Reserved words and the members of every struct class get the suffix `Field` (`constructor` →
 * `constructorField`, `offset` → `offsetField`); `type`, `length` and `default` are fine as
 * member names and stay as they are.
 */
export function memberName(name: string): string {
  const w = words(name);
  if (w.length === 0) return "field";
  const [first = "", ...rest] = w;
  const base = first + rest.map(capitalise).join("");
  const safe = /^[0-9]/.test(base) ? `f${base}` : base;
  return STRUCT_MEMBERS.has(safe) ? `${safe}Field` : safe;
}

/** A name usable as a local binding (parameter, variable): reserved words get a `_` suffix. */
export function bindingName(name: string): string {
  const m = memberName(name);
  return RESERVED_WORDS.has(m) ? `${m}_` : m;
}

/** UPPER_SNAKE name for constants and `as const` objects: `lu_domain_type` → `LU_DOMAIN_TYPE`. */
export function constantName(name: string): string {
  const w = words(name);
  const base = w.length === 0 ? "UNNAMED" : w.map((x) => x.toUpperCase()).join("_");
  return /^[0-9]/.test(base) ? `C_${base}` : base;
}

/** Whether `key` can be written bare as an object key or after `.` (else it must be quoted). */
export function isIdentifier(key: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key);
}

/**
 * `key` as an object-literal key: bare when it is an identifier, else a JSON string; `__proto__`
 * is computed (`["__proto__"]`), since a literal key of that name would set the prototype.
 */
export function objectKey(key: string): string {
  if (key === "__proto__") return '["__proto__"]';
  return isIdentifier(key) ? key : JSON.stringify(key);
}

/**
 * Gives each wanted name a unique spelling, in order: the first taker keeps it, later ones get
 * `2`, `3`… appended. Deterministic for the same sequence of requests.
 */
export class NameAllocator {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  take(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}${n}`;
    this.taken.add(name);
    return name;
  }
}
