/**
 * Formats generated TypeScript with the repo's pinned prettier and its `.prettierrc.json` (imported,
 * so no file system access here and the config travels with a build), so generated files read as
 * hand-written and a prettier upgrade shows up as its own diff.
 */
import { format, type Options } from "prettier";
import config from "../.prettierrc.json" with { type: "json" };

const options: Options = { ...(config as Options), parser: "typescript" };

export async function formatTypeScript(source: string): Promise<string> {
  return format(source, options);
}
