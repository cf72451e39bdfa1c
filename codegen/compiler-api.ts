/**
 * `lu-codec/compiler`: the schema compiler as a library, for build tools (bundler plugins, a
 * project's own generate script). Nothing here touches the file system or the console: sources
 * come in as text (or through a `readFile` callback), diagnostics, the layout IR and the generated
 * files come back as values. `lu check`, `lu layout` and `lu gen` are thin shells over the same
 * functions.
 */
import { type CompileResult, compileProgram, normalisePath } from "./compile.js";
import { type Diagnostic, renderDiagnostics } from "./diagnostics.js";
import { generateTypeScript, type GeneratedFile } from "./emit/ts/generate.js";
import type { LayoutProgram } from "./ir.js";
import type { ParseOptions } from "./parse/parse.js";
import { DEFAULT_RUNTIME_MODULE } from "./config-format.js";

export { compileProgram, normalisePath, type CompileResult } from "./compile.js";
export { DIAGNOSTIC_CODES, hasErrors, renderDiagnostic, renderDiagnostics } from "./diagnostics.js";
export type { Diagnostic, DiagnosticCode, DiagnosticNote, Severity } from "./diagnostics.js";
export type { GeneratedFile } from "./emit/ts/generate.js";
export type * from "./ir.js";
export {
  layoutListing,
  renderLayoutText,
  typeLabel,
  type LayoutListing,
  type LayoutListingField,
  type LayoutListingStruct,
} from "./layout-listing.js";
export type { ParseOptions } from "./parse/parse.js";
export {
  CONFIG_FILE,
  ConfigError,
  DEFAULT_RUNTIME_MODULE,
  parseConfig,
  type ImportStyle,
  type LuConfig,
} from "./config-format.js";

/** Schema sources by path: a plain object or a Map. Paths use `/`; imports resolve against them. */
export type SchemaSources = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

function lookup(sources: SchemaSources): (path: string) => string | undefined {
  if (sources instanceof Map) {
    const map = new Map([...sources].map(([k, v]) => [normalisePath(k), v] as const));
    return (path) => map.get(path);
  }
  const record = sources as Readonly<Record<string, string>>;
  const map = new Map(Object.keys(record).map((k) => [normalisePath(k), record[k] ?? ""] as const));
  return (path) => map.get(path);
}

/**
 * Compiles in-memory schema sources as one program. `entries` defaults to every source (so a
 * source only reached by import is still an entry); imports resolve among the sources.
 */
export function compileSources(
  sources: SchemaSources,
  entries?: readonly string[],
  parse: ParseOptions = {},
): CompileResult {
  const keys = sources instanceof Map ? [...sources.keys()] : Object.keys(sources);
  return compileProgram(entries ?? [...keys].sort(), lookup(sources), parse);
}

export interface GenerateOptions {
  /**
   * How generated files import the runtime: `{ style: "package", module }` (default, module
   * `lu-codec/runtime`) or `{ style: "relative", dir }` (per-module files in `dir`, as seen from the
   * output directory).
   */
  readonly runtime?:
    | { readonly style: "package"; readonly module?: string }
    | { readonly style: "relative"; readonly dir: string };
  /** The command the `@generated` headers name (default `lu gen`). */
  readonly regenerate?: string;
}

/** TypeScript for a checked program: one formatted file per schema plus `index.ts`, paths relative to the output directory. */
export async function generate(program: LayoutProgram, options: GenerateOptions = {}): Promise<GeneratedFile[]> {
  const regenerate = options.regenerate ?? "lu gen";
  const runtime = options.runtime ?? { style: "package" };
  return runtime.style === "relative"
    ? generateTypeScript(program, { runtimeDir: runtime.dir, regenerate })
    : generateTypeScript(program, { runtimeModule: runtime.module ?? DEFAULT_RUNTIME_MODULE, regenerate });
}

export interface BuildResult extends CompileResult {
  /** The generated files; empty when there were errors. */
  readonly files: GeneratedFile[];
  /** Every diagnostic rendered as `lu check` prints it (file:line:col, excerpt, caret), or "". */
  readonly rendered: string;
}

/** Compile and generate in one call: what `lu gen` does, minus the file system. */
export async function compileAndGenerate(
  sources: SchemaSources,
  options: GenerateOptions & { readonly entries?: readonly string[] } = {},
): Promise<BuildResult> {
  const result = compileSources(sources, options.entries);
  const rendered = renderDiagnostics(result.diagnostics, lookup(sources));
  const files = result.program === null ? [] : await generate(result.program, options);
  return { ...result, files, rendered };
}

/** The errors of a result (warnings left out). */
export function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error");
}
