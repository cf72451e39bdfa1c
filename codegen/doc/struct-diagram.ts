/**
 * A struct's octet diagram, built from the checked layout IR: one box per field (adjacent
 * reserved fields merge into one `(reserved)` box, padding into `(padding)`), byte arrays split per
 * row as `name[0-7]`, wide arrays one box per element, long runs of rows of one field shortened to
 * first row, `...`, last row; a counted or open-ended array as its first and last element
 * (`pfn[0]` … `pfn[C-1]`), a blob or nested stream tail as `name...` with an open `...`.
 */
import type { DiagramCell, DiagramLine } from "./diagram.js";
import { ROW_OCTETS, innerWidth } from "./diagram.js";
import type { LayoutField, LayoutStruct } from "../ir.js";

/** Looks up a struct of the program by name (element types of arrays). */
export type StructLookup = (name: string) => LayoutStruct | undefined;

export interface StructDiagram {
  readonly lines: readonly DiagramLine[];
  /** Field name → the short name its box shows when the full name does not fit. */
  readonly abbreviations: ReadonlyMap<string, string>;
  /** Count field name → the letter the diagram uses for its value (`count (C)`, `pfn[C-1]`). */
  readonly countLetters: ReadonlyMap<string, string>;
}

/** A byte range of the struct with what its box says. */
interface Item {
  readonly offset: number;
  readonly size: number;
  readonly label: string;
  readonly field: string | null;
  /** Elements of this many octets are grouped per row as `name[a-b]` (byte arrays, text). */
  readonly groupStride: number | null;
  /** Suffix kept when the label is abbreviated (`[0]`, ` (C)`, `...`). */
  readonly suffix: string;
}

interface Cell extends DiagramCell {
  readonly suffix: string;
}

const RUN_TO_SHORTEN = 4;

/** Octets of one element of an array field's type. */
function stride(field: LayoutField): number {
  const t = field.type;
  if (t.kind === "array") return t.stride;
  return 1;
}

function isBlob(field: LayoutField): boolean {
  return field.type.kind === "bytes" || field.type.kind === "ascii";
}

/** Letters for the count fields of the trailing array: first letter of the name, upper case. */
function countLetters(struct: LayoutStruct): Map<string, string> {
  const letters = new Map<string, string>();
  const t = struct.trailing?.type;
  const count = t?.kind === "array" || t?.kind === "bytes" ? t.count : null;
  if (count?.kind === "field") letters.set(count.field, count.field.charAt(0).toUpperCase());
  return letters;
}

function fixedItems(struct: LayoutStruct, letters: ReadonlyMap<string, string>): Item[] {
  const items: Item[] = [];
  const fixed = struct.fields.filter((f) => f !== struct.trailing);
  for (const f of fixed) {
    const prev = items[items.length - 1];
    const merge = (label: string): boolean =>
      prev !== undefined && prev.label === label && prev.offset + prev.size === f.offset;
    if (f.type.kind === "pad" || (f.reserved && f.constValue === null)) {
      const label = f.type.kind === "pad" ? "(padding)" : "(reserved)";
      if (merge(label) && prev !== undefined) {
        items[items.length - 1] = { ...prev, size: prev.size + f.size, field: `${prev.field ?? ""}, ${f.name}` };
      } else {
        items.push({ offset: f.offset, size: f.size, label, field: f.name, groupStride: null, suffix: "" });
      }
      continue;
    }
    const letter = letters.get(f.name);
    if (letter !== undefined) {
      items.push({
        offset: f.offset,
        size: f.size,
        label: `${f.name} (${letter})`,
        field: f.name,
        groupStride: null,
        suffix: ` (${letter})`,
      });
      continue;
    }
    if (f.type.kind === "array" && f.type.count.kind === "fixed") {
      const s = f.type.stride;
      if (s < 4) {
        items.push({ offset: f.offset, size: f.size, label: f.name, field: f.name, groupStride: s, suffix: "" });
      } else {
        for (let i = 0; i < f.type.count.n; i++) {
          items.push({
            offset: f.offset + i * s,
            size: s,
            label: `${f.name}[${i}]`,
            field: f.name,
            groupStride: null,
            suffix: `[${i}]`,
          });
        }
      }
      continue;
    }
    const group = isBlob(f) ? 1 : null;
    items.push({ offset: f.offset, size: f.size, label: f.name, field: f.name, groupStride: group, suffix: "" });
  }
  return items;
}

