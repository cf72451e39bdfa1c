/**
 * Pass 4, layout: every struct's fields at their offsets with sizes and alignment resolved; checks
 * order (LU3009), overlap (LU3001), gaps (LU3002), declared size (LU3003, LU3004), variable-length
 * fields (LU3005), alignment (LU3006 warning, LU3007), bit ranges (LU3008) and constant field values
 * (LU3010). Structs that contain a broken field are left out (their errors are already reported).
 */
import type { AstField, AstName, AstStruct, AstStructAttr } from "../ast.js";
import { diag } from "../diagnostics.js";
import type {
  AbiRule,
  Endian,
  IntName,
  LayoutArea,
  LayoutBitRange,
  LayoutCount,
  LayoutElement,
  LayoutField,
  LayoutLengthOf,
  LayoutPointer,
  LayoutScattered,
  LayoutStruct,
  LayoutType,
  LoadRule,
  PrimName,
  SourceSpan,
} from "../ir.js";
import type { ConstTable } from "./constants.js";
import type { CheckInput, DiagnosticSink } from "./context.js";
import type { NameTable } from "./names.js";
import { typeLabel } from "../layout-listing.js";
import { intRange, isIntName, primSize } from "./primitives.js";
import { closestName } from "./suggest.js";
import type { BitRangeSpec, CountSpec, ElementSpec, FieldTypeSpec, PointerSpec, TypeTable } from "./types.js";

export interface StructLayouts {
  /** Laid-out structs by name; `abi` is the declared rule or "free" until the program assembles defaults. */
  readonly structs: ReadonlyMap<string, LayoutStruct>;
  /** Structs whose `abi` was declared in the schema. */
  readonly declaredAbi: ReadonlySet<string>;
}

const MAX_OFFSET = 1n << 31n;

export function checkLayout(
  input: CheckInput,
  names: NameTable,
  consts: ConstTable,
  types: TypeTable,
  sink: DiagnosticSink,
): StructLayouts {
  const files = new Map(input.files.map((f) => [f.ast.file, f.ast]));
  const done = new Map<string, LayoutStruct | null>();
  const declaredAbi = new Set<string>();

  const structNamed = (name: string): LayoutStruct | null => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const entry = names.decls.get(name);
    if (entry === undefined || entry.kind !== "struct" || types.recursive.has(name)) {
      done.set(name, null);
      return null;
    }
    done.set(name, null); // guards against cycles the types pass already reported
    const fileEndian = files.get(entry.file)?.endian[0]?.endian ?? "little";
    const laid = new StructLayout(entry.file, entry.decl, fileEndian, consts, types, sink, structNamed).run();
    if (laid !== null && entry.decl.attrs.some((a) => a.kind === "abi")) declaredAbi.add(name);
    done.set(name, laid);
    return laid;
  };

  // Inner structs first, so laying out one struct never recurses into a long chain of others.
  for (const name of types.layoutOrder) structNamed(name);
  const structs = new Map<string, LayoutStruct>();
  for (const { ast } of input.files) {
    for (const decl of ast.decls) {
      if (decl.kind !== "struct" || names.decls.get(decl.name.text)?.decl !== decl) continue;
      const laid = structNamed(decl.name.text);
      if (laid !== null) structs.set(decl.name.text, laid);
    }
  }
  return { structs, declaredAbi };
}

/** A pointer target in IR form; a chain's element takes the enclosing endianness unless it says. */
export function pointerLayout(spec: PointerSpec, endian: Endian, types: TypeTable): LayoutPointer {
  if (spec.kind !== "chain") return spec;
  const e = spec.entry;
  const entry: LayoutElement =
    e.kind === "struct"
      ? e
      : e.kind === "prim"
        ? { kind: "prim", prim: e.prim, endian: e.endian ?? endian }
        : {
            kind: "enum",
            prim: e.prim,
            endian: e.endian ?? types.baseEndian.get(e.enumName) ?? endian,
            enumName: e.enumName,
          };
  return { kind: "chain", header: spec.header, next: spec.next, count: spec.count, entry, limit: spec.limit };
}

