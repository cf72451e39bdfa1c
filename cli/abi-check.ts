/**
 * `lu abi-check OLD NEW` / `lu abi-check --base REV [DIR]` / `lu abi-check --baseline [DIR]`:
 * compare two versions of a schema and report every ABI break (exit 1) or none (exit 0).
 * Exit 2: usage error, unreadable input, or a version that does not compile.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { compareAbi } from "../codegen/abi/compare-programs.js";
import { reportToJson } from "../codegen/abi/report-json.js";
import { renderReportText } from "../codegen/abi/report-text.js";
import { compileProgram, renderDiagnostics } from "../codegen/compile.js";
import type { LayoutProgram } from "../codegen/ir.js";
import { fromGitRevision, fromWorkingTree, SourceError, type SchemaVersion } from "./abi-check-sources.js";

export interface AbiCheckFlags {
  base?: string;
  /** With `base`: the new version is DIR at this git revision, not the working tree. */
  head?: string;
  baseline?: boolean;
  json?: boolean;
}

export const DEFAULT_SCHEMA_DIR = "schema";

/** Thrown for anything that stops the comparison before a verdict (exit 2). */
class CannotCompare extends Error {
  override readonly name = "CannotCompare";
}

const EMPTY: LayoutProgram = { schemas: [], declaredIn: new Map() };

function compileVersion(v: SchemaVersion): LayoutProgram {
  if (v.entries.length === 0) return EMPTY;
  const { program, diagnostics } = compileProgram([...v.entries], v.readFile);
  if (program === null) {
    throw new CannotCompare(`${v.label} does not compile:\n${renderDiagnostics(diagnostics, v.readFile)}`);
  }
  return program;
}

/** The baseline named by `abiBaseline` in ./package.json: a snapshot directory or a git revision. */
export function baselineVersion(cwd: string, dir: string): SchemaVersion {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
  } catch {
    throw new CannotCompare("--baseline needs ./package.json");
  }
  const named = typeof pkg === "object" && pkg !== null && "abiBaseline" in pkg ? pkg.abiBaseline : undefined;
  if (typeof named !== "string" || named === "") throw new CannotCompare(`package.json has no "abiBaseline" string`);
  const asDir = join(cwd, named);
  if (existsSync(asDir) && statSync(asDir).isDirectory()) return fromWorkingTree(named, { allowEmpty: true, cwd });
  return fromGitRevision(named, dir, cwd);
}

function versions(args: readonly string[], flags: AbiCheckFlags, cwd: string): [SchemaVersion, SchemaVersion] {
  const modes = [flags.base !== undefined, flags.baseline === true].filter(Boolean).length;
  if (modes > 1) throw new UsageError("give either --base REV or --baseline, not both");
  if (flags.head !== undefined && flags.base === undefined) throw new UsageError("--head REV goes with --base REV");
  if (flags.base !== undefined || flags.baseline === true) {
    if (args.length > 1) throw new UsageError("with --base or --baseline give at most one DIR");
    const dir = args[0] ?? DEFAULT_SCHEMA_DIR;
    const old = flags.base !== undefined ? fromGitRevision(flags.base, dir, cwd) : baselineVersion(cwd, dir);
    const head = flags.head !== undefined ? fromGitRevision(flags.head, dir, cwd) : fromWorkingTree(dir, { cwd });
    return [old, head];
  }
  const [oldPath, newPath] = args;
  if (oldPath === undefined || newPath === undefined || args.length !== 2) {
    throw new UsageError("give OLD and NEW (files or directories), or --base REV [DIR], or --baseline [DIR]");
  }
  return [fromWorkingTree(oldPath, { cwd }), fromWorkingTree(newPath, { cwd })];
}

class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface AbiCheckIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Directory relative paths (and git) are resolved in. */
  readonly cwd: string;
}

/** Runs one check; returns the exit code. */
export function runAbiCheck(args: readonly string[], flags: AbiCheckFlags, io: AbiCheckIo): number {
  const { out, err } = io;
  let oldProgram: LayoutProgram;
  let newProgram: LayoutProgram;
  try {
    const [o, n] = versions(args, flags, io.cwd);
    oldProgram = compileVersion(o);
    newProgram = compileVersion(n);
  } catch (e) {
    if (e instanceof UsageError || e instanceof SourceError || e instanceof CannotCompare) {
      err(`lu abi-check: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const report = compareAbi(oldProgram, newProgram);
  out(flags.json === true ? `${JSON.stringify(reportToJson(report), null, 2)}\n` : renderReportText(report));
  return report.compatible ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command("abi-check")
    .description("compare two versions of a schema: report ABI breaks (exit 1) and allowed changes (exit 0)")
    .argument("[paths...]", "OLD NEW (each a .lu file or a directory of them), or DIR with --base/--baseline")
    .option("--base <rev>", "compare DIR (default schema/) at git revision REV against the working tree")
    .option("--head <rev>", "with --base: compare against DIR at git revision REV instead of the working tree")
    .option(
      "--baseline",
      'compare DIR (default schema/) against package.json "abiBaseline" (a snapshot directory or a git revision)',
    )
    .option("--json", "print { compatible, breaking, allowed } as JSON")
    .addHelpText(
      "after",
      "\nExit codes: 0 compatible, 1 breaking changes, 2 usage error or a version that does not compile.\nRules and workflow: docs/abi.md",
    )
    .action((paths: string[], flags: AbiCheckFlags) => {
      const code = runAbiCheck(paths, flags, {
        out: (s) => process.stdout.write(s),
        err: (s) => process.stderr.write(s),
        cwd: process.cwd(),
      });
      process.exitCode = code;
    });
}
