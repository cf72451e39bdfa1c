/**
 * The ABI evolution findings (LU4xxx): their type, the code catalogue, and every constructor.
 * A finding compares two schema versions, so it carries two places: `span` in the new schema and
 * `oldSpan` in the old one. When the thing exists on one side only (a removed field, a new record),
 * the other side points at the nearest enclosing declaration that exists there.
 */
import type { SourceSpan } from "../ir.js";

export type AbiSeverity = "breaking" | "allowed";

/** Every LU4xxx code with its severity and a one-line meaning (mirrored in docs/language.md). */
export const ABI_CODES = {
  LU4001: { severity: "breaking", meaning: "field moved (offset changed)" },
  LU4002: { severity: "breaking", meaning: "field resized" },
  LU4003: { severity: "breaking", meaning: "field retyped (kind, signedness, count or element changed)" },
  LU4004: { severity: "breaking", meaning: "fields re-ordered" },
  LU4005: { severity: "breaking", meaning: "field removed" },
  LU4006: { severity: "breaking", meaning: "endianness changed" },
  LU4007: { severity: "breaking", meaning: "struct shrunk" },
  LU4008: { severity: "breaking", meaning: "struct grown where its rule forbids it (frozen)" },
  LU4009: { severity: "breaking", meaning: "field inserted before the end of a struct" },
  LU4010: { severity: "breaking", meaning: "struct alignment changed" },
  LU4011: { severity: "breaking", meaning: "enum/flag member renumbered" },
  LU4012: { severity: "breaking", meaning: "enum/flag value reused for another name" },
  LU4013: { severity: "breaking", meaning: "enum/flag member removed" },
  LU4014: { severity: "breaking", meaning: "enum/flag base type changed" },
  LU4015: { severity: "breaking", meaning: "padding, reserved field or reserved bits given a meaning" },
  LU4016: { severity: "breaking", meaning: "bit range moved, resized or removed" },
  LU4017: { severity: "breaking", meaning: "record type value reused for another layout" },
  LU4018: { severity: "breaking", meaning: "record type removed" },
  LU4019: { severity: "breaking", meaning: "record type renumbered" },
  LU4020: { severity: "breaking", meaning: "record type moved between mandatory and optional" },
  LU4021: { severity: "breaking", meaning: "new record type outside the declared ranges of its class" },
  LU4022: { severity: "breaking", meaning: "constant field value changed (marker, id, version, reserved zero)" },
  LU4023: {
    severity: "breaking",
    meaning: "stream framing changed (header, type/length field, padding, optional bit, end, preamble)",
  },
  LU4024: { severity: "breaking", meaning: "checked declaration removed (stream, frozen/append struct, enum, flags)" },
  LU4025: { severity: "breaking", meaning: "load rule narrowed (a body size the old schema took is no longer taken)" },
  LU4026: { severity: "breaking", meaning: "file entry removed or changed (entry kind, magic fields)" },
  LU4027: { severity: "breaking", meaning: "value rule added or narrowed (require)" },
  LU4028: { severity: "breaking", meaning: "record order rule added or tightened (first, once, order before)" },
  LU4029: { severity: "breaking", meaning: "largest record body lowered (max length)" },
  LU4030: { severity: "breaking", meaning: "payload added, removed or sized differently" },
  LU4031: { severity: "breaking", meaning: "stream in line after a record added, removed or changed" },
  LU4032: { severity: "breaking", meaning: "length field added, removed or changed (= length of)" },
  LU4101: { severity: "allowed", meaning: "new record type" },
  LU4102: { severity: "allowed", meaning: "field appended to an append-only struct" },
  LU4103: { severity: "allowed", meaning: "new enum/flag member" },
  LU4104: { severity: "allowed", meaning: "new declaration" },
  LU4105: { severity: "allowed", meaning: "renamed, same layout" },
  LU4106: { severity: "allowed", meaning: "field reinterpreted, same bits (integer, enum, flags, bit ranges)" },
  LU4107: { severity: "allowed", meaning: "documentation changed" },
  LU4108: { severity: "allowed", meaning: "record type ranges changed" },
  LU4109: {
    severity: "allowed",
    meaning: "stream rule relaxed (require widened or dropped, order rule dropped, max length raised or dropped)",
  },
  LU4110: { severity: "allowed", meaning: "new file entry (a stream a file may now be)" },
} as const satisfies Record<string, { severity: AbiSeverity; meaning: string }>;

export type AbiCode = keyof typeof ABI_CODES;

export interface AbiFinding {
  readonly code: AbiCode;
  readonly severity: AbiSeverity;
  readonly message: string;
  /** Where the change is in the new schema (or the nearest enclosing declaration there). */
  readonly span: SourceSpan;
  /** The same place in the old schema (or the nearest enclosing declaration there). */
  readonly oldSpan: SourceSpan;
}

/** Old and new place of one change. */
export interface SpanPair {
  readonly old: SourceSpan;
  readonly new: SourceSpan;
}

function finding(code: AbiCode, message: string, at: SpanPair): AbiFinding {
  return { code, severity: ABI_CODES[code].severity, message, span: at.new, oldSpan: at.old };
}