interface Extent {
  readonly size: number;
  readonly align: number;
  readonly type: LayoutType;
  /** True for a variable-length field (counted array, rest-of-body array, nested stream). */
  readonly variable: boolean;
}

class StructLayout {
  private readonly file: string;
  private readonly decl: AstStruct;
  private readonly fileEndian: Endian;
  private readonly consts: ConstTable;
  private readonly types: TypeTable;
  private readonly sink: DiagnosticSink;
  private readonly structNamed: (name: string) => LayoutStruct | null;
  private broken = false;

  constructor(
    file: string,
    decl: AstStruct,
    fileEndian: Endian,
    consts: ConstTable,
    types: TypeTable,
    sink: DiagnosticSink,
    structNamed: (name: string) => LayoutStruct | null,
  ) {
    this.file = file;
    this.decl = decl;
    this.fileEndian = fileEndian;
    this.consts = consts;
    this.types = types;
    this.sink = sink;
    this.structNamed = structNamed;
  }

  run(): LayoutStruct | null {
    const { decl } = this;
    const attrs = this.attributes();
    const endian = attrs.endian ?? this.fileEndian;
    const fields: LayoutField[] = [];
    let trailing: LayoutField | null = null;
    /** Previous laid-out field, or null after a broken one (its extent is unknown). */
    let prev: LayoutField | null = null;
    /** The field reaching furthest so far (overlaps and gaps are measured against it). */
    let furthest: LayoutField | null = null;
    let prevKnown = true;
    let fixedEnd = 0;
    let naturalAlign = 1;
    let trailingReported = false;
    // Root cause first: after an overlap or an out-of-order field, the gaps and the size measured
    // from it are knock-on effects of the same mistake and are not reported; a field reported as
    // reaching past the declared size is not reported again as a size mismatch.
    let placementError = false;
    let previousOverlapped = false;
    let beyondReported = false;

    decl.fields.forEach((field, index) => {
      const offset = this.offsetOf(field);
      const spec = this.types.fieldTypes.get(field);
      const extent = spec === undefined ? null : this.extent(field, spec, endian);
      if (offset === null || extent === null) {
        this.broken = true;
        prevKnown = false;
        return;
      }
      naturalAlign = Math.max(naturalAlign, extent.align);
      const area =
        spec?.kind === "struct" && spec.area !== undefined
          ? this.area(field, spec.structName, spec.area, endian)
          : null;
      if (area === undefined) {
        this.broken = true;
        prevKnown = false;
        return;
      }
      const laid: LayoutField = {
        name: field.name.text,
        offset,
        size: extent.size,
        align: extent.align,
        type: extent.type,
        constValue: this.constValue(field, extent.type),
        reserved: field.reserved,
        ...this.lengthOf(field, extent.type),
        ...((spec?.kind === "prim" || spec?.kind === "array") && spec.pointer !== undefined
          ? { pointer: this.pointer(spec.pointer, endian) }
          : {}),
        ...(area === null ? {} : { area }),
        doc: field.doc,
        span: field.span,
      };

      const placed = prevKnown ? this.placeAfter(laid, prev, furthest, previousOverlapped) : null;
      if (placed !== null) placementError = true;
      previousOverlapped = placed !== null;
      if (trailing !== null && !trailingReported) {
        trailingReported = true;
        this.sink.report(
          diag.varLength(
            trailing.span,
            `variable-length field '${trailing.name}' must be the last field`,
            `move it after '${laid.name}'`,
          ),
        );
      }
      if (extent.variable) {
        this.checkCountField(field, laid, index);
        trailing = laid;
      }
      if (attrs.size !== null && offset + extent.size > attrs.size) {
        beyondReported = true;
        this.sink.report(
          diag.beyondSize(field.span, laid.name, offset + extent.size, attrs.size, this.baseTypeNotes(laid)),
        );
      }
      if (placed === null && attrs.align !== 1 && extent.align > 1 && offset % extent.align !== 0) {
        this.sink.report(diag.misaligned(field.span, laid.name, offset, extent.align));
      }
      fields.push(laid);
      fixedEnd = Math.max(fixedEnd, offset + extent.size);
      prev = laid;
      if (furthest === null || offset + extent.size >= furthest.offset + furthest.size) furthest = laid;
      // Nothing can be placed after a variable-length field (reported above), so stop checking
      // placement rather than report gaps measured from its zero size.
      prevKnown = !extent.variable;
    });

    if (this.broken) return null;
    const align = attrs.align ?? naturalAlign;
    let size: number;
    if (attrs.size !== null) {
      size = attrs.size;
      if (fixedEnd < size && !placementError && !beyondReported) {
        this.sink.report(
          diag.sizeMismatch(attrs.sizeSpan ?? decl.name.span, decl.name.text, size, fixedEnd, this.padName(fixedEnd)),
        );
      }
      if (size % align !== 0 && !beyondReported) {
        this.sink.report(
          diag.badAlign(
            attrs.sizeSpan ?? decl.name.span,
            `size ${size} of struct '${decl.name.text}' is not a multiple of its alignment ${align}`,
          ),
        );
      }
    } else if (trailing !== null) {
      size = fixedEnd;
    } else {
      size = Math.ceil(fixedEnd / align) * align;
      if (size > fixedEnd && !placementError) {
        this.sink.report(
          diag.gap(
            decl.name.span,
            `struct '${decl.name.text}' needs undeclared tail padding to its alignment ${align}`,
            fixedEnd,
            size,
            this.padName(fixedEnd),
          ),
        );
      }
    }
    const abi: AbiRule = attrs.abi ?? "free";
    const load = this.loadRule(attrs.load, size, fields, trailing);
    if (load === undefined) return null;
    const scattered = attrs.scattered === null ? null : this.scattered(attrs.scattered, fields);
    if (scattered === undefined) return null;
    return {
      name: decl.name.text,
      size,
      align,
      endian,
      abi,
      ...(load === null ? {} : { load }),
      ...(scattered === null ? {} : { scattered }),
      fields,
      trailing,
      doc: decl.doc,
      span: decl.name.span,
    };
  }

