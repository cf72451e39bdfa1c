/**
 * Hand-built `LayoutProgram`s for the ABI checker tests: terse constructors that fill in sizes and
 * give every declaration its own source line, so a test can tell which span a finding points at.
 * `at(line)` pins a declaration to a line to assert on.
 */
import type {
  AbiRule,
  Endian,
  IntName,
  LayoutBitRange,
  LayoutCount,
  LayoutElement,
  LayoutEnum,
  LayoutField,
  LayoutFlags,
  LayoutProgram,
  LayoutRecord,
  LayoutStream,
  LayoutStruct,
  LayoutType,
  LayoutTypeRange,
  PrimName,
  SourceSpan,
} from "../../../codegen/ir.js";

const PRIM_SIZE: Record<PrimName, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  u64: 8,
  i64: 8,
  f32: 4,
  f64: 8,
};

export interface FieldOpts {
  readonly size?: number;
  readonly constValue?: bigint | string;
  readonly reserved?: boolean;
  readonly doc?: string;
  readonly line?: number;
}

export interface StructOpts {
  readonly size?: number;
  readonly align?: number;
  readonly abi?: AbiRule;
  readonly endian?: Endian;
  readonly doc?: string;
  readonly line?: number;
}

export interface StreamOpts {
  readonly header?: string;
  readonly preamble?: readonly string[];
  readonly typeField?: string;
  readonly lengthField?: string;
  readonly align?: number;
  readonly optionalBit?: number | null;
  readonly end?: string;
  readonly ranges?: readonly LayoutTypeRange[];
  readonly doc?: string;
}

export interface Decls {
  readonly structs?: readonly LayoutStruct[];
  readonly enums?: readonly LayoutEnum[];
  readonly flags?: readonly LayoutFlags[];
  readonly streams?: readonly LayoutStream[];
}

/** Type constructors (no spans needed). */
export const t = {
  prim: (prim: PrimName, endian: Endian = "little"): LayoutType => ({ kind: "prim", prim, endian }),
  en: (enumName: string, prim: IntName = "u32", endian: Endian = "little"): LayoutType => ({
    kind: "enum",
    prim,
    endian,
    enumName,
  }),
  fl: (flagsName: string, prim: IntName = "u32", endian: Endian = "little"): LayoutType => ({
    kind: "flags",
    prim,
    endian,
    flagsName,
  }),
  ascii: (length: number): LayoutType => ({ kind: "ascii", length, count: { kind: "fixed", n: length } }),
  bytes: (count: LayoutCount): LayoutType => ({ kind: "bytes", count }),
  pad: (length: number): LayoutType => ({ kind: "pad", length }),
  struct: (structName: string): LayoutType => ({ kind: "struct", structName }),
  array: (element: LayoutElement, stride: number, count: LayoutCount): LayoutType => ({
    kind: "array",
    element,
    stride,
    count,
  }),
  stream: (streamName: string): LayoutType => ({ kind: "stream", streamName }),
  fixed: (n: number): LayoutCount => ({ kind: "fixed", n }),
  rest: { kind: "rest" } as LayoutCount,
};

function sizeOf(type: LayoutType): number {
  switch (type.kind) {
    case "prim":
    case "enum":
    case "flags":
    case "bits":
      return PRIM_SIZE[type.prim];
    case "ascii":
    case "pad":
      return type.length;
    case "bytes":
      return type.count.kind === "fixed" ? type.count.n : 0;
    case "array":
      return type.count.kind === "fixed" ? type.count.n * type.stride : 0;
    case "struct":
      throw new Error("give the size of a struct-typed field");
    case "stream":
      return 0;
  }
}

