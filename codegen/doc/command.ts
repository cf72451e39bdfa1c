/**
 * `lu doc`: documentation pages from schemas (Markdown like the specs, or self-contained HTML with
 * SVG diagrams), written to a directory or printed; `--check` fails when the directory is stale.
 * The only module of codegen/doc that touches the file system.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { expandSchemaArgs } from "../cli.js";
import { compileProgram, normalisePath } from "../compile.js";
import { renderDiagnostics } from "../diagnostics.js";
import { htmlPages } from "./html.js";
import { type DocPage, markdownPages } from "./markdown.js";

type Format = "md" | "html";

interface DocFlags {
  readonly format: string;
  readonly out?: string;
  readonly check?: boolean;
  readonly all?: boolean;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Pages for `format`; `only` limits them to the named files (their imports stay linkable). */
export function docPages(
  program: Parameters<typeof markdownPages>[0],
  format: Format,
  only?: readonly string[],
): DocPage[] {
  return format === "md" ? markdownPages(program, only) : htmlPages(program, only);
}

/** Writes pages that differ; with `check`, writes nothing and lists stale, missing and extra pages. */
function sync(outDir: string, pages: readonly DocPage[], ext: string, check: boolean, regenerate: string): number {
  const problems: string[] = [];
  for (const page of pages) {
    const target = join(outDir, page.path);
    const current = readText(target);
    if (current === page.text) continue;
    if (check) problems.push(`${current === undefined ? "missing" : "stale"}: ${target}`);
    else {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(target, page.text);
      process.stdout.write(`wrote ${target}\n`);
    }
  }
  if (check) {
    let existing: string[] = [];
    try {
      existing = readdirSync(outDir).filter((n) => n.endsWith(`.${ext}`));
    } catch {
      existing = [];
    }
    const wanted = new Set(pages.map((p) => p.path));
    for (const name of existing) if (!wanted.has(name)) problems.push(`extra: ${join(outDir, name)}`);
    for (const p of problems) process.stderr.write(`${p}\n`);
    if (problems.length > 0) {
      process.stderr.write(`${outDir} is out of date: run '${regenerate}'\n`);
      return 1;
    }
    process.stdout.write(`${outDir} is up to date (${pages.length} ${ext} pages)\n`);
  }
  return 0;
}

async function run(schemas: readonly string[], flags: DocFlags): Promise<number> {
  if (flags.format !== "md" && flags.format !== "html") {
    process.stderr.write(`lu doc: --format must be md or html, not '${flags.format}'\n`);
    return 2;
  }
  const format: Format = flags.format;
  let entries: string[];
  try {
    entries = expandSchemaArgs(schemas).map(normalisePath);
  } catch (e) {
    process.stderr.write(`lu doc: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const sources = new Map<string, string>();
  const result = compileProgram(entries, (path) => {
    const text = readText(path);
    if (text !== undefined) sources.set(path, text);
    return text;
  });
  if (result.diagnostics.length > 0)
    process.stderr.write(`${renderDiagnostics(result.diagnostics, (f) => sources.get(f))}\n`);
  if (result.program === null) return 1;
  const pages = docPages(result.program, format, flags.all === true ? undefined : entries);
  if (flags.out === undefined) {
    if (flags.check === true) {
      process.stderr.write("lu doc: --check needs --out DIR\n");
      return 2;
    }
    process.stdout.write(pages.map((p) => p.text).join("\n"));
    return 0;
  }
  const regenerate = [
    "npm run lu -- doc",
    ...schemas,
    "--format",
    format,
    "--out",
    flags.out,
    ...(flags.all === true ? ["--all"] : []),
  ].join(" ");
  return sync(flags.out, pages, format, flags.check === true, regenerate);
}

export function register(program: Command): void {
  program
    .command("doc")
    .description("document schemas as the specs do: octet diagrams, field, enum and record-type tables (md or html)")
    .argument("[schemas...]", "schema files or directories", ["schema"])
    .option("--format <format>", "md (GitHub/pandoc Markdown) or html (one self-contained page per schema)", "md")
    .option("--out <dir>", "write one page per schema file into DIR (default: print to stdout)")
    .option("--check", "with --out: write nothing; exit 1 if a page is stale, missing or extra")
    .option("--all", "also document the files the schemas import")
    .action(async (schemas: string[], flags: DocFlags) => {
      try {
        process.exitCode = await run(schemas, flags);
      } catch (e) {
        process.stderr.write(`lu doc: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
      }
    });
}
