/**
 * Pass 3, types: enums and flag sets (base types, values in range LU2003, unique LU2004), and every
 * struct field's type resolved to a declaration (unknown LU2001, wrong kind LU2006), array counts
 * resolved to a constant or an earlier field name, and recursive structs (LU2007).
 */
import type { AstEnum, AstExpr, AstField, AstName, AstPointerTarget, AstStruct, AstType } from "../ast.js";
import { diag } from "../diagnostics.js";
import {
  DEFAULT_CHAIN_LIMIT,
  type Endian,
  type IntName,
  type LayoutEnum,
  type LayoutFlags,
  type LayoutMember,
  type PrimName,
  type SourceSpan,
} from "../ir.js";
import type { ConstTable } from "./constants.js";
import type { CheckInput, DiagnosticSink } from "./context.js";
import type { NameTable } from "./names.js";
import { intRange, isIntName, parsePrim } from "./primitives.js";
import { closestName } from "./suggest.js";

export type CountSpec =
  | { readonly kind: "fixed"; readonly n: number }
  | { readonly kind: "field"; readonly name: string; readonly span: SourceSpan }
  | { readonly kind: "rest" };

export type ElementSpec =
  | { readonly kind: "prim"; readonly prim: PrimName; readonly endian: Endian | null }
  | { readonly kind: "enum"; readonly enumName: string; readonly prim: IntName; readonly endian: Endian | null }
  | { readonly kind: "struct"; readonly structName: string };