  /**
   * Checks `scattered(pieces, order, pages)` (LU2001 unknown field, LU2006 wrong kind): `pieces` a
   * pointer field to a chain of integer addresses, `order` and `pages` integer fields.
   */
  private scattered(
    attr: Extract<AstStructAttr, { kind: "scattered" }>,
    fields: readonly LayoutField[],
  ): LayoutScattered | undefined {
    let ok = true;
    const find = (name: AstName, want: string, good: (f: LayoutField) => boolean): void => {
      const f = fields.find((x) => x.name === name.text);
      if (f === undefined) {
        const near = closestName(
          name.text,
          fields.map((x) => x.name),
        );
        this.sink.report(
          diag.unknownName(
            name.span,
            "field",
            name.text,
            near === null ? `'${this.decl.name.text}' has no field '${name.text}'` : `did you mean '${near}'?`,
          ),
        );
        ok = false;
      } else if (!good(f)) {
        this.sink.report(diag.wrongKind(name.span, name.text, `a field of type ${typeLabel(f.type)}`, want));
        ok = false;
      }
    };
    const isInt = (f: LayoutField): boolean => f.type.kind === "prim" && isIntName(f.type.prim);
    find(
      attr.pieces,
      "a pointer to a chain of addresses (u64 -> chain H(next) of u64)",
      (f) => f.pointer?.kind === "chain" && f.pointer.entry.kind === "prim" && isIntName(f.pointer.entry.prim),
    );
    find(attr.order, "an integer field (the order of every piece)", isInt);
    find(attr.pages, "an integer field (the pages of the area)", isInt);
    return ok ? { pieces: attr.pieces.text, order: attr.order.text, pages: attr.pages.text } : undefined;
  }

