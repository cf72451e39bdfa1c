/**
 * Target `cli-inspect`: `lu dump` and `lu validate` (text and --json) run in-process through their
 * entry points `runDump` / `runValidate` with output captured, on a file holding a mutated libxc
 * stream, libxl stream or live update memory image (fuzz/inspect-samples.ts). Mutations: record
 * level (length fields 0 / max / off by one / edge values, types moved between the mandatory and
 * optional ranges or swapped for another record's, records swapped, dropped, duplicated, dirty
 * padding), byte level (bit flips, edge words, truncation at any length, insertion, deletion), and
 * for images the breadcrumb and MFN array, the stream's page tail, the bootmem frame given and the
 * file's length.
 *
 * On every case: the exit code is 0, 1 or 2; no stack trace in either output; exit 2 is one line
 * `lu <command>: ...`; exit 1 lists problems, each on one line with an offset inside the file; exit
 * 0 lists none; --json output parses; an unmutated input is clean (exit 0). The harness adds the
 * time and memory bounds (a length field must not buy gigabytes).
 */
import * as fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDump } from "../../cli/dump.js";
import { runValidate } from "../../cli/validate.js";
import type { FuzzCase, FuzzTarget } from "../fuzz-case.js";
import { judgeCliFailure } from "../cli-check.js";
import { describeThrown, violated } from "../invariants.js";
import { applyByteMutations, byteMutation, type ByteMutation } from "../mutators/byte-mutations.js";
import { applyRecordMutations, recordMutation, type FuzzRecord } from "../mutators/record-mutations.js";
import {
  INSPECT_KINDS,
  encodeSegments,
  inspectSamples,
  layoutImage,
  type InspectKind,
  type Segment,
} from "../inspect-samples.js";

const COMMANDS = ["dump", "dump-json", "validate", "validate-json"] as const;
type CommandMode = (typeof COMMANDS)[number];

/** Gives record `record` the type of another record the stream knows (optionally with the optional bit flipped). */
interface Retype {
  readonly record: number;
  readonly pick: number;
  readonly flipOptional: boolean;
}

function retype(records: readonly FuzzRecord[], m: Retype, seg: Segment): FuzzRecord[] {
  const out = records.slice();
  const r = out[m.record % Math.max(1, out.length)];
  if (r === undefined) return out;
  const known = [...seg.format.recordNames.keys()];
  let type = known[m.pick % known.length] ?? 0;
  if (m.flipOptional && seg.format.optionalBit !== null) type = (type ^ (2 ** seg.format.optionalBit)) >>> 0;
  out[m.record % out.length] = { ...r, type };
  return out;
}

const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    kind: fc.constantFrom<InspectKind>(...INSPECT_KINDS),
    command: fc.constantFrom<CommandMode>(...COMMANDS),
    segment: fc.nat({ max: 2 }),
    recordMutations: fc.oneof(
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(recordMutation(), { minLength: 1, maxLength: 3 }) },
    ),
    retypes: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(
          fc.record({ record: fc.nat({ max: 64 }), pick: fc.nat({ max: 64 }), flipOptional: fc.boolean() }),
          { minLength: 1, maxLength: 2 },
        ),
      },
    ),
    byteMutations: fc.oneof(
      { weight: 1, arbitrary: fc.constant<ByteMutation[]>([]) },
      { weight: 2, arbitrary: fc.array(byteMutation(), { minLength: 1, maxLength: 3 }) },
    ),
    // images only
    crumbMutations: fc.oneof(
      { weight: 4, arbitrary: fc.constant<ByteMutation[]>([]) },
      { weight: 1, arbitrary: fc.array(byteMutation(), { minLength: 1, maxLength: 2 }) },
    ),
    pageSize: fc.constantFrom(512, 1024, 4096),
    bootmem: fc.nat({ max: 3 }),
    bootmemGiven: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 40 }) }),
    placementSeed: fc.nat(),
    tailFill: fc.constantFrom(0, 0, 0, 0xaa, 0xff),
    spareFrames: fc.nat({ max: 4 }),
    fileCut: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  })
  .map((g): FuzzCase => {
    const samples = inspectSamples()[g.kind];
    const s = g.segment % samples.length;
    const segments = samples.map((seg, i) => {
      if (i !== s) return seg;
      let records = applyRecordMutations(seg.records, g.recordMutations, seg.format);
      for (const m of g.retypes) records = retype(records, m, seg);
      return { ...seg, records };
    });
    const stream = applyByteMutations(encodeSegments(segments), g.byteMutations);
    let pristine = g.recordMutations.length === 0 && g.retypes.length === 0 && g.byteMutations.length === 0;
    const params: { [k: string]: string | number | boolean } = { kind: g.kind, command: g.command };
    if (g.kind !== "image") return { data: stream, params: { ...params, pristine } };
    const laid = layoutImage(stream, { ...g, pageSize: g.pageSize });
    let image = laid.image;
    if (g.crumbMutations.length > 0) {
      // aim at the breadcrumb and the MFN array: mutate them as one string and put them back
      const crumbLength = 24;
      const region = new Uint8Array(crumbLength + laid.mfnArrayBytes);
      region.set(image.subarray(laid.crumbAt, laid.crumbAt + crumbLength));
      region.set(image.subarray(laid.mfnArrayAt, laid.mfnArrayAt + laid.mfnArrayBytes), crumbLength);
      const mutated = applyByteMutations(
        region,
        g.crumbMutations.filter((m) => m.kind !== "insert" && m.kind !== "delete" && m.kind !== "truncate"),
      );
      image.set(mutated.subarray(0, crumbLength), laid.crumbAt);
      image.set(mutated.subarray(crumbLength), laid.mfnArrayAt);
      pristine = false;
    }
    if (g.fileCut !== null) {
      image = image.slice(0, g.fileCut % image.length);
      pristine = false;
    }
    if (g.tailFill !== 0) pristine = false;
    const bootmem = g.bootmemGiven ?? g.bootmem;
    if (bootmem !== g.bootmem) pristine = false;
    return {
      data: image,
      params: { ...params, pristine, pageSize: g.pageSize, bootmem },
    };
  });

