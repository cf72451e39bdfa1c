/**
 * cli/inspect/json-writer.ts: what it writes is what `JSON.stringify` writes (octet runs as their
 * `{bytes, hex}`), and `lu dump --json` hands a large byte field to its writer in bounded pieces,
 * so the octets are never one string.
 */
import { writeFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runDump } from "../../../cli/dump.js";
import { type JsonValue, OctetRun } from "../../../cli/inspect/json-value.js";
import { JsonWriter } from "../../../cli/inspect/json-writer.js";
import { ContiguousSource } from "../../../runtime/contiguous-source.js";
import { tempPath } from "../inspect-fixtures.js";

function written(v: JsonValue): string {
  let out = "";
  const w = new JsonWriter((t) => (out += t));
  w.value(v);
  w.flush();
  return out;
}

describe("JsonWriter", () => {
  it("writes what JSON.stringify writes, octet runs included (fast-check)", () => {
    const octets = new Uint8Array(300).map((_, i) => (i * 7 + 3) & 0xff);
    const source = new ContiguousSource(octets);
    const run = fc.tuple(fc.nat(299), fc.nat(300)).map(([at, n]) => new OctetRun(source, at, Math.min(n, 300 - at)));
    const value: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.string(),
        run,
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("v"), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => written(v) === JSON.stringify(v)),
      { seed: 13, numRuns: 300 },
    );
  });

  it("lu dump --json hands a 16 MiB sample chunk to its writer in pieces of at most 256 KiB", () => {
    const samples = new Uint8Array(16 * 1024 * 1024).map((_, i) => (i * 37 + 11) & 0xff);
    const fmt = Buffer.from([1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x40, 0x1f, 0, 0, 1, 0, 8, 0]);
    const chunk = (id: string, body: Uint8Array): Buffer => {
      const head = Buffer.alloc(8);
      head.write(id, 0, "latin1");
      head.writeUInt32LE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const body = Buffer.concat([Buffer.from("WAVE"), chunk("fmt ", fmt), chunk("data", samples)]);
    const head = Buffer.alloc(8);
    head.write("RIFF", 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    const file = tempPath("json-writer-16m.wav");
    writeFileSync(file, Buffer.concat([head, body]));
    const pieces: string[] = [];
    expect(
      runDump(
        file,
        { schema: "examples/riff-wave.lu", json: true },
        (t) => pieces.push(t),
        () => undefined,
      ),
    ).toBe(0);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(256 * 1024);
    const doc = JSON.parse(pieces.join("")) as {
      records: { name: string; fields: { samples?: { bytes: number; hex: string } } }[];
    };
    const data = doc.records.find((r) => r.name === "data")?.fields.samples;
    expect(data?.bytes).toBe(samples.length);
    expect(data?.hex === Buffer.from(samples).toString("hex")).toBe(true);
  });
});