const hex = (v: number | bigint): string => `0x${v.toString(16).toUpperCase().padStart(8, "0")}`;
const bytes = (n: number): string => `${n} byte${n === 1 ? "" : "s"}`;
const range = (offset: number, size: number): string => `bytes ${offset}..${offset + size}`;
/** `'new'` or `'new' (was 'old')` when the declaration was renamed. */
const named = (oldName: string, newName: string): string =>
  oldName === newName ? `'${newName}'` : `'${newName}' (was '${oldName}')`;

// ---- struct fields ----

export const fieldMoved = (s: string, f: string, from: number, to: number, at: SpanPair): AbiFinding =>
  finding("LU4001", `field '${f}' of struct '${s}' moved from offset ${from} to ${to}`, at);

export const fieldResized = (s: string, f: string, from: number, to: number, at: SpanPair): AbiFinding =>
  finding("LU4002", `field '${f}' of struct '${s}' resized from ${bytes(from)} to ${bytes(to)}`, at);

export const fieldRetyped = (s: string, f: string, from: string, to: string, at: SpanPair): AbiFinding =>
  finding("LU4003", `field '${f}' of struct '${s}' retyped from ${from} to ${to}`, at);

export const fieldsReordered = (s: string, first: string, second: string, at: SpanPair): AbiFinding =>
  finding("LU4004", `fields '${first}' and '${second}' of struct '${s}' changed order`, at);

export const fieldRemoved = (
  s: string,
  f: string,
  offset: number,
  size: number,
  how: string,
  at: SpanPair,
): AbiFinding => finding("LU4005", `field '${f}' (${range(offset, size)}) removed from struct '${s}'${how}`, at);

export const fieldEndianChanged = (s: string, f: string, from: string, to: string, at: SpanPair): AbiFinding =>
  finding("LU4006", `field '${f}' of struct '${s}' changed endianness from ${from} to ${to}`, at);

export const structShrunk = (s: string, from: number, to: number, at: SpanPair): AbiFinding =>
  finding("LU4007", `struct '${s}' shrunk from ${bytes(from)} to ${bytes(to)}`, at);

export const structGrownFrozen = (
  s: string,
  from: number,
  to: number,
  added: readonly string[],
  at: SpanPair,
): AbiFinding =>
  finding(
    "LU4008",
    `frozen struct '${s}' grew from ${bytes(from)} to ${bytes(to)}` +
      (added.length > 0 ? ` (added ${added.map((n) => `'${n}'`).join(", ")})` : "") +
      `; extend it through a new record type or a new struct`,
    at,
  );

