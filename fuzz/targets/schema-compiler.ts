/**
 * Target `schema-compiler`: `compileProgram` (parse + check) on .lu sources taken from the repo's
 * schemas, test inputs and the language reference, then mutated at token level (tokens deleted,
 * duplicated, swapped, replaced by keywords, punctuation and edge numbers such as 2^64 and
 * 99999999999999999999), at byte level (bit flips, truncation: the text may stop being UTF-8), and
 * by deep nesting. The entry file may import itself or a second mutated source.
 *
 * Invariants: the compiler never throws and never hangs; it answers with diagnostics whose codes
 * are in the catalogue, whose spans lie inside a file it was given, on one line; the program is null
 * exactly when an error was reported; rendering the diagnostics never throws.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import * as fc from "fast-check";
import { compileProgram, renderDiagnostics } from "../../codegen/compile.js";
import { DIAGNOSTIC_CODES, hasErrors } from "../../codegen/diagnostics.js";
import type { FuzzCase, FuzzTarget } from "../fuzz-case.js";
import { describeThrown, violated } from "../invariants.js";
import { applyByteMutations, byteMutation } from "../mutators/byte-mutations.js";

const ROOT = new URL("../../", import.meta.url).pathname;

function luFilesUnder(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names.sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) luFilesUnder(p, out);
    else if (n.endsWith(".lu")) out.push(readFileSync(p, "utf8"));
  }
}

let seedsCache: string[] | undefined;
/** Every .lu source in schema/ and test/, and the ```lu blocks of docs/language.md. */
export function seedSources(): string[] {
  if (seedsCache !== undefined) return seedsCache;
  const out: string[] = [];
  luFilesUnder(join(ROOT, "schema"), out);
  luFilesUnder(join(ROOT, "test"), out);
  try {
    const doc = readFileSync(join(ROOT, "docs/language.md"), "utf8");
    for (const m of doc.matchAll(/```lu\n([\s\S]*?)```/g)) if (m[1] !== undefined) out.push(m[1]);
  } catch {
    // no language reference: the test inputs are enough
  }
  if (out.length === 0) out.push("endian little;\nstruct a { @0 x: u32; }\n");
  seedsCache = out;
  return out;
}

const VOCABULARY = [
  "struct",
  "stream",
  "record",
  "enum",
  "flags",
  "const",
  "import",
  "endian",
  "little",
  "big",
  "header",
  "align",
  "optional",
  "bit",
  "bits",
  "end",
  "range",
  "reserved",
  "pad",
  "frozen",
  "free",
  "append",
  "size",
  "preamble",
  "as",
  "abi",
  "u8",
  "u16",
  "u32",
  "u64",
  "i8",
  "i16",
  "i32",
  "i64",
  "f32",
  "f64",
  "bool",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ";",
  ":",
  ",",
  "=",
  "..",
  "@",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "<<",
  ">>",
  "~",
  "|",
  "&",
  '"',
  "//",
  "/*",
  "///",
  "0",
  "1",
  "-1",
  "0x",
  "0xFFFFFFFF",
  "0xFFFFFFFFFFFFFFFF",
  "0x10000000000000000",
  "18446744073709551616",
  "99999999999999999999999999",
  "1_000",
  "0b101",
  "@4294967296",
  "\n",
  " ",
  "\t",
  "é",
  "\u0000",
  "\uFFFD",
];

const TOKEN = /\s+|[A-Za-z_][A-Za-z0-9_]*|0x[0-9A-Fa-f_]+|\d[\d_]*|\.\.|<<|>>|\/\/\/?|[\s\S]/g;

type TextMutation =
  | { readonly kind: "delete"; readonly at: number; readonly count: number }
  | { readonly kind: "duplicate"; readonly at: number; readonly count: number }
  | { readonly kind: "insert"; readonly at: number; readonly token: string }
  | { readonly kind: "swap"; readonly at: number; readonly other: number }
  | { readonly kind: "rename"; readonly at: number; readonly other: number }
  | {
      readonly kind: "nest";
      readonly at: number;
      readonly depth: number;
      readonly open: string;
      readonly close: string;
    }
  | { readonly kind: "import"; readonly path: string }
  | { readonly kind: "long"; readonly op: string; readonly terms: number }
  | {
      readonly kind: "chain";
      readonly op: string;
      readonly depth: number;
      readonly start: string;
    };

const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      at: fc.nat(),
      count: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("duplicate" as const),
      at: fc.nat(),
      count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      token: fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 4 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("swap" as const),
      at: fc.nat(),
      other: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("rename" as const),
      at: fc.nat(),
      other: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("nest" as const),
      at: fc.nat(),
      depth: fc.constantFrom(10, 200, 3000),
      open: fc.constantFrom("(", "[", "{", "-", "~", "/*"),
      close: fc.constantFrom(")", "]", "}", "", "*/"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("chain" as const),
      op: fc.constantFrom("*", "+", "<<", "|", "-", "/"),
      depth: fc.integer({ min: 1, max: 40 }),
      start: fc.constantFrom("2", "0xFFFFFFFFFFFFFFFF", "4096", "-1"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("long" as const),
      op: fc.constantFrom("+", "-", "|", "*", "<<", " - -"),
      // 9000 terms cost ohm about 0.3 s, so rarely (the regression fixture keeps that case)
      terms: fc.oneof(
        { weight: 30, arbitrary: fc.constantFrom(10, 100, 256, 257) },
        { weight: 1, arbitrary: fc.constant(9000) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("import" as const),
      path: fc.constantFrom("fuzz.lu", "other.lu", "./other.lu", "../x/../other.lu", "missing.lu", "/abs.lu", "", ".."),
    }),
  },
);