let scratchDir: string | undefined;

function scratchFile(data: Uint8Array): string {
  scratchDir ??= mkdtempSync(join(tmpdir(), "lu-fuzz-inspect-"));
  const file = join(scratchDir, "input.bin");
  writeFileSync(file, data);
  return file;
}

const STACK = /\n\s+at .+:\d+:\d+\)?|node:internal|Uncaught|\bat file:\/\//;

interface JsonProblem {
  readonly offset?: unknown;
  readonly kind?: unknown;
  readonly message?: unknown;
}

function checkProblem(p: JsonProblem, size: number, where: string): void {
  if (typeof p.offset !== "number" || !Number.isSafeInteger(p.offset) || p.offset < 0 || p.offset > size)
    violated(`${where}: problem offset ${String(p.offset)} is not inside the ${size}-octet file: ${JSON.stringify(p)}`);
  if (typeof p.kind !== "string" || p.kind.length === 0)
    violated(`${where}: problem without a kind: ${JSON.stringify(p)}`);
  if (typeof p.message !== "string" || p.message.length === 0 || p.message.includes("\n"))
    violated(`${where}: problem message empty or on several lines: ${JSON.stringify(p)}`);
}

/** `offset N (0xN), ...` at the start of a formatted problem; the offset must lie in the file. */
function checkProblemLine(line: string, size: number, where: string): void {
  const m = /^offset (\d+) \(0x([0-9a-f]+)\)(, [^:]+)?: \S/.exec(line);
  if (m === null) violated(`${where}: problem line does not start with its location: ${JSON.stringify(line)}`);
  const offset = Number(m[1]);
  if (offset !== parseInt(m[2] ?? "", 16)) violated(`${where}: decimal and hex offsets differ: ${line}`);
  if (offset > size) violated(`${where}: problem offset ${offset} beyond the ${size}-octet file: ${line}`);
}

function parseJson(text: string, where: string): { readonly problems?: unknown; readonly valid?: unknown } {
  try {
    return JSON.parse(text) as { readonly problems?: unknown };
  } catch (e) {
    violated(`${where}: --json output does not parse (${describeThrown(e)}): ${text.slice(0, 300)}`);
  }
}

export interface InspectRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Writes the case to a scratch file and runs the command on it (with `extra` flags), output captured. */
export function runInspectCase(
  c: FuzzCase,
  extra: { readonly base?: string; readonly imageFormat?: string } = {},
): InspectRun {
  const file = scratchFile(c.data);
  const command = String(c.params["command"] ?? "validate") as CommandMode;
  const flags = {
    ...(c.params["kind"] === "image"
      ? { image: true, bootmem: String(c.params["bootmem"] ?? 0), pageSize: String(c.params["pageSize"] ?? 4096) }
      : {}),
    ...(command.endsWith("-json") ? { json: true } : {}),
    ...extra,
  };
  let out = "";
  let err = "";
  const write = (t: string): void => {
    out += t;
  };
  const writeErr = (t: string): void => {
    err += t;
  };
  let code: number;
  try {
    code = command.startsWith("dump")
      ? runDump(file, flags, write, writeErr)
      : runValidate(file, flags, write, writeErr);
  } catch (e) {
    violated(`lu ${command} threw (main would print "internal error", exit 2): ${describeThrown(e)}`);
  }
  return { code, out, err };
}

