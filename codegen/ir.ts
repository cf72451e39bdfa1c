/**
 * The checked layout IR: what `check()` produces from the AST and what every emitter (TypeScript
 * now, C headers or docs later) and the ABI checker consume. Everything is resolved: byte offsets,
 * sizes, alignment, endianness of every scalar, enum/flag values, array counts, record type codes.
 * Names are the schema's own (snake_case); emitters map them with `codegen/naming.ts`.
 */

/** A location in a schema source. Offsets are 0-based UTF-16 indices; line and col are 1-based. */
export interface SourceSpan {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
}

export type Endian = "little" | "big";

export type IntName = "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64";
export type PrimName = IntName | "f32" | "f64";

/**
 * How a reader takes a record body of this struct (Xen's two HVM load rules):
 * - `exact`: the body is exactly `size` octets (longer or shorter is a problem);
 * - `zero_extend`: a body of one of the older sizes `from` (each shorter than `size`, each on a
 *   field boundary) is valid too, and the fields past its end read as zero; `compat` names a
 *   struct whose own size marks a body laid out the old way (not a prefix of this one).
 * A body longer than `size` is a problem under both rules.
 */
export type LoadRule =
  | { readonly kind: "exact" }
  | { readonly kind: "zero_extend"; readonly from: readonly number[]; readonly compat: string | null };

/** How a struct may change between schema versions (see `lu abi-check`). */
export type AbiRule = "frozen" | "append" | "free";

