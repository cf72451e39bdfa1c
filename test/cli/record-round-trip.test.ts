/**
 * A round trip per record type through `lu dump` and `lu validate`: for every record type of
 * lu_stream, xc_stream and xl_stream and every HVM save typecode, the body is built with its
 * generated class (`Cls.at(src, 0, length).init()` then the setters, test/cli/accessor-builder.ts),
 * framed by the runtime writers (BufferRecordWriter for libxc/libxl files, headers written by the
 * generated XcImageHeader/XcDomainHeader/XlHeader; PagedRecordWriter + writeMemoryImage for live
 * update images), dumped with `--json`: every field reads back as set, and validate says clean.
 * Then corrupted copies (a reserved field or reserved bits non-zero, padding non-zero, a constant
 * wrong, an enum value or flag bit unknown) make validate exit 1 with exactly one problem naming
 * the field, its record and its absolute offset.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { LayoutField, LayoutRecord, LayoutStruct } from "../../codegen/ir.js";
import { runDump } from "../../cli/dump.js";
import type { JsonValue } from "../../cli/inspect/json-value.js";
import { loadSchemas, streamOf } from "../../cli/inspect/schema-program.js";
import { runValidate } from "../../cli/validate.js";
import {
  HVM_SAVE_BODIES,
  HVM_SAVE_FORMAT,
  HVM_SAVE_RECORD,
  HvmSaveDescriptor,
  HvmSaveHeader,
  LU_STREAM_BODIES,
  LU_STREAM_FORMAT,
  XC_DOMAIN_TYPE,
  XC_ENDIANNESS,
  XC_STREAM_BODIES,
  XC_STREAM_FORMAT,
  XC_STREAM_RECORD,
  XL_STREAM_BODIES,
  XL_STREAM_FORMAT,
  XL_STREAM_RECORD,
  XcDomainHeader,
  XcHvmContext,
  XcImageHeader,
  XlHeader,
} from "../../generated/index.js";
import type { StructClass } from "../../runtime/accessor-support.js";
import { FrameAllocator } from "../../runtime/frame-allocator.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { writeMemoryImage } from "../../runtime/memory-image.js";
import { PagedRecordWriter } from "../../runtime/paged-record-writer.js";
import { BufferRecordWriter } from "../../runtime/record-writer.js";
import { concat } from "../fixtures/schema-encoder.js";
import { AccessorBuilder, type BuiltBody } from "./accessor-builder.js";
import { capture, tempPath } from "./inspect-fixtures.js";

const schemas = loadSchemas();
const PAGE_SIZE = 4096;
const HVM_INSTANCE = 2;

interface DumpedRecord {
  readonly stream: string;
  readonly index: number;
  readonly offset: number;
  readonly name: string;
  readonly fields: { [k: string]: JsonValue };
}
interface Located {
  readonly kind: string;
  readonly offset: number;
  readonly recordIndex?: number;
  readonly record?: string;
  readonly field?: string;
}

/** A framed test stream: its file, the dump flags, and where the record under test is. */
interface Framed {
  readonly file: string;
  readonly flags: { readonly image?: boolean; readonly bootmem?: string };
  /** Absolute offset of the body of the record under test (file or vmapped stream). */
  readonly bodyOffset: number;
  readonly index: number;
}

let files = 0;
const nextFile = (tag: string): string => tempPath(`rt-${tag}-${files++}.bin`);

/** An HVM save record stream (descriptor instance set through HvmSaveDescriptor). */
function hvmStream(records: readonly { readonly type: number; readonly body: Uint8Array }[]): {
  bytes: Uint8Array;
  bodyOffsets: number[];
} {
  const w = new BufferRecordWriter(HVM_SAVE_FORMAT);
  const bodyOffsets: number[] = [];
  for (const r of records) {
    const placed = w.appendRecord(r.type, r.body);
    HvmSaveDescriptor.at(placed.source, placed.recordOffset).instance = HVM_INSTANCE;
    bodyOffsets.push(placed.offset);
  }
  const end = w.end();
  HvmSaveDescriptor.at(end.source, end.recordOffset).instance = HVM_INSTANCE;
  return { bytes: w.bytes().slice(), bodyOffsets };
}