function mutateText(text: string, m: TextMutation): string {
  const tokens: string[] = [...(text.match(TOKEN) ?? [])];
  const n = tokens.length;
  const at = n === 0 || !("at" in m) ? 0 : m.at % (n + 1);
  const idents = tokens.filter((t) => /^[A-Za-z_]/.test(t));
  switch (m.kind) {
    case "delete":
      tokens.splice(at, m.count);
      break;
    case "duplicate":
      tokens.splice(at, 0, ...tokens.slice(at, at + m.count));
      break;
    case "insert":
      tokens.splice(at, 0, ` ${m.token} `);
      break;
    case "swap": {
      if (n === 0) break;
      const i = at % n;
      const j = m.other % n;
      const t = tokens[i] ?? "";
      tokens[i] = tokens[j] ?? "";
      tokens[j] = t;
      break;
    }
    case "rename": {
      if (idents.length === 0 || n === 0) break;
      const i = at % n;
      if (/^[A-Za-z_]/.test(tokens[i] ?? "")) tokens[i] = idents[m.other % idents.length] ?? "x";
      break;
    }
    case "nest":
      tokens.splice(at, 0, m.open.repeat(m.depth), "1", m.close.repeat(m.depth));
      break;
    case "import":
      tokens.unshift(`import "${m.path}";\n`);
      break;
    case "long": {
      // One long operator chain: an expression tree as deep as the chain is long (9000 terms
      // overflowed the constant evaluator's stack before the parser limited the depth).
      const semi = tokens.findIndex((t) => t === ";");
      tokens.splice(semi < 0 ? 0 : semi + 1, 0, `\nconst LONG = 1${`${m.op} 1`.repeat(m.terms - 1)};\n`);
      break;
    }
    case "chain": {
      // Constants that feed on each other: C1 = C0 op C0, ... (squaring chains grow exponentially).
      let chain = `const C0 = ${m.start};\n`;
      for (let i = 1; i <= m.depth; i++) chain += `const C${i} = C${i - 1} ${m.op} C${i - 1};\n`;
      const endian = tokens.findIndex((t) => t === ";");
      tokens.splice(endian < 0 ? 0 : endian + 1, 0, `\n${chain}`);
      break;
    }
  }
  return tokens.join("");
}

const textArb = fc
  .record({
    seed: fc.nat(),
    textMutations: fc.array(textMutationArb, { maxLength: 4 }),
    byteMutations: fc.oneof(
      { weight: 4, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(byteMutation(), { minLength: 1, maxLength: 2 }),
      },
    ),
  })
  .map((g) => {
    const seeds = seedSources();
    let text = seeds[g.seed % seeds.length] ?? "";
    for (const m of g.textMutations) text = mutateText(text, m);
    return applyByteMutations(new TextEncoder().encode(text), g.byteMutations);
  });

const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    main: textArb,
    other: fc.option(textArb, { freq: 3 }),
    tokenSoup: fc.option(fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 60 }), { freq: 6 }),
  })
  .map((g): FuzzCase => {
    const main = g.tokenSoup === null ? g.main : new TextEncoder().encode(g.tokenSoup.join(" "));
    // data = entry source, then (after a NUL line) the source of other.lu when there is one.
    if (g.other === null) return { data: main, params: {} };
    const data = new Uint8Array(main.length + g.other.length);
    data.set(main, 0);
    data.set(g.other, main.length);
    return { data, params: { otherAt: main.length } };
  });

const CODES: ReadonlySet<string> = new Set(DIAGNOSTIC_CODES);

export const schemaCompilerTarget: FuzzTarget = {
  name: "schema-compiler",
  description: "compileProgram on mutated .lu sources: diagnostics only, never a throw",
  arbitrary: () => caseArb,
  run(c: FuzzCase): void {
    const split = typeof c.params["otherAt"] === "number" ? c.params["otherAt"] : c.data.length;
    const decoder = new TextDecoder();
    const files = new Map<string, string>([["fuzz.lu", decoder.decode(c.data.subarray(0, split))]]);
    if (split < c.data.length) files.set("other.lu", decoder.decode(c.data.subarray(split)));
    let result: ReturnType<typeof compileProgram>;
    try {
      result = compileProgram(["fuzz.lu"], (path) => files.get(path));
    } catch (e) {
      violated(`the compiler threw: ${describeThrown(e)}`);
    }
    for (const d of result.diagnostics) {
      const text = files.get(d.span.file);
      if (!CODES.has(d.code)) violated(`diagnostic code ${d.code} is not in the catalogue`);
      if (d.message.includes("\n")) violated(`${d.code} message spans lines: ${JSON.stringify(d.message)}`);
      if (text === undefined && d.code !== "LU2009")
        violated(`${d.code} points into '${d.span.file}', a file the compiler was not given: ${d.message}`);
      if (text !== undefined && !(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length)) {
        violated(
          `${d.code} span ${d.span.start}..${d.span.end} lies outside '${d.span.file}' (${text.length} chars): ${d.message}`,
        );
      }
      if (!(d.span.line >= 1 && d.span.col >= 1))
        violated(`${d.code} at line ${d.span.line} col ${d.span.col}: not 1-based`);
    }
    if ((result.program === null) !== hasErrors(result.diagnostics)) {
      violated(`program is ${result.program === null ? "null without" : "present despite"} an error diagnostic`);
    }
    try {
      renderDiagnostics(result.diagnostics, (f) => files.get(f));
    } catch (e) {
      violated(`rendering the diagnostics threw: ${describeThrown(e)}`);
    }
  },
  judgeError: (e) => `escaped: ${describeThrown(e)}`,
};
