/**
 * How long `lu gen` takes for a synthetic schema of 500 structs (every field kind: integers of
 * both endiannesses, u64, enums, flags, bit ranges, ASCII, bytes, padding, reserved, nested
 * structs, fixed and trailing arrays) plus a stream with a record per struct:
 *   gen/compile     source → checked IR (codegen/compile.ts)
 *   gen/emit-raw    IR → unformatted TypeScript (codegen/emit/ts, no prettier)
 *   gen/emit        IR → formatted files (generateTypeScript, prettier included)
 *   gen/total       source → formatted files: what `lu gen` does minus file I/O
 *
 * `npm run bench:gen` (add `-- --small` for 100 structs).
 */
import b from "benny";
import { compileProgram } from "../codegen/compile.js";
import type { LayoutProgram } from "../codegen/ir.js";
import { generateTypeScript } from "../codegen/emit/ts/generate.js";
import { emitSchemaFile } from "../codegen/emit/ts/schema-file.js";
import { BENCH_RESULTS_DIR } from "./bench-paths.js";

const FILE = "bench/synthetic.lu";

/** A schema of `n` structs; struct i embeds struct i-1 so nesting is exercised too. */
export function syntheticSchema(n: number): string {
  const out: string[] = [
    "/// Synthetic schema for the generator benchmark.",
    "endian little;",
    "",
    "/// A kind.",
    "enum kind : u16 { none = 0, one = 1, two = 2, three = 3 }",
    "/// Some flags.",
    "flags opts : u32 { a = 1 << 0, b = 1 << 1, c = 1 << 7, top = 1 << 31 }",
    "",
  ];
  for (let i = 0; i < n; i++) {
    out.push(
      `/// Synthetic struct ${i}.`,
      `struct s${i} size 64 {`,
      `  @0 magic: u32 = ${0x1000 + i};`,
      `  @4 tag: ascii[4];`,
      `  /// A big-endian counter.`,
      `  @8 counter: u64be;`,
      `  @16 kind: kind;`,
      `  @18 small: i16;`,
      `  @20 opts: opts;`,
      `  @24 packed: u64 bits { lo: 0..11; hi: 12..63; };`,
      `  @32 words: u16[4];`,
      `  @40 raw: u8[8];`,
      i === 0 ? "  @48 tail: u64;" : `  @48 inner: s${i - 1}_leaf;`,
      `  @56 _res: u32 reserved;`,
      `  @60 _pad: pad[4];`,
      `}`,
      `struct s${i}_leaf size 8 {`,
      `  @0 x: u32;`,
      `  @4 y: u32be;`,
      `}`,
      `struct s${i}_list {`,
      `  @0 count: u32;`,
      `  @4 _pad: pad[4];`,
      `  @8 items: s${i}_leaf[count];`,
      `}`,
    );
  }
  out.push(
    "struct rec_header size 8 {",
    "  @0 type: u32;",
    "  @4 length: u32;",
    "}",
    "stream synthetic {",
    "  header rec_header (type, length);",
  );
  out.push("  align 8;", "  optional bit 31;", "  end END;", "  record END = 0;");
  for (let i = 0; i < n; i++) out.push(`  record R${i} = ${i + 1} : s${i};`);
  out.push("}", "");
  return out.join("\n");
}

function compile(source: string): LayoutProgram {
  const { program, diagnostics } = compileProgram([FILE], (p) => (p === FILE ? source : undefined));
  if (program === null)
    throw new Error(`synthetic schema does not compile: ${diagnostics.map((d) => d.message).join("; ")}`);
  return program;
}

async function main(): Promise<void> {
  const small = process.argv.includes("--small");
  const n = small ? 100 : 500;
  const source = syntheticSchema(n);
  const program = compile(source);
  const schema = program.schemas[0];
  if (schema === undefined) throw new Error("no schema");
  const structs = schema.structs.length;
  const t0 = performance.now();
  const files = await generateTypeScript(program);
  const once = performance.now() - t0;
  const lines = files.reduce((k, f) => k + f.text.split("\n").length, 0);
  console.log(
    `synthetic schema: ${n} record structs (${structs} structs in all), ${source.length} chars; output ${lines} lines; first run ${once.toFixed(0)} ms`,
  );

  const options = { minSamples: 5, maxTime: small ? 2 : 5 };
  const figures: { name: string; ms: number }[] = [];
  await b.suite(
    "gen",
    b.add("gen/compile", () => void compile(source), options),
    b.add("gen/emit-raw", () => void emitSchemaFile(program, schema), options),
    b.add("gen/emit", async () => void (await generateTypeScript(program)), options),
    b.add("gen/total", async () => void (await generateTypeScript(compile(source))), options),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) figures.push({ name: r.name, ms: 1000 / r.ops });
    }),
    b.save({ file: "gen", folder: BENCH_RESULTS_DIR, format: "json", details: false }),
  );
  console.log(`\ncase            time per run (${n} record structs, ${structs} structs)`);
  for (const f of figures) console.log(`${f.name.padEnd(15)} ${f.ms.toFixed(1)} ms`);
}

await main();
