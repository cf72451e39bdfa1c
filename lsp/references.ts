/**
 * What a name in a `.lu` file refers to, found from the syntax tree (not from the text around
 * the cursor): a declaration (struct, enum, flag set, constant, stream), a record of a stream
 * (`first R`, `order R before A`, `payload p of R`, `after R stream S until A`, `end R`), or a
 * field reached from a struct (`require S.a.b`, `header h (type, length)`, `chain h (next, count)`,
 * `match kind`, `entry e (magic)`, payload paths, `count(array where path …)`), then resolved
 * against the checked program to the place it is declared.
 */
import type {
  AstExpr,
  AstFile,
  AstName,
  AstNode,
  AstSizeExpr,
  AstStream,
  AstStreamItem,
  AstStringRef,
  AstStruct,
  AstType,
  AstValueItem,
  SourceSpan,
} from "../codegen/ast.js";
import type { LayoutField, LayoutProgram, LayoutStream, LayoutStruct } from "../codegen/ir.js";

export type Reference =
  /** A top-level declaration by name. */
  | { readonly kind: "decl"; readonly name: string }
  /** Record `name` of stream `stream`. */
  | { readonly kind: "record"; readonly stream: string; readonly name: string }
  /** A field path below struct `struct`; its last name may be a bit range or a flag member. */
  | { readonly kind: "field"; readonly struct: string; readonly path: readonly string[] }
  /** A value of a rule (`require P in little`): a member of the enum the path's field is, by name. */
  | { readonly kind: "value"; readonly of: Reference; readonly name: string };

export interface ReferenceAt {
  readonly name: AstName;
  readonly ref: Reference;
}

const within = (span: SourceSpan, offset: number): boolean => span.start <= offset && offset <= span.end;

/** The names of constants an expression uses. */
function exprNames(e: AstExpr): AstName[] {
  switch (e.kind) {
    case "name":
      return [{ text: e.name, span: e.span }];
    case "unary":
      return exprNames(e.operand);
    case "binary":
      return [...exprNames(e.left), ...exprNames(e.right)];
    default:
      return [];
  }
}

/** Struct names and the struct each record's body is, from the checked program. */
class Resolver {
  private readonly program: LayoutProgram | null;

  constructor(program: LayoutProgram | null) {
    this.program = program;
  }

  struct(name: string): LayoutStruct | undefined {
    return this.program?.schemas.flatMap((s) => s.structs).find((s) => s.name === name);
  }

  stream(name: string): LayoutStream | undefined {
    return this.program?.schemas.flatMap((s) => s.streams).find((s) => s.name === name);
  }

  bodyOf(stream: string, record: string): string | null {
    return this.stream(stream)?.records.find((r) => r.name === record)?.body ?? null;
  }

  /** The struct the elements of array field `field` of `struct` are, if any. */
  elementOf(struct: string | null, field: string): string | null {
    if (struct === null) return null;
    const t = this.struct(struct)?.fields.find((f) => f.name === field)?.type;
    return t?.kind === "array" && t.element.kind === "struct" ? t.element.structName : null;
  }
}

function pick(
  names: readonly AstName[],
  offset: number,
  ref: (name: AstName, i: number) => Reference | null,
): ReferenceAt | null {
  for (const [i, n] of names.entries()) {
    if (!within(n.span, offset)) continue;
    const r = ref(n, i);
    return r === null ? null : { name: n, ref: r };
  }
  return null;
}

const decl = (n: AstName): Reference => ({ kind: "decl", name: n.text });