export interface BitRangeSpec {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  readonly enumName: string | null;
  readonly flagsName: string | null;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A field type with its names resolved but nothing laid out yet. */
/** A pointer target with its names resolved (see LayoutPointer). */
export type PointerSpec =
  | { readonly kind: "struct"; readonly structName: string }
  | { readonly kind: "page" }
  | {
      readonly kind: "chain";
      readonly header: string;
      readonly next: string;
      readonly count: string | null;
      readonly entry: ElementSpec;
      readonly limit: number;
    }
  | {
      readonly kind: "match";
      readonly field: string;
      readonly arms: readonly { readonly compatible: string; readonly structName: string }[];
    };

export type FieldTypeSpec =
  | { readonly kind: "prim"; readonly prim: PrimName; readonly endian: Endian | null; readonly pointer?: PointerSpec }
  | { readonly kind: "enum"; readonly enumName: string; readonly prim: IntName; readonly endian: Endian | null }
  | { readonly kind: "flags"; readonly flagsName: string; readonly prim: IntName; readonly endian: Endian | null }
  | {
      readonly kind: "bits";
      readonly prim: IntName;
      readonly endian: Endian | null;
      readonly ranges: readonly BitRangeSpec[];
    }
  | { readonly kind: "ascii"; readonly count: CountSpec }
  | { readonly kind: "bytes"; readonly count: CountSpec }
  | { readonly kind: "pad"; readonly length: number }
  | {
      readonly kind: "struct";
      readonly structName: string;
      readonly area?: { readonly element: ElementSpec; readonly count: CountSpec; readonly span: SourceSpan };
    }
  | { readonly kind: "array"; readonly element: ElementSpec; readonly count: CountSpec; readonly pointer?: PointerSpec }
  | { readonly kind: "stream"; readonly streamName: string };

export interface TypeTable {
  readonly enums: ReadonlyMap<string, LayoutEnum>;
  readonly flags: ReadonlyMap<string, LayoutFlags>;
  /** Endianness fixed by an enum's or flag set's base type suffix (`u32be`), null for the struct default. */
  readonly baseEndian: ReadonlyMap<string, Endian | null>;
  /** Resolved type of each field; absent when the type is broken (already reported). */
  readonly fieldTypes: ReadonlyMap<AstField, FieldTypeSpec>;
  /** Structs that contain themselves (already reported). */
  readonly recursive: ReadonlySet<string>;
  /** Struct names ordered so that each comes after every struct laid out inside it. */
  readonly layoutOrder: readonly string[];
  /**
   * Resolves a type outside any struct (a device-tree property): `named` primitives and names,
   * arrays and pointers (a pointer `match` needs a struct's selector field, so it is reported).
   */
  resolveLoose(file: string, type: AstType): FieldTypeSpec | null;
}

const MAX_COUNT = 1n << 31n;

/** Type names a misspelt type may have meant besides the declarations (`did you mean 'u16'?`). */
const PRIMITIVE_NAMES: readonly string[] = ["u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64"].flatMap(
  (p) => (p.endsWith("8") ? [p] : [p, `${p}le`, `${p}be`]),
);

export function checkTypes(input: CheckInput, names: NameTable, consts: ConstTable, sink: DiagnosticSink): TypeTable {
  const enums = new Map<string, LayoutEnum>();
  const flags = new Map<string, LayoutFlags>();
  const baseEndian = new Map<string, Endian | null>();
  const fieldTypes = new Map<AstField, FieldTypeSpec>();

  for (const { ast } of input.files) {
    for (const decl of ast.decls) {
      if ((decl.kind === "enum" || decl.kind === "flags") && names.decls.get(decl.name.text)?.decl === decl) {
        const checked = checkEnum(ast.file, decl, consts, sink);
        if (checked === null) continue;
        if (decl.kind === "enum") enums.set(decl.name.text, checked.layout);
        else flags.set(decl.name.text, checked.layout);
        baseEndian.set(decl.name.text, checked.endian);
      }
    }
  }

  const resolver = new TypeResolver(names, consts, sink, enums, flags);
  const structs: AstStruct[] = [];
  for (const { ast } of input.files) {
    for (const decl of ast.decls) {
      if (decl.kind !== "struct" || names.decls.get(decl.name.text)?.decl !== decl) continue;
      structs.push(decl);
      for (const field of decl.fields) {
        const spec = resolver.fieldType(ast.file, decl, field.type);
        if (spec !== null) fieldTypes.set(field, spec);
      }
    }
  }
  const { recursive, order } = findRecursion(structs, fieldTypes, sink);
  return {
    enums,
    flags,
    baseEndian,
    fieldTypes,
    recursive,
    layoutOrder: order,
    resolveLoose: (file, type) => resolver.fieldType(file, null, type),
  };
}

function checkEnum(
  file: string,
  decl: AstEnum,
  consts: ConstTable,
  sink: DiagnosticSink,
): { layout: LayoutEnum; endian: Endian | null } | null {
  const base = parsePrim(decl.base.text);
  if (base === null || !isIntName(base.prim)) {
    sink.report(
      diag.notAnInteger(
        decl.base.span,
        `the base of ${decl.kind === "enum" ? "enum" : "flag set"} '${decl.name.text}'`,
        decl.base.text,
      ),
    );
    return null;
  }
  const prim = base.prim;
  const { min, max } = intRange(prim);
  const members: LayoutMember[] = [];
  const byValue = new Map<bigint, { name: string; span: SourceSpan }>();
  for (const m of decl.members) {
    const value = consts.evaluate(file, m.value);
    if (value === null) continue;
    if (value < min || value > max) {
      sink.report(diag.outOfRange(m.value.span, "value", value, prim, min, max));
      continue;
    }
    if (decl.kind === "flags" && value === 0n) {
      sink.report(diag.invalidValue(m.value.span, `flag '${m.name.text}' has mask 0`));
      continue;
    }
    const prior = byValue.get(value);
    if (prior !== undefined) {
      sink.report(
        diag.duplicateValue(
          m.name.span,
          decl.kind === "enum" ? "enum" : "flags",
          m.name.text,
          prior.name,
          value,
          prior.span,
        ),
      );
      continue;
    }
    byValue.set(value, { name: m.name.text, span: m.name.span });
    members.push({ name: m.name.text, value, doc: m.doc, span: m.name.span });
  }
  return {
    layout: { name: decl.name.text, base: prim, members, doc: decl.doc, span: decl.name.span },
    endian: base.endian,
  };
}

class TypeResolver {
  private readonly names: NameTable;
  private readonly consts: ConstTable;
  private readonly sink: DiagnosticSink;
  private readonly enums: ReadonlyMap<string, LayoutEnum>;
  private readonly flags: ReadonlyMap<string, LayoutFlags>;

  constructor(
    names: NameTable,
    consts: ConstTable,
    sink: DiagnosticSink,
    enums: ReadonlyMap<string, LayoutEnum>,
    flags: ReadonlyMap<string, LayoutFlags>,
  ) {
    this.names = names;
    this.consts = consts;
    this.sink = sink;
    this.enums = enums;
    this.flags = flags;
  }

