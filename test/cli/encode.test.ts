/**
 * `lu encode`: the JSON `lu dump --json` prints gives the dumped file back octet for octet,
 * for every built-in format (libxc v2 and v3, libxl with a libxc stream in line, a live update
 * stream and an HVM save blob with --stream, a struct with --struct) and for random valid record
 * streams (fast-check); an edited document is re-framed (lengths, padding) and checked as
 * `lu validate` checks, and one that breaks a rule writes nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { runEncode } from "../../cli/encode.js";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { streamFormatOf } from "../../cli/inspect/stream-formats.js";
import { LU_STREAM_BODIES, XC_STREAM_BODIES } from "../../generated/index.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { BufferRecordWriter } from "../../runtime/record-writer.js";
import { validBody } from "../../fuzz/targets/generated-validate.js";
import { sampleHvmContext, sampleLibxcStream } from "../fixtures/sample-streams.js";
import { LIBXC, capture, corrupted, sampleLibxlStream, tempPath } from "./inspect-fixtures.js";

interface Flags {
  readonly schema?: string;
  readonly stream?: string;
  readonly struct?: string;
}

let n = 0;
function fileOf(bytes: Uint8Array): string {
  const path = tempPath(`encode-${n++}.bin`);
  writeFileSync(path, bytes);
  return path;
}

function dumpJson(file: string, flags: Flags & { readonly summary?: boolean } = {}): string {
  const r = capture((w, e) => runDump(file, { json: true, ...flags }, w, e));
  expect(r.err).toBe("");
  return r.out;
}

function encode(json: string, flags: Flags = {}): { code: number; bytes: Uint8Array | undefined; err: string } {
  const path = tempPath(`encode-${n++}.json`);
  writeFileSync(path, json);
  let bytes: Uint8Array | undefined;
  let err = "";
  const code = runEncode(
    path,
    flags,
    (b) => (bytes = b),
    (t) => (err += t),
  );
  return { code, bytes, err };
}

/** dump --json, then encode: the same octets. False (nothing checked) when the input has problems. */
function roundTrip(bytes: Uint8Array, flags: Flags = {}, mustBeValid = true): boolean {
  const file = fileOf(bytes);
  const json = dumpJson(file, flags);
  const problems = (JSON.parse(json) as { problems: unknown[] }).problems;
  if (!mustBeValid && problems.length > 0) return false;
  expect(problems).toEqual([]);
  const e = encode(json, flags);
  expect(e.err).toBe("");
  expect(e.code).toBe(0);
  expect(Buffer.from(e.bytes ?? new Uint8Array(0)).equals(Buffer.from(bytes))).toBe(true);
  return true;
}

const schemas = loadSchemas();

function luStream(): Uint8Array {
  const w = new BufferRecordWriter(streamFormatOf(schemas, "lu_stream"));
  for (const [type, cls] of LU_STREAM_BODIES) {
    // HVM_CONTEXT's nested stream is not random octets: sampleHvmContext covers it.
    if (schemas.structs.get(cls.SCHEMA_NAME)?.trailing?.type.kind === "stream") continue;
    const body = validBody(cls.SCHEMA_NAME, type, 3);
    cls.at(new ContiguousSource(body), 0, body.length).init();
    w.appendRecord(type, body);
  }
  w.end();
  return w.bytes().slice();
}

