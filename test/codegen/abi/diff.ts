/**
 * Test helper: build an old and a new program from one description (`v` says which version is
 * being built) and compare them. Old spans lie in `old.lu`, new ones in `new.lu`.
 */
import { compareAbi, type AbiReport } from "../../../codegen/abi/compare-programs.js";
import type { AbiCode, AbiFinding } from "../../../codegen/abi/findings.js";
import type { LayoutField } from "../../../codegen/ir.js";
import { builder, recordHeader, t, type Builder, type Decls } from "./layout-builder.js";

export type Version = "old" | "new";

export function diff(make: (b: Builder, v: Version) => Decls): AbiReport {
  const ob = builder("old.lu");
  const nb = builder("new.lu");
  return compareAbi(ob.program(make(ob, "old")), nb.program(make(nb, "new")));
}

export const codes = (fs: readonly AbiFinding[]): AbiCode[] => fs.map((f) => f.code);

/**
 * A stream `s` (header `rhdr`, END = 0, FOO = 0x40000001 with body `foo`) whose body struct has
 * the given fields and options; `extra` adds declarations.
 */
export function withBody(
  b: Builder,
  fields: readonly LayoutField[],
  bodyOpts: Parameters<Builder["struct"]>[2] = { abi: "frozen" },
  extra: Decls = {},
): Decls {
  const body = b.struct("foo", fields, { abi: "frozen", ...bodyOpts });
  return {
    structs: [recordHeader(b), body, ...(extra.structs ?? [])],
    enums: extra.enums ?? [],
    flags: extra.flags ?? [],
    streams: [b.stream("s", [b.record("END", 0, null), b.record("FOO", 0x40000001, "foo")]), ...(extra.streams ?? [])],
  };
}

export { t };

/** Breaking findings other than LU4017 (which every break of a record body also raises at the record). */
export const bodyBreaks = (r: AbiReport): AbiFinding[] => r.breaking.filter((f) => f.code !== "LU4017");
export const bodyCodes = (r: AbiReport): AbiCode[] => codes(bodyBreaks(r));