const plainBuilder = (): AccessorBuilder => {
  const header = new AccessorBuilder(schemas).build(HvmSaveHeader);
  const nested = hvmStream([{ type: HVM_SAVE_RECORD.HEADER, body: header.bytes }]);
  return new AccessorBuilder(schemas, new Map([["hvm_save", { bytes: nested.bytes, names: ["HEADER", "END"] }]]));
};

/** The libxc image and domain headers, written through the generated classes. */
function libxcWriter(version: number): BufferRecordWriter {
  const w = new BufferRecordWriter(XC_STREAM_FORMAT);
  const ih = XcImageHeader.at(w.source, 0).init();
  ih.version = version;
  ih.endianness = XC_ENDIANNESS.little;
  const dh = XcDomainHeader.at(w.source, XcImageHeader.SIZE).init();
  dh.type = XC_DOMAIN_TYPE.x86_hvm;
  dh.pageShift = 12;
  dh.xenMajor = 4;
  dh.xenMinor = 19;
  return w;
}

function frameLibxc(type: number, body: Uint8Array | null): Framed {
  const w = libxcWriter(3);
  if (type !== XC_STREAM_RECORD.STATIC_DATA_END) w.appendRecord(XC_STREAM_RECORD.STATIC_DATA_END, new Uint8Array(0));
  let placed = { offset: -1, index: -1 };
  if (type !== XC_STREAM_RECORD.END) placed = w.appendRecord(type, body ?? new Uint8Array(0));
  const end = w.end();
  if (type === XC_STREAM_RECORD.END) placed = end;
  const file = nextFile("xc");
  writeFileSync(file, w.bytes());
  return { file, flags: {}, bodyOffset: placed.offset, index: placed.index };
}

/** A minimal libxc stream (headers, STATIC_DATA_END, END) to follow LIBXC_CONTEXT. */
function minimalLibxc(): Uint8Array {
  const w = libxcWriter(3);
  w.appendRecord(XC_STREAM_RECORD.STATIC_DATA_END, new Uint8Array(0));
  w.end();
  return w.bytes().slice();
}

function frameLibxl(type: number, body: Uint8Array | null): Framed {
  const w = new BufferRecordWriter(XL_STREAM_FORMAT);
  XlHeader.at(w.source, 0).init();
  if (type === XL_STREAM_RECORD.END) {
    const end = w.end();
    const file = nextFile("xl");
    writeFileSync(file, w.bytes());
    return { file, flags: {}, bodyOffset: end.offset, index: end.index };
  }
  const placed = w.appendRecord(type, body ?? new Uint8Array(0));
  const parts = [w.bytes()];
  if (type === XL_STREAM_RECORD.LIBXC_CONTEXT) {
    parts.push(minimalLibxc());
    const after = new BufferRecordWriter({ ...XL_STREAM_FORMAT, preambleSize: 0 });
    after.end();
    parts.push(after.bytes());
  } else {
    w.end();
    parts[0] = w.bytes();
  }
  const file = nextFile("xl");
  writeFileSync(file, concat(parts));
  return { file, flags: {}, bodyOffset: placed.offset, index: placed.index };
}

function frameImage(type: number, body: Uint8Array | null): Framed {
  const memory = new MachineMemory({
    pageSize: PAGE_SIZE,
    frameCount: 64,
    reserved: [{ start: 0, count: 2, name: "bootmem" }],
  });
  const w = new PagedRecordWriter(memory, LU_STREAM_FORMAT, {
    allocator: new FrameAllocator(memory, { seed: 11 }),
    bootmem: 0,
    littleEndian: true,
  });
  const placed = type === LU_STREAM_FORMAT.endType ? w.end() : w.appendRecord(type, body ?? new Uint8Array(0));
  w.finish();
  const file = nextFile("lu");
  writeMemoryImage(memory, file);
  return { file, flags: { image: true, bootmem: "0" }, bodyOffset: placed.offset, index: placed.index };
}