/** A builder whose spans all lie in `file`; each declaration gets the next line unless pinned. */
export function builder(file: string) {
  let line = 100;
  const span = (at?: number): SourceSpan => {
    const l = at ?? line++;
    return { file, start: l * 100, end: l * 100 + 10, line: l, col: 3 };
  };
  const field = (name: string, offset: number, type: LayoutType, o: FieldOpts = {}): LayoutField => ({
    name,
    offset,
    size: o.size ?? sizeOf(type),
    align: 1,
    type,
    constValue: o.constValue ?? null,
    reserved: o.reserved ?? false,
    doc: o.doc ?? null,
    span: span(o.line),
  });
  return {
    file,
    span,
    field,
    bits: (
      name: string,
      offset: number,
      prim: IntName,
      ranges: readonly [string, number, number][],
      o: FieldOpts = {},
    ): LayoutField => {
      const rs: LayoutBitRange[] = ranges.map(([n, lo, hi]) => ({
        name: n,
        lo,
        hi,
        enumName: null,
        flagsName: null,
        doc: null,
        span: span(),
      }));
      return field(name, offset, { kind: "bits", prim, endian: "little", ranges: rs }, o);
    },
    struct: (name: string, fields: readonly LayoutField[], o: StructOpts = {}): LayoutStruct => {
      const fixed = fields.filter((f) => f.size > 0);
      const end = fixed.reduce((m, f) => Math.max(m, f.offset + f.size), 0);
      const last = fields[fields.length - 1];
      return {
        name,
        size: o.size ?? end,
        align: o.align ?? 8,
        endian: o.endian ?? "little",
        abi: o.abi ?? "free",
        fields,
        trailing: last !== undefined && last.size === 0 ? last : null,
        doc: o.doc ?? null,
        span: span(o.line),
      };
    },
    enm: (
      name: string,
      base: IntName,
      members: Record<string, number | bigint>,
      doc: string | null = null,
    ): LayoutEnum => ({
      name,
      base,
      members: Object.entries(members).map(([n, v]) => ({ name: n, value: BigInt(v), doc: null, span: span() })),
      doc,
      span: span(),
    }),
    flags: (name: string, base: IntName, members: Record<string, number | bigint>): LayoutFlags => ({
      name,
      base,
      members: Object.entries(members).map(([n, v]) => ({ name: n, value: BigInt(v), doc: null, span: span() })),
      doc: null,
      span: span(),
    }),
    record: (
      name: string,
      value: number,
      body: string | null,
      optionalBit: number | null = 31,
      doc: string | null = null,
    ): LayoutRecord => ({
      name,
      value,
      body,
      optional: optionalBit !== null && Math.floor(value / 2 ** optionalBit) % 2 === 1,
      doc,
      span: span(),
    }),
    range: (name: string, lo: number, hi: number): LayoutTypeRange => ({ name, lo, hi, doc: null, span: span() }),
    stream: (name: string, records: readonly LayoutRecord[], o: StreamOpts = {}): LayoutStream => ({
      name,
      preamble: o.preamble ?? [],
      header: o.header ?? "rhdr",
      typeField: o.typeField ?? "type",
      lengthField: o.lengthField ?? "length",
      align: o.align ?? 8,
      optionalBit: o.optionalBit === undefined ? 31 : o.optionalBit,
      end: o.end ?? "END",
      records,
      ranges: o.ranges ?? [],
      preambleLabels: o.preamble ?? [],
      entry: null,
      requires: [],
      order: [],
      maxLength: [],
      payloads: [],
      inline: [],
      doc: o.doc ?? null,
      span: span(),
    }),
    program: (d: Decls): LayoutProgram => {
      const schema = {
        file,
        imports: [],
        endian: "little" as const,
        consts: [],
        strings: [],
        nodes: [],
        enums: d.enums ?? [],
        flags: d.flags ?? [],
        structs: d.structs ?? [],
        streams: d.streams ?? [],
        doc: null,
      };
      const declaredIn = new Map<string, string>();
      for (const x of [...schema.enums, ...schema.flags, ...schema.structs, ...schema.streams])
        declaredIn.set(x.name, file);
      return { schemas: [schema], declaredIn };
    },
  };
}

export type Builder = ReturnType<typeof builder>;

/** The record header every test stream uses: type u32 at 0, length u32 at 4 (append by default). */
export function recordHeader(b: Builder): LayoutStruct {
  return b.struct("rhdr", [b.field("type", 0, t.prim("u32")), b.field("length", 4, t.prim("u32"))], { abi: "append" });
}