  /**
   * What a field `D of T[count]` holds in its area: `D` must be a scattered-area descriptor, `count`
   * a constant or an integer field of this struct. Null when the field has no area, undefined
   * when it is broken (reported).
   */
  private area(
    field: AstField,
    descriptor: string,
    spec: { readonly element: ElementSpec; readonly count: CountSpec; readonly span: SourceSpan },
    endian: Endian,
  ): LayoutArea | undefined {
    const inner = this.structNamed(descriptor);
    if (inner === null) return undefined;
    if (inner.scattered === undefined) {
      this.sink.report(
        diag.wrongKind(
          spec.span,
          descriptor,
          "a struct without 'scattered(pieces, order, pages)'",
          "the descriptor of a scattered area",
        ),
      );
      return undefined;
    }
    const el = this.element(field, spec.element, endian);
    if (el === null) return undefined;
    if (spec.count.kind === "field") {
      const name = spec.count.name;
      const countField = this.decl.fields.find((f) => f.name.text === name);
      const t = countField === undefined ? undefined : this.types.fieldTypes.get(countField);
      if (!(t?.kind === "prim" && isIntName(t.prim))) {
        this.sink.report(
          diag.varLength(spec.count.span, `count field '${name}' of '${this.decl.name.text}' is not an integer`),
        );
        return undefined;
      }
    }
    return { element: el.element, stride: el.stride, count: layoutCount(spec.count) };
  }

  /**
   * Checks a `load` attribute against the laid-out fields (LU3011): older sizes shorter than the
   * struct, on field boundaries, fixed size; fields past the smallest older size readable as zero
   * (integers, enums, flags, bit ranges, padding); a compat struct that is a struct of another size.
   * Returns null without an attribute, undefined when it is broken.
   */
  private loadRule(
    attr: { rule: Extract<AstStructAttr, { kind: "load" }>["rule"]; span: SourceSpan } | null,
    size: number,
    fields: readonly LayoutField[],
    trailing: LayoutField | null,
  ): LoadRule | null | undefined {
    if (attr === null) return null;
    const rule = attr.rule;
    if (rule.kind === "exact") return { kind: "exact" };
    const name = this.decl.name.text;
    if (trailing !== null) {
      this.sink.report(
        diag.loadRule(
          attr.span,
          `struct '${name}' has a variable-length field '${trailing.name}' and cannot be loaded zero-extended`,
        ),
      );
      return undefined;
    }
    const from: number[] = [];
    let ok = true;
    for (const e of rule.from) {
      const v = this.consts.evaluate(this.file, e);
      if (v === null) return undefined;
      if (v < 1n || v >= BigInt(size)) {
        this.sink.report(
          diag.loadRule(e.span, `older size ${v} of struct '${name}' must be between 1 and ${size - 1}`),
        );
        ok = false;
        continue;
      }
      const n = Number(v);
      const split = fields.find((f) => f.offset < n && f.offset + f.size > n);
      if (split !== undefined) {
        this.sink.report(
          diag.loadRule(
            e.span,
            `older size ${n} of struct '${name}' ends inside field '${split.name}' (bytes ${split.offset}..${split.offset + split.size})`,
          ),
        );
        ok = false;
      }
      if (from.includes(n)) {
        this.sink.report(diag.loadRule(e.span, `older size ${n} of struct '${name}' is listed twice`));
        ok = false;
      }
      from.push(n);
    }
    const min = Math.min(size, ...from);
    for (const f of fields) {
      if (f.offset + f.size <= min) continue;
      const k = f.type.kind;
      if (k === "prim" || k === "enum" || k === "flags" || k === "bits" || k === "pad") continue;
      if (f.type.kind === "array" && f.type.element.kind !== "struct" && f.type.count.kind === "fixed") continue;
      this.sink.report(
        diag.loadRule(
          f.span,
          `field '${f.name}' of zero-extended struct '${name}' lies past its older size ${min} and is ${k === "ascii" ? "text" : `a ${k}`}`,
          "only integer, enum, flag, bit-range, padding fields and fixed arrays of integers can read as zero when a body ends before them",
        ),
      );
      ok = false;
    }
    let compat: string | null = null;
    if (rule.compat !== null) {
      const c = this.structNamed(rule.compat.text);
      if (c === null) {
        this.sink.report(diag.unknownName(rule.compat.span, "struct", rule.compat.text));
        return undefined;
      }
      if (c.size === size || from.includes(c.size) || c.trailing !== null) {
        this.sink.report(
          diag.loadRule(
            rule.compat.span,
            `compat struct '${c.name}' must have a fixed size other than ${[size, ...from].join(", ")} (it has ${c.trailing !== null ? "a variable length" : c.size})`,
          ),
        );
        ok = false;
      }
      compat = rule.compat.text;
    }
    return ok ? { kind: "zero_extend", from: from.sort((a, b) => a - b), compat } : undefined;
  }

