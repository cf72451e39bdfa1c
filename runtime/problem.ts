/** One thing `validate()` found wrong with a struct's contents. Data, not an exception. */
export interface Problem {
  /** Machine-readable kind. */
  readonly kind:
    | "bad-constant"
    | "nonzero-padding"
    | "nonzero-reserved"
    | "unknown-enum"
    | "unknown-flags"
    | "bad-count"
    | "bad-length"
    | "length-mismatch";
  /** Dotted path of the field from the validated struct, e.g. `header.version`. */
  readonly field: string;
  /** Offset of the field in its source (absolute, when the struct was placed with `wrap`/`at`). */
  readonly offset: number;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
}