/** Splits items into rows of 8 octets; gaps become empty boxes. */
function toRows(items: readonly Item[], from: number, to: number): Cell[][] {
  const rows: Cell[][] = [];
  const firstRow = Math.floor(from / ROW_OCTETS) * ROW_OCTETS;
  for (let rowStart = firstRow; rowStart < to; rowStart += ROW_OCTETS) {
    const rowEnd = Math.min(rowStart + ROW_OCTETS, to);
    const cells: Cell[] = [];
    let at = rowStart;
    for (const item of items) {
      const lo = Math.max(item.offset, rowStart);
      const hi = Math.min(item.offset + item.size, rowEnd);
      if (hi <= lo) continue;
      if (lo > at)
        cells.push({ start: at - rowStart, end: lo - rowStart, label: "", field: null, offset: at, suffix: "" });
      cells.push({
        start: lo - rowStart,
        end: hi - rowStart,
        ...pieceLabel(item, lo, hi),
        field: item.field,
        offset: lo,
      });
      at = hi;
    }
    if (at < rowEnd && cells.length > 0) {
      cells.push({ start: at - rowStart, end: rowEnd - rowStart, label: "", field: null, offset: at, suffix: "" });
    }
    if (cells.length > 0) rows.push(cells);
  }
  return rows;
}

function pieceLabel(item: Item, lo: number, hi: number): { label: string; suffix: string } {
  const whole = lo === item.offset && hi === item.offset + item.size;
  if (whole) return { label: item.label, suffix: item.suffix };
  if (item.groupStride !== null) {
    const a = (lo - item.offset) / item.groupStride;
    const b = Math.ceil((hi - item.offset) / item.groupStride) - 1;
    const range = a === b ? `[${a}]` : `[${Math.floor(a)}-${b}]`;
    return { label: `${item.label}${range}`, suffix: range };
  }
  if (lo === item.offset) return { label: item.label, suffix: item.suffix };
  return { label: `${item.label} (cont.)`, suffix: `${item.suffix} (cont.)` };
}

/** A field-wide run of at least four full rows keeps its first and last row around a `...`. */
function shorten(rows: readonly Cell[][]): DiagramLine[] {
  const lines: DiagramLine[] = [];
  const soleField = (row: readonly Cell[]): string | null => {
    const fields = new Set(row.map((c) => c.field));
    const full = row[0]?.start === 0 && row[row.length - 1]?.end === ROW_OCTETS;
    const only = fields.size === 1 ? (row[0]?.field ?? null) : null;
    return full ? only : null;
  };
  let i = 0;
  while (i < rows.length) {
    const row = rows[i];
    if (row === undefined) break;
    const field = soleField(row);
    let j = i + 1;
    if (field !== null) while (j < rows.length && soleField(rows[j] ?? []) === field) j++;
    const last = rows[j - 1];
    if (j - i >= RUN_TO_SHORTEN && last !== undefined) {
      lines.push({ kind: "row", cells: row }, { kind: "ellipsis", closed: true }, { kind: "row", cells: last });
    } else {
      for (let k = i; k < j; k++) lines.push({ kind: "row", cells: rows[k] ?? [] });
    }
    i = j;
  }
  return lines;
}

/** Items of one element of a trailing array, at `offset`, labelled for element `index`. */
function elementItems(field: LayoutField, offset: number, index: string, lookup: StructLookup): Item[] {
  const t = field.type;
  const size = stride(field);
  const name = `${field.name}[${index}]`;
  if (t.kind === "array" && t.element.kind === "struct") {
    const element = lookup(t.element.structName);
    const visible = element?.fields.filter((f) => f.type.kind !== "pad") ?? [];
    if (element !== undefined && visible.length > 1 && element.fields.length <= ROW_OCTETS) {
      return element.fields.map((f) => ({
        offset: offset + f.offset,
        size: f.size,
        label: f.type.kind === "pad" ? "(padding)" : `${name}.${f.name}`,
        field: field.name,
        groupStride: null,
        suffix: `[${index}].${f.name}`,
      }));
    }
  }
  return [{ offset, size, label: name, field: field.name, groupStride: null, suffix: `[${index}]` }];
}