  private attributes(): {
    size: number | null;
    sizeSpan: SourceSpan | null;
    align: number | null;
    endian: Endian | null;
    abi: AbiRule | null;
    load: { rule: Extract<AstStructAttr, { kind: "load" }>["rule"]; span: SourceSpan } | null;
    scattered: Extract<AstStructAttr, { kind: "scattered" }> | null;
  } {
    let load: { rule: Extract<AstStructAttr, { kind: "load" }>["rule"]; span: SourceSpan } | null = null;
    let size: number | null = null;
    let sizeSpan: SourceSpan | null = null;
    let align: number | null = null;
    let endian: Endian | null = null;
    let abi: AbiRule | null = null;
    let scattered: Extract<AstStructAttr, { kind: "scattered" }> | null = null;
    const seen = new Map<AstStructAttr["kind"], SourceSpan>();
    for (const attr of this.decl.attrs) {
      const first = seen.get(attr.kind);
      if (first !== undefined) {
        this.sink.report(diag.duplicateDirective(attr.span, attr.kind, first));
        continue;
      }
      seen.set(attr.kind, attr.span);
      switch (attr.kind) {
        case "size": {
          const v = this.consts.evaluate(this.file, attr.value);
          if (v === null) this.broken = true;
          else if (v < 0n || v > MAX_OFFSET) {
            this.sink.report(diag.outOfBounds(attr.value.span, "size", v, 0n, MAX_OFFSET));
            this.broken = true;
          } else {
            size = Number(v);
            sizeSpan = attr.span;
          }
          break;
        }
        case "align": {
          const v = this.consts.evaluate(this.file, attr.value);
          if (v === null) this.broken = true;
          else if (v < 1n || v > 4096n || (v & (v - 1n)) !== 0n) {
            this.sink.report(diag.badAlign(attr.value.span, `alignment ${v} is not a power of two between 1 and 4096`));
            this.broken = true;
          } else align = Number(v);
          break;
        }
        case "endian":
          endian = attr.endian;
          break;
        case "abi":
          abi = attr.abi;
          break;
        case "load":
          load = { rule: attr.rule, span: attr.span };
          break;
        case "scattered":
          scattered = attr;
          break;
      }
    }
    return { size, sizeSpan, align, endian, abi, load, scattered };
  }

  private offsetOf(field: AstField): number | null {
    const v = this.consts.evaluate(this.file, field.offset);
    if (v === null) return null;
    if (v < 0n || v > MAX_OFFSET) {
      this.sink.report(diag.outOfBounds(field.offset.span, "offset", v, 0n, MAX_OFFSET));
      return null;
    }
    return Number(v);
  }

  /**
   * Order, overlap and gap checks of `field`: order against the field listed before it, overlap and
   * gaps against the field that reaches furthest so far.
   */
  private placeAfter(
    field: LayoutField,
    prev: LayoutField | null,
    furthest: LayoutField | null,
    afterOverlap: boolean,
  ): "order" | "overlap" | null {
    const end = furthest === null ? 0 : furthest.offset + furthest.size;
    if (prev !== null && field.offset < prev.offset) {
      this.sink.report(diag.outOfOrder(field.span, field.name, field.offset, prev.name, prev.offset));
      return "order";
    }
    if (furthest !== null && field.offset < end) {
      const overlapEnd = Math.min(end, field.offset + Math.max(field.size, 1));
      this.sink.report(
        diag.overlap(
          field.span,
          field.name,
          furthest.name,
          field.offset,
          overlapEnd,
          furthest.span,
          this.baseTypeNotes(furthest, field),
        ),
      );
      return "overlap";
    }
    // A gap right after an overlapping field is most often where that field was meant to go.
    if (field.offset > end && !afterOverlap) {
      this.sink.report(
        diag.gap(field.span, `undeclared gap before field '${field.name}'`, end, field.offset, this.padName(end)),
      );
    }
    return null;
  }

