/**
 * gcc as the judge: a C program including Xen's own public headers (Debian's libxen-dev, Xen 4.17,
 * /usr/include/xen) asserts with `_Static_assert` that every HVM save struct the schema declares has
 * Xen's `sizeof`, and every field Xen's `offsetof` and member size. The schema numbers come from the
 * compiled IR; the generated C header holds the same numbers (header.test.ts compiles its own
 * assertions), so Xen's header and lu-codec's header are held to the same layout.
 *
 * Xen master (schema/) grew LAPIC after 4.17: for it, Xen 4.17's struct must be a prefix (its size is
 * one of the schema's older sizes, and every field 4.17 has sits where 4.17 puts it). Which fields
 * 4.17 has is what abi/xen-4.17/hvm-save.lu says, itself checked in full against the same header.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram } from "../../../../codegen/compile.js";
import { type LayoutProgram, type LayoutStruct, loadRuleOf } from "../../../../codegen/ir.js";

const XEN_HEADER = "/usr/include/xen/hvm/save.h";
const present = existsSync(XEN_HEADER);
if (!present) {
  const why = `skipping the gcc cross-check against Xen's headers: ${XEN_HEADER} is absent (apt-get install -y libxen-dev)`;
  if (process.env["CI"] === "true") throw new Error(`${why}; CI must have it (.ci/run installs it)`);
  console.warn(why);
}

/** Schema structs whose C name differs, or that C does not name (checked another way). */
const C_NAME: Record<string, string | null> = {
  hvm_vioapic_redir_entry: "union vioapic_redir_entry",
  hvm_hw_hpet_timer: null, // anonymous in C; its stride is checked through hvm_hw_hpet.timers
};
/** Schema fields C spells differently. */
const C_FIELD: Record<string, string> = {
  "hvm_hw_cpu_xsave.fpu_sse": "save_area.fpu_sse",
  "hvm_hw_cpu_xsave.xsave_hdr": "save_area.xsave_hdr",
};
/** Schema fields C has no member for: bitfield storage units, explicit tail padding, variable tails. */
const NOT_IN_C = new Set([
  "hvm_hw_vpic.init_bits",
  "hvm_hw_vpic.mode_bits",
  "hvm_hw_cpu_xsave.extended",
  "hvm_msr._pad",
  "hvm_hw_lapic._pad",
]);

function compile(file: string): LayoutProgram {
  const r = compileProgram([file], (p) => (existsSync(p) ? readFileSync(p, "utf8") : undefined));
  if (r.program === null) throw new Error(`${file} does not compile`);
  return r.program;
}

function structs(p: LayoutProgram): Map<string, LayoutStruct> {
  return new Map(p.schemas.flatMap((s) => s.structs.map((x): [string, LayoutStruct] => [x.name, x])));
}

/** `_Static_assert`s of `schema` against Xen's header; `xen417` says which fields and size Xen 4.17 has. */
function judge(
  schema: Map<string, LayoutStruct>,
  xen417: Map<string, LayoutStruct>,
): { lines: string[]; fields: number } {
  const lines: string[] = [];
  let fields = 0;
  for (const s of schema.values()) {
    const old = xen417.get(s.name);
    if (old === undefined) continue;
    const cname = s.name in C_NAME ? C_NAME[s.name] : `struct ${s.name}`;
    if (cname === null || cname === undefined) continue;
    const rule = loadRuleOf(s);
    const sizes = rule.kind === "zero_extend" ? [s.size, ...rule.from] : [s.size];
    expect(sizes, `4.17's ${s.name} (${old.size} octets) is a size the schema takes`).toContain(old.size);
    lines.push(`_Static_assert(sizeof(${cname}) == ${old.size}, "sizeof(${cname})");`);
    for (const f of s.fields) {
      const key = `${s.name}.${f.name}`;
      if (NOT_IN_C.has(key) || !old.fields.some((o) => o.name === f.name)) continue;
      const member = C_FIELD[key] ?? f.name;
      lines.push(`_Static_assert(offsetof(${cname}, ${member}) == ${f.offset}, "offsetof(${cname}, ${member})");`);
      if (f.size > 0)
        lines.push(`_Static_assert(sizeof(((${cname} *)0)->${member}) == ${f.size}, "size of ${cname}.${member}");`);
      fields++;
    }
  }
  const timer = schema.get("hvm_hw_hpet_timer");
  if (timer !== undefined)
    lines.push(`_Static_assert(sizeof(((struct hvm_hw_hpet *)0)->timers[0]) == ${timer.size}, "hpet timer");`);
  return { lines, fields };
}

const dir = mkdtempSync(join(tmpdir(), "lu-xen-judge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gcc(name: string, lines: readonly string[]): { ok: boolean; out: string } {
  const file = join(dir, `${name}.c`);
  writeFileSync(
    file,
    [
      "#include <stddef.h>",
      "#include <stdint.h>",
      "#include <xen/xen.h>",
      "#include <xen/hvm/save.h>",
      ...lines,
      "int main(void) { return 0; }",
      "",
    ].join("\n"),
  );
  try {
    execFileSync("gcc", ["-std=gnu11", "-Wall", "-Werror", "-c", file, "-o", join(dir, `${name}.o`)], {
      stdio: "pipe",
    });
    return { ok: true, out: "" };
  } catch (e) {
    return { ok: false, out: String((e as { stderr?: Buffer }).stderr ?? e) };
  }
}

describe.skipIf(!present)("the HVM schemas against Xen's own headers (gcc)", () => {
  const v417 = structs(compile("abi/xen-4.17/hvm-save.lu"));
  const master = structs(compile("schema/hvm-save.lu"));

  it("Xen 4.17's layouts (abi/xen-4.17) match /usr/include/xen exactly", () => {
    const { lines, fields } = judge(v417, v417);
    expect(fields).toBeGreaterThan(250);
    const r = gcc("v417", lines);
    expect(r.out).toBe("");
    expect(r.ok).toBe(true);
  });

  it("Xen master's layouts (schema/) have 4.17's as a prefix (LAPIC grew, nothing moved)", () => {
    const { lines, fields } = judge(master, v417);
    expect(fields).toBeGreaterThan(250);
    const r = gcc("master", lines);
    expect(r.out).toBe("");
    expect(r.ok).toBe(true);
  });

  it("fails when a schema offset is changed (LAPIC tdt_msr moved from 16 to 20)", () => {
    const lapic = master.get("hvm_hw_lapic");
    expect(lapic).toBeDefined();
    const moved: LayoutStruct = {
      ...(lapic as LayoutStruct),
      fields: (lapic as LayoutStruct).fields.map((f) => (f.name === "tdt_msr" ? { ...f, offset: 20 } : f)),
    };
    const mutated = new Map(master).set("hvm_hw_lapic", moved);
    const r = gcc("mutated", judge(mutated, v417).lines);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/offsetof\(struct hvm_hw_lapic, tdt_msr\)/);
  });
});
