/**
 * `lu doc` on the constructs device-tree schemas use: string constants, node declarations (a
 * section each with a property table), arrays of pointers, scattered-area structs, area fields and
 * length fields, in both the Markdown and the HTML page.
 */
import { describe, expect, it } from "vitest";
import { htmlPages } from "../../../codegen/doc/html.js";
import { markdownPages } from "../../../codegen/doc/markdown.js";
import { programOf } from "./compile-schemas.js";

const SRC = `/// Compatible string of the root.
const ROOT_V1 = "demo-v1";
const MAP_KEY = "memory-map";
struct leaf size 8 align 8 {
  @0 bits: u64;
}
struct level size 16 align 8 {
  @0 table: u64[2] -> leaf;
}
struct hdr size 8 align 8 {
  @0 next: u64;
}
struct area size 16 align 8 scattered(first, order, total_pages) {
  @0  first:       u64 -> chain hdr(next) of u64;
  @8  total_pages: u32;
  @12 flags:       u16;
  @14 order:       u16;
}
struct item size 16 align 1 {
  @0 a: u64;
  @8 b: u64;
}
struct holder size 24 align 1 {
  @0 n:     u64;
  @8 items: area of item[n];
}
struct framed size 8 align 1 {
  @0 id:   ascii[4];
  @4 size: u32 = length of rest;
}
/// The root of a demo tree.
node demo_root "/" {
  compatible ROOT_V1, "demo-v2";
  /// The top level of the map.
  @MAP_KEY map: u64 -> level;
  @"extra" extra: demo_sub optional;
  @* subs: demo_sub;
}
node demo_sub {
  @"size" size: u64;
}
`;

const program = programOf({ "d.lu": SRC });
const md = markdownPages(program)[0]?.text ?? "";
const html = htmlPages(program)[0]?.text ?? "";

/** The Markdown section under `### name`, up to the next heading. */
function section(name: string): string {
  const at = md.indexOf(`\n### ${name}\n`);
  expect(at, name).toBeGreaterThan(0);
  const next = md.indexOf("\n#", at + 1);
  return md.slice(at, next === -1 ? undefined : next);
}

describe("lu doc, Markdown", () => {
  it("lists string constants with the integer constants", () => {
    expect(md).toContain('| `ROOT_V1` | `"demo-v1"` (string) | Compatible string of the root. |');
    expect(md).toContain('| `MAP_KEY` | `"memory-map"` (string) |  |');
  });

  it("gives each node a section: name in the tree, compatible strings, a property table with links", () => {
    expect(md).toContain("- Nodes: [demo_root](#demo_root), [demo_sub](#demo_sub)");
    const root = section("demo_root");
    expect(root).toContain("The root of a demo tree.");
    expect(root).toContain('Device-tree node: name `"/"`; its `compatible` is one of `"demo-v1"`, `"demo-v2"`.');
    expect(root).toContain("| Key | Member | Type | Optional | Description |");
    expect(root).toContain(
      '| `"memory-map"` | `map` | u64 -> [level](#level) | no | The top level of the map.<br>Physical address (0: none) of a [level](#level). |',
    );
    expect(root).toContain('| `"extra"` | `extra` | node [demo_sub](#demo_sub) | yes | A child node. |');
    expect(root).toContain(
      "| `*` | `subs` | node [demo_sub](#demo_sub) | no | Every child node no other member names. |",
    );
    expect(section("demo_sub")).toContain("its `compatible` is not checked");
  });

  it("says what a pointer array, a scattered struct, an area field and a length field are", () => {
    expect(section("level")).toContain(
      "| `table` | u64[2] -> leaf | LE | Each element is the physical address (0: none) of a [leaf](#leaf). |",
    );
    expect(section("area")).toContain(
      "Describes a scattered area: pieces of 2^`order` pages each, whose physical addresses `first` lists in order, `total_pages` pages in all",
    );
    expect(section("holder")).toContain(
      "| `items` | [area](#area) of item[n] | - | Describes a scattered area that holds `n` [item](#item) (16 octets each). |",
    );
    expect(section("framed")).toContain(
      "`= length of rest`: the octets from the end of this field to the end of its input.",
    );
  });
});

describe("lu doc, HTML", () => {
  it("renders string constants, node sections with linked types, and area fields", () => {
    expect(html).toContain('<td class="num"><code>&quot;demo-v1&quot;</code></td><td><code>ROOT_V1</code></td>');
    expect(html).toContain('<section class="node" id="demo_root">');
    expect(html).toContain('<h2>Nodes</h2><ul><li><a href="#demo_root">demo_root</a></li>');
    expect(html).toContain('<td>u64 -&gt; <a class="ref" href="#level">level</a></td><td>no</td>');
    expect(html).toContain('<td>node <a class="ref" href="#demo_sub">demo_sub</a></td><td>yes</td>');
    expect(html).toContain('<a class="ref" href="#area">area</a> of item[n]');
    expect(html).toContain('<p class="scattered">Describes a scattered area');
  });
});
