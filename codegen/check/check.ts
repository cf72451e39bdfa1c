/**
 * The checker: runs the passes in this fixed order and assembles the layout IR.
 *   1. names   (imports, declaration table, duplicates)
 *   2. constants
 *   3. types   (enums, flags, field types, recursion)
 *   4. layout  (struct offsets, sizes, alignment)
 *   5. streams (record streams)
 *   6. nodes   (device-tree node declarations)
 * Passes collect diagnostics and never change the AST. The program is returned only when no error
 * was reported (warnings are allowed).
 */
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import type { AbiRule, LayoutProgram, LayoutSchema, LayoutStruct } from "../ir.js";
import { checkConstants } from "./constants.js";
import { type CheckInput, DiagnosticSink } from "./context.js";
import { checkLayout } from "./layout.js";
import { checkNames } from "./names.js";
import { checkNodes } from "./nodes.js";
import { checkStreams } from "./streams.js";
import { checkTypes } from "./types.js";

export interface CheckResult {
  readonly program: LayoutProgram | null;
  readonly diagnostics: readonly Diagnostic[];
}

export function checkProgram(input: CheckInput): CheckResult {
  const sink = new DiagnosticSink();
  const names = checkNames(input, sink);
  const consts = checkConstants(input, names, sink);
  const types = checkTypes(input, names, consts, sink);
  const layouts = checkLayout(input, names, consts, types, sink);
  const streams = checkStreams(input, names, consts, layouts, sink, types.enums);
  const nodes = checkNodes(input, names, consts, types, sink);
  if (hasErrors(sink.list)) return { program: null, diagnostics: sink.list };

  // ABI defaults: record bodies are frozen, stream headers and preambles may be appended to.
  const defaults = new Map<string, AbiRule>();
  for (const s of streams.streams.values()) {
    for (const p of [s.header, ...s.preamble]) if (!defaults.has(p)) defaults.set(p, "append");
    // A zero-extended body grows by appending fields (Xen's hvm_load_entry_zeroextend).
    for (const r of s.records) {
      if (r.body !== null)
        defaults.set(r.body, layouts.structs.get(r.body)?.load?.kind === "zero_extend" ? "append" : "frozen");
    }
  }
  const withAbi = (s: LayoutStruct): LayoutStruct =>
    layouts.declaredAbi.has(s.name) ? s : { ...s, abi: defaults.get(s.name) ?? "free" };

  const declaredIn = new Map<string, string>();
  const schemas: LayoutSchema[] = input.files.map(({ ast, imports }) => {
    const pick = <T>(kind: string, table: ReadonlyMap<string, T>): T[] =>
      ast.decls.flatMap((d) => {
        if (d.kind !== kind) return [];
        declaredIn.set(d.name.text, ast.file);
        const found = table.get(d.name.text);
        return found === undefined ? [] : [found];
      });
    return {
      file: ast.file,
      imports: imports.flatMap((i) => (i.target === null ? [] : [i.target])),
      endian: ast.endian[0]?.endian ?? "little",
      consts: pick("const", new Map((consts.byFile.get(ast.file) ?? []).map((c) => [c.name, c]))),
      strings: pick("const", new Map((consts.stringsByFile.get(ast.file) ?? []).map((c) => [c.name, c]))),
      enums: pick("enum", types.enums),
      flags: pick("flags", types.flags),
      structs: pick("struct", layouts.structs).map(withAbi),
      streams: pick("stream", streams.streams),
      nodes: pick("node", nodes),
      doc: ast.doc,
    };
  });
  return { program: { schemas, declaredIn }, diagnostics: sink.list };
}
