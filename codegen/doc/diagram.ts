/**
 * The octet diagram model and its text rendering, in the box style of the Xen specs
 * (live-update-handover, libxc/libxl migration streams): an 8-octet ruler, one line of boxes per
 * 8 octets, `+---+` borders that show every box edge of the rows above and below them, and `...`
 * lines where a run of rows is left out or a variable-length part goes on. Pure data and strings.
 */

/** One box of a row: octets `start`..`end` (0..8) of the row, with the text it shows. */
export interface DiagramCell {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  /** The struct field the box belongs to (null for an empty box or record framing). */
  readonly field: string | null;
  /** Byte offset of the box inside the struct (for tooltips); null when it depends on a count. */
  readonly offset: number | null;
}

export type DiagramLine =
  | { readonly kind: "row"; readonly cells: readonly DiagramCell[] }
  /**
   * `...`: `closed` rows were left out between two rows with borders around the gap (pfn[0] …
   * pfn[C-1]); an open one continues the row above it (a tail such as `body...`) with no border.
   */
  | { readonly kind: "ellipsis"; readonly closed: boolean };

export interface Diagram {
  readonly lines: readonly DiagramLine[];
}

/** Octets per row. */
export const ROW_OCTETS = 8;

/**
 * Column of each octet boundary, relative to the left `+`: six characters per octet, the last
 * octet eight, so that a 4-octet box holds 23 characters and the second half of a row 25, as in
 * the specs (`+-----------------------+-------------------------+`).
 */
export const BOUNDARY_COLUMNS: readonly number[] = [0, 6, 12, 18, 24, 30, 36, 42, 50];

const INDENT = "    ";
export const RULER = "     0     1     2     3     4     5     6     7 octet";

function col(octet: number): number {
  const c = BOUNDARY_COLUMNS[octet];
  if (c === undefined) throw new RangeError(`octet boundary ${octet} outside a row`);
  return c;
}

/** Characters inside a box of `start`..`end` octets (between its two `|`). */
export function innerWidth(start: number, end: number): number {
  return col(end) - col(start) - 1;
}

function boundaries(cells: readonly DiagramCell[]): Set<number> {
  const set = new Set<number>();
  for (const c of cells) {
    set.add(c.start);
    set.add(c.end);
  }
  return set;
}

function borderLine(edges: ReadonlySet<number>): string {
  const last = Math.max(...edges);
  let line = "";
  for (let octet = 0; octet < last; octet++) {
    line += edges.has(octet) ? "+" : "-";
    line += "-".repeat(col(octet + 1) - col(octet) - 1);
  }
  return `${INDENT}${line}+`;
}

/** `label` padded to the box, one space before it; a label that does not fit is cut. */
function cellText(cell: DiagramCell): string {
  const width = innerWidth(cell.start, cell.end);
  const text = cell.label === "" ? "" : ` ${cell.label}`;
  return text.length > width ? text.slice(0, width) : text.padEnd(width);
}

function rowLine(cells: readonly DiagramCell[]): string {
  let line = "";
  for (const cell of cells) line += `|${cellText(cell)}`;
  return `${INDENT}${line}|`;
}

/**
 * The border above line `i`: edges of the row above and of the row itself; a row that an open
 * `...` continues also shows the edges of the row after the `...` (the specs draw the record body
 * row with the edge of the padding row under it).
 */
function edgesAbove(lines: readonly DiagramLine[], i: number): Set<number> {
  const edges = new Set<number>();
  const add = (line: DiagramLine | undefined): void => {
    if (line?.kind === "row") for (const e of boundaries(line.cells)) edges.add(e);
  };
  const prev = lines[i - 1];
  const cur = lines[i];
  if (prev !== undefined && !(prev.kind === "ellipsis" && prev.closed)) add(prev);
  add(cur);
  const next = lines[i + 1];
  if (cur?.kind === "row" && next?.kind === "ellipsis" && !next.closed) add(lines[i + 2]);
  return edges;
}

/** The diagram as the specs draw it: ruler, borders, boxes, `...`. */
export function renderDiagramText(diagram: Diagram): string {
  const out = [RULER];
  const { lines } = diagram;
  if (lines.length === 0) {
    out.push(borderLine(new Set([0, ROW_OCTETS])));
    return out.join("\n");
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined) continue;
    const prev = lines[i - 1];
    const continues = prev?.kind === "ellipsis" && !prev.closed;
    if (line.kind === "row") {
      if (!continues) out.push(borderLine(edgesAbove(lines, i)));
      out.push(rowLine(line.cells));
    } else {
      if (line.closed) out.push(borderLine(edgesAbove(lines, i)));
      out.push(`${INDENT}...`);
    }
  }
  // Bottom border: edges of the last row (through an open `...` that ends the diagram).
  let last: DiagramLine | undefined;
  for (let i = lines.length - 1; i >= 0 && last === undefined; i--) {
    const line = lines[i];
    if (line?.kind === "row") last = line;
  }
  if (last?.kind === "row") out.push(borderLine(boundaries(last.cells)));
  return out.join("\n");
}