  fieldType(file: string, struct: AstStruct | null, type: AstType): FieldTypeSpec | null {
    switch (type.kind) {
      case "stream": {
        const found = this.names.lookup(file, type.stream, "stream", ["stream"]);
        return found === null ? null : { kind: "stream", streamName: found.decl.name.text };
      }
      case "named":
        return this.named(file, type.name);
      case "pointer":
        return this.pointer(file, struct, type);
      case "area": {
        const found = this.names.lookup(file, type.descriptor, "struct", ["struct"]);
        const element = this.element(file, type.element);
        const count = this.count(file, struct, type.count);
        if (found === null || element === null || count === null) return null;
        if (count.kind === "rest") return null;
        return { kind: "struct", structName: found.decl.name.text, area: { element, count, span: type.span } };
      }
      case "pointerArray": {
        if (type.target.kind === "match") {
          this.sink.report(
            diag.wrongKind(
              type.target.span,
              "match",
              "a pointer selected by a field of its own struct",
              "the target of an array of pointers",
            ),
          );
          return null;
        }
        const one = this.pointer(file, struct, {
          kind: "pointer",
          base: type.base,
          target: type.target,
          span: type.span,
        });
        const count = this.count(file, struct, type.count);
        if (one === null || one.kind !== "prim" || one.pointer === undefined || count === null) return null;
        if (count.kind !== "fixed") {
          this.sink.report(diag.varLength(type.count.span, "an array of pointers needs a constant length"));
          return null;
        }
        return {
          kind: "array",
          element: { kind: "prim", prim: one.prim, endian: one.endian },
          count,
          pointer: one.pointer,
        };
      }
      case "bits":
        return this.bits(file, type);
      case "rest":
      case "array": {
        const count: CountSpec | null = type.kind === "rest" ? { kind: "rest" } : this.count(file, struct, type.count);
        if (count === null) return null;
        const el = type.element.text;
        if (el === "u8" || el === "bytes") return { kind: "bytes", count };
        if (el === "ascii") return { kind: "ascii", count };
        if (el === "pad") {
          if (count.kind !== "fixed") {
            this.sink.report(diag.varLength(type.span, `'${el}' needs a constant length`));
            return null;
          }
          return { kind: "pad", length: count.n };
        }
        const element = this.element(file, type.element);
        return element === null ? null : { kind: "array", element, count };
      }
    }
  }

  private named(file: string, name: AstName): FieldTypeSpec | null {
    if (name.text === "pad" || name.text === "ascii" || name.text === "bytes") {
      this.sink.report(diag.missingLength(name.span, name.text));
      return null;
    }
    const prim = parsePrim(name.text);
    if (prim !== null) return { kind: "prim", prim: prim.prim, endian: prim.endian };
    const found = this.names.lookup(file, name, "type", ["struct", "enum", "flags"], PRIMITIVE_NAMES);
    if (found === null) return null;
    if (found.kind === "struct") return { kind: "struct", structName: name.text };
    if (found.kind === "enum") {
      const e = this.enums.get(name.text);
      return e === undefined ? null : { kind: "enum", enumName: e.name, prim: e.base, endian: null };
    }
    const f = this.flags.get(name.text);
    return f === undefined ? null : { kind: "flags", flagsName: f.name, prim: f.base, endian: null };
  }

  private pointer(
    file: string,
    struct: AstStruct | null,
    type: Extract<AstType, { kind: "pointer" }>,
  ): FieldTypeSpec | null {
    const base = parsePrim(type.base.text);
    if (
      base === null ||
      !isIntName(base.prim) ||
      base.prim.startsWith("i") ||
      base.prim === "u8" ||
      base.prim === "u16"
    ) {
      this.sink.report(diag.notAnInteger(type.base.span, "a pointer field (u32 or u64)", type.base.text));
      return null;
    }
    const target = this.pointerTarget(file, struct, type.target);
    return target === null ? null : { kind: "prim", prim: base.prim, endian: base.endian, pointer: target };
  }

