/**
 * Pass 5b, what a stream says beyond its framing (docs/language.md "Files and stream rules"): the
 * file's entry (`entry`), preamble labels, `end of input`, `require` value rules, record order
 * rules (`first`, `once`, `order … before …`), `max length`, payloads sized by an expression over
 * decoded fields (`payload … of …`) and whole streams in line after a record (`after … stream …`).
 * Every name and field path is resolved here; a broken item is LU2011 (LU2001 for unknown names).
 */
import type { AstExpr, AstName, AstRuleIf, AstSizeExpr, AstStream, AstStreamItem, AstValueItem } from "../ast.js";
import { diag } from "../diagnostics.js";
import type {
  LayoutCondition,
  LayoutEntry,
  LayoutEnum,
  LayoutInlineStream,
  LayoutMaxLength,
  LayoutOrderRule,
  LayoutPayload,
  LayoutRequire,
  LayoutSizeExpr,
  LayoutStruct,
  LayoutValuePath,
  LayoutValueSet,
} from "../ir.js";
import type { ConstTable } from "./constants.js";
import type { DiagnosticSink } from "./context.js";
import type { NameTable } from "./names.js";

export interface RuleContext {
  readonly file: string;
  readonly decl: AstStream;
  readonly names: NameTable;
  readonly consts: ConstTable;
  readonly enums: ReadonlyMap<string, LayoutEnum>;
  readonly sink: DiagnosticSink;
  /** Preamble structs of the stream, in order, and their labels. */
  readonly preamble: readonly LayoutStruct[];
  /** Record name → body struct (null: empty body). */
  readonly bodies: ReadonlyMap<string, LayoutStruct | null>;
  readonly structOf: (name: string) => LayoutStruct | undefined;
}

export interface StreamRules {
  readonly entry: LayoutEntry | null;
  readonly requires: LayoutRequire[];
  readonly order: LayoutOrderRule[];
  readonly maxLength: LayoutMaxLength[];
  readonly payloads: LayoutPayload[];
  readonly inline: LayoutInlineStream[];
  readonly ok: boolean;
}

type Item<K extends AstStreamItem["kind"]> = Extract<AstStreamItem, { kind: K }>;

const joinPath = (path: readonly AstName[]): string => path.map((p) => p.text).join(".");