/** An HVM save record inside an HVM_CONTEXT record (body built by XcHvmContext) of a libxc stream. */
function frameHvm(type: number, body: Uint8Array | null): Framed & { readonly outerIndex: number } {
  const records: { type: number; body: Uint8Array }[] = [];
  if (type !== HVM_SAVE_RECORD.HEADER)
    records.push({ type: HVM_SAVE_RECORD.HEADER, body: new AccessorBuilder(schemas).build(HvmSaveHeader).bytes });
  if (type !== HVM_SAVE_RECORD.END) records.push({ type, body: body ?? new Uint8Array(0) });
  const nested = hvmStream(records);
  const names = [
    ...records.map((r) => schemas.streams.get("hvm_save")?.records.find((x) => x.value === r.type)?.name ?? "?"),
    "END",
  ];
  const context = new AccessorBuilder(schemas, new Map([["hvm_save", { bytes: nested.bytes, names }]])).build(
    XcHvmContext,
  );
  const framed = frameLibxc(XC_STREAM_RECORD.HVM_CONTEXT, context.bytes);
  const inner = type === HVM_SAVE_RECORD.END ? records.length : records.length - 1;
  const innerOffset = type === HVM_SAVE_RECORD.END ? -1 : (nested.bodyOffsets[inner] ?? -1);
  return { ...framed, bodyOffset: framed.bodyOffset + innerOffset, index: inner, outerIndex: framed.index };
}

interface DumpDoc {
  readonly records: readonly DumpedRecord[];
  readonly problems: readonly Located[];
}

/** `--summary`: the builder's expected values summarise byte fields over 32 octets (test/cli/encode.test.ts checks every octet). */
function dump(framed: Framed): { code: number; doc: DumpDoc; err: string } {
  const r = capture((w, e) => runDump(framed.file, { json: true, summary: true, ...framed.flags }, w, e));
  return { code: r.code, doc: JSON.parse(r.out) as DumpDoc, err: r.err };
}

function validate(framed: Framed): { code: number; problems: readonly Located[] } {
  const r = capture((w, e) => runValidate(framed.file, { json: true, ...framed.flags }, w, e));
  return { code: r.code, problems: (JSON.parse(r.out) as { problems: Located[] }).problems };
}

/** Nested record lists (stream fields) reduced to their record names, as the builder expects them. */
function namesOfStreams(
  body: LayoutStruct | undefined,
  fields: { [k: string]: JsonValue },
): { [k: string]: JsonValue } {
  const out = { ...fields };
  for (const f of body?.fields ?? []) {
    const v = out[f.name];
    if (f.type.kind === "stream" && Array.isArray(v))
      out[f.name] = (v as readonly { readonly name: string }[]).map((r) => r.name);
  }
  return out;
}

/** PAGE_DATA's pages: one per pfn whose type carries data, after the pfn array. */
function withPages(built: BuiltBody): BuiltBody {
  const pfns = built.expected["pfn"] as readonly { readonly pfn_type: { readonly type: string } }[];
  const pages = pfns.filter((p) => !["broken", "xalloc", "xtab"].includes(p.pfn_type.type)).length;
  const bytes = new Uint8Array(built.bytes.length + pages * PAGE_SIZE);
  bytes.set(built.bytes);
  for (let i = built.bytes.length; i < bytes.length; i++) bytes[i] = (i * 7 + 1) & 0xff;
  return {
    bytes,
    expected: pages > 0 ? { ...built.expected, page_data: { bytes: pages * PAGE_SIZE } } : built.expected,
  };
}

interface Case {
  readonly stream: string;
  readonly record: LayoutRecord;
  readonly cls: StructClass | undefined;
  readonly frame: (type: number, body: Uint8Array | null) => Framed;
  /** Stream name the record is dumped under, and how to find it in the dump. */
  readonly find: (doc: DumpDoc, framed: Framed) => DumpedRecord | undefined;
  readonly extraFields: { [k: string]: JsonValue };
}

const top =
  (stream: string) =>
  (doc: DumpDoc, framed: Framed): DumpedRecord | undefined =>
    doc.records.find((r) => r.stream === stream && r.index === framed.index);