  private pointerTarget(file: string, struct: AstStruct | null, t: AstPointerTarget): PointerSpec | null {
    switch (t.kind) {
      case "named": {
        if (t.name.text === "page") return { kind: "page" };
        const found = this.names.lookup(file, t.name, "struct", ["struct"]);
        return found === null ? null : { kind: "struct", structName: t.name.text };
      }
      case "chain": {
        const found = this.names.lookup(file, t.header, "struct", ["struct"]);
        const entry = this.element(file, t.entry);
        if (found === null || found.kind !== "struct" || entry === null) return null;
        const header = found.decl as AstStruct;
        const next = this.headerInt(header, t.next);
        const count = t.count === null ? true : this.headerInt(header, t.count);
        let limit = DEFAULT_CHAIN_LIMIT;
        if (t.limit !== null) {
          const n = this.consts.evaluate(file, t.limit);
          if (n === null) return null;
          if (n < 1n || n > MAX_COUNT) {
            this.sink.report(diag.outOfBounds(t.limit.span, "chain limit", n, 1n, MAX_COUNT));
            return null;
          }
          limit = Number(n);
        }
        if (!next || !count) return null;
        return {
          kind: "chain",
          header: header.name.text,
          next: t.next.text,
          count: t.count?.text ?? null,
          entry,
          limit,
        };
      }
      case "match": {
        if (struct === null) {
          this.sink.report(
            diag.wrongKind(t.span, "match", "a pointer selected by a struct field", "a device-tree property type"),
          );
          return null;
        }
        const sel = struct.fields.find((f) => f.name.text === t.field.text);
        if (sel === undefined) {
          this.sink.report(
            diag.unknownName(
              t.field.span,
              "field",
              t.field.text,
              `'${t.field.text}' must be an ascii field of '${struct.name.text}'`,
            ),
          );
          return null;
        }
        if (!(sel.type.kind === "array" && sel.type.element.text === "ascii")) {
          this.sink.report(
            diag.wrongKind(
              t.field.span,
              t.field.text,
              "not an ascii field",
              "the selector of a pointer match (an ascii[N] field)",
            ),
          );
          return null;
        }
        const arms: { compatible: string; structName: string }[] = [];
        const seen = new Map<string, SourceSpan>();
        let ok = true;
        for (const arm of t.arms) {
          const prior = seen.get(arm.compatible);
          if (prior !== undefined) {
            this.sink.report(diag.duplicateName(arm.span, "match arm", arm.compatible, prior));
            ok = false;
            continue;
          }
          seen.set(arm.compatible, arm.span);
          const found = this.names.lookup(file, arm.target, "struct", ["struct"]);
          if (found === null) {
            ok = false;
            continue;
          }
          arms.push({ compatible: arm.compatible, structName: arm.target.text });
        }
        return ok ? { kind: "match", field: t.field.text, arms } : null;
      }
    }
  }

  /** Whether `name` is an unsigned integer field of `header` (reported when not). */
  private headerInt(header: AstStruct, name: AstName): boolean {
    const f = header.fields.find((x) => x.name.text === name.text);
    if (f === undefined) {
      this.sink.report(
        diag.unknownName(name.span, "field", name.text, `'${header.name.text}' has no field '${name.text}'`),
      );
      return false;
    }
    const prim =
      f.type.kind === "named" || f.type.kind === "pointer"
        ? parsePrim(f.type.kind === "named" ? f.type.name.text : f.type.base.text)
        : null;
    if (prim === null || !isIntName(prim.prim)) {
      this.sink.report(
        diag.notAnInteger(
          name.span,
          `the chain field '${header.name.text}.${name.text}'`,
          f.type.kind === "named" ? f.type.name.text : f.type.kind,
        ),
      );
      return false;
    }
    return true;
  }

  private element(file: string, name: AstName): ElementSpec | null {
    const t = this.named(file, name);
    if (t === null) return null;
    if (t.kind === "prim" || t.kind === "enum" || t.kind === "struct") return t;
    this.sink.report(
      diag.wrongKind(name.span, name.text, "a flag set", "an array element type (integer, float, enum or struct)"),
    );
    return null;
  }

