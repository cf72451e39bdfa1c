/**
 * The syntax tree of one `.lu` file, as `toAst` builds it from an ohm match. Plain readonly data:
 * nothing is resolved here (names are strings, offsets are unevaluated expressions). Every node
 * carries the span of the text it came from. The checker reads it and never changes it.
 */
import type { SourceSpan } from "./ir.js";

export type { SourceSpan };

export interface AstName {
  readonly text: string;
  readonly span: SourceSpan;
}

export type AstExpr =
  | { readonly kind: "number"; readonly value: bigint; readonly span: SourceSpan }
  | { readonly kind: "name"; readonly name: string; readonly span: SourceSpan }
  | {
      readonly kind: "unary";
      readonly op: "-" | "~";
      readonly operand: AstExpr;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "binary";
      readonly op: AstBinaryOp;
      readonly left: AstExpr;
      readonly right: AstExpr;
      readonly span: SourceSpan;
    };

export type AstBinaryOp = "|" | "^" | "&" | "<<" | ">>" | "+" | "-" | "*" | "/" | "%";

export interface AstImport {
  /** The path as written, relative to the importing file. */
  readonly path: string;
  readonly span: SourceSpan;
}

/** A string literal as written (escapes resolved). */
export interface AstString {
  readonly kind: "string";
  readonly value: string;
  readonly span: SourceSpan;
}