const nestedHvm = (doc: DumpDoc, framed: Framed): DumpedRecord | undefined => {
  const outer = doc.records.find((r) => r.name === "HVM_CONTEXT");
  const list = outer?.fields["records"] as readonly DumpedRecord[] | undefined;
  return list?.find((r) => r.index === framed.index);
};

function cases(
  stream: string,
  bodies: ReadonlyMap<number, StructClass>,
  frame: Case["frame"],
  find: Case["find"],
  extraFields: Case["extraFields"] = {},
): Case[] {
  return streamOf(schemas, stream).records.map((record) => ({
    stream,
    record,
    cls: bodies.get(record.value),
    frame,
    find,
    extraFields,
  }));
}

const ALL: Case[] = [
  ...cases("xc_stream", XC_STREAM_BODIES, frameLibxc, top("xc_stream")),
  ...cases("xl_stream", XL_STREAM_BODIES, frameLibxl, top("xl_stream")),
  ...cases("lu_stream", LU_STREAM_BODIES, frameImage, top("lu_stream")),
  ...cases("hvm_save", HVM_SAVE_BODIES, frameHvm, nestedHvm, { instance: HVM_INSTANCE }),
];

function buildBody(c: Case): BuiltBody | null {
  if (c.cls === undefined) return null;
  const built = plainBuilder().build(c.cls);
  return c.record.body === "xc_page_data" ? withPages(built) : built;
}

describe("every record type round-trips through the generated setters, lu dump and lu validate", () => {
  it("has a generated body class for exactly the record types the schemas give a body", () => {
    for (const c of ALL) expect(c.cls?.SCHEMA_NAME ?? null, `${c.stream} ${c.record.name}`).toBe(c.record.body);
    expect(ALL.filter((c) => c.stream === "hvm_save").map((c) => c.record.name)).toEqual(
      expect.arrayContaining([
        "HEADER",
        "CPU",
        "PIC",
        "IOAPIC",
        "LAPIC",
        "LAPIC_REGS",
        "PCI_IRQ",
        "ISA_IRQ",
        "PCI_LINK",
        "PIT",
        "RTC",
        "HPET",
        "PMTIMER",
        "MTRR",
        "VIRIDIAN_DOMAIN",
        "VIRIDIAN_VCPU",
        "VMCE_VCPU",
        "TSC_ADJUST",
        "CPU_XSAVE",
        "CPU_MSR",
        "END",
      ]),
    );
  });

  it.each(ALL.map((c) => [`${c.stream} ${c.record.name}`, c] as const))("%s", (_label, c) => {
    const built = buildBody(c);
    const framed = c.frame(c.record.value, built?.bytes ?? null);
    const d = dump(framed);
    expect(d.doc.problems).toEqual([]);
    expect(d.code).toBe(0);
    const rec = c.find(d.doc, framed);
    expect(rec?.name).toBe(c.record.name);
    const body = c.record.body === null ? undefined : schemas.structs.get(c.record.body);
    expect(namesOfStreams(body, rec?.fields ?? {})).toEqual({ ...c.extraFields, ...(built?.expected ?? {}) });
    expect(validate(framed)).toEqual({ code: 0, problems: [] });
  });
});

/** One corruption of a top-level body field, and the problem validate must report for it. */
interface Corruption {
  readonly label: string;
  readonly field: string;
  readonly kind: string;
  readonly at: number;
  readonly apply: (body: Uint8Array) => void;
}

/** Octet of `f` holding bit `bit` of its value (0 = least significant). */
function octetOfBit(f: LayoutField, s: LayoutStruct, bit: number): number {
  const t = f.type;
  const little = "endian" in t ? t.endian === "little" : s.endian === "little";
  return little ? f.offset + (bit >> 3) : f.offset + f.size - 1 - (bit >> 3);
}