function tailLines(
  struct: LayoutStruct,
  fixedRows: Cell[][],
  letters: ReadonlyMap<string, string>,
  lookup: StructLookup,
): DiagramLine[] {
  const tail = struct.trailing;
  const fixedLines = shorten(fixedRows);
  if (tail === null) return fixedLines;
  const t = tail.type;
  const inRow = tail.offset % ROW_OCTETS;
  // A tail that starts inside the last fixed row shares that row.
  const shared = inRow > 0 ? fixedLines.pop() : undefined;
  const sharedCells = shared?.kind === "row" ? shared.cells : [];
  const at = (cells: readonly DiagramCell[]): DiagramLine => ({ kind: "row", cells: [...sharedCells, ...cells] });
  if (t.kind === "array") {
    const count = t.count.kind === "field" ? (letters.get(t.count.field) ?? "N") : "N";
    const first = toRows(elementItems(tail, tail.offset, "0", lookup), tail.offset, tail.offset + t.stride);
    const last = toRows(elementItems(tail, tail.offset, `${count}-1`, lookup), tail.offset, tail.offset + t.stride);
    const drop = (rows: Cell[][]): Cell[][] =>
      rows.map((r, i) => (i === 0 && inRow > 0 ? r.filter((c) => c.start >= inRow) : r));
    const firstRows = drop(first);
    const lastRows = drop(last);
    const out: DiagramLine[] = [...fixedLines];
    firstRows.forEach((r, i) => out.push(i === 0 ? at(r) : { kind: "row", cells: r }));
    out.push({ kind: "ellipsis", closed: true });
    lastRows.forEach((r, i) =>
      out.push(
        i === 0 && inRow > 0
          ? { kind: "row", cells: [{ start: 0, end: inRow, label: "", field: null, offset: null }, ...r] }
          : { kind: "row", cells: r },
      ),
    );
    return out;
  }
  // Blob, text or nested stream: `name...` to the end of the row, then an open `...`.
  const cell: DiagramCell = {
    start: inRow,
    end: ROW_OCTETS,
    label: `${tail.name}...`,
    field: tail.name,
    offset: tail.offset,
  };
  return [...fixedLines, at([cell]), { kind: "ellipsis", closed: false }];
}

/** Initials of the words of a snake_case name (`guest_width` → `gw`), or the name cut to fit. */
function abbreviate(base: string, room: number): string {
  if (base.startsWith("(")) {
    // `(padding)` / `(reserved)`: `(pad)`, then `pad`.
    const word = base.slice(1, 4);
    return `(${word})`.length <= room ? `(${word})` : word.slice(0, Math.max(1, room));
  }
  const parts = base.split("_").filter((p) => p.length > 0);
  const initials = parts.map((p) => p.charAt(0)).join("");
  if (parts.length > 1 && initials.length <= room) return initials;
  return base.slice(0, Math.max(1, room));
}

/** Fits every label into its box, recording which field names were shortened. */
function fitLabels(lines: readonly DiagramLine[], abbreviations: Map<string, string>): DiagramLine[] {
  return lines.map((line) => {
    if (line.kind !== "row") return line;
    return {
      kind: "row",
      cells: line.cells.map((cell) => {
        const room = innerWidth(cell.start, cell.end) - 1;
        const suffix = "suffix" in cell && typeof cell.suffix === "string" ? cell.suffix : "";
        const plain: DiagramCell = {
          start: cell.start,
          end: cell.end,
          label: cell.label,
          field: cell.field,
          offset: cell.offset,
        };
        if (cell.label.length <= room) return plain;
        const base = cell.label.slice(0, cell.label.length - suffix.length);
        const keep = suffix.length < room ? suffix : "";
        const short = abbreviate(base, room - keep.length);
        if (cell.field !== null && !base.startsWith("(")) abbreviations.set(base, short);
        return { ...plain, label: `${short}${keep}` };
      }),
    };
  });
}

/** The diagram of `struct`. */
export function structDiagram(struct: LayoutStruct, lookup: StructLookup): StructDiagram {
  const letters = countLetters(struct);
  const items = fixedItems(struct, letters);
  const rows = toRows(items, 0, struct.size);
  const abbreviations = new Map<string, string>();
  const lines = fitLabels(tailLines(struct, rows, letters, lookup), abbreviations);
  return { lines, abbreviations, countLetters: letters };
}

/**
 * The framing of a record stream's records: header fields, `body...`, and with padding the last
 * body octets followed by `padding (0 to A-1 octets)`, as the specs draw the record layout.
 */
export function recordFramingDiagram(header: LayoutStruct, align: number, lookup: StructLookup): StructDiagram {
  const own = structDiagram(header, lookup);
  const lines: DiagramLine[] = [...own.lines];
  lines.push({
    kind: "row",
    cells: [{ start: 0, end: ROW_OCTETS, label: "body...", field: null, offset: header.size }],
  });
  lines.push({ kind: "ellipsis", closed: false });
  if (align > 1) {
    // An example last row: the body ends after two octets of it, the rest is padding.
    const padText = `padding (0 to ${align - 1} octets)`;
    lines.push({
      kind: "row",
      cells: [
        { start: 0, end: 2, label: "", field: null, offset: null },
        { start: 2, end: ROW_OCTETS, label: padText, field: null, offset: null },
      ],
    });
  }
  return { lines, abbreviations: own.abbreviations, countLetters: own.countLetters };
}
