/**
 * Name lookups over one `LayoutProgram` (all schema files merged), as the ABI comparison needs them.
 */
import type { LayoutEnum, LayoutFlags, LayoutProgram, LayoutStream, LayoutStruct, SourceSpan } from "../ir.js";

export interface ProgramIndex {
  readonly structs: ReadonlyMap<string, LayoutStruct>;
  readonly enums: ReadonlyMap<string, LayoutEnum>;
  readonly flags: ReadonlyMap<string, LayoutFlags>;
  readonly streams: ReadonlyMap<string, LayoutStream>;
  /** Schema file paths in program order. */
  readonly files: readonly string[];
}

export function indexProgram(program: LayoutProgram): ProgramIndex {
  const structs = new Map<string, LayoutStruct>();
  const enums = new Map<string, LayoutEnum>();
  const flags = new Map<string, LayoutFlags>();
  const streams = new Map<string, LayoutStream>();
  for (const schema of program.schemas) {
    for (const s of schema.structs) structs.set(s.name, s);
    for (const e of schema.enums) enums.set(e.name, e);
    for (const f of schema.flags) flags.set(f.name, f);
    for (const s of schema.streams) streams.set(s.name, s);
  }
  return { structs, enums, flags, streams, files: program.schemas.map((s) => s.file) };
}

/**
 * A place in a program when the declaration in question does not exist there: the start of the
 * file of the same name if the program has one, else the start of its first file.
 */
export function fileSpan(index: ProgramIndex, preferredFile: string): SourceSpan {
  const file = index.files.includes(preferredFile) ? preferredFile : (index.files[0] ?? preferredFile);
  return { file, start: 0, end: 0, line: 1, col: 1 };
}