function corruptions(s: LayoutStruct): Corruption[] {
  const out: Corruption[] = [];
  const first = (
    label: string,
    pick: (f: LayoutField) => Omit<Corruption, "label" | "at" | "field"> | undefined,
  ): void => {
    for (const f of s.fields) {
      const c = pick(f);
      if (c !== undefined) {
        out.push({ label, field: f.name, at: f.offset, ...c });
        return;
      }
    }
  };
  const setBit =
    (f: LayoutField, bit: number) =>
    (b: Uint8Array): void => {
      const at = octetOfBit(f, s, bit);
      b[at] = (b[at] ?? 0) ^ (1 << (bit & 7));
    };
  first("reserved field non-zero", (f) =>
    f.reserved && f.type.kind !== "pad" && f.type.kind !== "array"
      ? { kind: "nonzero-reserved", apply: setBit(f, 0) }
      : undefined,
  );
  first("padding non-zero", (f) =>
    f.type.kind === "pad" ? { kind: "nonzero-padding", apply: (b) => void (b[f.offset] = 0xa5) } : undefined,
  );
  first("constant wrong", (f) =>
    f.constValue !== null && f.type.kind !== "bits" ? { kind: "bad-constant", apply: setBit(f, 0) } : undefined,
  );
  first("reserved bits of a bits field non-zero", (f) => {
    const t = f.type;
    if (t.kind !== "bits" || f.reserved || f.constValue !== null) return undefined;
    for (let bit = 0; bit < f.size * 8; bit++)
      if (!t.ranges.some((r) => bit >= r.lo && bit <= r.hi)) return { kind: "nonzero-reserved", apply: setBit(f, bit) };
    return undefined;
  });
  first("enum value unknown", (f) => {
    const t = f.type;
    if (t.kind !== "enum" || f.reserved || f.constValue !== null) return undefined;
    const values = new Set(schemas.enums.get(t.enumName)?.members.map((m) => m.value));
    let v = 0n;
    while (values.has(v)) v++;
    return {
      kind: "unknown-enum",
      apply: (b) => {
        for (let i = 0; i < f.size; i++) b[octetOfBit(f, s, i * 8)] = Number((v >> BigInt(i * 8)) & 0xffn);
      },
    };
  });
  first("flag bit unknown", (f) => {
    const t = f.type;
    if (t.kind !== "flags" || f.reserved) return undefined;
    const known = (schemas.flags.get(t.flagsName)?.members ?? []).reduce((a, m) => a | m.value, 0n);
    for (let bit = 0; bit < f.size * 8; bit++)
      if ((known & (1n << BigInt(bit))) === 0n) return { kind: "unknown-flags", apply: setBit(f, bit) };
    return undefined;
  });
  return out;
}

const CORRUPT = ALL.flatMap((c) => {
  const body = c.record.body === null ? undefined : schemas.structs.get(c.record.body);
  return body === undefined
    ? []
    : corruptions(body).map((k) => [`${c.stream} ${c.record.name}: ${k.label} (${k.field})`, c, k] as const);
});

describe("a corrupted field makes lu validate exit 1 with one problem naming it", () => {
  it("covers every category on some record type", () => {
    const labels = new Set(CORRUPT.map(([, , k]) => k.label));
    expect([...labels].sort()).toEqual([
      "constant wrong",
      "enum value unknown",
      "flag bit unknown",
      "padding non-zero",
      "reserved bits of a bits field non-zero",
      "reserved field non-zero",
    ]);
  });

  it.each(CORRUPT)("%s", (_label, c, k) => {
    const built = buildBody(c);
    if (built === null) throw new Error("no body");
    const bytes = built.bytes.slice();
    k.apply(bytes);
    const framed = c.frame(c.record.value, bytes);
    const v = validate(framed);
    expect(v.problems).toEqual([
      {
        offset: framed.bodyOffset + k.at,
        recordIndex: framed.index,
        record: c.record.name,
        field: k.field,
        kind: k.kind,
        message: expect.any(String) as unknown,
      },
    ]);
    expect(v.code).toBe(1);
    // dump still shows the record, and exits 1 for the same problem.
    const d = dump(framed);
    expect(d.code).toBe(1);
    expect(c.find(d.doc, framed)?.name).toBe(c.record.name);
  });
});
