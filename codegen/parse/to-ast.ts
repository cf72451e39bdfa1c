/**
 * The one semantics operation over a `.lu` match: `toAst(ctx)` builds the plain AST (codegen/ast.ts).
 * Pure: no side effects, throws nothing for any input the grammar accepts.
 */
import type { Node, Semantics } from "ohm-js";
import type {
  AstBinaryOp,
  AstBitRange,
  AstDecl,
  AstExpr,
  AstField,
  AstFieldValue,
  AstFile,
  AstImport,
  AstMember,
  AstName,
  AstNodeItem,
  AstRuleIf,
  AstStringRef,
  AstSizeExpr,
  AstPointerArm,
  AstPointerTarget,
  AstStreamItem,
  AstStructAttr,
  AstLoadRule,
  AstType,
  AstValueItem,
} from "../ast.js";
import type { SourceSpan } from "../ir.js";
import { luGrammar } from "./grammar.js";
import type { LineIndex } from "./line-index.js";

/** Measures expression trees as they are built (each operator one level; leaves 0). */
export class ExpressionDepth {
  readonly limit: number;
  /** The first operator that made a tree deeper than `limit`: its span, and the depth. */
  tooDeep: { readonly span: SourceSpan; readonly depth: number } | null = null;
  private readonly depths = new WeakMap<AstExpr, number>();
  constructor(limit: number) {
    this.limit = limit;
  }
  of(e: AstExpr): number {
    return this.depths.get(e) ?? 0;
  }
  /** Records `e`, an operator over `children`, located at `op` for the report. */
  note(e: AstExpr, op: SourceSpan, ...children: AstExpr[]): AstExpr {
    const d = 1 + Math.max(0, ...children.map((c) => this.of(c)));
    this.depths.set(e, d);
    if (d > this.limit && this.tooDeep === null) this.tooDeep = { span: op, depth: d };
    return e;
  }
}

interface Ctx {
  readonly lines: LineIndex;
  readonly depth?: ExpressionDepth;
}

type Directive =
  | { readonly kind: "endian"; readonly endian: "little" | "big"; readonly span: SourceSpan }
  | { readonly kind: "import"; readonly import: AstImport };

function ast<T>(node: Node, ctx: Ctx): T {
  return node["toAst"](ctx) as T;
}

function ctxOf(node: Node): Ctx {
  return node["args"]["ctx"] as Ctx;
}

/** Span of `node`; child nodes have no `args`, so pass the context explicitly for them. */
function spanOf(node: Node, ctx: Ctx = ctxOf(node)): SourceSpan {
  return ctx.lines.span(node.source.startIdx, node.source.endIdx);
}

/** Value of an optional (`X?`) child, or null. */
function opt<T>(iter: Node, ctx: Ctx): T | null {
  const child = iter.children[0];
  return child === undefined ? null : ast<T>(child, ctx);
}

function many<T>(iter: Node, ctx: Ctx): T[] {
  return iter.children.map((c) => ast<T>(c, ctx));
}

/** `first (op operand)*` folded to the left: `a - b - c` is `(a - b) - c`. */
function binaryChain(this: Node, first: Node, ops: Node, operands: Node): AstExpr {
  const ctx = ctxOf(this);
  let acc = ast<AstExpr>(first, ctx);
  // ohm builds `children` anew on every access: read it once, or a long chain costs O(n^2)
  const operandNodes = operands.children;
  ops.children.forEach((op, i) => {
    const operand = operandNodes[i];
    if (operand === undefined) return;
    const right = ast<AstExpr>(operand, ctx);
    const left = acc;
    acc = {
      kind: "binary",
      op: op.sourceString as AstBinaryOp,
      left,
      right,
      span: ctx.lines.span(left.span.start, operand.source.endIdx),
    };
    ctx.depth?.note(acc, spanOf(op, ctx), left, right);
  });
  return acc;
}

