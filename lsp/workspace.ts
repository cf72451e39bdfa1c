/**
 * The schemas the language server sees: open editor buffers first, the file system for the rest
 * (imports not open in the editor). Compiles a document with everything it imports, and keeps the
 * last program that checked without errors so hover and completion still work while the user types.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileProgram, normalisePath } from "../codegen/compile.js";
import type { Diagnostic } from "../codegen/diagnostics.js";
import type { LayoutProgram } from "../codegen/ir.js";

export function uriToPath(uri: string): string {
  return normalisePath(uri.startsWith("file:") ? fileURLToPath(uri) : uri);
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

export interface Analysis {
  readonly program: LayoutProgram | null;
  readonly diagnostics: readonly Diagnostic[];
}

export class Workspace {
  private readonly open = new Map<string, string>();
  private readonly lastGood = new Map<string, LayoutProgram>();

  setText(path: string, text: string): void {
    this.open.set(path, text);
  }

  close(path: string): void {
    this.open.delete(path);
  }

  openPaths(): string[] {
    return [...this.open.keys()];
  }

  /** The text of `path`: the editor's buffer if open, else the file on disk. */
  text(path: string): string | undefined {
    const buffered = this.open.get(path);
    if (buffered !== undefined) return buffered;
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  }

  analyse(path: string): Analysis {
    const result = compileProgram([path], (p) => this.text(p));
    if (result.program !== null) this.lastGood.set(path, result.program);
    return result;
  }

  /** The latest program of `path` that checked, or null if it never has. */
  program(path: string): LayoutProgram | null {
    return this.lastGood.get(path) ?? this.analyse(path).program;
  }
}
