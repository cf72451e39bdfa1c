/**
 * `cli/` knows no format by name (docs/cli-inspect.md "Inputs"): no struct, stream, enum, flag set or
 * record name of the shipped schemas, and no generated class or `*_BODIES` / `*_RECORD` map of
 * theirs, appears in its code (comments aside). What a file is and how it is walked comes from the
 * schemas. `lu save` and `lu restore` drive the live update pipeline (liveupdate/), and `cli/image/`
 * opens memory-image containers (flat, raw, ELF core files through the generated ELF classes): they
 * are left out.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { symbols } from "../../codegen/emit/ts/symbols.js";
import { typeName } from "../../codegen/naming.js";

const LIVE_UPDATE_COMMANDS = new Set(["cli/save.ts", "cli/restore.ts"]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

function names(): Set<string> {
  const out = new Set<string>();
  for (const s of loadSchemas().program.schemas) {
    for (const st of s.structs) out.add(st.name).add(typeName(st.name));
    for (const e of [...s.enums, ...s.flags]) out.add(e.name);
    for (const st of s.streams) {
      out.add(st.name).add(symbols.streamBodies(st.name)).add(symbols.streamRecords(st.name));
      for (const r of st.records) out.add(r.name);
    }
  }
  // Short record names (END) are ordinary words in code and messages.
  return new Set([...out].filter((n) => n.length >= 4));
}

describe("cli/ holds no format names", () => {
  it("no schema declaration or generated symbol is named in cli/ code", () => {
    const known = names();
    expect(known.has("lu_stream")).toBe(true);
    const found: string[] = [];
    for (const file of sources("cli").filter((f) => !LIVE_UPDATE_COMMANDS.has(f) && !f.startsWith("cli/image/"))) {
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      for (const word of code.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])
        if (known.has(word)) found.push(`${file}: ${word}`);
    }
    expect([...new Set(found)]).toEqual([]);
  });
});
