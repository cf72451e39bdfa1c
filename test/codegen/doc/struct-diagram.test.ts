import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderDiagramText } from "../../../codegen/doc/diagram.js";
import { recordFramingDiagram, structDiagram } from "../../../codegen/doc/struct-diagram.js";
import { lookupIn, programOf, repoProgram } from "./compile-schemas.js";

/**
 * Each file of spec-diagrams/ is a diagram as a reference spec draws it, with `#` lines naming the
 * struct or stream it shows, the schema's field names the spec spells otherwise (`rename: ours
 * theirs`) and every place the fixture departs from the spec's text (its own typos), with why.
 */
const DIR = new URL("./spec-diagrams/", import.meta.url);
const fixtures = readdirSync(DIR)
  .filter((n) => n.endsWith(".txt"))
  .sort();

interface Fixture {
  readonly target: { kind: string; name: string };
  readonly renames: [string, string][];
  /** The spec splits rows 24|24 (its later diagrams) rather than 23|25. */
  readonly evenHalves: boolean;
  readonly diagram: string;
}

function parseFixture(text: string): Fixture {
  const lines = text.trimEnd().split("\n");
  const meta = lines.filter((l) => l.startsWith("#"));
  const target = meta.map((l) => /^# (struct|stream): (\w+)$/.exec(l)).find((m) => m !== null);
  if (target === undefined || target === null) throw new Error("fixture names no struct or stream");
  const renames = meta.flatMap((l) => {
    const m = /^# rename: (\S+) (\S+)$/.exec(l);
    return m === null ? [] : [[m[1] ?? "", m[2] ?? ""] as [string, string]];
  });
  const evenHalves = meta.includes("# halves: 24 24");
  return {
    target: { kind: target[1] ?? "", name: target[2] ?? "" },
    renames,
    evenHalves,
    diagram: lines.filter((l) => !l.startsWith("#")).join("\n"),
  };
}

/** Renames a field in a diagram, keeping every box edge where it was. */
function rename(diagram: string, ours: string, theirs: string): string {
  return diagram
    .split("\n")
    .map((line) =>
      line.replace(new RegExp(`\\| ${ours.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( *)`), (_m, pad: string) => {
        const width = ours.length + pad.length;
        return `| ${theirs.padEnd(width)}`;
      }),
    )
    .join("\n");
}

/** Moves an edge at the middle of the row (column 28) one column right, as the 24|24 diagrams draw it. */
function evenHalves(diagram: string): string {
  return diagram
    .split("\n")
    .map((line) => {
      const mid = line.charAt(28);
      if (line.length !== 55 || (mid !== "+" && mid !== "|")) return line;
      const fill = mid === "+" ? "-" : " ";
      if (line.charAt(53) !== fill) throw new Error(`cannot move the middle edge of: ${line}`);
      return `${line.slice(0, 28)}${fill}${line.slice(28, 53)}${line.slice(54)}`;
    })
    .join("\n");
}

describe("octet diagrams of the structs the reference specs draw", () => {
  const program = repoProgram();
  const lookup = lookupIn(program);
  it("has a fixture for each of breadcrumb, record header, LU_VERSION, LU_DOMAIN_INFO, image/domain header, PAGE_DATA", () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        "lu-breadcrumb.txt",
        "lu-record.txt",
        "lu-version.txt",
        "lu-domain-info.txt",
        "xc-image-header.txt",
        "xc-domain-header.txt",
        "xc-page-data.txt",
      ]),
    );
  });
  for (const name of fixtures) {
    it(`draws ${name} with the spec's boxes`, () => {
      const fixture = parseFixture(readFileSync(new URL(name, DIR), "utf8"));
      let ours: string;
      if (fixture.target.kind === "struct") {
        const s = lookup(fixture.target.name);
        if (s === undefined) throw new Error(`no struct ${fixture.target.name}`);
        ours = renderDiagramText(structDiagram(s, lookup));
      } else {
        const st = program.schemas.flatMap((s) => s.streams).find((s) => s.name === fixture.target.name);
        const header = st === undefined ? undefined : lookup(st.header);
        if (st === undefined || header === undefined) throw new Error(`no stream ${fixture.target.name}`);
        ours = renderDiagramText(recordFramingDiagram(header, st.align, lookup));
      }
      for (const [a, b] of fixture.renames) ours = rename(ours, a, b);
      if (fixture.evenHalves) ours = evenHalves(ours);
      expect(ours).toBe(fixture.diagram);
    });
  }
});

function diagramOf(source: string, struct: string): string {
  const program = programOf({ "t.lu": source });
  const lookup = lookupIn(program);
  const s = lookup(struct);
  if (s === undefined) throw new Error(`no ${struct}`);
  return renderDiagramText(structDiagram(s, lookup));
}

describe("structDiagram on other shapes", () => {
  it("abbreviates names wider than their box to initials and records them", () => {
    const program = programOf({ "t.lu": "struct s size 8 { @0 guest_width: u8; @1 pt_levels: u8; @2 _r: pad[6]; }" });
    const lookup = lookupIn(program);
    const s = lookup("s");
    if (s === undefined) throw new Error("no s");
    const d = structDiagram(s, lookup);
    expect(renderDiagramText(d).split("\n")[2]).toBe("    | gw  | pl  | (padding)                           |");
    expect([...d.abbreviations]).toEqual([
      ["guest_width", "gw"],
      ["pt_levels", "pl"],
    ]);
  });

  it("splits a scalar that crosses a row and draws a partial last row", () => {
    expect(diagramOf("struct s size 12 align 1 { @0 a: u32; @4 b: u64; }", "s")).toBe(
      [
        "     0     1     2     3     4     5     6     7 octet",
        "    +-----------------------+-------------------------+",
        "    | a                     | b                       |",
        "    +-----------------------+-------------------------+",
        "    | b (cont.)             |",
        "    +-----------------------+",
      ].join("\n"),
    );
  });

  it("shortens a long run of one field's rows to first row, ..., last row", () => {
    const text = diagramOf("struct s size 72 { @0 regs: u8[64]; @64 x: u64; }", "s");
    expect(text).toContain("| regs[0-7]");
    expect(text).toContain("    ...\n");
    expect(text).toContain("| regs[56-63]");
    expect(text).not.toContain("regs[8-15]");
    expect(text).toContain("| x ");
  });

  it("draws wide array elements one box each, and a blob tail with an open ...", () => {
    const text = diagramOf("struct s { @0 v: u32[2]; @8 data: u8[..]; }", "s");
    expect(text).toBe(
      [
        "     0     1     2     3     4     5     6     7 octet",
        "    +-----------------------+-------------------------+",
        "    | v[0]                  | v[1]                    |",
        "    +-----------------------+-------------------------+",
        "    | data...                                         |",
        "    ...",
        "    +-------------------------------------------------+",
      ].join("\n"),
    );
  });

  it("puts a tail that starts mid-row next to the last fixed field", () => {
    const text = diagramOf("struct s { @0 n: u32; @4 items: u32[n]; }", "s");
    expect(text.split("\n")).toEqual([
      "     0     1     2     3     4     5     6     7 octet",
      "    +-----------------------+-------------------------+",
      "    | n (N)                 | items[0]                |",
      "    +-----------------------+-------------------------+",
      "    ...",
      "    +-----------------------+-------------------------+",
      "    |                       | items[N-1]              |",
      "    +-----------------------+-------------------------+",
    ]);
  });

  it("draws an empty struct as a single border", () => {
    expect(diagramOf("struct e { }", "e").split("\n")[1]).toBe(
      "    +-------------------------------------------------+",
    );
  });
});
