/**
 * examples/riff-wave.lu, a schema for a format that is not Xen's, against WAVE files made by
 * Python's `wave` module: `lu dump --schema` decodes sample rate, channels and the data length,
 * `lu validate` passes them, and `lu encode` gives each file back octet for octet. Chunk padding,
 * a LIST chunk (a nested stream that ends with its body) and the order rules are checked too.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { runEncode } from "../../cli/encode.js";
import { runValidate } from "../../cli/validate.js";
import { capture, tempPath } from "../cli/inspect-fixtures.js";

const SCHEMA = "examples/riff-wave.lu";

/** A WAVE file written by Python's `wave` module: `frames` frames of a counting pattern. */
function pythonWave(name: string, channels: number, sampleWidth: number, rate: number, frames: number): string {
  const path = tempPath(name);
  const script = [
    "import sys, wave",
    "path, ch, sw, rate, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])",
    "w = wave.open(path, 'wb')",
    "w.setnchannels(ch); w.setsampwidth(sw); w.setframerate(rate)",
    "w.writeframes(bytes((i * 37 + 11) % 256 for i in range(n * ch * sw)))",
    "w.close()",
  ].join("\n");
  execFileSync("python3", ["-c", script, path, String(channels), String(sampleWidth), String(rate), String(frames)]);
  return path;
}

interface Doc {
  readonly kind: string;
  readonly headers: readonly { readonly name: string; readonly fields: { readonly [k: string]: unknown } }[];
  readonly records: readonly {
    readonly name: string;
    readonly length: number;
    readonly fields: { readonly [k: string]: unknown };
  }[];
  readonly problems: readonly { readonly kind: string; readonly record?: string; readonly offset: number }[];
}

function dump(file: string): Doc {
  return JSON.parse(capture((w, e) => runDump(file, { schema: SCHEMA, json: true }, w, e)).out) as Doc;
}

function encodeBack(file: string): Uint8Array {
  const json = tempPath(`${file.split("/").pop() ?? "x"}.json`);
  writeFileSync(json, capture((w, e) => runDump(file, { schema: SCHEMA, json: true }, w, e)).out);
  let out: Uint8Array = new Uint8Array(0);
  let err = "";
  const code = runEncode(
    json,
    { schema: SCHEMA },
    (b) => (out = b),
    (t) => (err += t),
  );
  expect(err).toBe("");
  expect(code).toBe(0);
  return out;
}

