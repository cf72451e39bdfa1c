/**
 * Cross-language golden vectors. For each schema, a C program built here from the generated header
 * (`lu gen --lang c`) fills every integer field of every fixed-size struct with a pattern, writes
 * the structs' octets (test/vectors/<schema>.bin) and the values it stored (<schema>.json). The
 * committed files must be exactly what the C program writes; the generated TypeScript accessors must
 * read the committed values back from the committed octets. The reverse: TypeScript writes the same
 * values with the generated setters into zeroed octets, and the C program reads them back through
 * the header (its byte-order helpers for big-endian fields) and must print the same JSON.
 * Regenerate with `LU_WRITE_VECTORS=1 npx vitest run test/vectors`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram } from "../../codegen/compile.js";
import { generateC } from "../../codegen/emit/c/header.js";
import { structMemberNames } from "../../codegen/emit/ts/member-names.js";
import type { LayoutField, LayoutStruct } from "../../codegen/ir.js";
import * as generated from "../../generated/index.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";

const SCHEMAS = ["hvm-save", "libxc-stream", "libxl-stream", "live-update"];
const dir = mkdtempSync(join(tmpdir(), "lu-vectors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const program = compileProgram(
  SCHEMAS.map((s) => `schema/${s}.lu`),
  (p) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return undefined;
    }
  },
).program;
if (program === null) throw new Error("schema/ does not compile");
for (const h of generateC(program)) writeFileSync(join(dir, h.path), h.text);

const C_INT: Record<string, string> = {
  u8: "uint8_t",
  u16: "uint16_t",
  u32: "uint32_t",
  u64: "uint64_t",
  i8: "int8_t",
  i16: "int16_t",
  i32: "int32_t",
  i64: "int64_t",
};

/** Integer fields (scalars and fixed integer arrays) of a fixed-size struct: what the vectors cover. */
function intFields(s: LayoutStruct): Array<{ f: LayoutField; prim: string; endian: string; count: number | null }> {
  const out: Array<{ f: LayoutField; prim: string; endian: string; count: number | null }> = [];
  for (const f of s.fields) {
    const t = f.type;
    if (
      (t.kind === "prim" || t.kind === "enum" || t.kind === "flags" || t.kind === "bits") &&
      t.prim in C_INT &&
      f.constValue === null &&
      !f.reserved
    ) {
      out.push({ f, prim: t.prim, endian: t.endian, count: null });
    } else if (
      t.kind === "array" &&
      t.element.kind !== "struct" &&
      t.element.prim in C_INT &&
      t.count.kind === "fixed"
    ) {
      out.push({ f, prim: t.element.prim, endian: t.element.endian, count: t.count.n });
    }
  }
  return out;
}

function structsOf(schema: string): LayoutStruct[] {
  const s = program?.schemas.find((x) => x.file.endsWith(`/${schema}.lu`));
  return (s?.structs ?? []).filter((x) => x.trailing === null && x.size > 0 && intFields(x).length > 0);
}

/** The C program: mode "write" fills and dumps; mode "read" loads octets from stdin and prints values. */
function cProgram(schema: string): string {
  const lines = [`#include "${schema}.h"`, "#include <stdio.h>", "#include <string.h>", "#include <inttypes.h>", ""];
  lines.push(
    "static uint64_t pattern(unsigned s, unsigned f, unsigned i) { return 0x8070605040302010ULL * (uint64_t)(s + 1) + 0x0101010101010101ULL * f + 0x1111ULL * i; }",
  );
  lines.push(
    "int main(int argc, char **argv) {",
    '  int write = argc > 1 && strcmp(argv[1], "write") == 0;',
    '  FILE *bin = fopen(argv[2], write ? "wb" : "rb");',
    "  if (!bin) return 2;",
    '  printf("{");',
  );
  structsOf(schema).forEach((s, si) => {
    lines.push(`  { struct ${s.name} v; memset(&v, 0, sizeof v);`);
    lines.push(`    if (!write && fread(&v, 1, sizeof v, bin) != sizeof v) return 3;`);
    lines.push(`    printf("%s\\"${s.name}\\":{", ${si === 0 ? '""' : '","'});`);
    intFields(s).forEach(({ f, prim, endian, count }, fi) => {
      const ty = C_INT[prim] ?? "uint64_t";
      const be = endian === "big" && prim !== "u8" && prim !== "i8";
      const signed = prim.startsWith("i");
      const fmt = signed ? '%" PRId64 "' : '%" PRIu64 "';
      const cast = signed ? "(int64_t)" : "(uint64_t)";
      const sep = fi === 0 ? "" : ",";
      if (count === null) {
        const set = be
          ? `${s.name}_set_${f.name}(&v, (${ty})pattern(${si}, ${fi}, 0))`
          : `v.${f.name} = (${ty})pattern(${si}, ${fi}, 0)`;
        const get = be ? `${s.name}_get_${f.name}(&v)` : `v.${f.name}`;
        lines.push(`    if (write) ${set};`, `    printf("${sep}\\"${f.name}\\":\\"${fmt}\\"", ${cast}${get});`);
      } else {
        lines.push(`    printf("${sep}\\"${f.name}\\":[");`);
        lines.push(
          `    for (unsigned i = 0; i < ${count}; i++) { if (write) v.${f.name}[i] = (${ty})pattern(${si}, ${fi}, i); printf("%s\\"${fmt}\\"", i ? "," : "", ${cast}v.${f.name}[i]); }`,
        );
        lines.push(`    printf("]");`);
      }
    });
    lines.push(`    printf("}");`, `    if (write) fwrite(&v, 1, sizeof v, bin); }`);
  });
  lines.push('  printf("}\\n");', "  fclose(bin);", "  return 0;", "}", "");
  return lines.join("\n");
}

