/**
 * `lu check`, `lu layout` and `lu gen`: the compiler's commands. With project-config.ts and
 * gen-watch.ts, the only codegen modules that touch the file system; everything else gets a
 * `readFile` callback.
 * Exit codes: 0 ok (warnings allowed), 1 diagnostics or stale output, 2 usage or I/O errors.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { compileProgram, normalisePath } from "./compile.js";
import { type Diagnostic, renderDiagnostics } from "./diagnostics.js";
import type { EmitOptions } from "./emit/ts/context.js";
import { watchAndRegenerate } from "./gen-watch.js";
import type { LayoutProgram } from "./ir.js";
import { layoutListing, renderLayoutText } from "./layout-listing.js";
import {
  CONFIG_FILE,
  ConfigError,
  type ImportStyle,
  type ProjectConfig,
  type RuntimeImport,
  findConfig,
  loadConfig,
  runtimeImportFor,
} from "./project-config.js";

type GeneratedFile = { readonly path: string; readonly text: string };
type Generator = (program: LayoutProgram, options: EmitOptions) => Promise<GeneratedFile[]>;

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
  /** Every file the compiler read (entries and their imports). */
  readonly read: readonly string[];
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
  return { program: result.program, diagnostics: result.diagnostics, entries, read: [...sources.keys()] };
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
    process.exitCode = e instanceof UsageError || e instanceof ConfigError || isIoError(e) ? 2 : 1;
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
  return names
    .filter((n) => n.endsWith(".ts"))
    .map((n) => n.split("\\").join("/"))
    .sort();
}

async function loadGenerator(lang = "ts"): Promise<Generator> {
  if (lang === "c") {
    const { generateC } = await import("./emit/c/header.js");
    return (program) => Promise.resolve(generateC(program));
  }
  if (lang !== "ts") throw new Error(`unknown --lang '${lang}' (ts or c)`);
  // Imported lazily so `lu check` and `lu layout` never load the emitter (and prettier).
  const { generateTypeScript } = await import("./emit/ts/generate.js");
  return (program, options) => generateTypeScript(program, options);
}

/** Writes changed files, deletes stale `.ts` files; or, with `check`, only reports differences. */
export function syncOutput(
  outDir: string,
  files: readonly GeneratedFile[],
  check: boolean,
  regenerate = "lu gen",
): number {
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
      process.stderr.write(`${outDir} is out of date: run '${regenerate}'\n`);
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
          process.stdout.write(
            `ok: ${plural(entries.length, "file")} (${plural(checked.schemas.length, "schema")} with imports), ${plural(structs, "struct")}\n`,
          );
        }
        return 0;
      });
    });

  program
    .command("layout")
    .description(
      "print the constants, and every struct's size, alignment and field offsets, sizes, types and fixed values",
    )
    .argument("<file>", "schema file")
    .option(
      "--json",
      'print JSON: {"consts":[{"name","type","value","file"}],"structs":[{"name","size","align","fields":[{"name","offset","size","type","value"?}]}]}',
    )
    .option("--all", "include the constants and structs of imported files")
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
    .description(
      `generate TypeScript accessors from schema files (a directory means all its .lu files, as one program); with no arguments, from ./${CONFIG_FILE}`,
    )
    .argument("[schemas...]", `schema files or directories (default: 'schemas' of ${CONFIG_FILE})`)
    .option("--out <dir>", `output directory (default: 'out' of ${CONFIG_FILE}, else generated)`)
    .option("--config <file>", `project config to read (default: ./${CONFIG_FILE} when it exists)`)
    .option(
      "--import-style <style>",
      "how generated files import the runtime: package (one specifier, default outside the lu-codec sources) or relative (a directory beside the output)",
    )
    .option(
      "--runtime <specifier>",
      "the runtime's package specifier (default lu-codec/runtime) or, relative style, its directory as seen from the output",
    )
    .option("--regenerate <command>", "the command generated headers and --check name (default: lu gen)")
    .option("--check", "write nothing; list stale, missing and extra files and exit 1 if any")
    .option("--lang <lang>", "ts (TypeScript accessors) or c (one C11 header per schema)")
    .option("--watch", "generate, then regenerate whenever a schema file or the config changes (Ctrl-C stops)")
    .action(async (schemas: string[], flags: GenFlags) => {
      await guarded("gen", async () => {
        const plan = planGen(schemas, flags);
        if (flags.watch === true) {
          if (flags.check === true) throw new UsageError("--watch and --check do not go together");
          const stop = new AbortController();
          const onSigint = (): void => stop.abort();
          process.once("SIGINT", onSigint);
          process.once("SIGTERM", onSigint);
          await watchAndRegenerate(
            async () => {
              const again = plan.config === undefined ? plan : planGen(schemas, flags);
              const { read } = await runGen(again, false);
              return [...read, ...again.schemas, ...(again.config === undefined ? [] : [again.config.file])];
            },
            { signal: stop.signal },
          );
          return 0;
        }
        return (await runGen(plan, flags.check === true)).exitCode;
      });
    });
}