describe("lu encode gives back what lu dump read", () => {
  it("a libxc v3 stream, by the built-in schemas and through --schema", () => {
    const bytes = new Uint8Array(readFileSync(LIBXC));
    roundTrip(bytes);
    roundTrip(bytes, { schema: "schema/libxc-stream.lu" });
  });

  it("a libxc v2 stream", () => {
    roundTrip(new Uint8Array(readFileSync(corrupted(LIBXC, (b) => void (b[15] = 2)))));
  });

  it("a libxl stream with a libxc stream in line after LIBXC_CONTEXT", () => {
    const bytes = sampleLibxlStream(schemas);
    roundTrip(bytes);
    roundTrip(bytes, { schema: "schema/libxl-stream.lu" });
  });

  it("a live update stream and an HVM save blob (--stream), a struct (--struct)", () => {
    roundTrip(luStream(), { stream: "lu_stream" });
    roundTrip(sampleHvmContext(schemas), { stream: "hvm_save" });
    roundTrip(sampleLibxcStream(schemas).subarray(0, 24), { struct: "xc_image_header" });
  });

  it("random valid libxc and live update streams (fast-check)", () => {
    const xcTypes = [...XC_STREAM_BODIES].filter(([, cls]) => {
      const s = schemas.structs.get(cls.SCHEMA_NAME);
      // PAGE_DATA has a payload and HVM_CONTEXT a nested stream: built by the fixtures above.
      return s !== undefined && s.trailing?.type.kind !== "stream" && cls.SCHEMA_NAME !== "xc_page_data";
    });
    const luTypes = [...LU_STREAM_BODIES].filter(
      ([, cls]) => schemas.structs.get(cls.SCHEMA_NAME)?.trailing?.type.kind !== "stream",
    );
    const arb = fc.record({
      lu: fc.boolean(),
      records: fc.array(fc.record({ pick: fc.nat(), seed: fc.nat(), max: fc.constantFrom(0, 1, 5, 40) }), {
        maxLength: 12,
      }),
    });
    let checked = 0;
    fc.assert(
      fc.property(arb, ({ lu, records }) => {
        const types = lu ? luTypes : xcTypes;
        const format = streamFormatOf(schemas, lu ? "lu_stream" : "xc_stream");
        const w = new BufferRecordWriter(format);
        if (!lu) {
          const head = sampleLibxcStream(schemas).subarray(0, 40);
          w.source.bytes(0, 40).set(head);
          w.appendRecord(
            schemas.streams.get("xc_stream")?.records.find((r) => r.name === "STATIC_DATA_END")?.value ?? 0x10,
            new Uint8Array(0),
          );
        }
        for (const r of records) {
          const [type, cls] = types[r.pick % types.length] ?? [];
          if (type === undefined || cls === undefined) continue;
          const body = validBody(cls.SCHEMA_NAME, r.seed, r.max);
          cls.at(new ContiguousSource(body), 0, body.length).init();
          w.appendRecord(type, body);
        }
        w.end();
        // The body generator may leave octets after a counted array (a body-length problem):
        // such a file is not valid, and encode would rightly refuse to write it.
        if (roundTrip(w.bytes().slice(), lu ? { stream: "lu_stream" } : {}, false)) checked++;
      }),
      { seed: 0x13, numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(20);
  });
});

describe("lu encode on schemas of its own", () => {
  const schema = tempPath("encode-own.lu");
  writeFileSync(
    schema,
    [
      "struct whole size 8 { @0 magic: u32 = 7; @4 total: u32 = length of input; }",
      "struct head size 4 { @0 type: u16; @2 length: u16; }",
      "struct named { @0 n: u8; @1 text: ascii[n]; }",
      "struct note { @0 len: u32 = length of rest; @4 text: ascii[..]; }",
      "struct top size 4 { @0 size: u32 = length of rest; }",
      "stream s { preamble top; header head (type, length); align 4; end of input; record NAMED = 1 : named; record NOTE = 2 : note; }",
    ].join("\n"),
  );

  it("text with NULs after it, length fields of rest and of input: the same octets", () => {
    const le = (v: number, n: number): number[] => Array.from({ length: n }, (_, i) => (v >> (8 * i)) & 0xff);
    const named = [5, ...Buffer.from("ab"), 0, 0, 0]; // count 5: "ab" and three NULs
    const note = [...le(4, 4), ...Buffer.from("hi"), 0, 0]; // text to the end of the body, NULs kept
    const records = [...le(1, 2), ...le(named.length, 2), ...named, 0, 0, ...le(2, 2), ...le(note.length, 2), ...note];
    const bytes = Uint8Array.from([...le(records.length, 4), ...records]);
    roundTrip(bytes, { schema, stream: "s" });
    roundTrip(Uint8Array.from([7, 0, 0, 0, 8, 0, 0, 0]), { schema, struct: "whole" });
    const doc = JSON.parse(dumpJson(fileOf(bytes), { schema, stream: "s" })) as {
      records: { fields: { text?: string } }[];
    };
    // Dump shows text without its NUL padding; encode pads to the count field, or to the record's length.
    expect(doc.records.map((r) => r.fields.text)).toEqual(["ab", "hi"]);
  });
});

describe("lu encode checks what lu validate checks", () => {
  it("a --summary dump (byte fields summarised) is refused, naming the field", () => {
    const json = dumpJson(LIBXC, { summary: true });
    expect(JSON.parse(json)).toMatchObject({
      records: expect.arrayContaining([
        expect.objectContaining({ name: "PAGE_DATA", fields: expect.objectContaining({ page_data: { bytes: 8192 } }) }),
      ]),
    });
    const e = encode(json);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/page_data: the dump shows 8192 octets summarised.*without --summary/);
    expect(e.bytes).toBeUndefined();
  });

  it("--summary goes with --json only", () => {
    const r = capture((w, e) => runDump(LIBXC, { summary: true }, w, e));
    expect(r).toMatchObject({
      code: 2,
      err: "lu dump: --summary goes with --json (the text output summarises byte fields anyway)\n",
    });
  });

  it("an edited record is framed anew: its length and padding follow the body", () => {
    const doc = JSON.parse(dumpJson(LIBXC)) as { records: { name: string; fields: { msrs?: unknown[] } }[] };
    const msr = doc.records.find((r) => r.name === "X86_MSR_POLICY");
    msr?.fields.msrs?.push({ idx: 0x10a, flags: 0, val: 7 });
    const e = encode(JSON.stringify(doc));
    expect(e.code).toBe(0);
    const again = JSON.parse(dumpJson(fileOf(e.bytes ?? new Uint8Array(0)))) as {
      records: { name: string; length: number; fields: { msrs?: unknown[] } }[];
      problems: unknown[];
    };
    expect(again.problems).toEqual([]);
    expect(again.records.find((r) => r.name === "X86_MSR_POLICY")).toMatchObject({
      length: 32,
      fields: { msrs: [{ idx: 0xce }, { idx: 0x10a, val: 7 }] },
    });
  });

  it("a document that breaks a rule of the schema writes nothing and exits 1", () => {
    const doc = JSON.parse(dumpJson(LIBXC)) as {
      headers: { fields: { version: number } }[];
      records: { name: string }[];
    };
    (doc.headers[0] as { fields: { version: number } }).fields.version = 4;
    const bad = encode(JSON.stringify(doc));
    expect(bad).toMatchObject({ code: 1, bytes: undefined });
    expect(bad.err).toMatch(/unsupported-version/);
    const order = JSON.parse(dumpJson(LIBXC)) as { records: { name: string }[] };
    order.records = order.records.filter((r) => r.name !== "STATIC_DATA_END");
    expect(encode(JSON.stringify(order)).err).toMatch(/STATIC_DATA_END must come before PAGE_DATA.*record-order/);
  });

  it("names what does not fit the schema, and exits 2 on usage errors", () => {
    const doc = JSON.parse(dumpJson(LIBXC)) as { records: { fields: { [k: string]: unknown } }[] };
    (doc.records[0] as { fields: { [k: string]: unknown } }).fields["colour"] = 1;
    expect(encode(JSON.stringify(doc))).toMatchObject({
      code: 1,
      err: "lu encode: records[0].fields.colour: 'xc_x86_cpuid_policy' has no field 'colour'\n",
    });
    expect(encode("{ not json").code).toBe(1);
    expect(encode("{}", { stream: "no_such_stream" }).code).toBe(2);
    expect(capture((w, e) => runEncode(tempPath("missing.json"), {}, () => w(""), e)).code).toBe(2);
  });
});
