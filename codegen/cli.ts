/**
 * `lu check`, `lu layout` and `lu gen`: the compiler's commands. The only codegen module that
 * touches the file system; everything else gets a `readFile` callback.
 * Exit codes: 0 ok (warnings allowed), 1 diagnostics or stale output, 2 usage or I/O errors.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { compileProgram, normalisePath } from "./compile.js";
import { type Diagnostic, renderDiagnostics } from "./diagnostics.js";
import type { LayoutProgram } from "./ir.js";
import { layoutListing, renderLayoutText } from "./layout-listing.js";

type GeneratedFile = { readonly path: string; readonly text: string };
type Generator = (program: LayoutProgram) => Promise<GeneratedFile[]>;

class UsageError extends Error {}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Schema files named on the command line: a directory means all its `*.lu` files, sorted. */
export function expandSchemaArgs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let isDir: boolean;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      throw new UsageError(`no such file or directory: ${arg}`);
    }
    if (!isDir) {
      files.push(arg);
      continue;
    }
    const lu = readdirSync(arg)
      .filter((name) => name.endsWith(".lu"))
      .sort();
    if (lu.length === 0) throw new UsageError(`no .lu files in ${arg}`);
    for (const name of lu) files.push(join(arg, name));
  }
  return files;
}

interface Compiled {
  readonly program: LayoutProgram | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly entries: readonly string[];
}

/** Compiles, prints diagnostics to stderr; `program` is null on error. */
function compileAndReport(args: readonly string[]): Compiled {
  const entries = expandSchemaArgs(args).map(normalisePath);
  const sources = new Map<string, string>();
  const result = compileProgram(entries, (path) => {
    const text = readText(path);
    if (text !== undefined) sources.set(path, text);
    return text;
  });
  if (result.diagnostics.length > 0) {
    process.stderr.write(`${renderDiagnostics(result.diagnostics, (f) => sources.get(f))}\n`);
    const errors = result.diagnostics.filter((d) => d.severity === "error").length;
    const warnings = result.diagnostics.length - errors;
    process.stderr.write(`${plural(errors, "error")}, ${plural(warnings, "warning")}\n`);
  }
  return { program: result.program, diagnostics: result.diagnostics, entries };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Runs a command body; usage and I/O problems exit 2 with one line, never a stack trace. */
async function guarded(command: string, body: () => Promise<number> | number): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`lu ${command}: ${message}\n`);
    process.exitCode = e instanceof UsageError || isIoError(e) ? 2 : 1;
  }
}

function isIoError(e: unknown): boolean {
  return e instanceof Error && "code" in e && typeof e.code === "string";
}

/** Every `.ts` file under `dir`, as paths relative to it (posix separators). */
function listTs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith(".ts")).map((n) => n.split("\\").join("/")).sort();
}

async function loadGenerator(lang = "ts"): Promise<Generator> {
  if (lang === "c") {
    const { generateC } = await import("./emit/c/header.js");
    return (program) => Promise.resolve(generateC(program));
  }
  if (lang !== "ts") throw new Error(`unknown --lang '${lang}' (ts or c)`);
  // Imported lazily so `lu check` and `lu layout` never load the emitter (and prettier).
  const { generateTypeScript } = await import("./emit/ts/generate.js");
  return (program) => generateTypeScript(program);
}

/** Writes changed files, deletes stale `.ts` files; or, with `check`, only reports differences. */
export function syncOutput(outDir: string, files: readonly GeneratedFile[], check: boolean): number {
  const wanted = new Map(files.map((f) => [f.path, f.text]));
  const problems: string[] = [];
  for (const [path, text] of wanted) {
    const target = join(outDir, path);
    const current = readText(target);
    if (current === text) continue;
    if (check) {
      problems.push(`${current === undefined ? "missing" : "stale"}: ${target}`);
    } else {
      mkdirSync(join(target, ".."), { recursive: true });
      writeFileSync(target, text);
      process.stdout.write(`wrote ${target}\n`);
    }
  }
  for (const path of listTs(outDir)) {
    if (wanted.has(path)) continue;
    const target = join(outDir, path);
    if (check) problems.push(`extra: ${target}`);
    else {
      rmSync(target);
      process.stdout.write(`deleted ${target}\n`);
    }
  }
  if (check) {
    for (const p of problems) process.stderr.write(`${p}\n`);
    if (problems.length > 0) {
      process.stderr.write(`${outDir} is out of date: run 'npm run gen'\n`);
      return 1;
    }
    process.stdout.write(`${outDir} is up to date (${plural(files.length, "file")})\n`);
  }
  return 0;
}

export function register(program: Command): void {
  program
    .command("check")
    .description("check schema files (a directory means all its .lu files) and print diagnostics")
    .argument("<files...>", "schema files or directories")
    .action(async (files: string[]) => {
      await guarded("check", () => {
        const { program: checked, diagnostics, entries } = compileAndReport(files);
        if (checked === null) return 1;
        if (diagnostics.length === 0) {
          const structs = checked.schemas.reduce((n, s) => n + s.structs.length, 0);
          process.stdout.write(`ok: ${plural(entries.length, "file")} (${plural(checked.schemas.length, "schema")} with imports), ${plural(structs, "struct")}\n`);
        }
        return 0;
      });
    });

  program
    .command("layout")
    .description("print every struct's size, alignment and field offsets, sizes and types")
    .argument("<file>", "schema file")
    .option("--json", 'print JSON: {"structs":[{"name","size","align","fields":[{"name","offset","size","type"}]}]}')
    .option("--all", "include the structs of imported files")
    .action(async (file: string, flags: { json?: boolean; all?: boolean }) => {
      await guarded("layout", () => {
        const { program: checked, entries } = compileAndReport([file]);
        if (checked === null) return 1;
        const listing = layoutListing(checked, flags.all === true ? undefined : entries);
        process.stdout.write(flags.json === true ? `${JSON.stringify(listing, null, 2)}\n` : renderLayoutText(listing));
        return 0;
      });
    });

  program
    .command("gen")
    .description("generate TypeScript accessors from schema files (a directory means all its .lu files, as one program)")
    .argument("[schemas...]", "schema files or directories", ["schema"])
    .option("--out <dir>", "output directory", "generated")
    .option("--check", "write nothing; list stale, missing and extra files and exit 1 if any")
    .option("--lang <lang>", "ts (TypeScript accessors) or c (one C11 header per schema)", "ts")
    .action(async (schemas: string[], flags: { out: string; check?: boolean; lang: string }) => {
      await guarded("gen", async () => {
        const { program: checked } = compileAndReport(schemas);
        if (checked === null) return 1;
        const generate = await loadGenerator(flags.lang);
        const files = await generate(checked);
        for (const f of files) {
          if (f.path.startsWith("/") || f.path.split("/").includes("..")) {
            throw new Error(`generator produced a path outside the output directory: ${f.path}`);
          }
        }
        return syncOutput(flags.out, files, flags.check === true);
      });
    });
}