export interface GenFlags {
  readonly out?: string;
  readonly check?: boolean;
  readonly watch?: boolean;
  readonly config?: string;
  readonly importStyle?: string;
  readonly runtime?: string;
  readonly regenerate?: string;
  /** `ts` (default) or `c`. */
  readonly lang?: string;
}

/** What one `lu gen` run does: arguments and flags over `lu.config.json` over the defaults. */
export interface GenPlan {
  readonly schemas: readonly string[];
  readonly out: string;
  readonly runtime: RuntimeImport;
  readonly regenerate: string;
  readonly config: ProjectConfig | undefined;
  readonly lang: string;
}

/** Resolves a `lu gen` invocation; UsageError when there is nothing to generate from. */
export function planGen(args: readonly string[], flags: GenFlags, cwd: string = process.cwd()): GenPlan {
  const configFile = flags.config ?? findConfig(cwd);
  const config = configFile === undefined ? undefined : loadConfig(configFile);
  const schemas = args.length > 0 ? args : config?.schemas;
  if (schemas === undefined) {
    throw new UsageError(
      `no schema files given and no ${CONFIG_FILE} in ${cwd}: run 'lu gen <schemas...> --out <dir>', or write ${CONFIG_FILE} ` +
        `(e.g. {"schemas": ["schema"], "out": "src/generated"}; see docs/cli.md)`,
    );
  }
  const out = flags.out ?? config?.out ?? "generated";
  const style = flags.importStyle ?? config?.importStyle;
  if (style !== undefined && style !== "package" && style !== "relative") {
    throw new UsageError(`--import-style must be 'package' or 'relative', not '${style}'`);
  }
  const runtime = runtimeImportFor(out, style as ImportStyle | undefined, flags.runtime ?? config?.runtime);
  const regenerate =
    flags.regenerate ?? config?.regenerate ?? (args.length === 0 ? "lu gen" : `lu gen ${args.join(" ")} --out ${out}`);
  return { schemas, out, runtime, regenerate, config, lang: flags.lang ?? "ts" };
}

/** Compiles and generates per `plan`, writing (or, with `check`, comparing) the output directory. */
async function runGen(plan: GenPlan, check: boolean): Promise<{ exitCode: number; read: readonly string[] }> {
  const { program: checked, read } = compileAndReport(plan.schemas);
  if (checked === null) return { exitCode: 1, read };
  const generate = await loadGenerator(plan.lang);
  const options: EmitOptions =
    plan.runtime.style === "package"
      ? { runtimeModule: plan.runtime.module, regenerate: plan.regenerate }
      : { runtimeDir: plan.runtime.dir, regenerate: plan.regenerate };
  const files = await generate(checked, options);
  for (const f of files) {
    if (f.path.startsWith("/") || f.path.split("/").includes("..")) {
      throw new Error(`generator produced a path outside the output directory: ${f.path}`);
    }
  }
  return { exitCode: syncOutput(plan.out, files, check, plan.regenerate), read };
}
