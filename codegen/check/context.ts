/**
 * What the checker passes share: the program's files, the diagnostics sink, and the kinds of
 * declaration a name can denote. Passes read the AST and never change it.
 */
import type { AstConst, AstEnum, AstFile, AstImport, AstNode, AstStream, AstStruct } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";

/** One file of the program with its imports resolved to file keys (null: not found). */
export interface CheckFile {
  readonly ast: AstFile;
  readonly imports: readonly { readonly import: AstImport; readonly target: string | null }[];
}

export interface CheckInput {
  /** Files in load order (entries first, then what they import). */
  readonly files: readonly CheckFile[];
}

export type Decl =
  | { readonly kind: "const"; readonly decl: AstConst; readonly file: string }
  | { readonly kind: "enum"; readonly decl: AstEnum; readonly file: string }
  | { readonly kind: "flags"; readonly decl: AstEnum; readonly file: string }
  | { readonly kind: "struct"; readonly decl: AstStruct; readonly file: string }
  | { readonly kind: "stream"; readonly decl: AstStream; readonly file: string }
  | { readonly kind: "node"; readonly decl: AstNode; readonly file: string };

/** How a declaration kind reads in a message: "a constant", "an enum". */
export function kindPhrase(kind: Decl["kind"]): string {
  switch (kind) {
    case "const":
      return "a constant";
    case "enum":
      return "an enum";
    case "flags":
      return "a flag set";
    case "struct":
      return "a struct";
    case "stream":
      return "a stream";
    case "node":
      return "a device-tree node";
  }
}

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  report(d: Diagnostic): void {
    this.list.push(d);
  }
}
