/**
 * The top-level names each declaration's generated code exports (a struct's class; an enum's
 * object, type, names map and guard; a stream's record object, type, names, format and bodies; …).
 * Two declarations of a program whose names map to the same export (enum `wave_format` and the
 * format of stream `wave` are both `WAVE_FORMAT`) would give a file, or the index barrel that
 * re-exports every file, that does not compile: `generateTypeScript` refuses such a program.
 */
import type { LayoutProgram, LayoutSchema } from "../../ir.js";
import { symbols } from "./symbols.js";

/** One exported name and the declaration it comes from (`enum 'wave_format' (examples/riff-wave.lu)`). */
export interface ExportedName {
  readonly name: string;
  readonly from: string;
}

/** Every name the generated file of `schema` exports, in declaration order. */
export function exportedNames(schema: LayoutSchema): ExportedName[] {
  const out: ExportedName[] = [];
  const add = (kind: string, decl: string, names: readonly string[]): void => {
    for (const name of names) out.push({ name, from: `${kind} '${decl}' (${schema.file})` });
  };
  for (const c of schema.consts) add("const", c.name, [symbols.constant(c.name)]);
  for (const c of schema.strings) add("const", c.name, [symbols.constant(c.name)]);
  for (const e of schema.enums)
    add("enum", e.name, [
      symbols.valueObject(e.name),
      symbols.valueType(e.name),
      symbols.enumNames(e.name),
      symbols.enumGuard(e.name),
    ]);
  for (const f of schema.flags)
    add("flags", f.name, [symbols.valueObject(f.name), symbols.valueType(f.name), symbols.flagsAll(f.name)]);
  for (const s of schema.structs) add("struct", s.name, [symbols.structClass(s.name)]);
  for (const s of schema.streams) {
    add("stream", s.name, [
      symbols.streamRecords(s.name),
      symbols.streamRecordType(s.name),
      symbols.streamRecordNames(s.name),
      symbols.streamFormat(s.name),
      symbols.streamBodies(s.name),
    ]);
  }
  for (const n of schema.nodes) add("node", n.name, [symbols.nodeClass(n.name)]);
  return out;
}

/**
 * Throws when two declarations of `program` would export the same name (in one file, or in two
 * files the index barrel re-exports together), naming both and the export.
 */
export function checkExportedNames(program: LayoutProgram): void {
  const seen = new Map<string, string>();
  for (const schema of program.schemas) {
    for (const { name, from } of exportedNames(schema)) {
      const other = seen.get(name);
      if (other !== undefined)
        throw new Error(`${other} and ${from} would both generate '${name}': rename one of them`);
      seen.set(name, from);
    }
  }
}