/**
 * The invariants, judged on one run's exit code and output (throws InvariantViolation). Problem
 * offsets lie within `offsetLimit` (default the file's size; a memory image's physical addresses
 * may go further).
 */
export function checkInspectRun(c: FuzzCase, run: InspectRun, offsetLimit = c.data.length): void {
  const command = String(c.params["command"] ?? "validate") as CommandMode;
  const base = command.replace("-json", "");
  const where = `lu ${command} (${String(c.params["kind"])})`;
  const { code, out, err } = run;
  const size = offsetLimit;
  if (code !== 0 && code !== 1 && code !== 2) violated(`${where}: exit code ${code}`);
  if (STACK.test(out) || STACK.test(err)) violated(`${where}: stack trace in the output:\n${err}${out.slice(0, 2000)}`);
  if (c.params["pristine"] === true && code !== 0)
    violated(`${where}: the unmutated input is not clean: ${err}${out.slice(0, 500)}`);
  if (code === 2) {
    const why = judgeCliFailure({ status: 2, stdout: out, stderr: err }, base);
    if (why !== undefined) violated(`${where}: ${why}`);
    // the input is a file that exists, so exit 2 is about the data: it must say where
    if (!/offset|frame|page|octet|byte/.test(err)) violated(`${where}: exit 2 without a location: ${err}`);
    return;
  }
  if (command.endsWith("-json")) {
    if (err !== "") violated(`${where}: --json wrote to stderr: ${err}`);
    const doc = parseJson(out, where);
    if (!Array.isArray(doc.problems)) violated(`${where}: --json output has no problems array`);
    const problems = doc.problems as JsonProblem[];
    for (const p of problems) checkProblem(p, size, where);
    if ((code === 0) !== (problems.length === 0)) violated(`${where}: exit ${code} with ${problems.length} problem(s)`);
    if (command === "validate-json" && doc.valid !== (code === 0))
      violated(`${where}: valid is ${String(doc.valid)} with exit ${code}`);
    return;
  }
  if (command === "validate") {
    if (err !== "") violated(`${where}: wrote to stderr: ${err}`);
    const lines = out.split("\n").filter((l) => l.length > 0);
    const last = lines.pop() ?? "";
    const prefix = /^(.*): /.exec(last)?.[1] ?? "";
    const tail = last.slice(prefix.length + 2);
    if (code === 0 && (lines.length > 0 || !/^ok \(/.test(tail)))
      violated(`${where}: exit 0 but output is ${out.slice(0, 500)}`);
    if (code === 1) {
      if (tail !== `${lines.length} problem(s)`)
        violated(`${where}: last line '${last}' does not count the ${lines.length} problem lines`);
      for (const l of lines) {
        if (!l.startsWith(`${prefix}: `) || !/ \[[a-z0-9_-]+\]$/.test(l))
          violated(`${where}: malformed problem line ${JSON.stringify(l)}`);
        checkProblemLine(l.slice(prefix.length + 2), size, where);
      }
    }
    return;
  }
  // dump (text): records on stdout, problems on stderr
  const lines = err.split("\n").filter((l) => l.length > 0);
  if ((code === 0) !== (lines.length === 0))
    violated(`${where}: exit ${code} with ${lines.length} problem line(s): ${err}`);
  for (const l of lines) {
    if (!l.startsWith("problem: ")) violated(`${where}: unexpected stderr line ${JSON.stringify(l)}`);
    checkProblemLine(l.slice("problem: ".length), size, where);
  }
}

export const cliInspectTarget: FuzzTarget = {
  name: "cli-inspect",
  description: "lu dump / lu validate (text and --json) on mutated libxc, libxl streams and memory images",
  arbitrary: () => {
    // compile the schemas and read the samples now, not inside the first timed case
    const [sample] = fc.sample(caseArb, { seed: 1, numRuns: 1 });
    if (sample !== undefined) runInspectCase(sample);
    return caseArb;
  },
  run(c: FuzzCase): void {
    checkInspectRun(c, runInspectCase(c));
  },
  judgeError: (e) => `escaped: ${describeThrown(e)}`,
};