  /** A pad field name for `offset` that no field of the struct uses (so following the help cannot make a duplicate). */
  private padName(offset: number): string {
    const used = new Set(this.decl.fields.map((f) => f.name.text));
    let name = `_pad${offset}`;
    while (used.has(name)) name = `_${name}`;
    return name;
  }

  /**
   * Notes naming the base type of an enum or flag-set field that does not fit where it is placed
   * (before `next`, or before the declared size): its size comes from the base type, declared
   * elsewhere, which is easy to forget.
   */
  private baseTypeNotes(field: LayoutField, next?: LayoutField): { message: string; span: SourceSpan }[] {
    const t = field.type;
    if (t.kind !== "enum" && t.kind !== "flags") return [];
    const name = t.kind === "enum" ? t.enumName : t.flagsName;
    const decl = t.kind === "enum" ? this.types.enums.get(name) : this.types.flags.get(name);
    if (decl === undefined) return [];
    const what = t.kind === "enum" ? "enum" : "flag set";
    const slot =
      next === undefined
        ? ""
        : `; only ${next.offset - field.offset === 1 ? "1 octet lies" : `${next.offset - field.offset} octets lie`} between '${field.name}' and '${next.name}'`;
    return [
      {
        message: `'${field.name}' is ${what} '${name}', whose base type ${decl.base} takes ${field.size} octet${field.size === 1 ? "" : "s"} (${bytesText(field.offset, field.offset + field.size)})${slot}`,
        span: decl.span,
      },
    ];
  }

  private checkCountField(field: AstField, laid: LayoutField, index: number): void {
    const count = countOf(laid.type);
    if (count === null || count.kind !== "field") return;
    const at = this.decl.fields.findIndex((f) => f.name.text === count.field);
    const countField = this.decl.fields[at];
    if (countField === undefined) return;
    const span = field.type.kind === "array" ? field.type.count.span : field.span;
    if (at >= index) {
      this.sink.report(diag.varLength(span, `count field '${count.field}' of '${laid.name}' must come before it`));
      return;
    }
    const spec = this.types.fieldTypes.get(countField);
    if (spec !== undefined && !(spec.kind === "prim" && isIntName(spec.prim))) {
      this.sink.report(diag.varLength(span, `count field '${count.field}' of '${laid.name}' is not an integer`));
    }
  }

  private pointer(spec: PointerSpec, endian: Endian): LayoutPointer {
    return pointerLayout(spec, endian, this.types);
  }