function build(schema: string): string {
  const src = join(dir, `${schema}-vectors.c`);
  writeFileSync(src, cProgram(schema));
  const exe = join(dir, `${schema}-vectors`);
  execFileSync("gcc", ["-std=c11", "-Wall", "-Werror", "-Wno-unused-function", "-I", dir, src, "-o", exe], {
    stdio: "pipe",
  });
  return exe;
}

type Values = Record<string, Record<string, string | string[]>>;

/** The generated class of a schema struct. */
function classOf(name: string): { at(src: ContiguousSource, offset: number): Record<string, unknown> } {
  for (const v of Object.values(generated)) {
    if (typeof v === "function" && (v as { SCHEMA_NAME?: string }).SCHEMA_NAME === name)
      return v as unknown as { at(src: ContiguousSource, offset: number): Record<string, unknown> };
  }
  throw new Error(`no generated class for ${name}`);
}

function asText(v: unknown): string {
  return typeof v === "bigint" || typeof v === "number" ? BigInt(v).toString() : String(v);
}

describe.each(SCHEMAS)("golden vectors of %s", (schema) => {
  const structs = structsOf(schema);
  const exe = build(schema);

  it("the committed octets and values are what the C program writes", () => {
    const bin = join(dir, `${schema}.bin`);
    const json = execFileSync(exe, ["write", bin], { encoding: "utf8" });
    if (process.env["LU_WRITE_VECTORS"] === "1") {
      writeFileSync(`test/vectors/${schema}.bin`, readFileSync(bin));
      writeFileSync(`test/vectors/${schema}.json`, `${JSON.stringify(JSON.parse(json), null, 1)}\n`);
    }
    expect(readFileSync(bin).equals(readFileSync(`test/vectors/${schema}.bin`))).toBe(true);
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(`test/vectors/${schema}.json`, "utf8")));
    expect(structs.length).toBeGreaterThan(0);
  });

  it("TypeScript decodes them value-exact with the generated getters", () => {
    const octets = readFileSync(`test/vectors/${schema}.bin`);
    const values = JSON.parse(readFileSync(`test/vectors/${schema}.json`, "utf8")) as Values;
    const src = new ContiguousSource(octets.buffer.slice(octets.byteOffset, octets.byteOffset + octets.length));
    let at = 0;
    for (const s of structs) {
      const obj = classOf(s.name).at(src, at);
      const names = structMemberNames(s);
      for (const { f, count } of intFields(s)) {
        const got = obj[names.field.get(f.name) ?? f.name];
        const want = values[s.name]?.[f.name];
        if (count === null) expect(asText(got), `${s.name}.${f.name}`).toBe(want);
        else
          expect(
            Array.from({ length: count }, (_, i) => asText((got as { at(i: number): unknown }).at(i))),
            `${s.name}.${f.name}`,
          ).toEqual(want);
      }
      at += s.size;
    }
    expect(at).toBe(octets.length);
  });

  it("TypeScript writes them with the generated setters and the C program reads the same values back", () => {
    const values = JSON.parse(readFileSync(`test/vectors/${schema}.json`, "utf8")) as Values;
    const total = structs.reduce((n, s) => n + s.size, 0);
    const buf = new ArrayBuffer(total);
    const src = new ContiguousSource(buf);
    let at = 0;
    for (const s of structs) {
      const obj = classOf(s.name).at(src, at);
      const names = structMemberNames(s);
      for (const { f, prim, count } of intFields(s)) {
        const want = values[s.name]?.[f.name];
        const big = prim === "u64" || prim === "i64";
        const conv = (t: string): bigint | number => (big ? BigInt(t) : Number(t));
        if (count === null) obj[names.field.get(f.name) ?? f.name] = conv(want as string);
        else
          (want as string[]).forEach((t, i) =>
            (obj[names.field.get(f.name) ?? f.name] as { set(i: number, v: unknown): void }).set(i, conv(t)),
          );
      }
      at += s.size;
    }
    const file = join(dir, `${schema}-ts.bin`);
    writeFileSync(file, new Uint8Array(buf));
    const back = execFileSync(exe, ["read", file], { encoding: "utf8" });
    expect(JSON.parse(back)).toEqual(values);
  });
});