export function checkStreamRules(ctx: RuleContext): StreamRules {
  let ok = true;
  const fail = (span: AstName["span"], message: string, help?: string): null => {
    ctx.sink.report(diag.invalidStream(span, message, help));
    ok = false;
    return null;
  };

  /** Resolves `fields` below `root` (a struct) to a value path, or reports and returns null. */
  const resolveIn = (
    rootName: string,
    root: LayoutStruct,
    fields: readonly AstName[],
    whole: readonly AstName[],
  ): LayoutValuePath | null => {
    let struct: LayoutStruct | undefined = root;
    let offset = -1;
    let enumName: string | null = null;
    let flag: string | null = null;
    for (let i = 0; i < fields.length; i++) {
      const name = fields[i] as AstName;
      if (struct === undefined) return fail(name.span, `'${joinPath(whole)}' goes past an integer field`);
      const field: LayoutStruct["fields"][number] | undefined = struct.fields.find((f) => f.name === name.text);
      if (field === undefined) return fail(name.span, `'${struct.name}' has no field '${name.text}'`);
      if (offset < 0) offset = field.offset;
      const t = field.type;
      const rest = fields.length - i - 1;
      struct = undefined;
      if (t.kind === "struct") {
        struct = ctx.structOf(t.structName);
        if (rest === 0) return fail(name.span, `'${joinPath(whole)}' is a struct, not an integer`);
      } else if (t.kind === "bits") {
        if (rest === 0) break;
        const range = t.ranges.find((r) => r.name === (fields[i + 1] as AstName).text);
        if (range === undefined)
          return fail(
            (fields[i + 1] as AstName).span,
            `bits field '${field.name}' has no range '${(fields[i + 1] as AstName).text}'`,
          );
        if (rest > 1) return fail((fields[i + 2] as AstName).span, `'${joinPath(whole)}' goes past a bit range`);
        enumName = range.enumName;
        break;
      } else if (t.kind === "enum") {
        if (rest > 0) return fail((fields[i + 1] as AstName).span, `'${joinPath(whole)}' goes past an enum field`);
        enumName = t.enumName;
      } else if (t.kind === "flags") {
        if (rest > 1) return fail((fields[i + 2] as AstName).span, `'${joinPath(whole)}' goes past a flag`);
        if (rest === 1) {
          const member = (fields[i + 1] as AstName).text;
          const set = ctx.names.decls.get(t.flagsName);
          const known = set?.decl.kind === "flags" && set.decl.members.some((m) => m.name.text === member);
          if (!known)
            return fail((fields[i + 1] as AstName).span, `flag set '${t.flagsName}' has no member '${member}'`);
          flag = member;
        }
        break;
      } else if (t.kind === "prim") {
        if (t.prim === "f32" || t.prim === "f64")
          return fail(name.span, `'${joinPath(whole)}' is a float, not an integer`);
        if (rest > 0) return fail((fields[i + 1] as AstName).span, `'${joinPath(whole)}' goes past an integer field`);
      } else {
        return fail(name.span, `'${joinPath(whole)}' is not an integer field`);
      }
    }
    return { root: rootName, fields: fields.map((f) => f.text), offset: Math.max(offset, 0), enumName, flag };
  };

  const preambleStruct = (name: AstName): LayoutStruct | undefined => ctx.preamble.find((s) => s.name === name.text);

  const valueSet = (items: readonly AstValueItem[], enumName: string | null): LayoutValueSet | null => {
    const members = enumName === null ? undefined : ctx.enums.get(enumName)?.members;
    const value = (e: AstExpr): bigint | null => {
      if (e.kind === "name" && members !== undefined) {
        const m = members.find((x) => x.name === e.name);
        if (m !== undefined) return m.value;
      }
      return ctx.consts.evaluate(ctx.file, e);
    };
    const out: { lo: bigint; hi: bigint }[] = [];
    for (const item of items) {
      const lo = value(item.kind === "single" ? item.value : item.lo);
      const hi = item.kind === "single" ? lo : value(item.hi);
      if (lo === null || hi === null) {
        ok = false;
        return null;
      }
      if (lo > hi) return fail(item.span, `empty range of values (${lo} > ${hi})`);
      out.push({ lo, hi });
    }
    return out;
  };

  const condition = (when: AstRuleIf | null): LayoutCondition | null | false => {
    if (when === null) return null;
    const root = when.path[0] as AstName;
    const s = preambleStruct(root);
    if (s === undefined || when.path.length < 2)
      return (
        fail(root.span, `'if' needs a field of a preamble struct of '${ctx.decl.name.text}' (STRUCT.FIELD)`) ?? false
      );
    const path = resolveIn(s.name, s, when.path.slice(1), when.path);
    const values = path === null ? null : valueSet(when.values, path.enumName);
    return path === null || values === null ? false : { path, values };
  };

  const recordNamed = (name: AstName): boolean => {
    if (ctx.bodies.has(name.text)) return true;
    fail(name.span, `'${name.text}' is not a record of stream '${ctx.decl.name.text}'`);
    return false;
  };

  const items = <K extends AstStreamItem["kind"]>(kind: K): Item<K>[] =>
    ctx.decl.items.filter((i): i is Item<K> => i.kind === kind);

  // entry
  let entry: LayoutEntry | null = null;
  const entries = items("entry");
  for (const extra of entries.slice(1)) fail(extra.span, `stream '${ctx.decl.name.text}' has more than one 'entry'`);
  const e = entries[0];
  if (e !== undefined) {
    const first = ctx.preamble[0];
    const magic: string[] = [];
    for (const m of e.magic) {
      const f = first?.fields.find((x) => x.name === m.text);
      if (first === undefined)
        fail(
          m.span,
          `entry fields are fields of the first preamble struct, and stream '${ctx.decl.name.text}' has no preamble`,
        );
      else if (f === undefined) fail(m.span, `'${first.name}' has no field '${m.text}'`);
      else if (f.constValue === null)
        fail(m.span, `'${first.name}.${m.text}' has no constant value ('= …') to recognise a file by`);
      else magic.push(m.text);
    }
    let memory: LayoutEntry["memory"];
    if (e.memory !== null) {
      const via = ctx.structOf(e.memory.via.text);
      if (via === undefined) ctx.sink.report(diag.unknownName(e.memory.via.span, "struct", e.memory.via.text));
      else if (via.trailing !== null)
        fail(e.memory.via.span, `'${via.name}' must have a fixed size to lead to a stream in memory`);
      if (ctx.preamble.length > 0)
        fail(e.span, `a stream found in memory starts with its records; stream '${ctx.decl.name.text}' has a preamble`);
      if (via === undefined) ok = false;
      else memory = { via: via.name, label: e.memory.label.text };
    }
    entry = { kind: e.label.text, magic, ...(memory !== undefined ? { memory } : {}), doc: e.doc, span: e.label.span };
  }

  // require
  const requires: LayoutRequire[] = [];
  for (const r of items("require")) {
    const root = r.path[0] as AstName;
    const when = condition(r.when);
    if (when === false) continue;
    const pre = preambleStruct(root);
    if (r.path.length < 2) {
      fail(root.span, "'require' needs STRUCT.FIELD (a preamble struct) or RECORD.FIELD (a record's body)");
      continue;
    }
    let path: LayoutValuePath | null = null;
    let scope: "preamble" | "record" = "preamble";
    if (pre !== undefined) path = resolveIn(pre.name, pre, r.path.slice(1), r.path);
    else if (ctx.bodies.has(root.text)) {
      const body = ctx.bodies.get(root.text);
      scope = "record";
      if (body === null || body === undefined) fail(root.span, `record '${root.text}' has no body`);
      else path = resolveIn(root.text, body, r.path.slice(1), r.path);
    } else
      fail(root.span, `'${root.text}' is neither a preamble struct nor a record of stream '${ctx.decl.name.text}'`);
    if (path === null) continue;
    const values = valueSet(r.values, path.enumName);
    if (values !== null) requires.push({ scope, path, values, when, doc: r.doc, span: r.span });
  }

  // order rules
  const order: LayoutOrderRule[] = [];
  for (const r of [...items("first"), ...items("once")]) {
    if (recordNamed(r.record))
      order.push({ kind: r.kind, record: r.record.text, later: [], when: null, doc: r.doc, span: r.span });
  }
  for (const r of items("order")) {
    const when = condition(r.when);
    if (when === false) continue;
    const named = [r.record, ...r.later].map(recordNamed).every(Boolean);
    if (named)
      order.push({
        kind: "before",
        record: r.record.text,
        later: r.later.map((l) => l.text),
        when,
        doc: r.doc,
        span: r.span,
      });
  }

  // max length
  const maxLength: LayoutMaxLength[] = [];
  for (const m of items("maxLength")) {
    const v = ctx.consts.evaluate(ctx.file, m.value);
    if (v === null) {
      ok = false;
      continue;
    }
    if (v < 0n || v > 0xffff_ffffn) {
      fail(m.value.span, `max length ${v} is outside 0..0xFFFFFFFF`);
      continue;
    }
    if (m.records.map(recordNamed).every(Boolean))
      maxLength.push({ value: Number(v), records: m.records.map((r) => r.text), span: m.span });
  }

  // payloads
  const payloads: LayoutPayload[] = [];
  for (const p of items("payload")) {
    if (!recordNamed(p.record)) continue;
    const body = ctx.bodies.get(p.record.text);
    if (body === null || body === undefined) {
      fail(p.record.span, `record '${p.record.text}' has no body for a payload to follow`);
      continue;
    }
    if (body.fields.some((f) => f.name === p.name.text)) {
      fail(p.name.span, `payload '${p.name.text}' has the name of a field of '${body.name}'`);
      continue;
    }
    if (payloads.some((q) => q.record === p.record.text)) {
      fail(p.span, `record '${p.record.text}' has more than one payload`);
      continue;
    }
    const size = sizeExpr(p.size, p.record.text, body);
    if (size !== null) payloads.push({ name: p.name.text, record: p.record.text, size, doc: p.doc, span: p.span });
  }

  function sizeExpr(x: AstSizeExpr, record: string, body: LayoutStruct): LayoutSizeExpr | null {
    switch (x.kind) {
      case "number":
        return { kind: "number", value: x.value };
      case "binary": {
        const l = sizeExpr(x.left, record, body);
        const r = sizeExpr(x.right, record, body);
        return l === null || r === null ? null : { kind: "binary", op: x.op, left: l, right: r };
      }
      case "path": {
        const root = x.path[0] as AstName;
        const pre = preambleStruct(root);
        if (body.fields.some((f) => f.name === root.text)) {
          const path = resolveIn(record, body, x.path, x.path);
          return path === null ? null : { kind: "path", scope: "body", path };
        }
        if (pre !== undefined && x.path.length > 1) {
          const path = resolveIn(pre.name, pre, x.path.slice(1), x.path);
          return path === null ? null : { kind: "path", scope: "preamble", path };
        }
        if (x.path.length === 1) {
          const v = ctx.consts.evaluate(ctx.file, { kind: "name", name: root.text, span: root.span });
          return v === null ? ((ok = false), null) : { kind: "number", value: v };
        }
        return fail(
          root.span,
          `'${root.text}' is neither a field of '${body.name}' nor a preamble struct of '${ctx.decl.name.text}'`,
        );
      }
      case "count": {
        const arrayName = x.array[0] as AstName;
        const field = body.fields.find((f) => f.name === arrayName.text);
        if (
          x.array.length !== 1 ||
          field === undefined ||
          field.type.kind !== "array" ||
          field.type.element.kind !== "struct"
        ) {
          return fail(arrayName.span, `count(…) needs an array-of-struct field of '${body.name}'`);
        }
        const elementStruct = ctx.structOf(field.type.element.structName);
        if (elementStruct === undefined) return null;
        const element = resolveIn(elementStruct.name, elementStruct, x.element, x.element);
        const values = element === null ? null : valueSet(x.values, element.enumName);
        return element === null || values === null
          ? null
          : { kind: "count", array: field.name, element, values, negate: x.negate };
      }
    }
  }

  // in-line streams
  const inline: LayoutInlineStream[] = [];
  for (const i of items("inline")) {
    if (!recordNamed(i.record)) continue;
    const target = ctx.names.lookup(ctx.file, i.stream, "stream", ["stream"]);
    if (target === null) {
      ok = false;
      continue;
    }
    if (target.decl.kind !== "stream") continue;
    const targetDecl = target.decl;
    const until = i.until.filter((u) => {
      const known = targetDecl.items.some(
        (t) => (t.kind === "record" || t.kind === "recordCode") && t.name.text === u.text,
      );
      if (!known) fail(u.span, `'${u.text}' is not a record of stream '${i.stream.text}'`);
      return known;
    });
    if (until.length === i.until.length)
      inline.push({
        record: i.record.text,
        stream: i.stream.text,
        until: until.map((u) => u.text),
        doc: i.doc,
        span: i.span,
      });
  }

  return { entry, requires, order, maxLength, payloads, inline, ok };
}