function inType(t: AstType, struct: AstStruct, offset: number): ReferenceAt | null {
  const own = (n: AstName): Reference => ({ kind: "field", struct: struct.name.text, path: [n.text] });
  switch (t.kind) {
    case "named":
      return pick([t.name], offset, decl);
    case "rest":
      return pick([t.element], offset, decl);
    case "array": {
      const counted = exprNames(t.count);
      const fieldNames = new Set(struct.fields.map((f) => f.name.text));
      return (
        pick([t.element], offset, decl) ?? pick(counted, offset, (n) => (fieldNames.has(n.text) ? own(n) : decl(n)))
      );
    }
    case "bits":
      return pick([t.base, ...t.ranges.flatMap((r) => (r.as === null ? [] : [r.as]))], offset, decl);
    case "stream":
      return pick([t.stream], offset, decl);
    case "pointer": {
      const target = t.target;
      if (target.kind === "named") return pick([t.base, target.name], offset, decl);
      if (target.kind === "chain") {
        const inHeader = (n: AstName): Reference => ({ kind: "field", struct: target.header.text, path: [n.text] });
        return (
          pick([t.base, target.header, target.entry], offset, decl) ??
          pick([target.next, ...(target.count === null ? [] : [target.count])], offset, inHeader) ??
          pick(target.limit === null ? [] : exprNames(target.limit), offset, decl)
        );
      }
      return pick([t.base, ...target.arms.map((a) => a.target)], offset, decl) ?? pick([target.field], offset, own);
    }
    case "pointerArray": {
      const target = t.target;
      const counted = exprNames(t.count);
      if (target.kind === "named") return pick([t.base, target.name], offset, decl) ?? pick(counted, offset, decl);
      if (target.kind === "chain")
        return pick([t.base, target.header, target.entry], offset, decl) ?? pick(counted, offset, decl);
      return pick([t.base], offset, decl);
    }
    case "area": {
      const fieldNames = new Set(struct.fields.map((f) => f.name.text));
      return (
        pick([t.descriptor, t.element], offset, decl) ??
        pick(exprNames(t.count), offset, (n) => (fieldNames.has(n.text) ? own(n) : decl(n)))
      );
    }
    default:
      return null;
  }
}

/** In a node declaration: its name and compatible constants, member keys, member types. */
function inNode(d: AstNode, offset: number): ReferenceAt | null {
  const ref = (r: AstStringRef | null): AstName[] => (r?.kind === "name" ? [r.name] : []);
  const named = ref(d.nodeName);
  for (const it of d.items) {
    if (!within(it.span, offset)) continue;
    if (it.kind === "compatible") return pick(it.values.flatMap(ref), offset, decl);
    const t = it.type;
    const types =
      t.kind === "named"
        ? [t.name]
        : t.kind === "pointer"
          ? [
              t.base,
              ...(t.target.kind === "named"
                ? [t.target.name]
                : t.target.kind === "chain"
                  ? [t.target.header, t.target.entry]
                  : []),
            ]
          : t.kind === "array" || t.kind === "rest"
            ? [t.element]
            : [];
    return pick([...ref(it.key), ...types], offset, decl);
  }
  return pick(named, offset, decl);
}

function inStruct(d: AstStruct, offset: number): ReferenceAt | null {
  for (const a of d.attrs) {
    if (!within(a.span, offset)) continue;
    if (a.kind === "size" || a.kind === "align") return pick(exprNames(a.value), offset, decl);
    if (a.kind === "load" && a.rule.kind === "zero_extend") {
      return pick(
        [...a.rule.from.flatMap(exprNames), ...(a.rule.compat === null ? [] : [a.rule.compat])],
        offset,
        decl,
      );
    }
  }
  for (const f of d.fields) {
    if (!within(f.span, offset)) continue;
    const value = f.value?.kind === "expr" ? exprNames(f.value.expr) : [];
    return pick([...exprNames(f.offset), ...value], offset, decl) ?? inType(f.type, d, offset);
  }
  return null;
}

