/**
 * codegen/emit/ts/exported-names.ts: the names it lists are exactly what the emitted files export
 * (every schema of schema/, examples/ and the golden cases), and a program in which two
 * declarations map to one export is refused with both named, before any file is written.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProgram, renderDiagnostics } from "../../../../codegen/compile.js";
import { checkExportedNames, exportedNames } from "../../../../codegen/emit/ts/exported-names.js";
import { generateTypeScript } from "../../../../codegen/emit/ts/generate.js";
import { emitSchemaFile } from "../../../../codegen/emit/ts/schema-file.js";
import { compileSources } from "./program.js";

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

const entries = [
  ...readdirSync("schema")
    .filter((n) => n.endsWith(".lu"))
    .map((n) => join("schema", n)),
  ...readdirSync("examples")
    .filter((n) => n.endsWith(".lu"))
    .map((n) => join("examples", n)),
  ...readdirSync("test/golden", { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join("test/golden", d.name, "input.lu")),
];

describe("exportedNames", () => {
  for (const entry of entries) {
    it(`lists what the file generated from ${entry} exports`, () => {
      const { program, diagnostics } = compileProgram([entry], read);
      if (program === null) throw new Error(renderDiagnostics(diagnostics, read));
      for (const schema of program.schemas) {
        const text = emitSchemaFile(program, schema);
        const exported = [
          ...text.matchAll(/^export (?:const|class|type|function|interface|enum) ([A-Za-z_$][\w$]*)/gm),
        ].map((m) => m[1]);
        expect(
          exportedNames(schema)
            .map((e) => e.name)
            .sort(),
        ).toEqual(exported.sort());
      }
    });
  }
});

describe("a program whose declarations map to one export", () => {
  it("is refused, naming both declarations (an enum and a stream's format, in one file)", async () => {
    const program = compileSources({
      "s.lu":
        "endian little;\nenum wave_format : u16 { pcm = 1 }\nstruct h size 8 {\n  @0 id:   u32;\n  @4 size: u32;\n}\nstream wave {\n  header h (id, size);\n  end of input;\n  record DATA = 1;\n}\n",
    });
    const message =
      "enum 'wave_format' (s.lu) and stream 'wave' (s.lu) would both generate 'WAVE_FORMAT': rename one of them";
    expect(() => checkExportedNames(program)).toThrow(message);
    await expect(generateTypeScript(program)).rejects.toThrow(message);
  });

  it("is refused across files the index barrel re-exports together, and names that differ only in spelling", () => {
    const program = compileSources({
      "a.lu": "struct foo_bar size 1 {\n  @0 x: u8;\n}\n",
      "b.lu": "struct fooBar size 1 {\n  @0 x: u8;\n}\n",
    });
    expect(() => checkExportedNames(program)).toThrow(
      "struct 'foo_bar' (a.lu) and struct 'fooBar' (b.lu) would both generate 'FooBar'",
    );
  });

  it("accepts distinct names", () => {
    const program = compileSources({
      "s.lu": "enum wave_format_tag : u16 { pcm = 1 }\nstruct wave size 2 {\n  @0 tag: wave_format_tag;\n}\n",
    });
    expect(() => checkExportedNames(program)).not.toThrow();
  });
});
