import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatLu } from "../../../codegen/fmt/format.js";
import { renderFile } from "../../../codegen/fmt/render.js";
import { tokenTexts, tokenize } from "../../../codegen/fmt/tokens.js";
import { buildTree } from "../../../codegen/fmt/tree.js";
import { parseLu } from "../../../codegen/parse/parse.js";

const UGLY = `/// File doc.
endian   little ;
const A=(1<<3)|~ -2 ;  // trailing
enum e:u8{a=1,/// doc b
b = - 2 ,  // after b
}
struct s size A*2 align 8{ // hi
  @0 x:u32;@4 long_name :  e ; // c1
  @8 y : u64 bits { lo : 0..3 as e; high_bits: 4 .. 63; };


  // own line
  @16 z: u8[..];
}
stream st{header s(x,long_name);align 8;end E;record E=0;record F = 1:s;}
`;

const PRETTY = `/// File doc.
endian little;
const A = (1 << 3) | ~-2; // trailing
enum e : u8 {
  a = 1,
  /// doc b
  b = -2, // after b
}
struct s size A * 2 align 8 { // hi
  @0  x:         u32;
  @4  long_name: e; // c1
  @8  y:         u64 bits {
    lo:        0..3 as e;
    high_bits: 4..63;
  };

  // own line
  @16 z:         u8[..];
}
stream st {
  header s (x, long_name);
  align 8;
  end E;
  record E = 0;
  record F = 1 : s;
}
`;

function format(text: string): string {
  const r = formatLu("t.lu", text);
  if (!r.ok) throw new Error(r.reason);
  return r.text;
}

/** Every .lu file under `dir` that parses. */
function parsingSchemas(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((n) => n.endsWith(".lu"))
    .map((n) => join(dir, n))
    .filter((p) => parseLu(p, readFileSync(p, "utf8")).ast !== null);
}

describe("formatLu", () => {
  it("lays out a file in the canonical form: spacing, one statement a line, aligned columns, comments in place", () => {
    expect(format(UGLY)).toBe(PRETTY);
  });

  it("is idempotent", () => {
    expect(format(PRETTY)).toBe(PRETTY);
    const r = formatLu("t.lu", PRETTY);
    expect(r.ok && r.changed).toBe(false);
  });

  it("formats every schema of schema/ and every parsing .lu under test/ idempotently, keeping every token", () => {
    const files = [...parsingSchemas("schema"), ...parsingSchemas("test")];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const once = formatLu(file, text);
      if (!once.ok) throw new Error(`${file}: ${once.reason}`);
      expect(tokenTexts(tokenize(once.text)), file).toEqual(tokenTexts(tokenize(text)));
      const twice = formatLu(file, once.text);
      expect(twice.ok && twice.text, file).toBe(once.text);
    }
  });

  it("refuses a file that does not parse, with the compiler's syntax diagnostic", () => {
    const r = formatLu("bad.lu", "struct s { @0 a u32; }\n");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe("the file does not parse");
    expect(r.diagnostics[0]?.code).toBe("LU1001");
    expect(r.diagnostics[0]?.span.line).toBe(1);
  });

  it("keeps constructs it does not know in order, one statement a line (robust to new grammar)", () => {
    const text = "stream s{entry FOO=1:body;payload  X: ptr<u64> ;}\nunknown thing{a,b}\n";
    const out = renderFile(buildTree(tokenize(text)));
    expect(tokenTexts(tokenize(out))).toEqual(tokenTexts(tokenize(text)));
    expect(out).toBe(
      "stream s {\n  entry FOO = 1 : body;\n  payload X: ptr < u64 >;\n}\nunknown thing {\n  a,\n  b\n}\n",
    );
  });

  it("keeps block comments, doc comments and blank lines between declarations, at most one", () => {
    const text = "/* a */\nconst A = 1;\n\n\n\n/// doc\n/* b */ const B = 2;\n";
    expect(format(text)).toBe("/* a */\nconst A = 1;\n\n/// doc\n/* b */\nconst B = 2;\n");
  });
});