  private extent(field: AstField, spec: FieldTypeSpec, endian: Endian): Extent | null {
    switch (spec.kind) {
      case "prim": {
        const size = primSize(spec.prim);
        return {
          size,
          align: size,
          variable: false,
          type: { kind: "prim", prim: spec.prim, endian: spec.endian ?? endian },
        };
      }
      case "enum": {
        const size = primSize(spec.prim);
        const e = spec.endian ?? this.types.baseEndian.get(spec.enumName) ?? endian;
        return {
          size,
          align: size,
          variable: false,
          type: { kind: "enum", prim: spec.prim, endian: e, enumName: spec.enumName },
        };
      }
      case "flags": {
        const size = primSize(spec.prim);
        const e = spec.endian ?? this.types.baseEndian.get(spec.flagsName) ?? endian;
        return {
          size,
          align: size,
          variable: false,
          type: { kind: "flags", prim: spec.prim, endian: e, flagsName: spec.flagsName },
        };
      }
      case "bits": {
        const size = primSize(spec.prim);
        // Bad ranges are reported and dropped; the field still takes its place so the checks of
        // the fields around it go on (the struct is left out of the IR).
        const ranges = this.bitRanges(spec.prim, spec.ranges);
        return {
          size,
          align: size,
          variable: false,
          type: { kind: "bits", prim: spec.prim, endian: spec.endian ?? endian, ranges },
        };
      }
      case "ascii": {
        const count = layoutCount(spec.count);
        const n = count.kind === "fixed" ? count.n : 0;
        return { size: n, align: 1, variable: count.kind !== "fixed", type: { kind: "ascii", length: n, count } };
      }
      case "pad":
        return { size: spec.length, align: 1, variable: false, type: { kind: "pad", length: spec.length } };
      case "bytes": {
        const count = layoutCount(spec.count);
        const n = count.kind === "fixed" ? count.n : 0;
        return { size: n, align: 1, variable: count.kind !== "fixed", type: { kind: "bytes", count } };
      }
      case "struct": {
        const inner = this.nested(field, spec.structName);
        if (inner === null) return null;
        return {
          size: inner.size,
          align: inner.align,
          variable: false,
          type: { kind: "struct", structName: spec.structName },
        };
      }
      case "array": {
        const el = this.element(field, spec.element, endian);
        if (el === null) return null;
        const count = layoutCount(spec.count);
        if (el.stride === 0 && count.kind !== "fixed") {
          // A reader could never tell how many zero-size elements a body holds.
          this.sink.report(
            diag.varLength(field.type.span, `elements of variable-length field '${field.name.text}' have size 0`),
          );
          return null;
        }
        const size = count.kind === "fixed" ? el.stride * count.n : 0;
        return {
          size,
          align: el.align,
          variable: count.kind !== "fixed",
          type: { kind: "array", element: el.element, stride: el.stride, count },
        };
      }
      case "stream":
        return { size: 0, align: 1, variable: true, type: { kind: "stream", streamName: spec.streamName } };
    }
  }

  private element(
    field: AstField,
    spec: ElementSpec,
    endian: Endian,
  ): { element: LayoutElement; stride: number; align: number } | null {
    switch (spec.kind) {
      case "prim": {
        const size = primSize(spec.prim);
        return { element: { kind: "prim", prim: spec.prim, endian: spec.endian ?? endian }, stride: size, align: size };
      }
      case "enum": {
        const size = primSize(spec.prim);
        const e = spec.endian ?? this.types.baseEndian.get(spec.enumName) ?? endian;
        return {
          element: { kind: "enum", prim: spec.prim, endian: e, enumName: spec.enumName },
          stride: size,
          align: size,
        };
      }
      case "struct": {
        const inner = this.nested(field, spec.structName);
        if (inner === null) return null;
        return { element: { kind: "struct", structName: spec.structName }, stride: inner.size, align: inner.align };
      }
    }
  }

  /** A struct laid out inside this one; it must have a fixed size. */
  private nested(field: AstField, name: string): LayoutStruct | null {
    const inner = this.structNamed(name);
    if (inner === null) return null;
    if (inner.trailing !== null) {
      this.sink.report(
        diag.varLength(
          field.type.span,
          `struct '${name}' ends in variable-length field '${inner.trailing.name}' and cannot be nested`,
        ),
      );
      return null;
    }
    return inner;
  }

  private bitRanges(prim: IntName, ranges: readonly BitRangeSpec[]): LayoutBitRange[] {
    const width = primSize(prim) * 8;
    const ok: LayoutBitRange[] = [];
    let good = true;
    for (const r of ranges) {
      if (r.lo < 0 || r.hi >= width || r.lo > r.hi) {
        const why = r.lo > r.hi ? `is empty (${r.lo} > ${r.hi})` : `lies outside the ${width}-bit integer`;
        this.sink.report(diag.bitRange(r.span, `bit range '${r.name}' (${r.lo}..${r.hi}) ${why}`));
        good = false;
        continue;
      }
      const clash = ok.find((o) => r.lo <= o.hi && o.lo <= r.hi);
      if (clash !== undefined) {
        this.sink.report(
          diag.bitRange(
            r.span,
            `bit range '${r.name}' (${r.lo}..${r.hi}) overlaps '${clash.name}' (${clash.lo}..${clash.hi})`,
            clash.span,
          ),
        );
        good = false;
        continue;
      }
      ok.push({
        name: r.name,
        lo: r.lo,
        hi: r.hi,
        enumName: r.enumName,
        flagsName: r.flagsName,
        doc: r.doc,
        span: r.span,
      });
    }
    if (!good) this.broken = true;
    return ok;
  }

