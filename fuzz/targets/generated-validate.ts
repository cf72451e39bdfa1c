/**
 * Target `generated-validate`: the generated `validate()` of every struct class in generated/*.ts,
 * on bodies of every length from SIZE up, placed at an odd offset of a guarded buffer or on a vmap
 * of 64-octet pages (every field can straddle a page edge). Three kinds of body:
 *
 * - `valid`: random bytes with valid values written by the schema IR (fuzz/valid-body.ts) and then
 *   the class's own `init()`; validate() must find nothing and toJSON() must work;
 * - `mutated`: such a body after bit flips, edge words and insertions/deletions;
 * - `random`: random bytes.
 *
 * Whatever the body, validate() returns (never throws), leaves the bytes alone, gives the same
 * answer twice, and every problem names a field of the struct (under the path prefix given) and an
 * offset inside the placed struct. toJSON() may refuse a body whose counts do not fit, but only
 * with a typed error, and only when validate() reported a bad count.
 */
import * as fc from "fast-check";
import * as generated from "../../generated/index.js";
import type { StructAccessor, StructClass } from "../../runtime/accessor-support.js";
import type { ByteSource } from "../../runtime/byte-view.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { LuDataError } from "../../runtime/errors.js";
import type { Problem } from "../../runtime/problem.js";
import { SeededRandom } from "../../runtime/seeded-random.js";
import type { FuzzCase, FuzzTarget, Params } from "../fuzz-case.js";
import { describeThrown, violated } from "../invariants.js";
import { applyByteMutations, byteMutation } from "../mutators/byte-mutations.js";
import { guardedCopy, scatteredCopy } from "../paged-copy.js";
import { schemaIr } from "../schema-ir.js";
import { ValidBodyWriter } from "../valid-body.js";

function isStructClass(v: unknown): v is StructClass {
  return (
    typeof v === "function" &&
    typeof (v as { SCHEMA_NAME?: unknown }).SCHEMA_NAME === "string" &&
    typeof (v as { SIZE?: unknown }).SIZE === "number" &&
    Array.isArray((v as { FIELDS?: unknown }).FIELDS) &&
    typeof (v as { at?: unknown }).at === "function"
  );
}

/** Every generated struct class, by schema name. */
export const STRUCT_CLASSES: ReadonlyMap<string, StructClass> = new Map(
  (Object.values(generated) as unknown[])
    .filter(isStructClass)
    .map((cls) => [cls.SCHEMA_NAME, cls] as const)
    .sort((a, b) => a[0].localeCompare(b[0])),
);
const NAMES = [...STRUCT_CLASSES.keys()];

const MODES = ["valid", "mutated", "random"] as const;
type Mode = (typeof MODES)[number];

function structClass(name: string): StructClass {
  const cls = STRUCT_CLASSES.get(name);
  if (cls === undefined) throw new Error(`no generated struct class '${name}'`);
  return cls;
}

/** A valid body of `name` (top-level constants left random for init()). */
export function validBody(name: string, seed: number, maxElements = 6): Uint8Array {
  const rng = new SeededRandom(seed >>> 0);
  const writer = new ValidBodyWriter(schemaIr(), rng);
  const length = writer.validLength(name, maxElements);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.below(256);
  writer.write(new DataView(out.buffer), 0, length, name, true);
  return out;
}

const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    struct: fc.constantFrom(...NAMES),
    mode: fc.constantFrom<Mode>(...MODES),
    seed: fc.nat(),
    maxElements: fc.constantFrom(0, 1, 3, 8, 40),
    random: fc.uint8Array({ maxLength: 300 }),
    mutations: fc.array(byteMutation(), { minLength: 1, maxLength: 4 }),
    source: fc.constantFrom("contiguous", "vmap"),
    placeAt: fc.nat({ max: 130 }),
    placementSeed: fc.nat(),
  })
  .map((g): FuzzCase => {
    const size = structClass(g.struct).SIZE;
    let data: Uint8Array;
    if (g.mode === "random") {
      data = new Uint8Array(size + g.random.length);
      data.set(g.random.subarray(0, data.length));
      const rng = new SeededRandom(g.seed >>> 0);
      for (let i = g.random.length; i < data.length; i++) data[i] = rng.below(256);
    } else {
      data = validBody(g.struct, g.seed, g.maxElements);
      if (g.mode === "mutated") {
        // init() first, so the mutations hit a fully valid body
        data = initialised(g.struct, data);
        data = applyByteMutations(data, g.mutations);
        if (data.length < size) {
          const grown = new Uint8Array(size);
          grown.set(data);
          data = grown;
        }
      }
    }
    const params: Params = {
      struct: g.struct,
      mode: g.mode,
      source: g.source,
      placeAt: g.placeAt,
      placementSeed: g.placementSeed,
    };
    return { data, params };
  });

