/**
 * The octet diagram as inline SVG: the same rows, boxes and `...` as the text form, drawn with an
 * 8-octet ruler; each box carries a `<title>` (the browser's hover tooltip) with what it holds.
 */
import type { Diagram, DiagramCell } from "./diagram.js";
import { ROW_OCTETS } from "./diagram.js";

const OCTET = 76;
const ROW = 30;
const GAP = 22;
const RULER = 20;
const LEFT = 2;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** `title(cell)` gives the tooltip of a box (offset, size, type of its field). */
export function renderDiagramSvg(diagram: Diagram, title: (cell: DiagramCell) => string, id: string): string {
  const parts: string[] = [];
  let y = RULER;
  for (let o = 0; o < ROW_OCTETS; o++) {
    parts.push(`<text class="ruler" x="${LEFT + o * OCTET + OCTET / 2}" y="14">${o}</text>`);
  }
  if (diagram.lines.length === 0) {
    parts.push(`<line class="edge" x1="${LEFT}" y1="${y}" x2="${LEFT + ROW_OCTETS * OCTET}" y2="${y}"/>`);
    y += 4;
  }
  for (const line of diagram.lines) {
    if (line.kind === "ellipsis") {
      parts.push(`<text class="more" x="${LEFT + 6}" y="${y + GAP / 2 + 5}">…</text>`);
      y += GAP;
      continue;
    }
    for (const cell of line.cells) {
      const x = LEFT + cell.start * OCTET;
      const w = (cell.end - cell.start) * OCTET;
      const cls = cell.field === null ? "box empty" : "box";
      const field = cell.field === null ? "" : ` data-field="${escapeXml(cell.field)}"`;
      parts.push(
        `<g class="${cls}"${field}><title>${escapeXml(title(cell))}</title>` +
          `<rect x="${x}" y="${y}" width="${w}" height="${ROW}"/>` +
          `<text x="${x + w / 2}" y="${y + ROW / 2 + 5}">${escapeXml(cell.label)}</text></g>`,
      );
    }
    y += ROW;
  }
  const width = LEFT * 2 + ROW_OCTETS * OCTET;
  const height = y + 2;
  return (
    `<svg class="octets" id="${escapeXml(id)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img">${parts.join("")}</svg>`
  );
}
