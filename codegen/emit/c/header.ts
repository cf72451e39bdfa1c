/**
 * `lu gen --lang c`: one C11 header per schema file. Fixed-width types, every padding run an
 * explicit member, enum/flag/constant/record-type macros, bit-range masks and shifts, byte-order
 * accessors for fields whose endianness is not the host's, and a static assertion of `sizeof`,
 * alignment and every field's `offsetof`, so a C compiler checks the schema's layout against its own.
 * The header compiles as C11 (`-std=c11 -pedantic`) and as C++17.
 */
import type {
  IntName,
  LayoutElement,
  LayoutField,
  LayoutProgram,
  LayoutSchema,
  LayoutStruct,
  LayoutType,
  PrimName,
} from "../../ir.js";
import { loadRuleOf } from "../../ir.js";
import type { GeneratedFile } from "../ts/generate.js";

const C_TYPE: Record<PrimName, string> = {
  u8: "uint8_t",
  u16: "uint16_t",
  u32: "uint32_t",
  u64: "uint64_t",
  i8: "int8_t",
  i16: "int16_t",
  i32: "int32_t",
  i64: "int64_t",
  f32: "float",
  f64: "double",
};

const SIZE: Record<PrimName, number> = { u8: 1, u16: 2, u32: 4, u64: 8, i8: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8 };

/** Macro prefix of a declaration: its name upper-cased. */
const upper = (name: string): string => name.toUpperCase();

function baseName(schemaFile: string): string {
  const name = schemaFile.split("/").pop() ?? schemaFile;
  return name.endsWith(".lu") ? name.slice(0, -3) : name;
}

function comment(doc: string | null, indent = ""): string[] {
  if (doc === null || doc.length === 0) return [];
  return [`${indent}/* ${doc.replace(/\*\//g, "* /").split("\n").join(`\n${indent} * `)} */`];
}

function intLiteral(value: bigint, prim: IntName | null): string {
  const unsigned = prim === null || prim.startsWith("u");
  if (value < 0n) return `(${value + 1n}LL - 1)`;
  if (value > 0xffff_ffffn) return `${`0x${value.toString(16)}`}ULL`;
  return unsigned ? `0x${value.toString(16)}u` : `${value}`;
}

/** Element declaration text: type and the suffix after the member name. */
function elementType(el: LayoutElement): string {
  return el.kind === "struct" ? `struct ${el.structName}` : C_TYPE[el.prim];
}

function member(f: LayoutField): string {
  const t: LayoutType = f.type;
  switch (t.kind) {
    case "prim":
    case "enum":
    case "flags":
    case "bits":
      return `${C_TYPE[t.prim]} ${f.name};`;
    case "ascii":
      return `char ${f.name}[${t.length}];`;
    case "pad":
      return `uint8_t ${f.name}[${t.length}];`;
    case "bytes":
      return t.count.kind === "fixed" ? `uint8_t ${f.name}[${t.count.n}];` : `uint8_t ${f.name}[];`;
    case "struct":
      return `struct ${t.structName} ${f.name};`;
    case "array":
      return t.count.kind === "fixed"
        ? `${elementType(t.element)} ${f.name}[${t.count.n}];`
        : `${elementType(t.element)} ${f.name}[];`;
    case "stream":
      return `uint8_t ${f.name}[]; /* nested stream ${t.streamName} */`;
  }
}

/** Natural alignment of a field as C sees it (used to decide whether a struct must be packed). */
function naturalAlign(program: Map<string, LayoutStruct>, t: LayoutType): number {
  switch (t.kind) {
    case "prim":
    case "enum":
    case "flags":
    case "bits":
      return SIZE[t.prim];
    case "struct":
      return program.get(t.structName)?.align ?? 1;
    case "array":
      return t.element.kind === "struct" ? (program.get(t.element.structName)?.align ?? 1) : SIZE[t.element.prim];
    default:
      return 1;
  }
}