  private count(file: string, struct: AstStruct | null, expr: AstExpr): CountSpec | null {
    if (struct !== null && expr.kind === "name" && struct.fields.some((f) => f.name.text === expr.name)) {
      return { kind: "field", name: expr.name, span: expr.span };
    }
    if (struct !== null && expr.kind === "name" && !this.names.decls.has(expr.name)) {
      // Neither a field nor a constant: a misspelt count field is the likelier mistake.
      // Only fields before the array can count it (LU3005): suggest no other.
      const at = struct.fields.findIndex((f) => f.type.kind === "array" && f.type.count === expr);
      const field = closestName(
        expr.name,
        struct.fields.slice(0, at < 0 ? struct.fields.length : at).map((f) => f.name.text),
      );
      if (field !== null) {
        this.sink.report(
          diag.unknownName(expr.span, "count field or constant", expr.name, `did you mean field '${field}'?`),
        );
        return null;
      }
    }
    const n = this.consts.evaluate(file, expr);
    if (n === null) return null;
    if (n < 0n || n > MAX_COUNT) {
      this.sink.report(diag.outOfBounds(expr.span, "array length", n, 0n, MAX_COUNT));
      return null;
    }
    return { kind: "fixed", n: Number(n) };
  }

  private bits(file: string, type: Extract<AstType, { kind: "bits" }>): FieldTypeSpec | null {
    const base = parsePrim(type.base.text);
    if (base === null || !isIntName(base.prim)) {
      this.sink.report(diag.notAnInteger(type.base.span, "a bits field", type.base.text));
      return null;
    }
    const ranges: BitRangeSpec[] = [];
    let ok = true;
    for (const r of type.ranges) {
      const lo = this.consts.evaluate(file, r.lo);
      const hi = this.consts.evaluate(file, r.hi);
      let enumName: string | null = null;
      let flagsName: string | null = null;
      if (r.as !== null) {
        const found = this.names.lookup(file, r.as, "enum or flag set", ["enum", "flags"]);
        if (found === null) ok = false;
        else if (found.kind === "enum") enumName = found.decl.name.text;
        else flagsName = found.decl.name.text;
      }
      if (lo === null || hi === null) {
        ok = false;
        continue;
      }
      // Keep absurd numbers representable; layout reports them against the integer's width.
      const clamp = (v: bigint): number => Number(v < -1n ? -1n : v > 1024n ? 1024n : v);
      ranges.push({ name: r.name.text, lo: clamp(lo), hi: clamp(hi), enumName, flagsName, doc: r.doc, span: r.span });
    }
    return ok ? { kind: "bits", prim: base.prim, endian: base.endian, ranges } : null;
  }
}

/**
 * Reports each cycle of structs laid out inside each other once (LU2007). Returns every struct on
 * or above a cycle, and an order in which each struct comes after the structs it contains (so the
 * layout pass never recurses deeply). Iterative: a chain of thousands of nested structs is fine.
 */
function findRecursion(
  structs: readonly AstStruct[],
  fieldTypes: ReadonlyMap<AstField, FieldTypeSpec>,
  sink: DiagnosticSink,
): { recursive: Set<string>; order: string[] } {
  const byName = new Map(structs.map((s) => [s.name.text, s]));
  const recursive = new Set<string>();
  const state = new Map<string, "active" | "done">();
  const reported = new Set<string>();
  const order: string[] = [];

  const inner = (field: AstField): string | null => {
    const t = fieldTypes.get(field);
    if (t?.kind === "struct") return t.structName;
    if (t?.kind === "array" && t.element.kind === "struct") return t.element.structName;
    return null;
  };

  for (const root of structs) {
    if (state.has(root.name.text)) continue;
    const stack: { struct: AstStruct; next: number }[] = [{ struct: root, next: 0 }];
    state.set(root.name.text, "active");
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const name = top.struct.name.text;
      const field = top.struct.fields[top.next];
      if (field === undefined) {
        stack.pop();
        state.set(name, "done");
        order.push(name);
        const parent = stack[stack.length - 1];
        if (parent !== undefined && recursive.has(name)) recursive.add(parent.struct.name.text);
        continue;
      }
      top.next++;
      const target = inner(field);
      if (target === null) continue;
      const st = state.get(target);
      if (st === "active") {
        const path = stack.map((f) => f.struct.name.text);
        const cycle = path.slice(path.indexOf(target));
        for (const c of cycle) recursive.add(c);
        const key = [...cycle].sort().join("\n");
        if (!reported.has(key)) {
          reported.add(key);
          sink.report(diag.recursiveStruct(field.span, target, [...cycle, target]));
        }
      } else if (st === "done") {
        if (recursive.has(target)) recursive.add(name);
      } else {
        const next = byName.get(target);
        if (next !== undefined) {
          state.set(target, "active");
          stack.push({ struct: next, next: 0 });
        }
      }
    }
  }
  return { recursive, order };
}
