/**
 * Schema diagnostics: the data type, the one catalogue of constructors (every code of
 * docs/language.md lives here and nowhere else), and the renderer
 * (`file:line:col: error LU3001: message`, an excerpt with a caret, notes, help).
 */
import type { SourceSpan } from "./ir.js";
import { LineIndex } from "./parse/line-index.js";

export type Severity = "error" | "warning";

export interface DiagnosticNote {
  readonly message: string;
  readonly span: SourceSpan | null;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: SourceSpan;
  readonly notes: readonly DiagnosticNote[];
  readonly help: string | null;
}

/** Every code the compiler can emit (docs/language.md, "Diagnostic codes"). */
export const DIAGNOSTIC_CODES = [
  "LU1001",
  "LU2001",
  "LU2002",
  "LU2003",
  "LU2004",
  "LU2005",
  "LU2006",
  "LU2007",
  "LU2008",
  "LU2009",
  "LU2010",
  "LU2011",
  "LU3001",
  "LU3002",
  "LU3003",
  "LU3004",
  "LU3005",
  "LU3006",
  "LU3007",
  "LU3008",
  "LU3009",
  "LU3010",
  "LU3011",
  "LU3012",
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

interface Extra {
  readonly notes?: readonly DiagnosticNote[];
  readonly help?: string;
}

function make(
  code: DiagnosticCode,
  severity: Severity,
  span: SourceSpan,
  message: string,
  extra: Extra = {},
): Diagnostic {
  return { code, severity, message, span, notes: extra.notes ?? [], help: extra.help ?? null };
}

function note(message: string, span: SourceSpan | null = null): DiagnosticNote {
  return { message, span };
}

/** Renders a byte range the way messages show it: `bytes 4..8` (end exclusive). */
export function bytes(start: number, end: number): string {
  return `bytes ${start}..${end}`;
}

/** The catalogue: one constructor per kind of diagnostic. */
export const diag = {
  syntax: (span: SourceSpan, expected: string) => make("LU1001", "error", span, `syntax error: ${expected}`),
  tooDeep: (span: SourceSpan) => make("LU1001", "error", span, "syntax error: the file is nested too deeply to parse"),
  nestingLimit: (span: SourceSpan, what: string, limit: number, option: string) =>
    make("LU1001", "error", span, `syntax error: expression nested too deeply: more than ${limit} ${what}`, {
      help: `simplify the expression, e.g. with intermediate constants (the limit is the parser's ${option})`,
    }),

  unknownName: (span: SourceSpan, what: string, name: string, help?: string) =>
    make("LU2001", "error", span, `unknown ${what} '${name}'`, help === undefined ? {} : { help }),
  duplicateName: (span: SourceSpan, what: string, name: string, first: SourceSpan) =>
    make("LU2002", "error", span, `duplicate ${what} '${name}'`, {
      notes: [note(`'${name}' is first declared here`, first)],
    }),
  duplicateDirective: (span: SourceSpan, directive: string, first: SourceSpan) =>
    make("LU2002", "error", span, `duplicate '${directive}' directive`, {
      notes: [note("first given here", first)],
    }),
  outOfRange: (span: SourceSpan, what: string, value: bigint, type: string, min: bigint, max: bigint) =>
    make("LU2003", "error", span, `${what} ${value} is out of range of ${type} (${min}..${max})`),
  outOfBounds: (span: SourceSpan, what: string, value: bigint, min: bigint, max: bigint) =>
    make("LU2003", "error", span, `${what} ${value} is out of range (${min}..${max})`),
  invalidValue: (span: SourceSpan, message: string) => make("LU2003", "error", span, message),
  duplicateValue: (
    span: SourceSpan,
    kind: "enum" | "flags",
    member: string,
    other: string,
    value: bigint,
    first: SourceSpan,
  ) =>
    make(
      "LU2004",
      "error",
      span,
      `${kind === "enum" ? "member" : "flag"} '${member}' has the same value as '${other}' (${hex(value)})`,
      {
        notes: [note(`'${other}' is declared here`, first)],
      },
    ),
  duplicateRecordValue: (span: SourceSpan, record: string, other: string, value: bigint, first: SourceSpan) =>
    make("LU2005", "error", span, `record '${record}' has the same type value as '${other}' (${hex(value)})`, {
      notes: [note(`'${other}' is declared here`, first)],
    }),
  wrongKind: (span: SourceSpan, name: string, actual: string, expected: string) =>
    make("LU2006", "error", span, `'${name}' is ${actual}, not ${expected}`),
  missingLength: (span: SourceSpan, name: string) =>
    make("LU2006", "error", span, `'${name}' needs a length, e.g. '${name}[4]'`),
  notAnInteger: (span: SourceSpan, what: string, type: string) =>
    make("LU2006", "error", span, `${what} must be an integer type, not '${type}'`),
  recursiveStruct: (span: SourceSpan, name: string, path: readonly string[]) =>
    make("LU2007", "error", span, `struct '${name}' contains itself (${path.join(" -> ")})`, {
      help: "a struct cannot be laid out inside itself; refer to it by offset or index instead",
    }),
  importCycle: (span: SourceSpan, path: readonly string[]) =>
    make("LU2008", "error", span, `import cycle: ${path.map((p) => `'${p}'`).join(" -> ")}`),
  importNotFound: (span: SourceSpan, written: string, resolved: string) =>
    make("LU2009", "error", span, `cannot find imported file '${written}' (looked for '${resolved}')`),
  fileNotFound: (file: string) =>
    make("LU2009", "error", { file, start: 0, end: 0, line: 1, col: 1 }, `cannot read schema file '${file}'`),
  constExpr: (span: SourceSpan, message: string) => make("LU2010", "error", span, message),
  constCycle: (span: SourceSpan, path: readonly string[]) =>
    make("LU2010", "error", span, `constant '${path[0] ?? ""}' depends on itself (${path.join(" -> ")})`),
  invalidStream: (span: SourceSpan, message: string, help?: string) =>
    make("LU2011", "error", span, message, help === undefined ? {} : { help }),

  overlap: (
    span: SourceSpan,
    field: string,
    other: string,
    start: number,
    end: number,
    otherSpan: SourceSpan,
    extra: readonly DiagnosticNote[] = [],
  ) =>
    make("LU3001", "error", span, `field '${field}' overlaps '${other}' (${bytes(start, end)})`, {
      notes: [note(`'${other}' is declared here`, otherSpan), ...extra],
    }),
  gap: (span: SourceSpan, message: string, start: number, end: number, padName = `_pad${start}`) =>
    make("LU3002", "error", span, `${message} (${bytes(start, end)})`, {
      help: `declare the gap, e.g. '@${start} ${padName}: pad[${end - start}];'`,
    }),
  beyondSize: (span: SourceSpan, field: string, end: number, size: number, extra: readonly DiagnosticNote[] = []) =>
    make("LU3003", "error", span, `field '${field}' ends at byte ${end}, beyond the declared size ${size}`, {
      notes: extra,
    }),
  sizeMismatch: (span: SourceSpan, struct: string, declared: number, actual: number, padName = `_pad${actual}`) =>
    make("LU3004", "error", span, `struct '${struct}' declares size ${declared} but its fields end at byte ${actual}`, {
      help:
        declared > actual
          ? `declare the tail, e.g. '@${actual} ${padName}: pad[${declared - actual}];'`
          : `change the size to ${actual}`,
    }),
  varLength: (span: SourceSpan, message: string, help?: string) =>
    make("LU3005", "error", span, message, help === undefined ? {} : { help }),
  misaligned: (span: SourceSpan, field: string, offset: number, align: number) =>
    make("LU3006", "warning", span, `field '${field}' at offset ${offset} is not aligned to ${align} bytes`, {
      help: "declare the struct 'align 1' if it is packed",
    }),
  badAlign: (span: SourceSpan, message: string) => make("LU3007", "error", span, message),
  bitRange: (span: SourceSpan, message: string, other?: SourceSpan) =>
    make(
      "LU3008",
      "error",
      span,
      message,
      other === undefined ? {} : { notes: [note("other range declared here", other)] },
    ),
  outOfOrder: (span: SourceSpan, field: string, offset: number, previous: string, previousOffset: number) =>
    make(
      "LU3009",
      "error",
      span,
      `field '${field}' at offset ${offset} comes after '${previous}' at offset ${previousOffset}`,
      {
        help: "list fields in increasing offset order",
      },
    ),
  constField: (span: SourceSpan, message: string) => make("LU3010", "error", span, message),
  loadRule: (span: SourceSpan, message: string, help?: string) =>
    make("LU3011", "error", span, message, help === undefined ? {} : { help }),
  lengthField: (span: SourceSpan, message: string, help?: string) =>
    make("LU3012", "error", span, message, help === undefined ? {} : { help }),
} as const;

export function hex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

function location(span: SourceSpan): string {
  return `${span.file}:${span.line}:${span.col}`;
}

/** The source line of `span` with a gutter, then a caret under its start and tildes over the rest. */
function excerpt(span: SourceSpan, text: string | undefined): string[] {
  if (text === undefined) return [];
  const lines = new LineIndex(span.file, text);
  const lineText = lines.lineText(span.line);
  const gutter = String(span.line);
  const blank = " ".repeat(gutter.length);
  const lineEnd = span.start - (span.col - 1) + lineText.length;
  const width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
  // Keep tabs in the lead-in so the caret lines up under tab-indented source.
  const lead = lineText.slice(0, span.col - 1).replace(/[^\t]/g, " ");
  return [` ${gutter} | ${lineText}`, ` ${blank} | ${lead}^${"~".repeat(width - 1)}`];
}

/**
 * Renders one diagnostic. `sourceOf` returns the text of a schema file (for the excerpt); without it,
 * only the header and the notes are printed.
 */
export function renderDiagnostic(d: Diagnostic, sourceOf: (file: string) => string | undefined): string {
  const out = [`${location(d.span)}: ${d.severity} ${d.code}: ${d.message}`, ...excerpt(d.span, sourceOf(d.span.file))];
  for (const n of d.notes) out.push(n.span === null ? `note: ${n.message}` : `note: ${location(n.span)}: ${n.message}`);
  if (d.help !== null) out.push(`help: ${d.help}`);
  return out.join("\n");
}

export function renderDiagnostics(
  diags: readonly Diagnostic[],
  sourceOf: (file: string) => string | undefined,
): string {
  return diags.map((d) => renderDiagnostic(d, sourceOf)).join("\n");
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}
