/**
 * Pass 1, names and imports: import cycles (LU2008) and missing imports (LU2009), one table of
 * declaration names for the whole program (duplicates: LU2002), duplicate member / field / record
 * names inside a declaration, and name lookup with visibility (a file sees its own declarations
 * and those of the files it imports, transitively).
 */
import type { AstDecl, AstName } from "../ast.js";
import { diag } from "../diagnostics.js";
import type { SourceSpan } from "../ir.js";
import { type CheckInput, type Decl, type DiagnosticSink, kindPhrase } from "./context.js";
import { didYouMean } from "./suggest.js";

export interface NameTable {
  readonly decls: ReadonlyMap<string, Decl>;
  /**
   * The declaration `name` as seen from `file`, or null after reporting LU2001 (unknown) or LU2006
   * (not one of `kinds`). `what` names the expected kind in messages ("type", "constant").
   */
  lookup(
    file: string,
    name: AstName,
    what: string,
    kinds: readonly Decl["kind"][],
    alsoKnown?: readonly string[],
  ): Decl | null;
}

export function checkNames(input: CheckInput, sink: DiagnosticSink): NameTable {
  checkImports(input, sink);
  const decls = new Map<string, Decl>();
  for (const { ast } of input.files) {
    const firstEndian = ast.endian[0];
    for (const extra of ast.endian.slice(1)) {
      if (firstEndian !== undefined) sink.report(diag.duplicateDirective(extra.span, "endian", firstEndian.span));
    }
    for (const decl of ast.decls) {
      const entry = declEntry(decl, ast.file);
      const prior = decls.get(decl.name.text);
      if (prior !== undefined) {
        sink.report(diag.duplicateName(decl.name.span, "declaration", decl.name.text, prior.decl.name.span));
      } else {
        decls.set(decl.name.text, entry);
      }
      checkInnerNames(entry, sink);
    }
  }

  const visible = visibility(input);
  return {
    decls,
    lookup(file, name, what, kinds, alsoKnown = []) {
      const found = decls.get(name.text);
      if (found === undefined || !(visible.get(file)?.has(found.file) ?? false)) {
        // Suggest only names that would resolve here, as the kind wanted: following the help must not
        // turn one error into another.
        const seen = visible.get(file);
        const near = [...decls.values()]
          .filter((d) => kinds.includes(d.kind) && (seen?.has(d.file) ?? false))
          .map((d) => d.decl.name.text);
        const help =
          found === undefined
            ? didYouMean(name.text, [...near, ...alsoKnown], alsoKnown.length > 0)
            : `'${name.text}' is declared in '${found.file}'; import it`;
        sink.report(diag.unknownName(name.span, what, name.text, help));
        return null;
      }
      if (!kinds.includes(found.kind)) {
        const phrases = kinds.map(kindPhrase);
        const last = phrases.pop() ?? "";
        const expected = phrases.length === 0 ? last : `${phrases.join(", ")} or ${last}`;
        sink.report(diag.wrongKind(name.span, name.text, kindPhrase(found.kind), expected));
        return null;
      }
      return found;
    },
  };
}

function declEntry(decl: AstDecl, file: string): Decl {
  switch (decl.kind) {
    case "const":
      return { kind: "const", decl, file };
    case "enum":
      return { kind: "enum", decl, file };
    case "flags":
      return { kind: "flags", decl, file };
    case "struct":
      return { kind: "struct", decl, file };
    case "stream":
      return { kind: "stream", decl, file };
    case "node":
      return { kind: "node", decl, file };
  }
}

/** Files each file can see: itself and everything it imports, transitively. */
function visibility(input: CheckInput): Map<string, Set<string>> {
  const direct = new Map<string, string[]>();
  for (const f of input.files) {
    direct.set(
      f.ast.file,
      f.imports.flatMap((i) => (i.target === null ? [] : [i.target])),
    );
  }
  const result = new Map<string, Set<string>>();
  for (const f of input.files) {
    const seen = new Set<string>([f.ast.file]);
    const todo = [f.ast.file];
    for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
      for (const t of direct.get(next) ?? []) {
        if (!seen.has(t)) {
          seen.add(t);
          todo.push(t);
        }
      }
    }
    result.set(f.ast.file, seen);
  }
  return result;
}

function checkImports(input: CheckInput, sink: DiagnosticSink): void {
  const byFile = new Map(input.files.map((f) => [f.ast.file, f]));
  for (const f of input.files) {
    for (const { import: imp, target } of f.imports) {
      if (target === null) sink.report(diag.importNotFound(imp.span, imp.path, resolvedPath(f.ast.file, imp.path)));
    }
  }
  // Depth-first search; an edge back to a file on the current path closes a cycle.
  const state = new Map<string, "active" | "done">();
  const path: string[] = [];
  const reported = new Set<string>();
  const visit = (file: string): void => {
    state.set(file, "active");
    path.push(file);
    for (const { import: imp, target } of byFile.get(file)?.imports ?? []) {
      if (target === null) continue;
      const s = state.get(target);
      if (s === "active") {
        const cycle = [...path.slice(path.indexOf(target)), target];
        const key = [...new Set(cycle)].sort().join("\n");
        if (!reported.has(key)) {
          reported.add(key);
          sink.report(diag.importCycle(imp.span, cycle));
        }
      } else if (s === undefined) {
        visit(target);
      }
    }
    path.pop();
    state.set(file, "done");
  };
  for (const f of input.files) if (!state.has(f.ast.file)) visit(f.ast.file);
}

/** The file key an import resolves to (same rule as the loader in compile.ts). */
export function resolvedPath(fromFile: string, importPath: string): string {
  const dir = fromFile.includes("/") ? fromFile.slice(0, fromFile.lastIndexOf("/")) : "";
  const parts: string[] = [];
  for (const part of `${dir}/${importPath}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  const joined = parts.join("/");
  return fromFile.startsWith("/") || importPath.startsWith("/") ? `/${joined}` : joined;
}

/** Duplicate names inside one declaration (members, fields, bit ranges, records, ranges). */
function checkInnerNames(entry: Decl, sink: DiagnosticSink): void {
  const unique = (names: readonly AstName[], what: string): void => {
    const seen = new Map<string, SourceSpan>();
    for (const n of names) {
      const first = seen.get(n.text);
      if (first !== undefined) sink.report(diag.duplicateName(n.span, what, n.text, first));
      else seen.set(n.text, n.span);
    }
  };
  switch (entry.kind) {
    case "enum":
    case "flags":
      unique(
        entry.decl.members.map((m) => m.name),
        entry.kind === "enum" ? "member" : "flag",
      );
      break;
    case "struct":
      unique(
        entry.decl.fields.map((f) => f.name),
        "field",
      );
      for (const f of entry.decl.fields) {
        if (f.type.kind === "bits")
          unique(
            f.type.ranges.map((r) => r.name),
            "bit range",
          );
      }
      break;
    case "stream": {
      const records: AstName[] = [];
      const ranges: AstName[] = [];
      for (const item of entry.decl.items) {
        if (item.kind === "record") records.push(item.name);
        if (item.kind === "range") ranges.push(item.name);
      }
      unique(records, "record");
      unique(ranges, "range");
      break;
    }
    case "node":
      unique(
        entry.decl.items.flatMap((i) => (i.kind === "member" ? [i.name] : [])),
        "node member",
      );
      break;
    case "const":
      break;
  }
}