export const loadNarrowed = (s: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4025", `struct '${s}' no longer takes ${what}: bodies written by the old version would be rejected`, at);

export const fieldInserted = (s: string, f: string, offset: number, oldSize: number, at: SpanPair): AbiFinding =>
  finding(
    "LU4009",
    `field '${f}' inserted at offset ${offset} inside struct '${s}' (old size ${bytes(oldSize)}); only appending is allowed`,
    at,
  );

export const structRealigned = (s: string, from: number, to: number, at: SpanPair): AbiFinding =>
  finding("LU4010", `struct '${s}' alignment changed from ${from} to ${to}`, at);

// ---- enums and flags ----

export const memberRenumbered = (
  kind: string,
  e: string,
  m: string,
  from: bigint,
  to: bigint,
  at: SpanPair,
): AbiFinding => finding("LU4011", `${kind} member '${e}.${m}' renumbered from ${hex(from)} to ${hex(to)}`, at);

export const memberValueReused = (
  kind: string,
  e: string,
  value: bigint,
  oldName: string,
  newName: string,
  at: SpanPair,
): AbiFinding => finding("LU4012", `${kind} '${e}' value ${hex(value)} reused: was '${oldName}', now '${newName}'`, at);

export const memberRemoved = (kind: string, e: string, m: string, value: bigint, at: SpanPair): AbiFinding =>
  finding("LU4013", `${kind} member '${e}.${m}' (${hex(value)}) removed`, at);

export const memberBaseChanged = (kind: string, e: string, from: string, to: string, at: SpanPair): AbiFinding =>
  finding("LU4014", `${kind} '${e}' base type changed from ${from} to ${to}`, at);

// ---- reserved space ----

export const reservedGivenMeaning = (s: string, f: string, offset: number, size: number, at: SpanPair): AbiFinding =>
  finding(
    "LU4015",
    `field '${f}' of struct '${s}' gives a meaning to ${range(offset, size)}, which were padding or reserved (required zero); use a new record type`,
    at,
  );

export const reservedBitsGivenMeaning = (
  s: string,
  f: string,
  r: string,
  lo: number,
  hi: number,
  at: SpanPair,
): AbiFinding =>
  finding("LU4015", `bit range '${f}.${r}' (bits ${lo}..${hi}) of struct '${s}' gives a meaning to reserved bits`, at);

export const bitRangeChanged = (s: string, f: string, r: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4016", `bit range '${f}.${r}' of struct '${s}' ${what}`, at);

// ---- record types ----

export const recordReused = (
  stream: string,
  rec: string,
  value: number,
  from: string,
  to: string,
  at: SpanPair,
): AbiFinding =>
  finding(
    "LU4017",
    `record type ${hex(value)} '${rec}' of stream '${stream}' reused for another layout ` +
      (from === to ? `(body ${to} changed)` : `(body ${from} → ${to})`) +
      `; use a new record type value`,
    at,
  );

export const recordRemoved = (stream: string, rec: string, value: number, at: SpanPair): AbiFinding =>
  finding("LU4018", `record type ${hex(value)} '${rec}' removed from stream '${stream}'`, at);

export const recordRenumbered = (stream: string, rec: string, from: number, to: number, at: SpanPair): AbiFinding =>
  finding("LU4019", `record type '${rec}' of stream '${stream}' renumbered from ${hex(from)} to ${hex(to)}`, at);

export const recordClassChanged = (stream: string, rec: string, wasOptional: boolean, at: SpanPair): AbiFinding =>
  finding(
    "LU4020",
    `record type '${rec}' of stream '${stream}' moved from ${wasOptional ? "optional" : "mandatory"} to ${wasOptional ? "mandatory" : "optional"}`,
    at,
  );

export const recordOutsideRanges = (
  stream: string,
  rec: string,
  value: number,
  optional: boolean,
  why: string,
  at: SpanPair,
): AbiFinding =>
  finding(
    "LU4021",
    `new ${optional ? "optional" : "mandatory"} record type ${hex(value)} '${rec}' of stream '${stream}' ${why}`,
    at,
  );

// ---- constants and framing ----

export const constChanged = (s: string, f: string, from: string, to: string, at: SpanPair): AbiFinding =>
  finding("LU4022", `constant field '${f}' of struct '${s}' changed value from ${from} to ${to}`, at);

export const framingChanged = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4023", `stream '${stream}' ${what}`, at);

// ---- stream rules (docs/language.md "Files and stream rules") ----

export const entryChanged = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4026", `stream '${stream}' ${what}: files the old version wrote may no longer be recognised`, at);

export const requireTightened = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4027", `stream '${stream}': ${what}; data the old version wrote may break it`, at);

export const orderTightened = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4028", `stream '${stream}': ${what}; streams the old version wrote may break it`, at);

export const maxLengthLowered = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4029", `stream '${stream}': ${what}`, at);

export const payloadChanged = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4030", `stream '${stream}': ${what}`, at);

export const inlineChanged = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4031", `stream '${stream}': ${what}`, at);

export const lengthFieldChanged = (s: string, f: string, from: string, to: string, at: SpanPair): AbiFinding =>
  finding("LU4032", `field '${f}' of struct '${s}' changed from ${from} to ${to}`, at);

export const ruleRelaxed = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4109", `stream '${stream}': ${what}`, at);

export const entryAdded = (stream: string, kind: string, at: SpanPair): AbiFinding =>
  finding("LU4110", `stream '${stream}' is now a file entry ('${kind}')`, at);

export const declarationRemoved = (kind: string, name: string, at: SpanPair): AbiFinding =>
  finding("LU4024", `${kind} '${name}' removed`, at);

// ---- allowed changes ----

export const recordAdded = (
  stream: string,
  rec: string,
  value: number,
  optional: boolean,
  rangeName: string | null,
  at: SpanPair,
): AbiFinding =>
  finding(
    "LU4101",
    `new ${optional ? "optional" : "mandatory"} record type ${hex(value)} '${rec}' in stream '${stream}'` +
      (rangeName === null ? "" : ` (range '${rangeName}')`),
    at,
  );

export const fieldAppended = (s: string, f: string, offset: number, size: number, at: SpanPair): AbiFinding =>
  finding("LU4102", `field '${f}' appended to struct '${s}' at offset ${offset} (${bytes(size)})`, at);

export const structGrownAppend = (s: string, from: number, to: number, at: SpanPair): AbiFinding =>
  finding("LU4102", `append-only struct '${s}' grew at its end from ${bytes(from)} to ${bytes(to)}`, at);

export const memberAdded = (kind: string, e: string, m: string, value: bigint, at: SpanPair): AbiFinding =>
  finding("LU4103", `new ${kind} member '${e}.${m}' = ${hex(value)}`, at);

export const declarationAdded = (kind: string, name: string, at: SpanPair): AbiFinding =>
  finding("LU4104", `new ${kind} '${name}'`, at);

export const renamed = (kind: string, oldName: string, newName: string, where: string, at: SpanPair): AbiFinding =>
  finding("LU4105", `${kind} ${named(oldName, newName)}${where} renamed, same layout`, at);

export const fieldReinterpreted = (s: string, f: string, from: string, to: string, at: SpanPair): AbiFinding =>
  finding("LU4106", `field '${f}' of struct '${s}' reinterpreted from ${from} to ${to} (same bits)`, at);

export const docChanged = (kind: string, name: string, at: SpanPair): AbiFinding =>
  finding("LU4107", `documentation of ${kind} '${name}' changed`, at);

export const rangesChanged = (stream: string, what: string, at: SpanPair): AbiFinding =>
  finding("LU4108", `record type ranges of stream '${stream}': ${what}`, at);
