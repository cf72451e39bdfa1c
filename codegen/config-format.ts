/**
 * The `lu.config.json` format: its settings and their checks, no file system (the compiler API
 * re-exports this; project-config.ts reads the file).
 */

export const CONFIG_FILE = "lu.config.json";

export type ImportStyle = "package" | "relative";

/** The settings as written in `lu.config.json` (every key optional except `schemas` and `out`). */
export interface LuConfig {
  /** Schema files or directories (a directory means all its `*.lu` files), compiled as one program. */
  readonly schemas: readonly string[];
  /** Output directory of the generated files. */
  readonly out: string;
  /** `package`: import the runtime by specifier; `relative`: from a directory beside the output. */
  readonly importStyle?: ImportStyle;
  /** The runtime's specifier (package style, default `lu-codec/runtime`) or directory as seen from `out` (relative style). */
  readonly runtime?: string;
  /** What to generate; only `typescript` so far. */
  readonly target?: "typescript";
  /** The command named in generated headers and `--check` messages (default `lu gen`). */
  readonly regenerate?: string;
}

/** A loaded config: its settings with `schemas` and `out` resolved against the config's directory. */
export interface ProjectConfig extends LuConfig {
  /** Path of the config file (as found). */
  readonly file: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const KEYS = ["$schema", "schemas", "out", "importStyle", "runtime", "target", "regenerate"] as const;

function nonEmptyString(file: string, key: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0)
    throw new ConfigError(`${file}: '${key}' must be a non-empty string`);
  return value;
}

/** Checks a parsed config object; `file` names it in messages. */
export function parseConfig(file: string, value: unknown): LuConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(`${file}: expected a JSON object`);
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${file}: unknown key '${key}' (known: ${KEYS.filter((k) => k !== "$schema").join(", ")})`);
    }
  }
  const rawSchemas = obj["schemas"];
  const schemas = typeof rawSchemas === "string" ? [rawSchemas] : rawSchemas;
  if (!Array.isArray(schemas) || schemas.length === 0 || !schemas.every((s) => typeof s === "string" && s.length > 0)) {
    throw new ConfigError(`${file}: 'schemas' must be a schema file or directory, or a non-empty list of them`);
  }
  const config: { -readonly [K in keyof LuConfig]: LuConfig[K] } = {
    schemas: schemas as string[],
    out: nonEmptyString(file, "out", obj["out"]),
  };
  const style = obj["importStyle"];
  if (style !== undefined) {
    if (style !== "package" && style !== "relative")
      throw new ConfigError(`${file}: 'importStyle' must be "package" or "relative"`);
    config.importStyle = style;
  }
  if (obj["runtime"] !== undefined) config.runtime = nonEmptyString(file, "runtime", obj["runtime"]);
  const target = obj["target"];
  if (target !== undefined) {
    if (target !== "typescript")
      throw new ConfigError(`${file}: 'target' must be "typescript" (the only generator so far)`);
    config.target = target;
  }
  if (obj["regenerate"] !== undefined) config.regenerate = nonEmptyString(file, "regenerate", obj["regenerate"]);
  return config;
}

/** The runtime specifier package-style generated code imports by default. */
export const DEFAULT_RUNTIME_MODULE = "lu-codec/runtime";
