/**
 * Where `lu abi-check` reads a schema version from: the working tree (a `.lu` file, or every `*.lu`
 * in a directory) or a git revision of a directory (`git ls-tree` to list, `git show REV:path` to
 * read). Either way the result is a list of entry files plus a reader the compiler resolves imports
 * with, using the same relative paths, so old and new findings name the same files.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, resolve } from "node:path";

export interface SchemaVersion {
  /** What the version is, for messages: `schema/` or `abi-v1:schema/`. */
  readonly label: string;
  readonly entries: readonly string[];
  readonly readFile: (path: string) => string | undefined;
}

export class SourceError extends Error {
  override readonly name = "SourceError";
}

const isLu = (name: string): boolean => name.endsWith(".lu");

/** A file or directory of the working tree; `allowEmpty` accepts a directory with no `.lu` (an empty baseline). */
export function fromWorkingTree(
  path: string,
  opts: { readonly allowEmpty?: boolean; readonly cwd?: string } = {},
): SchemaVersion {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new SourceError(`'${path}' does not exist`);
  const entries = statSync(abs).isDirectory()
    ? readdirSync(abs)
        .filter(isLu)
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (entries.length === 0 && opts.allowEmpty !== true) throw new SourceError(`'${path}' holds no .lu files`);
  const readFile = (p: string): string | undefined => {
    try {
      return readFileSync(resolve(cwd, p), "utf8");
    } catch {
      return undefined;
    }
  };
  return { label: path, entries, readFile };
}

function git(args: readonly string[], cwd: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

/** Every `*.lu` directly in `dir` (relative to `cwd`) as it was at git revision `rev`. */
export function fromGitRevision(rev: string, dir: string, cwd: string = process.cwd()): SchemaVersion {
  try {
    git(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], cwd);
  } catch {
    throw new SourceError(`git revision '${rev}' not found (is it fetched? tags are not always present in a CI clone)`);
  }
  const prefix = posix.normalize(dir.replaceAll("\\", "/")).replace(/\/?$/, "/");
  let listed: string;
  try {
    listed = git(["ls-tree", "--name-only", rev, "--", prefix], cwd);
  } catch (e) {
    throw new SourceError(
      `cannot list '${prefix}' at '${rev}': ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`,
    );
  }
  const entries = listed
    .split("\n")
    .filter((p) => isLu(p) && posix.dirname(p) === posix.normalize(prefix.slice(0, -1)))
    .sort();
  if (entries.length === 0) throw new SourceError(`'${prefix}' holds no .lu files at '${rev}'`);
  const cache = new Map<string, string | undefined>();
  const readFile = (p: string): string | undefined => {
    const key = posix.normalize(p.replaceAll("\\", "/"));
    if (!cache.has(key)) {
      let text: string | undefined;
      try {
        text = git(["show", `${rev}:./${key}`], cwd);
      } catch {
        text = undefined;
      }
      cache.set(key, text);
    }
    return cache.get(key);
  };
  return { label: `${rev}:${prefix}`, entries, readFile };
}
