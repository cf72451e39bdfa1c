/**
 * A round trip per record type of every stream: random field values (seeded) are encoded by the
 * schema IR into a body, then decoded by `lu dump`'s decoder from a ByteSource; every field must
 * come back as it went in, and a clean body gives no problems.
 */
import { describe, expect, it } from "vitest";
import type { LayoutElement, LayoutStruct, LayoutType } from "../../codegen/ir.js";
import { decodeStruct } from "../../cli/inspect/decode-struct.js";
import type { InspectProblem } from "../../cli/inspect/inspect-problem.js";
import { type JsonValue, hexOctets, integerJson } from "../../cli/inspect/json-value.js";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { SeededRandom } from "../../runtime/seeded-random.js";
import { type FieldInput, SchemaEncoder } from "../fixtures/schema-encoder.js";

const schemas = loadSchemas();
const enc = new SchemaEncoder(schemas);
const SIZE: Record<string, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8 };

function randomBits(rng: SeededRandom, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(rng.below(0x10000));
  const pick = rng.below(4);
  const full = v & ((1n << BigInt(bits)) - 1n);
  // Edge values as often as random ones: 0, all ones, the top bit.
  return pick === 0 ? 0n : pick === 1 ? (1n << BigInt(bits)) - 1n : pick === 2 ? 1n << BigInt(bits - 1) : full;
}

interface Sample {
  readonly input: { [k: string]: FieldInput };
  readonly expected: { [k: string]: JsonValue };
}

function scalar(rng: SeededRandom, t: LayoutType | LayoutElement): [FieldInput, JsonValue] {
  if (t.kind === "enum") {
    const members = schemas.enums.get(t.enumName)?.members ?? [];
    const m = members[rng.below(members.length)];
    if (m === undefined) throw new Error(t.enumName);
    return [m.name, m.name];
  }
  if (t.kind === "flags") {
    const names = (schemas.flags.get(t.flagsName)?.members ?? []).filter(() => rng.below(2) === 1).map((m) => m.name);
    return [names, names];
  }
  if (t.kind === "struct") {
    const s = sample(rng, structOf(t.structName));
    return [s.input, s.expected];
  }
  if (t.kind === "prim") {
    const bits = (SIZE[t.prim] ?? 1) * 8;
    const v = randomBits(rng, bits);
    const signed = t.prim.startsWith("i") && v >= 1n << BigInt(bits - 1) ? v - (1n << BigInt(bits)) : v;
    return [v, integerJson(signed)];
  }
  throw new Error(`no scalar for ${t.kind}`);
}

function structOf(name: string): LayoutStruct {
  const s = schemas.structs.get(name);
  if (s === undefined) throw new Error(name);
  return s;
}

function sample(rng: SeededRandom, s: LayoutStruct): Sample {
  const input: { [k: string]: FieldInput } = {};
  const expected: { [k: string]: JsonValue } = {};
  for (const f of s.fields) {
    const t = f.type;
    switch (t.kind) {
      case "pad":
        break;
      case "ascii":
        expected[f.name] = typeof f.constValue === "string" ? f.constValue : "";
        break;
      case "bytes": {
        const n = t.count.kind === "fixed" ? t.count.n : rng.below(40);
        const b = new Uint8Array(n);
        if (!f.reserved) for (let i = 0; i < n; i++) b[i] = rng.below(256);
        input[f.name] = b;
        expected[f.name] =
          n <= 32
            ? { bytes: n, hex: hexOctets(b) }
            : { bytes: n, nonzero: b.filter((x) => x !== 0).length, head: hexOctets(b.subarray(0, 32)) };
        break;
      }
      case "array": {
        const n = t.count.kind === "fixed" ? t.count.n : rng.below(4);
        const items = Array.from({ length: n }, () => scalar(rng, t.element));
        input[f.name] = items.map((x) => x[0]);
        expected[f.name] = items.map((x) => x[1]);
        if (t.count.kind === "field") {
          input[t.count.field] = n;
          expected[t.count.field] = n;
        }
        break;
      }
      case "stream":
        input[f.name] = new Uint8Array(8); // just the END save record
        break;
      case "bits": {
        let raw = 0n;
        const obj: { [k: string]: JsonValue } = {};
        const given: { [k: string]: FieldInput } = {};
        for (const r of t.ranges) {
          const width = r.hi - r.lo + 1;
          if (r.enumName !== null) {
            const members = schemas.enums.get(r.enumName)?.members ?? [];
            const m = members[rng.below(members.length)];
            if (m === undefined) throw new Error(r.enumName);
            given[r.name] = m.name;
            obj[r.name] = m.name;
            raw |= m.value << BigInt(r.lo);
          } else {
            const v = randomBits(rng, width);
            given[r.name] = v;
            obj[r.name] = integerJson(v);
            raw |= v << BigInt(r.lo);
          }
        }
        if (typeof f.constValue === "bigint") raw = f.constValue;
        input[f.name] = given;
        expected[f.name] = { raw: integerJson(raw), ...obj };
        break;
      }
      case "struct": {
        const sub = sample(rng, structOf(t.structName));
        input[f.name] = sub.input;
        expected[f.name] = sub.expected;
        break;
      }
      default: {
        // A count field comes before its array, which then overwrites it with the real count.
        if (typeof f.constValue === "bigint" || f.reserved) {
          const v = typeof f.constValue === "bigint" ? f.constValue : 0n;
          expected[f.name] = integerJson(v);
          break;
        }
        const [i, e] = scalar(rng, t);
        input[f.name] = i;
        expected[f.name] = e;
      }
    }
  }
  return { input, expected };
}

const bodies = new Map<string, string[]>();
for (const stream of schemas.streams.values()) {
  for (const r of stream.records) if (r.body !== null) bodies.set(`${stream.name}.${r.name}`, [r.body]);
}

describe("round trip: IR encoder -> lu dump decoder", () => {
  for (const [record, [body]] of bodies) {
    if (body === undefined) continue;
    it(`${record} (${body})`, () => {
      const rng = new SeededRandom(0x5eed ^ record.length);
      for (let round = 0; round < 20; round++) {
        const s = sample(rng, structOf(body));
        const bytes = enc.encode(body, s.input);
        const problems: InspectProblem[] = [];
        const decoded = decodeStruct(
          {
            schemas,
            source: new ContiguousSource(bytes),
            problems,
            nestedStream: (_name, _off, length) => ({ nested: length }),
          },
          body,
          0,
          bytes.length,
        );
        const expected = { ...s.expected };
        const streamField = structOf(body).fields.find((f) => f.type.kind === "stream");
        if (streamField !== undefined) expected[streamField.name] = { nested: 8 };
        expect(decoded.fields).toEqual(expected);
        expect(problems).toEqual([]);
        expect(decoded.extent).toBe(bytes.length);
      }
    });
  }
});