describe("examples/riff-wave.lu on files from Python's wave module", () => {
  for (const [channels, width, rate, frames] of [
    [1, 2, 8000, 100],
    [2, 2, 44100, 1000],
    [2, 3, 48000, 10],
    [1, 1, 22050, 64],
  ] as const) {
    it(`${channels} channel(s), ${8 * width}-bit, ${rate} Hz, ${frames} frames: decoded, valid, encoded back`, () => {
      const file = pythonWave(`py-${channels}-${width}-${rate}.wav`, channels, width, rate, frames);
      const doc = dump(file);
      expect(doc.problems).toEqual([]);
      expect(doc.kind).toBe("wav");
      const dataLength = channels * width * frames;
      expect(doc.headers[0]).toMatchObject({
        name: "riff_header",
        fields: { id: "RIFF", form: "WAVE", size: 4 + 8 + 16 + 8 + dataLength },
      });
      expect(doc.records.map((r) => r.name)).toEqual(["fmt", "data"]);
      expect(doc.records[0]?.fields).toMatchObject({
        format: "pcm",
        channels,
        sample_rate: rate,
        bits_per_sample: 8 * width,
        block_align: channels * width,
        byte_rate: rate * channels * width,
      });
      expect(doc.records[1]?.length).toBe(dataLength);
      expect(doc.records[1]?.fields["samples"]).toMatchObject({ bytes: dataLength });
      expect(capture((w, e) => runValidate(file, { schema: SCHEMA }, w, e))).toMatchObject({
        code: 0,
        out: `${file}: ok (wav, 2 records)\n`,
      });
      expect(Buffer.from(encodeBack(file)).equals(readFileSync(file))).toBe(true);
    });
  }

  it("an odd-length data chunk: Python leaves out the pad octet, validate says where", () => {
    const file = pythonWave("py-odd.wav", 1, 1, 8000, 3);
    const r = capture((w, e) => runValidate(file, { schema: SCHEMA, json: true }, w, e));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ problems: [{ kind: "truncated", record: "data", offset: 36 }] });
  });

  it("the pad octet after an odd chunk and a LIST INFO chunk (a nested stream to the end of its body)", () => {
    const base = readFileSync(pythonWave("py-odd-base.wav", 1, 1, 8000, 3));
    const info = Buffer.concat([
      Buffer.from("INFO"),
      Buffer.from("INAM"),
      Buffer.from([5, 0, 0, 0]),
      Buffer.from("tone\0"),
      Buffer.from([0]),
    ]);
    const list = Buffer.concat([Buffer.from("LIST"), Buffer.from([info.length, 0, 0, 0]), info]);
    const body = Buffer.concat([base.subarray(12), Buffer.from([0]), list]);
    const head = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0, 0, 0, 0]), Buffer.from("WAVE")]);
    head.writeUInt32LE(4 + body.length, 4);
    const file = tempPath("padded-list.wav");
    writeFileSync(file, Buffer.concat([head, body]));
    const doc = dump(file);
    expect(doc.problems).toEqual([]);
    expect(doc.records.map((r) => r.name)).toEqual(["fmt", "data", "LIST"]);
    expect(doc.records[2]?.fields).toMatchObject({
      list_type: "INFO",
      items: [{ name: "INAM", length: 5, fields: { text: { bytes: 5, hex: "746f6e6500" } } }],
    });
    expect(Buffer.from(encodeBack(file)).equals(readFileSync(file))).toBe(true);
  });

  it("a RIFF size that disagrees with the file: a located problem; encode writes the size itself", () => {
    const file = pythonWave("py-size.wav", 1, 2, 8000, 20);
    const bytes = readFileSync(file);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    const withSize = (name: string, size: number): string => {
      const copy = Buffer.from(bytes);
      copy.writeUInt32LE(size, 4);
      const path = tempPath(name);
      writeFileSync(path, copy);
      return path;
    };
    // Larger than the file: the chunks are read to the end of the file, the size is the problem.
    const long = withSize("size-long.wav", bytes.length - 8 + 10);
    expect(dump(long).problems).toEqual([
      expect.objectContaining({ kind: "length-mismatch", field: "size", offset: 4 }),
    ]);
    const v = capture((w, e) => runValidate(long, { schema: SCHEMA }, w, e));
    expect(v.code).toBe(1);
    expect(v.out).toContain(
      `${long}: offset 4 (0x4), field size: size is ${bytes.length - 8 + 10} (= length of rest), but ${bytes.length - 8} octets follow it [length-mismatch]`,
    );
    // Smaller: the form ends there, and what follows it (here the data chunk) is not part of it.
    const short = withSize("size-short.wav", 4 + 8 + 16);
    expect(dump(short).problems).toEqual([expect.objectContaining({ kind: "trailing-data", offset: 36 })]);
    expect(dump(short).records.map((r) => r.name)).toEqual(["fmt"]);
    // Ending inside a chunk cuts that chunk short.
    expect(dump(withSize("size-inside.wav", 4 + 8 + 16 + 10)).problems).toEqual([
      expect.objectContaining({ record: "data", offset: 36 }),
    ]);
    // lu encode computes the size from what it writes: a document with any size gives the file back.
    const doc = JSON.parse(capture((w, e) => runDump(file, { schema: SCHEMA, json: true }, w, e)).out) as {
      headers: { fields: { size: number } }[];
    };
    (doc.headers[0] as { fields: { size: number } }).fields.size = 0;
    const json = tempPath("size-zero.json");
    writeFileSync(json, JSON.stringify(doc));
    let out: Uint8Array = new Uint8Array(0);
    expect(
      runEncode(
        json,
        { schema: SCHEMA },
        (b) => (out = b),
        () => undefined,
      ),
    ).toBe(0);
    expect(Buffer.from(out).equals(bytes)).toBe(true);
  });

  it("the pad octet after an odd-length chunk must be zero", () => {
    const base = readFileSync(pythonWave("py-pad.wav", 1, 1, 8000, 3));
    const padded = Buffer.concat([base, Buffer.from([0x5a])]);
    padded.writeUInt32LE(padded.length - 8, 4);
    const file = tempPath("pad-nonzero.wav");
    writeFileSync(file, padded);
    expect(dump(file).problems).toEqual([
      expect.objectContaining({ kind: "nonzero-padding", record: "data", offset: padded.length - 1 }),
    ]);
    padded[padded.length - 1] = 0;
    writeFileSync(file, padded);
    expect(dump(file).problems).toEqual([]);
    expect(Buffer.from(encodeBack(file)).equals(padded)).toBe(true);
  });

  it("data before fmt, or a second fmt, breaks the schema's order rules", () => {
    const base = readFileSync(pythonWave("py-order.wav", 1, 2, 8000, 4));
    const fmt = base.subarray(12, 36);
    const data = base.subarray(36);
    const swapped = tempPath("swapped.wav");
    writeFileSync(swapped, Buffer.concat([base.subarray(0, 12), data, fmt]));
    expect(dump(swapped).problems.map((p) => p.kind)).toEqual(["record-order", "record-order"]);
    const twice = tempPath("twice.wav");
    const doubled = Buffer.concat([base.subarray(0, 12), fmt, fmt, data]);
    doubled.writeUInt32LE(doubled.length - 8, 4);
    writeFileSync(twice, doubled);
    expect(dump(twice).problems).toMatchObject([{ kind: "record-repeated", record: "fmt", offset: 36 }]);
  });
});