export interface LayoutConst {
  readonly name: string;
  readonly value: bigint;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A string constant (`const C = "kho-v1";`). */
export interface LayoutStringConst {
  readonly name: string;
  readonly value: string;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export interface LayoutMember {
  readonly name: string;
  readonly value: bigint;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export interface LayoutEnum {
  readonly name: string;
  readonly base: IntName;
  readonly members: readonly LayoutMember[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A flag set: member values are bit masks (not bit numbers). */
export interface LayoutFlags {
  readonly name: string;
  readonly base: IntName;
  readonly members: readonly LayoutMember[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A named bit range inside an integer field; `lo`..`hi` inclusive, bit 0 = least significant. */
export interface LayoutBitRange {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  /** Enum or flag set the bits are interpreted as, if any. */
  readonly enumName: string | null;
  readonly flagsName: string | null;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** Element count of an array field. */
export type LayoutCount =
  | { readonly kind: "fixed"; readonly n: number }
  /** Count is the value of an earlier integer field of the same struct. */
  | { readonly kind: "field"; readonly field: string }
  /** As many elements as fit in the rest of the enclosing body (records: body_length). */
  | { readonly kind: "rest" };

/** Element type of an array (no nested arrays). */
export type LayoutElement =
  | { readonly kind: "prim"; readonly prim: PrimName; readonly endian: Endian }
  | { readonly kind: "enum"; readonly prim: IntName; readonly endian: Endian; readonly enumName: string }
  | { readonly kind: "struct"; readonly structName: string };

export type LayoutType =
  | { readonly kind: "prim"; readonly prim: PrimName; readonly endian: Endian }
  | { readonly kind: "enum"; readonly prim: IntName; readonly endian: Endian; readonly enumName: string }
  | { readonly kind: "flags"; readonly prim: IntName; readonly endian: Endian; readonly flagsName: string }
  /** An integer split into named bit ranges; the whole integer is also readable. */
  | {
      readonly kind: "bits";
      readonly prim: IntName;
      readonly endian: Endian;
      readonly ranges: readonly LayoutBitRange[];
    }
  /**
   * ASCII text, NUL padded: fixed size (`ascii[4]`, e.g. an id such as "XENF"; `count` is `fixed`
   * and `length` its octets) or a trailing text (`ascii[len]`, `ascii[..]`; `length` is 0).
   */
  | { readonly kind: "ascii"; readonly length: number; readonly count: LayoutCount }
  /** Raw bytes (`u8[N]` or `bytes[N]`): exposed as a `Uint8Array` view. */
  | { readonly kind: "bytes"; readonly count: LayoutCount }
  /** Padding: no accessor, must be zero, written as zero. */
  | { readonly kind: "pad"; readonly length: number }
  | { readonly kind: "struct"; readonly structName: string }
  | {
      readonly kind: "array";
      readonly element: LayoutElement;
      /** Bytes per element (the element's size). */
      readonly stride: number;
      readonly count: LayoutCount;
    }
  /** The rest of the body is a nested record stream (e.g. HVM save records inside HVM_CONTEXT). */
  | { readonly kind: "stream"; readonly streamName: string };

/**
 * What a pointer field (`u64 -> target`) points at: its value is a physical address in machine
 * memory, 0 for none. The field itself is an ordinary integer in `type`.
 */
export type LayoutPointer =
  /** A struct placed at the address. */
  | { readonly kind: "struct"; readonly structName: string }
  /** One page of raw octets. */
  | { readonly kind: "page" }
  /**
   * A linked list of pages: each starts with struct `header`, whose integer field `next` holds the
   * next page's address (0 ends the list) and whose integer field `count` (null: the entries end at
   * the first all-zero entry or the end of the page) says how many `entry` elements follow the
   * header in that page. At most `limit` pages.
   */
  | {
      readonly kind: "chain";
      readonly header: string;
      readonly next: string;
      readonly count: string | null;
      readonly entry: LayoutElement;
      readonly limit: number;
    }
  /** The struct type is chosen by the NUL-padded text of the ascii field `field` of the same struct. */
  | { readonly kind: "match"; readonly field: string; readonly arms: readonly LayoutPointerArm[] };

export interface LayoutPointerArm {
  readonly compatible: string;
  readonly structName: string;
}

/** Pages a `chain` pointer follows when its declaration gives no `limit`. */
export const DEFAULT_CHAIN_LIMIT = 65536;

export interface LayoutField {
  readonly name: string;
  readonly offset: number;
  /** Size in bytes; 0 for a variable-length trailing field (count `field` or `rest`, or a stream). */
  readonly size: number;
  readonly align: number;
  readonly type: LayoutType;
  /**
   * Value the field must hold (`= value` in the schema): magic numbers, ids, reserved-zero fields.
   * Validation checks it; `init()` writes it. A string for `ascii` fields.
   */
  readonly constValue: bigint | string | null;
  /** True when the schema marks the field `reserved` (must be zero, may gain meaning only via a new record type). */
  readonly reserved: boolean;
  /**
   * Set for a pointer field (`u64 -> target`): what the address it holds points at; on an array of
   * integers (`u64[N] -> target`), what each element's address points at.
   */
  readonly pointer?: LayoutPointer;
  /**
   * Set for a length field (`= length of rest` / `= length of input`): the field holds the number
   * of octets from the end of the field (`rest`) or from the start of its struct (`input`) to the
   * end of the input that holds the struct: the record body for a body struct, the stream for a
   * preamble struct (which then ends the stream there), the file for a `--struct` file.
   */
  readonly lengthOf?: LayoutLengthOf;
  /** Set for a field `D of T[count]` (a nested scattered-area descriptor `D`): what its area holds. */
  readonly area?: LayoutArea;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export type LayoutLengthOf = "rest" | "input";
/**
 * `scattered(pieces, order, pages)` on a struct: it describes a virtually contiguous area made of
 * pieces of 2^`order` pages each, in order, whose physical addresses the pointer field `pieces`
 * lists (a `chain` of integers), `pages` pages in all (Linux's kho_vmalloc).
 */
export interface LayoutScattered {
  readonly pieces: string;
  readonly order: string;
  readonly pages: string;
}

/** What a field of a scattered-area descriptor type holds in its area: `count` elements. */
export interface LayoutArea {
  readonly element: LayoutElement;
  readonly stride: number;
  /** `fixed`, or `field`: an integer field of the struct that holds the descriptor. */
  readonly count: LayoutCount;
}

export interface LayoutStruct {
  readonly name: string;
  /** Size of the fixed part in bytes (excludes a variable-length trailing field). */
  readonly size: number;
  readonly align: number;
  readonly endian: Endian;
  readonly abi: AbiRule;
  /** How a record body of this struct is loaded; absent means `exact`. */
  readonly load?: LoadRule;
  /** Set when the struct describes a scattered area. */
  readonly scattered?: LayoutScattered;
  readonly fields: readonly LayoutField[];
  /** The variable-length last field, if any (also present in `fields`). */
  readonly trailing: LayoutField | null;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** The load rule of `s` (absent: exact). */
export function loadRuleOf(s: LayoutStruct): LoadRule {
  return s.load ?? EXACT_LOAD;
}

export const EXACT_LOAD: LoadRule = { kind: "exact" };

/**
 * Smallest body of `s` its load rule accepts as a prefix (the struct's size for `exact`, the
 * smallest older size for `zero_extend`); a `compat` struct's size is accepted besides.
 */
export function minimumBody(s: LayoutStruct): number {
  const rule = loadRuleOf(s);
  return rule.kind === "zero_extend" && rule.from.length > 0 ? Math.min(...rule.from) : s.size;
}

export interface LayoutRecord {
  readonly name: string;
  readonly value: number;
  /** Body struct, or null for an empty body (e.g. END). */
  readonly body: string | null;
  /** True when the type value has the stream's optional bit set. */
  readonly optional: boolean;
  /** The character code the type was written as (`record fmt = "fmt "`), when it was. */
  readonly code?: string;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A documented range of type values (e.g. "future mandatory live update records"). */
export interface LayoutTypeRange {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** Inclusive ranges of integer values a rule accepts. */
export type LayoutValueSet = readonly { readonly lo: bigint; readonly hi: bigint }[];

/**
 * A field reached from a preamble struct or a record body: `fields` is the dotted path below the
 * root (`options.endianness`, `pfn_type.type`). `enumName` names the enum its values are written
 * in (JSON and schema names), `flag` the flag set member when the path ends at one (value 0 or 1).
 */
export interface LayoutValuePath {
  /** Preamble struct name, record name, or (inside `count`) the array element struct. */
  readonly root: string;
  readonly fields: readonly string[];
  /** Byte offset of the path's top-level field in its root struct. */
  readonly offset: number;
  readonly enumName: string | null;
  readonly flag: string | null;
}

/** `require PATH in VALUES [if PATH in VALUES]`: on a preamble struct or on every record of a type. */
export interface LayoutRequire {
  readonly scope: "preamble" | "record";
  readonly path: LayoutValuePath;
  readonly values: LayoutValueSet;
  readonly when: LayoutCondition | null;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A condition over a preamble field: the rule applies only when it holds. */
export interface LayoutCondition {
  readonly path: LayoutValuePath;
  readonly values: LayoutValueSet;
}

/** Record order rules: `first R`, `once R`, `order R before A, B`. */
export interface LayoutOrderRule {
  readonly kind: "first" | "once" | "before";
  readonly record: string;
  /** For `before`: the records that may only come after `record`. */
  readonly later: readonly string[];
  readonly when: LayoutCondition | null;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** `max length N [for R, …]`: the largest body a record (of the listed types, or any) may have. */
export interface LayoutMaxLength {
  readonly value: number;
  /** Empty: every record of the stream. */
  readonly records: readonly string[];
  readonly span: SourceSpan;
}

/** A size computed from decoded values. */
export type LayoutSizeExpr =
  | { readonly kind: "number"; readonly value: bigint }
  /** A body field of the record (`root` is the record) or a preamble struct field (`root` is the struct). */
  | { readonly kind: "path"; readonly scope: "body" | "preamble"; readonly path: LayoutValuePath }
  /** Elements of the body array `array` whose `element` path is (not, `negate`) in `values`. */
  | {
      readonly kind: "count";
      readonly array: string;
      readonly element: LayoutValuePath;
      readonly values: LayoutValueSet;
      readonly negate: boolean;
    }
  | {
      readonly kind: "binary";
      readonly op: "<<" | ">>" | "+" | "-" | "*" | "/" | "%";
      readonly left: LayoutSizeExpr;
      readonly right: LayoutSizeExpr;
    };

/** `payload NAME of RECORD = SIZE`: octets after the body's fields, inside the record's length. */
export interface LayoutPayload {
  readonly name: string;
  readonly record: string;
  readonly size: LayoutSizeExpr;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** `after RECORD stream S [until R, …]`: a whole stream `S` follows each such record in line. */
export interface LayoutInlineStream {
  readonly record: string;
  readonly stream: string;
  /** Records of `S` that also end it when it is in line (besides its end record). */
  readonly until: readonly string[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** `entry KIND (FIELD, …)`: a file may be this stream; it is told by these constant fields. */
export interface LayoutEntry {
  /** What `lu dump` calls such a file (`libxc`, `riff`). */
  readonly kind: string;
  /** Constant (`= value`) fields of the first preamble struct that identify the file. */
  readonly magic: readonly string[];
  /**
   * `entry KIND in memory via STRUCT as LABEL`: the stream is not a file but lies in a
   * machine-memory image, reached through `STRUCT` (the live update breadcrumb, read by the
   * runtime); `lu dump --image` shows that struct as `LABEL`. Absent for a file entry.
   */
  readonly memory?: { readonly via: string; readonly label: string };
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export interface LayoutStream {
  readonly name: string;
  /** Structs that come once before the records (e.g. libxc image header, domain header). */
  readonly preamble: readonly string[];
  /** The record header struct. */
  readonly header: string;
  readonly typeField: string;
  readonly lengthField: string;
  /** Records are padded with zeros to this many octets (1 = no padding). */
  readonly align: number;
  /** Type values with this bit set are optional (unknown ones are skipped); null = all mandatory. */
  readonly optionalBit: number | null;
  /** Name of the record that ends the stream; null when it ends where its input ends (`end of input`). */
  readonly end: string | null;
  /** How `lu dump` names each preamble struct (`preamble S as NAME`; default the struct name). */
  readonly preambleLabels: readonly string[];
  readonly entry: LayoutEntry | null;
  readonly requires: readonly LayoutRequire[];
  readonly order: readonly LayoutOrderRule[];
  readonly maxLength: readonly LayoutMaxLength[];
  readonly payloads: readonly LayoutPayload[];
  readonly inline: readonly LayoutInlineStream[];
  readonly records: readonly LayoutRecord[];
  readonly ranges: readonly LayoutTypeRange[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/**
 * What the value of a device-tree property is (its octets, as the format using the tree writes
 * them): a NUL-terminated string, one integer (`u64`, `u32be`; with `pointer`, a physical address
 * as in a struct field), integers filling the value (`u32be[..]` cells, or exactly `count` of them),
 * or raw octets.
 */
export type LayoutPropertyType =
  | { readonly kind: "string" }
  | { readonly kind: "int"; readonly prim: IntName; readonly endian: Endian; readonly pointer?: LayoutPointer }
  | { readonly kind: "cells"; readonly prim: IntName; readonly endian: Endian; readonly count: number | null }
  | { readonly kind: "bytes" };

/** A property of a node declaration: `@"key" name: type [optional];`. */
export interface LayoutNodeProperty {
  readonly name: string;
  /** The property's name in the tree. */
  readonly key: string;
  readonly type: LayoutPropertyType;
  readonly optional: boolean;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A child of a node declaration: `@"key" name: node [optional];`, or `@* name: node;` (key null). */
export interface LayoutNodeChild {
  readonly name: string;
  /** The child's node name; null for every child no other member names. */
  readonly key: string | null;
  readonly node: string;
  readonly optional: boolean;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A device-tree node (`node NAME ["name"] { compatible …; @"key" … }`). */
export interface LayoutNode {
  readonly name: string;
  /** The node's name in the tree when the declaration fixes it ("/" for a root), else null. */
  readonly nodeName: string | null;
  /** The node's `compatible` must be one of these (empty: not checked). */
  readonly compatible: readonly string[];
  readonly properties: readonly LayoutNodeProperty[];
  readonly children: readonly LayoutNodeChild[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** One checked schema file. Declarations imported from other files are not repeated here. */
export interface LayoutSchema {
  /** The schema path as given to the compiler, e.g. `schema/live-update.lu`. */
  readonly file: string;
  /** Schema files this one imports (as resolved paths, same form as `file`). */
  readonly imports: readonly string[];
  readonly endian: Endian;
  readonly consts: readonly LayoutConst[];
  readonly strings: readonly LayoutStringConst[];
  readonly enums: readonly LayoutEnum[];
  readonly flags: readonly LayoutFlags[];
  readonly structs: readonly LayoutStruct[];
  readonly streams: readonly LayoutStream[];
  readonly nodes: readonly LayoutNode[];
  readonly doc: string | null;
}

/**
 * A checked set of schema files (a file plus everything it imports). Declaration names are unique
 * across the whole program; `declaredIn` maps a declaration name to the `file` that declares it.
 */
export interface LayoutProgram {
  readonly schemas: readonly LayoutSchema[];
  readonly declaredIn: ReadonlyMap<string, string>;
}