/** A size expression level folded to the left, like `binaryChain`. */
function sizeChain(this: Node, first: Node, ops: Node, operands: Node): AstSizeExpr {
  const ctx = ctxOf(this);
  let acc = ast<AstSizeExpr>(first, ctx);
  const operandNodes = operands.children;
  ops.children.forEach((op, i) => {
    const operand = operandNodes[i];
    if (operand === undefined) return;
    const right = ast<AstSizeExpr>(operand, ctx);
    acc = {
      kind: "binary",
      op: op.sourceString as "<<" | ">>" | "+" | "-" | "*" | "/" | "%",
      left: acc,
      right,
      span: ctx.lines.span(acc.span.start, operand.source.endIdx),
    };
  });
  return acc;
}

const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\", '"': '"', n: "\n", "0": "\0" };

function addToAst(semantics: Semantics): Semantics {
  return semantics.addOperation<unknown>("toAst(ctx)", {
    File(fileDoc, directives, decls, _end): AstFile {
      const ctx = ctxOf(this);
      const dirs = many<Directive>(directives, ctx);
      const endian: { endian: "little" | "big"; span: SourceSpan }[] = [];
      const imports: AstImport[] = [];
      for (const d of dirs) {
        if (d.kind === "endian") endian.push({ endian: d.endian, span: d.span });
        else imports.push(d.import);
      }
      return {
        file: ctx.lines.file,
        doc: opt<string>(fileDoc, ctx),
        endian,
        imports,
        decls: many<AstDecl>(decls, ctx),
      };
    },
    FileDoc(doc, _ahead) {
      return ast<string>(doc, ctxOf(this));
    },
    EndianDirective(_kw, name, _semi): Directive {
      return { kind: "endian", endian: name.sourceString === "big" ? "big" : "little", span: spanOf(this) };
    },
    ImportDirective(_kw, path, _semi): Directive {
      return { kind: "import", import: { path: ast<string>(path, ctxOf(this)), span: spanOf(path, ctxOf(this)) } };
    },
    ConstDecl(doc, _kw, name, _eq, value, _semi): AstDecl {
      const ctx = ctxOf(this);
      return {
        kind: "const",
        name: ast<AstName>(name, ctx),
        value:
          value.ctorName === "string"
            ? { kind: "string", value: ast<string>(value, ctx), span: spanOf(value, ctx) }
            : ast<AstExpr>(value, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    EnumDecl(doc, _kw, name, _colon, base, _open, members, _comma, _close): AstDecl {
      const ctx = ctxOf(this);
      return {
        kind: "enum",
        name: ast<AstName>(name, ctx),
        base: ast<AstName>(base, ctx),
        members: many<AstMember>(members.asIteration(), ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    FlagsDecl(doc, _kw, name, _colon, base, _open, members, _comma, _close): AstDecl {
      const ctx = ctxOf(this);
      return {
        kind: "flags",
        name: ast<AstName>(name, ctx),
        base: ast<AstName>(base, ctx),
        members: many<AstMember>(members.asIteration(), ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    Member(doc, name, _eq, value): AstMember {
      const ctx = ctxOf(this);
      return {
        name: ast<AstName>(name, ctx),
        value: ast<AstExpr>(value, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StructDecl(doc, _kw, name, attrs, _open, fields, _close): AstDecl {
      const ctx = ctxOf(this);
      return {
        kind: "struct",
        name: ast<AstName>(name, ctx),
        attrs: many<AstStructAttr>(attrs, ctx),
        fields: many<AstField>(fields, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StructAttr_size(_kw, value): AstStructAttr {
      return { kind: "size", value: ast<AstExpr>(value, ctxOf(this)), span: spanOf(this) };
    },
    StructAttr_align(_kw, value): AstStructAttr {
      return { kind: "align", value: ast<AstExpr>(value, ctxOf(this)), span: spanOf(this) };
    },
    StructAttr_endian(_kw, name): AstStructAttr {
      return { kind: "endian", endian: name.sourceString === "big" ? "big" : "little", span: spanOf(this) };
    },
    StructAttr_abi(_kw, name): AstStructAttr {
      const abi = name.sourceString === "frozen" ? "frozen" : name.sourceString === "append" ? "append" : "free";
      return { kind: "abi", abi, span: spanOf(this) };
    },
    StructAttr_load(_kw, rule): AstStructAttr {
      return { kind: "load", rule: ast<AstLoadRule>(rule, ctxOf(this)), span: spanOf(this) };
    },
    StructAttr_scattered(_kw, _open, pieces, _c1, order, _c2, pages, _close): AstStructAttr {
      const ctx = ctxOf(this);
      return {
        kind: "scattered",
        pieces: ast<AstName>(pieces, ctx),
        order: ast<AstName>(order, ctx),
        pages: ast<AstName>(pages, ctx),
        span: spanOf(this),
      };
    },
    LoadRule_exact(_kw): AstLoadRule {
      return { kind: "exact" };
    },
    LoadRule_zeroExtend(_kw, from, compat): AstLoadRule {
      const ctx = ctxOf(this);
      return { kind: "zero_extend", from: opt<AstExpr[]>(from, ctx) ?? [], compat: opt<AstName>(compat, ctx) };
    },
    LoadFrom(_kw, sizes): AstExpr[] {
      return many<AstExpr>(sizes.asIteration(), ctxOf(this));
    },
    LoadCompat(_kw, name): AstName {
      return ast<AstName>(name, ctxOf(this));
    },
    Field(doc, _at, offset, name, _colon, type, value, reserved, _semi): AstField {
      const ctx = ctxOf(this);
      return {
        offset: ast<AstExpr>(offset, ctx),
        name: ast<AstName>(name, ctx),
        type: ast<AstType>(type, ctx),
        value: opt<AstFieldValue>(value, ctx),
        reserved: reserved.children.length > 0,
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    FieldValue(_eq, value): AstFieldValue {
      const ctx = ctxOf(this);
      if (value.ctorName === "string") {
        return { kind: "string", value: ast<string>(value, ctx), span: spanOf(value, ctx) };
      }
      if (value.ctorName === "FieldLength") {
        return {
          kind: "length",
          of: value.sourceString.endsWith("input") ? "input" : "rest",
          span: spanOf(value, ctx),
        };
      }
      return { kind: "expr", expr: ast<AstExpr>(value, ctx), span: spanOf(value, ctx) };
    },
    Type_stream(_kw, name): AstType {
      return { kind: "stream", stream: ast<AstName>(name, ctxOf(this)), span: spanOf(this) };
    },
    Type_rest(element, _open, _dots, _close): AstType {
      return { kind: "rest", element: ast<AstName>(element, ctxOf(this)), span: spanOf(this) };
    },
    Type_area(descriptor, _of, element, _open, count, _close): AstType {
      const ctx = ctxOf(this);
      return {
        kind: "area",
        descriptor: ast<AstName>(descriptor, ctx),
        element: ast<AstName>(element, ctx),
        count: ast<AstExpr>(count, ctx),
        span: spanOf(this),
      };
    },
    Type_pointerArray(base, _open, count, _close, _arrow, target): AstType {
      const ctx = ctxOf(this);
      return {
        kind: "pointerArray",
        base: ast<AstName>(base, ctx),
        count: ast<AstExpr>(count, ctx),
        target: ast<AstPointerTarget>(target, ctx),
        span: spanOf(this),
      };
    },
    Type_array(element, _open, count, _close): AstType {
      const ctx = ctxOf(this);
      return {
        kind: "array",
        element: ast<AstName>(element, ctx),
        count: ast<AstExpr>(count, ctx),
        span: spanOf(this),
      };
    },
    Type_bits(base, _kw, _open, ranges, _close): AstType {
      const ctx = ctxOf(this);
      return {
        kind: "bits",
        base: ast<AstName>(base, ctx),
        ranges: many<AstBitRange>(ranges, ctx),
        span: spanOf(this),
      };
    },
    Type_pointer(base, _arrow, target): AstType {
      const ctx = ctxOf(this);
      return {
        kind: "pointer",
        base: ast<AstName>(base, ctx),
        target: ast<AstPointerTarget>(target, ctx),
        span: spanOf(this),
      };
    },
    PointerTarget_chain(_kw, header, _open, next, count, _close, _of, entry, limit): AstPointerTarget {
      const ctx = ctxOf(this);
      return {
        kind: "chain",
        header: ast<AstName>(header, ctx),
        next: ast<AstName>(next, ctx),
        count: opt<AstName>(count, ctx),
        entry: ast<AstName>(entry, ctx),
        limit: opt<AstExpr>(limit, ctx),
        span: spanOf(this),
      };
    },
    PointerTarget_match(_kw, field, _open, arms, _comma, _close): AstPointerTarget {
      const ctx = ctxOf(this);
      return {
        kind: "match",
        field: ast<AstName>(field, ctx),
        arms: many<AstPointerArm>(arms.asIteration(), ctx),
        span: spanOf(this),
      };
    },
    PointerTarget_named(name): AstPointerTarget {
      return { kind: "named", name: ast<AstName>(name, ctxOf(this)), span: spanOf(this) };
    },
    ChainCount(_comma, name) {
      return ast<AstName>(name, ctxOf(this));
    },
    ChainLimit(_kw, expr) {
      return ast<AstExpr>(expr, ctxOf(this));
    },
    PointerArm(compatible, _colon, target): AstPointerArm {
      const ctx = ctxOf(this);
      return { compatible: ast<string>(compatible, ctx), target: ast<AstName>(target, ctx), span: spanOf(this) };
    },
    Type_named(name): AstType {
      return { kind: "named", name: ast<AstName>(name, ctxOf(this)), span: spanOf(this) };
    },
    BitRange(doc, name, _colon, lo, _dots, hi, as, _semi): AstBitRange {
      const ctx = ctxOf(this);
      return {
        name: ast<AstName>(name, ctx),
        lo: ast<AstExpr>(lo, ctx),
        hi: ast<AstExpr>(hi, ctx),
        as: opt<AstName>(as, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    BitAs(_kw, name) {
      return ast<AstName>(name, ctxOf(this));
    },
    NodeDecl(doc, _kw, name, nodeName, _open, items, _close): AstDecl {
      const ctx = ctxOf(this);
      return {
        kind: "node",
        name: ast<AstName>(name, ctx),
        nodeName: opt<AstStringRef>(nodeName, ctx),
        items: many<AstNodeItem>(items, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    NodeItem_compatible(doc, _kw, values, _semi): AstNodeItem {
      const ctx = ctxOf(this);
      return {
        kind: "compatible",
        values: many<AstStringRef>(values.asIteration(), ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    NodeItem_member(doc, _at, key, name, _colon, type, optional, _semi): AstNodeItem {
      const ctx = ctxOf(this);
      return {
        kind: "member",
        key: ast<AstStringRef | null>(key, ctx),
        name: ast<AstName>(name, ctx),
        type: ast<AstType>(type, ctx),
        optional: optional.children.length > 0,
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    NodeKey_any(_star) {
      return null;
    },
    NodeKey_named(ref) {
      return ast<AstStringRef>(ref, ctxOf(this));
    },
    StringRef(ref): AstStringRef {
      const ctx = ctxOf(this);
      const span = spanOf(this);
      if (ref.ctorName === "string") return { kind: "string", value: ast<string>(ref, ctx), span };
      return { kind: "name", name: ast<AstName>(ref, ctx), span };
    },
    StreamDecl(doc, _kw, name, _open, items, _close): AstDecl {
      const ctx = ctxOf(this);
      return {
        kind: "stream",
        name: ast<AstName>(name, ctx),
        items: many<AstStreamItem>(items, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_preamble(_kw, structs, _semi): AstStreamItem {
      return { kind: "preamble", structs: many<AstName>(structs.asIteration(), ctxOf(this)), span: spanOf(this) };
    },
    StreamItem_header(_kw, struct, _open, typeField, _comma, lengthField, _close, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "header",
        struct: ast<AstName>(struct, ctx),
        typeField: ast<AstName>(typeField, ctx),
        lengthField: ast<AstName>(lengthField, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_align(_kw, value, _semi): AstStreamItem {
      return { kind: "align", value: ast<AstExpr>(value, ctxOf(this)), span: spanOf(this) };
    },
    StreamItem_optional(_kw, _bit, bit, _semi): AstStreamItem {
      return { kind: "optional", bit: ast<AstExpr>(bit, ctxOf(this)), span: spanOf(this) };
    },
    StreamItem_end(_kw, record, _semi): AstStreamItem {
      return { kind: "end", record: ast<AstName>(record, ctxOf(this)), span: spanOf(this) };
    },
    StreamItem_range(doc, _kw, name, _eq, lo, _dots, hi, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "range",
        name: ast<AstName>(name, ctx),
        lo: ast<AstExpr>(lo, ctx),
        hi: ast<AstExpr>(hi, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_record(doc, _kw, name, _eq, value, body, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "record",
        name: ast<AstName>(name, ctx),
        value: ast<AstExpr>(value, ctx),
        body: opt<AstName>(body, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_recordCode(doc, _kw, name, _eq, code, body, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "recordCode",
        name: ast<AstName>(name, ctx),
        code: ast<string>(code, ctx),
        codeSpan: spanOf(code, ctx),
        body: opt<AstName>(body, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_entry(doc, _kw, label, magic, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "entry",
        label: ast<AstName>(label, ctx),
        magic: magic.children.length > 0 ? ast<AstName[]>(magic.child(0), ctx) : [],
        memory: null,
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_entryMemory(doc, _kw, label, _in, _memory, _via, via, _as, viaLabel, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "entry",
        label: ast<AstName>(label, ctx),
        magic: [],
        memory: { via: ast<AstName>(via, ctx), label: ast<AstName>(viaLabel, ctx) },
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    EntryMagic(_open, names, _close) {
      return many<AstName>(names.asIteration(), ctxOf(this));
    },
    StreamItem_preambleAs(_kw, entries, _semi): AstStreamItem {
      const list = many<{ struct: AstName; label: AstName | null }>(entries.asIteration(), ctxOf(this));
      return {
        kind: "preambleAs",
        structs: list.map((e) => e.struct),
        labels: list.map((e) => e.label),
        span: spanOf(this),
      };
    },
    PreambleEntry_labelled(struct, _as, label) {
      const ctx = ctxOf(this);
      return { struct: ast<AstName>(struct, ctx), label: ast<AstName>(label, ctx) };
    },
    PreambleEntry_plain(struct) {
      return { struct: ast<AstName>(struct, ctxOf(this)), label: null };
    },
    StreamItem_endOfInput(_end, _of, _input, _semi): AstStreamItem {
      return { kind: "endOfInput", span: spanOf(this) };
    },
    StreamItem_require(doc, _kw, path, _in, values, when, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "require",
        path: ast<AstName[]>(path, ctx),
        values: ast<AstValueItem[]>(values, ctx),
        when: opt<AstRuleIf>(when, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_first(doc, _kw, record, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return { kind: "first", record: ast<AstName>(record, ctx), doc: opt<string>(doc, ctx), span: spanOf(this) };
    },
    StreamItem_once(doc, _kw, record, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return { kind: "once", record: ast<AstName>(record, ctx), doc: opt<string>(doc, ctx), span: spanOf(this) };
    },
    StreamItem_order(doc, _kw, record, _before, later, when, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "order",
        record: ast<AstName>(record, ctx),
        later: many<AstName>(later.asIteration(), ctx),
        when: opt<AstRuleIf>(when, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_maxLength(doc, _max, _length, value, records, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "maxLength",
        value: ast<AstExpr>(value, ctx),
        records: records.children.length > 0 ? ast<AstName[]>(records.child(0), ctx) : [],
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    MaxFor(_for, names) {
      return many<AstName>(names.asIteration(), ctxOf(this));
    },
    StreamItem_payload(doc, _kw, name, _of, record, _eq, size, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "payload",
        name: ast<AstName>(name, ctx),
        record: ast<AstName>(record, ctx),
        size: ast<AstSizeExpr>(size, ctx),
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    StreamItem_inline(doc, _after, record, _stream, stream, until, _semi): AstStreamItem {
      const ctx = ctxOf(this);
      return {
        kind: "inline",
        record: ast<AstName>(record, ctx),
        stream: ast<AstName>(stream, ctx),
        until: until.children.length > 0 ? ast<AstName[]>(until.child(0), ctx) : [],
        doc: opt<string>(doc, ctx),
        span: spanOf(this),
      };
    },
    InlineUntil(_until, names) {
      return many<AstName>(names.asIteration(), ctxOf(this));
    },
    FieldPath(names) {
      return many<AstName>(names.asIteration(), ctxOf(this));
    },
    ValueList(items) {
      return many<AstValueItem>(items.asIteration(), ctxOf(this));
    },
    ValueItem_range(lo, _dots, hi): AstValueItem {
      const ctx = ctxOf(this);
      return { kind: "range", lo: ast<AstExpr>(lo, ctx), hi: ast<AstExpr>(hi, ctx), span: spanOf(this) };
    },
    ValueItem_single(value): AstValueItem {
      return { kind: "single", value: ast<AstExpr>(value, ctxOf(this)), span: spanOf(this) };
    },
    RuleIf(_if, path, _in, values): AstRuleIf {
      const ctx = ctxOf(this);
      return { path: ast<AstName[]>(path, ctx), values: ast<AstValueItem[]>(values, ctx), span: spanOf(this) };
    },
    SizeExpr: sizeChain,
    SizeAdd: sizeChain,
    SizeMul: sizeChain,
    SizePrimary_paren(_open, inner, _close) {
      return ast<AstSizeExpr>(inner, ctxOf(this));
    },
    SizePrimary_count(_count, _open, array, _where, element, not, _in, values, _close): AstSizeExpr {
      const ctx = ctxOf(this);
      return {
        kind: "count",
        array: ast<AstName[]>(array, ctx),
        element: ast<AstName[]>(element, ctx),
        negate: not.children.length > 0,
        values: ast<AstValueItem[]>(values, ctx),
        span: spanOf(this),
      };
    },
    SizePrimary_number(_n): AstSizeExpr {
      return { kind: "number", value: BigInt(this.sourceString.replace(/_/g, "").toLowerCase()), span: spanOf(this) };
    },
    SizePrimary_path(path): AstSizeExpr {
      return { kind: "path", path: ast<AstName[]>(path, ctxOf(this)), span: spanOf(this) };
    },
    RecordBody(_colon, name) {
      return ast<AstName>(name, ctxOf(this));
    },
    OrExpr: binaryChain,
    XorExpr: binaryChain,
    AndExpr: binaryChain,
    ShiftExpr: binaryChain,
    AddExpr: binaryChain,
    MulExpr: binaryChain,
    UnaryExpr_op(op, operand): AstExpr {
      const ctx = ctxOf(this);
      const inner = ast<AstExpr>(operand, ctx);
      const e: AstExpr = { kind: "unary", op: op.sourceString === "~" ? "~" : "-", operand: inner, span: spanOf(this) };
      return ctx.depth?.note(e, spanOf(op, ctx), inner) ?? e;
    },
    PrimaryExpr_paren(_open, inner, _close) {
      return ast<AstExpr>(inner, ctxOf(this));
    },
    PrimaryExpr_number(_n): AstExpr {
      return { kind: "number", value: BigInt(this.sourceString.replace(/_/g, "").toLowerCase()), span: spanOf(this) };
    },
    PrimaryExpr_name(name): AstExpr {
      return { kind: "name", name: name.sourceString, span: spanOf(this) };
    },
    Doc(lines): string {
      return lines.children.map((l) => l.sourceString.slice(3).replace(/^ /, "").trimEnd()).join("\n");
    },
    declName(name): AstName {
      return ast<AstName>(name, ctxOf(this));
    },
    ident(_first, _rest): AstName {
      return { text: this.sourceString, span: spanOf(this) };
    },
    string(_open, chars, _close): string {
      const ctx = ctxOf(this);
      return chars.children.map((c) => ast<string>(c, ctx)).join("");
    },
    strChar_escaped(_backslash, escape) {
      return ast<string>(escape, ctxOf(this));
    },
    strChar_plain(_char) {
      return this.sourceString;
    },
    escape_simple(_char) {
      return ESCAPES[this.sourceString] ?? this.sourceString;
    },
    escape_hex(_x, _hi, _lo) {
      return String.fromCharCode(Number.parseInt(this.sourceString.slice(1), 16));
    },
  });
}

let semantics: Semantics | null = null;

export function luSemantics(): Semantics {
  semantics ??= addToAst(luGrammar().createSemantics());
  return semantics;
}