function needsPacking(structs: Map<string, LayoutStruct>, s: LayoutStruct): boolean {
  let natural = 1;
  for (const f of s.fields) {
    const a = naturalAlign(structs, f.type);
    natural = Math.max(natural, a);
    if (f.offset % a !== 0) return true;
  }
  return s.align < natural;
}

/** Byte-order accessors for fields stored in the other byte order than the host's. */
function byteOrderHelpers(s: LayoutStruct): string[] {
  const out: string[] = [];
  for (const f of s.fields) {
    const t = f.type;
    if (t.kind !== "prim" && t.kind !== "enum" && t.kind !== "flags" && t.kind !== "bits") continue;
    const size = SIZE[t.prim];
    if (size === 1 || t.prim === "f32" || t.prim === "f64") continue;
    const ty = C_TYPE[t.prim];
    const swap = `LU_BSWAP${size * 8}`;
    const stored = t.endian === "big" ? "LU_HOST_IS_BIG" : "LU_HOST_IS_LITTLE";
    const conv = (x: string): string =>
      `(${ty})(${stored} ? (uint${size * 8}_t)(${x}) : ${swap}((uint${size * 8}_t)(${x})))`;
    out.push(
      `/* ${s.name}.${f.name} is ${t.endian}-endian: read and write it in host order. */`,
      `static inline ${ty} ${s.name}_get_${f.name}(const struct ${s.name} *s) { return ${conv(`s->${f.name}`)}; }`,
      `static inline void ${s.name}_set_${f.name}(struct ${s.name} *s, ${ty} v) { s->${f.name} = ${conv("v")}; }`,
    );
  }
  return out;
}

function bitMacros(s: LayoutStruct): string[] {
  const out: string[] = [];
  for (const f of s.fields) {
    if (f.type.kind !== "bits") continue;
    for (const r of f.type.ranges) {
      const width = r.hi - r.lo + 1;
      const mask = ((1n << BigInt(width)) - 1n) << BigInt(r.lo);
      const p = upper(`${s.name}_${f.name}_${r.name}`);
      out.push(`#define ${p}_SHIFT ${r.lo}`, `#define ${p}_MASK ${intLiteral(mask, "u64")}`);
    }
  }
  return out;
}

function structText(structs: Map<string, LayoutStruct>, s: LayoutStruct): string[] {
  if (s.size === 0 && s.trailing !== null) {
    // C has no struct made of a flexible array alone: the body is just that array.
    return [
      ...comment(s.doc),
      `/* struct ${s.name}: no fixed part; the body is ${member(s.trailing).replace(/;.*$/, "")} */`,
      `#define ${upper(s.name)}_SIZE 0`,
    ];
  }
  const packed = needsPacking(structs, s);
  const rule = loadRuleOf(s);
  const out = [
    ...comment(s.doc),
    `/* ${s.size} octets${s.trailing !== null ? " + variable-length tail" : ""}, align ${s.align}, ${s.endian}-endian, load ${rule.kind}${rule.kind === "zero_extend" && rule.from.length > 0 ? ` from ${rule.from.join(", ")}` : ""}. */`,
    `struct ${packed ? "LU_PACKED " : ""}${s.name} {`,
  ];
  for (const f of s.fields) out.push(`  ${member(f)} /* @${f.offset} */`);
  out.push("};");
  const tag = upper(s.name);
  out.push(`#define ${tag}_SIZE ${s.size}`);
  if (rule.kind === "zero_extend") {
    out.push(`#define ${tag}_MIN_SIZE ${Math.min(s.size, ...rule.from)}`);
    rule.from.forEach((n, i) => out.push(`#define ${tag}_OLDER_SIZE_${i} ${n}`));
  }
  out.push(
    `LU_STATIC_ASSERT(sizeof(struct ${s.name}) == ${s.size}, "sizeof(struct ${s.name})");`,
    `LU_STATIC_ASSERT(LU_ALIGNOF(struct ${s.name}) == ${packed ? 1 : s.align}, "alignment of struct ${s.name}");`,
  );
  for (const f of s.fields) {
    out.push(
      `LU_STATIC_ASSERT(offsetof(struct ${s.name}, ${f.name}) == ${f.offset}, "offsetof(struct ${s.name}, ${f.name})");`,
    );
  }
  out.push(...bitMacros(s), ...byteOrderHelpers(s));
  return out;
}

