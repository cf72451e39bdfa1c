/**
 * Finding and reading a project's `lu.config.json` (its format: config-format.ts), and deciding how
 * generated files import the runtime. Paths in the config are relative to the file.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import {
  CONFIG_FILE,
  ConfigError,
  DEFAULT_RUNTIME_MODULE,
  type ImportStyle,
  type ProjectConfig,
  parseConfig,
} from "./config-format.js";

export {
  CONFIG_FILE,
  ConfigError,
  DEFAULT_RUNTIME_MODULE,
  parseConfig,
  type ImportStyle,
  type LuConfig,
  type ProjectConfig,
} from "./config-format.js";

/** The config in `dir` (`lu.config.json`, relative to the current directory), or undefined when there is none. */
export function findConfig(dir: string = process.cwd()): string | undefined {
  const path = join(dir, CONFIG_FILE);
  return existsSync(path) ? relative(process.cwd(), path) || path : undefined;
}

/**
 * Reads and checks `file`; `schemas` and `out` come back relative to the current directory
 * (they are written relative to the config file).
 */
export function loadConfig(file: string): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const config = parseConfig(file, value);
  const base = dirname(file);
  const fromCwd = (p: string): string => relative(process.cwd(), resolve(base, p)) || ".";
  return { ...config, file, schemas: config.schemas.map(fromCwd), out: fromCwd(config.out) };
}

/** How generated files import the runtime: one package specifier, or per-module files in a directory. */
export type RuntimeImport =
  | { readonly style: "package"; readonly module: string }
  | { readonly style: "relative"; readonly dir: string };

/**
 * The lu-codec source checkout `dir` lies in (the directory holding its package.json and
 * `runtime/`), or undefined: generated code inside this repository imports the runtime sources
 * relatively, everywhere else through the package.
 */
export function luCodecCheckout(dir: string): string | undefined {
  let at = resolve(dir);
  for (;;) {
    const pkg = join(at, "package.json");
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name;
        if (name === "lu-codec" && existsSync(join(at, "runtime", "index.ts"))) return at;
      } catch {
        // not a readable package.json: keep looking upwards
      }
    }
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/**
 * Decides the runtime import for output directory `out`: an explicit style wins; a `runtime`
 * starting with `.` means relative; otherwise relative only inside the lu-codec checkout.
 */
export function runtimeImportFor(
  out: string,
  style: ImportStyle | undefined,
  runtime: string | undefined,
): RuntimeImport {
  const chosen =
    style ??
    (runtime !== undefined
      ? runtime.startsWith(".")
        ? "relative"
        : "package"
      : luCodecCheckout(out) !== undefined
        ? "relative"
        : "package");
  if (chosen === "package") return { style: "package", module: runtime ?? DEFAULT_RUNTIME_MODULE };
  if (runtime !== undefined) return { style: "relative", dir: runtime.replace(/\/+$/, "") };
  const checkout = luCodecCheckout(out);
  if (checkout === undefined) {
    throw new ConfigError(
      `relative imports need the runtime's directory ('runtime' in ${CONFIG_FILE}, or --runtime): ${out} is not inside the lu-codec sources`,
    );
  }
  const rel = relative(resolve(out), join(checkout, "runtime")).split("\\").join("/");
  return { style: "relative", dir: rel.startsWith(".") ? rel : `./${rel}` };
}
