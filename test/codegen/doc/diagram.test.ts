import { describe, expect, it } from "vitest";
import { type DiagramCell, type DiagramLine, innerWidth, renderDiagramText } from "../../../codegen/doc/diagram.js";

const cell = (start: number, end: number, label: string): DiagramCell => ({
  start,
  end,
  label,
  field: label === "" ? null : label,
  offset: start,
});
const row = (...cells: DiagramCell[]): DiagramLine => ({ kind: "row", cells });

describe("renderDiagramText", () => {
  it("uses the specs' column widths: 5 inside a first-half octet, 11 for two, 23 and 25 for the halves", () => {
    expect(innerWidth(0, 1)).toBe(5);
    expect(innerWidth(4, 6)).toBe(11);
    expect(innerWidth(6, 8)).toBe(13);
    expect(innerWidth(0, 4)).toBe(23);
    expect(innerWidth(4, 8)).toBe(25);
    expect(innerWidth(0, 8)).toBe(49);
  });

  it("draws a border with the box edges of the rows above and below it", () => {
    const text = renderDiagramText({
      lines: [row(cell(0, 8, "a")), row(cell(0, 4, "b"), cell(4, 8, "c")), row(cell(0, 2, "d"), cell(2, 8, "e"))],
    });
    expect(text.split("\n").slice(1)).toEqual([
      "    +-------------------------------------------------+",
      "    | a                                               |",
      "    +-----------------------+-------------------------+",
      "    | b                     | c                       |",
      "    +-----------+-----------+-------------------------+",
      "    | d         | e                                   |",
      "    +-----------+-------------------------------------+",
    ]);
  });

  it("puts borders around a closed ... and none before or after an open one", () => {
    const closed = renderDiagramText({
      lines: [row(cell(0, 8, "x[0]")), { kind: "ellipsis", closed: true }, row(cell(0, 8, "x[N-1]"))],
    });
    expect(closed.split("\n").slice(2, 7)).toEqual([
      "    | x[0]                                            |",
      "    +-------------------------------------------------+",
      "    ...",
      "    +-------------------------------------------------+",
      "    | x[N-1]                                          |",
    ]);
    const open = renderDiagramText({ lines: [row(cell(0, 8, "blob...")), { kind: "ellipsis", closed: false }] });
    expect(open.split("\n").slice(2)).toEqual([
      "    | blob...                                         |",
      "    ...",
      "    +-------------------------------------------------+",
    ]);
  });

  it("cuts a label that cannot fit rather than breaking the box", () => {
    const text = renderDiagramText({ lines: [row(cell(0, 1, "toolong"), cell(1, 8, ""))] });
    expect(text.split("\n")[2]).toBe("    | tool|                                           |");
  });
});