function inStream(st: AstStream, offset: number, resolve: Resolver): ReferenceAt | null {
  const stream = st.name.text;
  const records = new Set(
    st.items.flatMap((i) => (i.kind === "record" || i.kind === "recordCode" ? [i.name.text] : [])),
  );
  const preamble = st.items.flatMap((i) =>
    i.kind === "preamble" || i.kind === "preambleAs" ? i.structs.map((s) => s.text) : [],
  );
  const record = (n: AstName): Reference => ({ kind: "record", stream, name: n.text });
  /** `ROOT.a.b`: ROOT a record (its body's fields) or a preamble struct. */
  const path = (names: readonly AstName[]): ReferenceAt | null =>
    pick(names, offset, (n, i) => {
      const root = names[0]?.text ?? "";
      if (i === 0) return records.has(root) ? record(n) : decl(n);
      const struct = records.has(root) ? resolve.bodyOf(stream, root) : root;
      return struct === null ? null : { kind: "field", struct, path: names.slice(1, i + 1).map((x) => x.text) };
    });
  /** The reference of a whole rule path (its last name), for the values it is compared with. */
  const pathRef = (names: readonly AstName[]): Reference | null => {
    const root = names[0]?.text ?? "";
    if (names.length < 2) return null;
    const struct = records.has(root) ? resolve.bodyOf(stream, root) : root;
    return struct === null ? null : { kind: "field", struct, path: names.slice(1).map((x) => x.text) };
  };
  const values = (items: readonly AstValueItem[], of: Reference | null): ReferenceAt | null =>
    pick(
      items.flatMap((v) => (v.kind === "single" ? exprNames(v.value) : [...exprNames(v.lo), ...exprNames(v.hi)])),
      offset,
      (n) => (of === null ? decl(n) : { kind: "value", of, name: n.text }),
    );
  const sizePath = (names: readonly AstName[], body: string | null): ReferenceAt | null => {
    const root = names[0]?.text ?? "";
    if (names.length > 1 && preamble.includes(root)) return path(names);
    return pick(names, offset, (_n, i) =>
      body === null ? null : { kind: "field", struct: body, path: names.slice(0, i + 1).map((x) => x.text) },
    );
  };
  const inSize = (e: AstSizeExpr, body: string | null): ReferenceAt | null => {
    if (!within(e.span, offset)) return null;
    switch (e.kind) {
      case "path":
        return sizePath(e.path, body);
      case "count": {
        const element = resolve.elementOf(body, e.array[0]?.text ?? "");
        return (
          sizePath(e.array, body) ??
          pick(e.element, offset, (_n, i) =>
            element === null
              ? null
              : { kind: "field", struct: element, path: e.element.slice(0, i + 1).map((x) => x.text) },
          ) ??
          values(
            e.values,
            element === null ? null : { kind: "field", struct: element, path: e.element.map((x) => x.text) },
          )
        );
      }
      case "binary":
        return inSize(e.left, body) ?? inSize(e.right, body);
      default:
        return null;
    }
  };
  const item = st.items.find((i) => within(i.span, offset));
  if (item === undefined) return null;
  return inItem(item);

  function inItem(i: AstStreamItem): ReferenceAt | null {
    switch (i.kind) {
      case "preamble":
      case "preambleAs":
        return pick(i.structs, offset, decl);
      case "header": {
        const inHeader = (n: AstName): Reference => ({ kind: "field", struct: i.struct.text, path: [n.text] });
        return pick([i.struct], offset, decl) ?? pick([i.typeField, i.lengthField], offset, inHeader);
      }
      case "end":
        return pick([i.record], offset, record);
      case "align":
        return pick(exprNames(i.value), offset, decl);
      case "optional":
        return pick(exprNames(i.bit), offset, decl);
      case "range":
        return pick([...exprNames(i.lo), ...exprNames(i.hi)], offset, decl);
      case "record":
        return (
          pick([i.name], offset, record) ??
          pick([...(i.body === null ? [] : [i.body]), ...exprNames(i.value)], offset, decl)
        );
      case "recordCode":
        return pick([i.name], offset, record) ?? pick(i.body === null ? [] : [i.body], offset, decl);
      case "entry": {
        const first = preamble[0];
        return pick(i.magic, offset, (n) =>
          first === undefined ? null : { kind: "field", struct: first, path: [n.text] },
        );
      }
      case "require":
        return (
          path(i.path) ??
          values(i.values, pathRef(i.path)) ??
          (i.when === null ? null : (path(i.when.path) ?? values(i.when.values, pathRef(i.when.path))))
        );
      case "first":
      case "once":
        return pick([i.record], offset, record);
      case "order":
        return (
          pick([i.record, ...i.later], offset, record) ??
          (i.when === null ? null : (path(i.when.path) ?? values(i.when.values, pathRef(i.when.path))))
        );
      case "maxLength":
        return pick(i.records, offset, record) ?? pick(exprNames(i.value), offset, decl);
      case "payload":
        return pick([i.record], offset, record) ?? inSize(i.size, resolve.bodyOf(stream, i.record.text));
      case "inline": {
        const inner = i.stream.text;
        return (
          pick([i.record], offset, record) ??
          pick([i.stream], offset, decl) ??
          pick(i.until, offset, (n) => ({ kind: "record", stream: inner, name: n.text }))
        );
      }
      default:
        return null;
    }
  }
}