function initialised(name: string, body: Uint8Array): Uint8Array {
  const out = body.slice();
  structClass(name).at(new ContiguousSource(out), 0, out.length).init();
  return out;
}

function num(params: Params, key: string): number {
  const v = params[key];
  return typeof v === "number" ? v : 0;
}

/** The body at `placeAt` of a source: guard bytes before and after, or pages of 64 octets. */
function place(c: FuzzCase): { source: ByteSource; base: number } {
  const placeAt = num(c.params, "placeAt");
  const padded = new Uint8Array(placeAt + c.data.length);
  padded.fill(0xaa, 0, placeAt);
  padded.set(c.data, placeAt);
  if (c.params["source"] === "vmap")
    return {
      source: scatteredCopy(padded, 64, num(c.params, "placementSeed")),
      base: placeAt,
    };
  return {
    source: new ContiguousSource(guardedCopy(padded, 3, 9)),
    base: placeAt,
  };
}

function show(problems: readonly Problem[]): string {
  return problems
    .slice(0, 4)
    .map((p) => `${p.kind} ${p.field} @${p.offset}: ${p.message}`)
    .join("; ");
}

function checkProblems(
  cls: StructClass,
  problems: readonly Problem[],
  prefix: string,
  base: number,
  byteLength: number,
): void {
  const fieldNames = new Set(cls.FIELDS.map((f) => f.name));
  for (const p of problems) {
    if (!p.field.startsWith(prefix)) violated(`problem path '${p.field}' lacks the prefix '${prefix}'`);
    const top = /^[A-Za-z_][A-Za-z0-9_]*/.exec(p.field.slice(prefix.length))?.[0];
    if (top === undefined || !fieldNames.has(top))
      violated(`problem path '${p.field}' names no field of ${cls.SCHEMA_NAME}`);
    const end = base + byteLength;
    const inside =
      Number.isSafeInteger(p.offset) &&
      p.offset >= base &&
      (p.offset < end || (p.kind === "bad-count" && p.offset === end));
    if (!inside)
      violated(`problem ${p.kind} '${p.field}' at offset ${p.offset}, outside the struct placed at [${base}, ${end})`);
    if (p.message.length === 0 || p.message.includes("\n"))
      violated(`problem '${p.field}' has an empty or multi-line message`);
  }
}

function sameBytes(source: ByteSource, base: number, want: Uint8Array): boolean {
  if (want.length === 0) return true;
  const got = source.bytes(base, want.length);
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return false;
  return true;
}

export const generatedValidateTarget: FuzzTarget = {
  name: "generated-validate",
  description: "validate() of every generated struct class on valid, mutated and random bodies of length >= SIZE",
  arbitrary: () => caseArb,
  run(c: FuzzCase): void {
    const name = String(c.params["struct"]);
    const mode = String(c.params["mode"]);
    const cls = structClass(name);
    if (c.data.length < cls.SIZE)
      violated(`case body of ${c.data.length} octets is shorter than ${name}.SIZE ${cls.SIZE}`);
    const { source, base } = place(c);
    const s: StructAccessor = cls.at(source, base, c.data.length);
    if (mode === "valid") s.init();
    const before = source.bytes(base, c.data.length).slice();
    let problems: Problem[];
    let again: Problem[];
    try {
      problems = s.validate();
      again = s.validate([], "outer.");
    } catch (e) {
      violated(`validate() threw ${describeThrown(e)}`);
    }
    if (!sameBytes(source, base, before)) violated("validate() changed the bytes");
    checkProblems(cls, problems, "", base, c.data.length);
    checkProblems(cls, again, "outer.", base, c.data.length);
    if (
      again.length !== problems.length ||
      again.some((p, i) => p.field !== `outer.${problems[i]?.field ?? ""}` || p.offset !== problems[i]?.offset)
    )
      violated("validate() with a path prefix found different problems");
    if (mode === "valid" && problems.length > 0) {
      violated(`a body made by init() and valid values has problems: ${show(problems)}`);
    }
    try {
      JSON.stringify(s.toJSON());
    } catch (e) {
      const badCount = problems.some((p) => p.kind === "bad-count");
      if (!(e instanceof LuDataError) || !badCount)
        violated(`toJSON() threw ${describeThrown(e)} ${badCount ? "" : "though validate() found no bad count"}`);
    }
  },
  judgeError: (e) => `escaped: ${describeThrown(e)}`,
};