export interface AstConst {
  readonly kind: "const";
  readonly name: AstName;
  /** An integer expression, or the text of a string constant. */
  readonly value: AstExpr | AstString;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export interface AstMember {
  readonly name: AstName;
  readonly value: AstExpr;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export interface AstEnum {
  readonly kind: "enum" | "flags";
  readonly name: AstName;
  /** Base type name as written, e.g. `u32` or `u16be`. */
  readonly base: AstName;
  readonly members: readonly AstMember[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export interface AstBitRange {
  readonly name: AstName;
  readonly lo: AstExpr;
  readonly hi: AstExpr;
  readonly as: AstName | null;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A field type as written; `T[x]` keeps `x` unresolved (an earlier field or a constant expression). */
export type AstType =
  | { readonly kind: "named"; readonly name: AstName; readonly span: SourceSpan }
  | { readonly kind: "array"; readonly element: AstName; readonly count: AstExpr; readonly span: SourceSpan }
  | { readonly kind: "rest"; readonly element: AstName; readonly span: SourceSpan }
  | {
      readonly kind: "bits";
      readonly base: AstName;
      readonly ranges: readonly AstBitRange[];
      readonly span: SourceSpan;
    }
  | { readonly kind: "stream"; readonly stream: AstName; readonly span: SourceSpan }
  /** `u64 -> target`: an integer holding a physical address (0 = none) of `target`. */
  | { readonly kind: "pointer"; readonly base: AstName; readonly target: AstPointerTarget; readonly span: SourceSpan }
  /** `D of T[count]`: a struct `D` that describes a scattered area, and the `T[count]` the area holds. */
  | {
      readonly kind: "area";
      readonly descriptor: AstName;
      readonly element: AstName;
      readonly count: AstExpr;
      readonly span: SourceSpan;
    }
  /** `u64[N] -> target`: N integers, each a physical address (0 = none) of `target`. */
  | {
      readonly kind: "pointerArray";
      readonly base: AstName;
      readonly count: AstExpr;
      readonly target: AstPointerTarget;
      readonly span: SourceSpan;
    };

/** What a pointer field points at, as written. */
export type AstPointerTarget =
  /** A struct name, or `page` (one page of raw octets). */
  | { readonly kind: "named"; readonly name: AstName; readonly span: SourceSpan }
  /** `chain H(next, count) of E limit N`: a linked list of pages, each starting with header H. */
  | {
      readonly kind: "chain";
      readonly header: AstName;
      readonly next: AstName;
      readonly count: AstName | null;
      readonly entry: AstName;
      readonly limit: AstExpr | null;
      readonly span: SourceSpan;
    }
  /** `match field { "string": T, … }`: the pointee's type is chosen by a NUL-padded text field. */
  | {
      readonly kind: "match";
      readonly field: AstName;
      readonly arms: readonly AstPointerArm[];
      readonly span: SourceSpan;
    };

export interface AstPointerArm {
  readonly compatible: string;
  readonly target: AstName;
  readonly span: SourceSpan;
}

export type AstFieldValue =
  | { readonly kind: "expr"; readonly expr: AstExpr; readonly span: SourceSpan }
  | { readonly kind: "string"; readonly value: string; readonly span: SourceSpan }
  /** `= length of rest` / `= length of input` (LayoutField.lengthOf). */
  | { readonly kind: "length"; readonly of: "rest" | "input"; readonly span: SourceSpan };

export interface AstField {
  readonly offset: AstExpr;
  readonly name: AstName;
  readonly type: AstType;
  readonly value: AstFieldValue | null;
  readonly reserved: boolean;
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export type AstStructAttr =
  | { readonly kind: "size"; readonly value: AstExpr; readonly span: SourceSpan }
  | { readonly kind: "align"; readonly value: AstExpr; readonly span: SourceSpan }
  | { readonly kind: "endian"; readonly endian: "little" | "big"; readonly span: SourceSpan }
  | { readonly kind: "abi"; readonly abi: "frozen" | "append" | "free"; readonly span: SourceSpan }
  | { readonly kind: "load"; readonly rule: AstLoadRule; readonly span: SourceSpan }
  /** `scattered(pieces, order, pages)`: the struct describes a scattered area (see LayoutScattered). */
  | {
      readonly kind: "scattered";
      readonly pieces: AstName;
      readonly order: AstName;
      readonly pages: AstName;
      readonly span: SourceSpan;
    };

/** `load exact` or `load zero_extend from N, M [compat S]` (see LoadRule in ir.ts). */
export type AstLoadRule =
  | { readonly kind: "exact" }
  | { readonly kind: "zero_extend"; readonly from: readonly AstExpr[]; readonly compat: AstName | null };

export interface AstStruct {
  readonly kind: "struct";
  readonly name: AstName;
  readonly attrs: readonly AstStructAttr[];
  readonly fields: readonly AstField[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export type AstStreamItem =
  | { readonly kind: "preamble"; readonly structs: readonly AstName[]; readonly span: SourceSpan }
  | {
      readonly kind: "header";
      readonly struct: AstName;
      readonly typeField: AstName;
      readonly lengthField: AstName;
      readonly span: SourceSpan;
    }
  | { readonly kind: "align"; readonly value: AstExpr; readonly span: SourceSpan }
  | { readonly kind: "optional"; readonly bit: AstExpr; readonly span: SourceSpan }
  | { readonly kind: "end"; readonly record: AstName; readonly span: SourceSpan }
  | {
      readonly kind: "range";
      readonly name: AstName;
      readonly lo: AstExpr;
      readonly hi: AstExpr;
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "record";
      readonly name: AstName;
      readonly value: AstExpr;
      readonly body: AstName | null;
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | AstStreamRuleItem;

/** A value set of a rule: single values and inclusive ranges (constants or enum members by name). */
export type AstValueItem =
  | { readonly kind: "single"; readonly value: AstExpr; readonly span: SourceSpan }
  | { readonly kind: "range"; readonly lo: AstExpr; readonly hi: AstExpr; readonly span: SourceSpan };

/** `if PATH in VALUES` on a stream rule. */
export interface AstRuleIf {
  readonly path: readonly AstName[];
  readonly values: readonly AstValueItem[];
  readonly span: SourceSpan;
}

/** A size computed from decoded fields (a record's payload length). */
export type AstSizeExpr =
  | { readonly kind: "number"; readonly value: bigint; readonly span: SourceSpan }
  | { readonly kind: "path"; readonly path: readonly AstName[]; readonly span: SourceSpan }
  | {
      readonly kind: "count";
      readonly array: readonly AstName[];
      readonly element: readonly AstName[];
      readonly negate: boolean;
      readonly values: readonly AstValueItem[];
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "binary";
      readonly op: "<<" | ">>" | "+" | "-" | "*" | "/" | "%";
      readonly left: AstSizeExpr;
      readonly right: AstSizeExpr;
      readonly span: SourceSpan;
    };

/** Stream items of the file/rule constructs (docs/language.md "Files and stream rules"). */
export type AstStreamRuleItem =
  | {
      readonly kind: "recordCode";
      readonly name: AstName;
      readonly code: string;
      readonly codeSpan: SourceSpan;
      readonly body: AstName | null;
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "entry";
      readonly label: AstName;
      readonly magic: readonly AstName[];
      /** `entry KIND in memory via STRUCT as LABEL`: found in a machine-memory image through `via`. */
      readonly memory: { readonly via: AstName; readonly label: AstName } | null;
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "preambleAs";
      readonly structs: readonly AstName[];
      readonly labels: readonly (AstName | null)[];
      readonly span: SourceSpan;
    }
  | { readonly kind: "endOfInput"; readonly span: SourceSpan }
  | {
      readonly kind: "require";
      readonly path: readonly AstName[];
      readonly values: readonly AstValueItem[];
      readonly when: AstRuleIf | null;
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | { readonly kind: "first"; readonly record: AstName; readonly doc: string | null; readonly span: SourceSpan }
  | { readonly kind: "once"; readonly record: AstName; readonly doc: string | null; readonly span: SourceSpan }
  | {
      readonly kind: "order";
      readonly record: AstName;
      readonly later: readonly AstName[];
      readonly when: AstRuleIf | null;
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "maxLength";
      readonly value: AstExpr;
      readonly records: readonly AstName[];
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "payload";
      readonly name: AstName;
      readonly record: AstName;
      readonly size: AstSizeExpr;
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  | {
      readonly kind: "inline";
      readonly record: AstName;
      readonly stream: AstName;
      readonly until: readonly AstName[];
      readonly doc: string | null;
      readonly span: SourceSpan;
    };

export interface AstStream {
  readonly kind: "stream";
  readonly name: AstName;
  readonly items: readonly AstStreamItem[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

/** A string where the language takes one: a literal or the name of a string constant. */
export type AstStringRef = AstString | { readonly kind: "name"; readonly name: AstName; readonly span: SourceSpan };

/** An item of a device-tree node declaration. */
export type AstNodeItem =
  | {
      readonly kind: "compatible";
      readonly values: readonly AstStringRef[];
      readonly doc: string | null;
      readonly span: SourceSpan;
    }
  /** `@"key" name: T [optional];`: a property or (T a node) a child; `key` null is `@*`. */
  | {
      readonly kind: "member";
      readonly key: AstStringRef | null;
      readonly name: AstName;
      readonly type: AstType;
      readonly optional: boolean;
      readonly doc: string | null;
      readonly span: SourceSpan;
    };

/** `node NAME ["node-name"] { … }`: a device-tree node (docs/language.md "Device-tree nodes"). */
export interface AstNode {
  readonly kind: "node";
  readonly name: AstName;
  /** The node's name in the tree, when the declaration fixes it. */
  readonly nodeName: AstStringRef | null;
  readonly items: readonly AstNodeItem[];
  readonly doc: string | null;
  readonly span: SourceSpan;
}

export type AstDecl = AstConst | AstEnum | AstStruct | AstStream | AstNode;

export interface AstFile {
  readonly file: string;
  readonly doc: string | null;
  /** Endianness directives in order (more than one is reported by the checker). */
  readonly endian: readonly { readonly endian: "little" | "big"; readonly span: SourceSpan }[];
  readonly imports: readonly AstImport[];
  readonly decls: readonly AstDecl[];
}