/** The reference under `offset` in `ast`, or null (a keyword, a number, a name being declared). */
export function referenceAt(ast: AstFile, offset: number, program: LayoutProgram | null): ReferenceAt | null {
  const resolve = new Resolver(program);
  for (const d of ast.decls) {
    if (!within(d.span, offset)) continue;
    switch (d.kind) {
      case "struct":
        return inStruct(d, offset);
      case "stream":
        return inStream(d, offset, resolve);
      case "const":
        return d.value.kind === "string" ? null : pick(exprNames(d.value), offset, decl);
      case "node":
        return inNode(d, offset);
      case "enum":
      case "flags":
        return pick(
          d.members.flatMap((m) => exprNames(m.value)),
          offset,
          decl,
        );
      default:
        return null;
    }
  }
  return null;
}

/** Where a reference is declared: the span of the declaration, record, field, bit range or flag member. */
export type Declared =
  | { readonly kind: "record"; readonly stream: LayoutStream; readonly span: SourceSpan }
  | { readonly kind: "field"; readonly struct: LayoutStruct; readonly field: LayoutField; readonly span: SourceSpan }
  /** A bit range, a flag or enum member: `enumName` is the enum a bit range's values are in. */
  | {
      readonly kind: "part";
      readonly name: string;
      readonly doc: string | null;
      readonly span: SourceSpan;
      readonly enumName?: string | null;
    };

/** Resolves a record or field reference against the checked program (declarations: by name elsewhere). */
export function resolveReference(ref: Reference, program: LayoutProgram): Declared | null {
  const resolve = new Resolver(program);
  if (ref.kind === "record") {
    const stream = resolve.stream(ref.stream);
    const r = stream?.records.find((x) => x.name === ref.name);
    return stream === undefined || r === undefined ? null : { kind: "record", stream, span: r.span };
  }
  if (ref.kind === "value") {
    const of = resolveReference(ref.of, program);
    const enumName =
      of?.kind === "field"
        ? of.field.type.kind === "enum"
          ? of.field.type.enumName
          : null
        : of?.kind === "part"
          ? (of.enumName ?? null)
          : null;
    const m =
      enumName === null
        ? undefined
        : program.schemas
            .flatMap((s) => s.enums)
            .find((e) => e.name === enumName)
            ?.members.find((x) => x.name === ref.name);
    return m === undefined ? null : { kind: "part", name: m.name, doc: m.doc, span: m.span };
  }
  if (ref.kind !== "field") return null;
  let struct = resolve.struct(ref.struct);
  for (const [i, name] of ref.path.entries()) {
    if (struct === undefined) return null;
    const field = struct.fields.find((f) => f.name === name);
    if (field === undefined) return null;
    const last = i === ref.path.length - 1;
    if (last) return { kind: "field", struct, field, span: field.span };
    const t = field.type;
    const next = ref.path[i + 1];
    if (t.kind === "bits" && i + 2 === ref.path.length) {
      const r = t.ranges.find((x) => x.name === next);
      return r === undefined ? null : { kind: "part", name: r.name, doc: r.doc, span: r.span, enumName: r.enumName };
    }
    if (t.kind === "flags" && i + 2 === ref.path.length) {
      const m = program.schemas
        .flatMap((s) => s.flags)
        .find((f) => f.name === t.flagsName)
        ?.members.find((x) => x.name === next);
      return m === undefined ? null : { kind: "part", name: m.name, doc: m.doc, span: m.span };
    }
    struct = t.kind === "struct" ? resolve.struct(t.structName) : undefined;
  }
  return null;
}
