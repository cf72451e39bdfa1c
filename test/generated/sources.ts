/**
 * The two kinds of source generated accessors must work on, for tests: one contiguous buffer, and
 * a vmap of tiny (64-octet) pages mapped in reverse order, so most structs straddle page edges.
 */
import { readFileSync } from "node:fs";
import type { ByteSource } from "../../runtime/byte-view.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { vmap } from "../../runtime/vmap.js";
import { compileProgram } from "../../codegen/compile.js";
import type { LayoutProgram, LayoutStruct } from "../../codegen/ir.js";

export type SourceKind = "contiguous" | "vmap";
export const SOURCE_KINDS: readonly SourceKind[] = ["contiguous", "vmap"];

/** A zeroed source of at least `length` octets. */
export function makeSource(kind: SourceKind, length: number, pageSize = 64): ByteSource {
  if (kind === "contiguous") return new ContiguousSource(new ArrayBuffer(length));
  const pages = Math.max(1, Math.ceil(length / pageSize));
  const memory = new MachineMemory({ pageSize, frameCount: pages + 3 });
  const mfns: number[] = [];
  for (let i = pages - 1; i >= 0; i--) mfns.push(i + 2);
  return vmap(memory, mfns);
}

/** The octets `[offset, offset + length)` of a source as a DataView (a copy where they straddle pages). */
export function rawView(src: ByteSource, offset: number, length: number): DataView {
  const bytes = src.bytes(offset, length);
  return new DataView(bytes.buffer, bytes.byteOffset, length);
}

/** The checked IR of a golden case's input (the reference the generated classes are tested against). */
export function goldenProgram(name: string): LayoutProgram {
  const read = (p: string): string | undefined => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return undefined;
    }
  };
  const { program } = compileProgram([`test/golden/${name}/input.lu`], read);
  if (program === null) throw new Error(`golden ${name} does not compile`);
  return program;
}

export function structOf(program: LayoutProgram, name: string): LayoutStruct {
  for (const s of program.schemas) for (const x of s.structs) if (x.name === name) return x;
  throw new Error(`no struct ${name}`);
}