  /**
   * `= length of rest|input` (LU3012): an unsigned integer that is not `reserved`; a struct holding
   * one cannot be nested in another (nothing would say which input it measures).
   */
  private lengthOf(field: AstField, type: LayoutType): { lengthOf?: LayoutLengthOf } {
    const inner =
      type.kind === "struct"
        ? type.structName
        : type.kind === "array" && type.element.kind === "struct"
          ? type.element.structName
          : null;
    const measured = inner === null ? undefined : this.structNamed(inner)?.fields.find((f) => f.lengthOf !== undefined);
    if (inner !== null && measured !== undefined) {
      this.sink.report(
        diag.lengthField(
          field.span,
          `field '${field.name.text}' nests struct '${inner}', whose field '${measured.name}' holds a length of its input`,
          "a struct with a '= length of …' field can only be a preamble, a record body or a whole file",
        ),
      );
    }
    const value = field.value;
    if (value?.kind !== "length") return {};
    if (type.kind !== "prim" || !type.prim.startsWith("u") || field.reserved) {
      this.sink.report(
        diag.lengthField(
          value.span,
          `field '${field.name.text}' holds a length, so it must be an unsigned integer (u8 … u64) and not reserved`,
        ),
      );
      return {};
    }
    return { lengthOf: value.of };
  }

  private constValue(field: AstField, type: LayoutType): bigint | string | null {
    const value = field.value;
    if (value === null || value.kind === "length") return null;
    const name = field.name.text;
    if (type.kind === "ascii") {
      if (type.count.kind !== "fixed") {
        this.sink.report(
          diag.constField(value.span, `field '${name}' is variable-length text and cannot have a constant value`),
        );
        return null;
      }
      if (value.kind !== "string") {
        this.sink.report(
          diag.constField(value.span, `field '${name}' of type ascii[${type.length}] needs a string value`),
        );
        return null;
      }
      if (value.value.length > type.length || /[^\x00-\x7f]/.test(value.value)) {
        this.sink.report(
          diag.constField(
            value.span,
            `value "${value.value}" does not fit field '${name}' of type ascii[${type.length}]`,
          ),
        );
        return null;
      }
      return value.value;
    }
    const prim = intOf(type);
    if (prim === null) {
      this.sink.report(diag.constField(value.span, `field '${name}' cannot have a constant value`));
      return null;
    }
    if (value.kind === "string") {
      this.sink.report(
        diag.constField(value.span, `field '${name}' of type ${prim} needs an integer value, not a string`),
      );
      return null;
    }
    const v = this.consts.evaluate(this.file, value.expr);
    if (v === null) return null;
    if (isIntName(prim)) {
      const { min, max } = intRange(prim);
      if (v < min || v > max) {
        this.sink.report(
          diag.constField(value.span, `value ${v} does not fit field '${name}' of type ${prim} (${min}..${max})`),
        );
        return null;
      }
    }
    return v;
  }
}

function bytesText(start: number, end: number): string {
  return `bytes ${start}..${end}`;
}

function layoutCount(c: CountSpec): LayoutCount {
  return c.kind === "field" ? { kind: "field", field: c.name } : c;
}

function countOf(type: LayoutType): LayoutCount | null {
  return type.kind === "bytes" || type.kind === "array" || type.kind === "ascii" ? type.count : null;
}

/** The scalar a constant value is checked against, or null when the type cannot hold one. */
function intOf(type: LayoutType): PrimName | null {
  switch (type.kind) {
    case "prim":
    case "enum":
    case "flags":
    case "bits":
      return type.prim;
    default:
      return null;
  }
}
