/**
 * The version of the installed lu-codec package, read from its package.json: the one next to the
 * sources (`cli/`) or next to the build (`dist/cli/`), whichever is the package's own.
 */
import { readFileSync } from "node:fs";

const candidates = ["../package.json", "../../package.json"];

export function packageVersion(): string {
  for (const rel of candidates) {
    try {
      const text = readFileSync(new URL(rel, import.meta.url), "utf8");
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (pkg.name === "lu-codec" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not this one: try the next candidate
    }
  }
  return "unknown";
}