/** Structs in an order where each comes after the structs it embeds. */
function ordered(structs: Map<string, LayoutStruct>, own: readonly LayoutStruct[]): LayoutStruct[] {
  const done = new Set<string>();
  const out: LayoutStruct[] = [];
  const ownNames = new Set(own.map((s) => s.name));
  const visit = (s: LayoutStruct): void => {
    if (done.has(s.name)) return;
    done.add(s.name);
    for (const f of s.fields) {
      const t = f.type;
      const dep =
        t.kind === "struct"
          ? t.structName
          : t.kind === "array" && t.element.kind === "struct"
            ? t.element.structName
            : null;
      const d = dep === null ? undefined : structs.get(dep);
      if (d !== undefined && ownNames.has(d.name)) visit(d);
    }
    out.push(s);
  };
  own.forEach(visit);
  return out;
}

const PRELUDE = `#include <stddef.h>
#include <stdint.h>

#ifndef LU_CODEC_C_PRELUDE
#define LU_CODEC_C_PRELUDE
#ifdef __cplusplus
#define LU_STATIC_ASSERT(cond, what) static_assert(cond, what)
#define LU_ALIGNOF(type) alignof(type)
#else
#define LU_STATIC_ASSERT(cond, what) _Static_assert(cond, what)
#define LU_ALIGNOF(type) _Alignof(type)
#endif
#define LU_PACKED __attribute__((packed))
#define LU_HOST_IS_LITTLE (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define LU_HOST_IS_BIG (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define LU_BSWAP16(x) __builtin_bswap16(x)
#define LU_BSWAP32(x) __builtin_bswap32(x)
#define LU_BSWAP64(x) __builtin_bswap64(x)
#endif`;

export function headerOf(program: LayoutProgram, schema: LayoutSchema): GeneratedFile {
  const structs = new Map<string, LayoutStruct>(
    program.schemas.flatMap((s) => s.structs.map((x): [string, LayoutStruct] => [x.name, x])),
  );
  const base = baseName(schema.file);
  const guard = `LU_CODEC_${upper(base.replace(/[^A-Za-z0-9]/g, "_"))}_H`;
  const out: string[] = [
    `/* Generated by lu-codec from ${schema.file} (lu gen --lang c). Do not edit. */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    PRELUDE,
    ...schema.imports.map((i) => `#include "${baseName(i)}.h"`),
    "",
  ];
  for (const c of schema.consts) out.push(...comment(c.doc), `#define ${upper(c.name)} ${intLiteral(c.value, null)}`);
  for (const e of [...schema.enums, ...schema.flags]) {
    out.push("", ...comment(e.doc));
    for (const m of e.members) out.push(`#define ${upper(`${e.name}_${m.name}`)} ${intLiteral(m.value, e.base)}`);
  }
  for (const st of schema.streams) {
    out.push("", ...comment(st.doc));
    for (const r of st.records)
      out.push(`#define ${upper(`${st.name}_${r.name}`)} ${intLiteral(BigInt(r.value), "u32")}`);
  }
  for (const s of ordered(structs, schema.structs)) out.push("", ...structText(structs, s));
  out.push("", `#endif /* ${guard} */`, "");
  return { path: `${base}.h`, text: out.join("\n") };
}

export function generateC(program: LayoutProgram): GeneratedFile[] {
  return program.schemas.map((s) => headerOf(program, s));
}
