/**
 * Target `restore`: the live update restore (liveupdate/restore.ts) over images laid out here,
 * from streams `save()` wrote for tiny hosts and then mutated: records reordered, dropped,
 * duplicated, retyped, length fields broken; words inside bodies set to edge values (counts,
 * domain ids, frame numbers: 0, the machine's size, a frame the caller already owns, a stream
 * page, an existing domain's id); byte-level noise. The caller comes with domains and owned frames
 * of its own.
 *
 * Invariants: a failure is one located RestoreError and leaves the caller's frame table and domain
 * list exactly as they were (compared word for word); a success only claims frames that were free,
 * gives each restored domain exactly the frames it says it owns, claims every stream page for
 * Xen, and has restored every domain the stream holds: as many domains as a plain walk of the
 * record headers finds LU_DOMAIN_INFO records before END, with END in the last page and nothing
 * but zeros after it (nothing lost silently).
 *
 * Every case is also restored over a pool of worker threads (2 or 4, by the case), on the same
 * memory and a shared copy of the caller's table: the outcome must be the single-thread one
 * exactly (the same error, message and location, the table left as it was; or the same domains,
 * counts and frame table).
 */
import * as fc from "fast-check";
import { writeBreadcrumb } from "../../runtime/breadcrumb.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { SeededRandom } from "../../runtime/seeded-random.js";
import { vmap } from "../../runtime/vmap.js";
import { WasmArena } from "../../runtime/wasm-arena.js";
import { DOMID_XEN, FRAME_FREE, FrameTable } from "../../liveupdate/frame-table.js";
import { ownerName } from "../../liveupdate/frame-owner.js";
import { SMALL_HOST_SPEC, type HostSpec } from "../../liveupdate/host-spec.js";
import { restore } from "../../liveupdate/restore.js";
import { RestoreError } from "../../liveupdate/restore-error.js";
import type { RestoredDomain } from "../../liveupdate/restored-domain.js";
import { save, type SavedHost } from "../../liveupdate/save.js";
import type { RestoreResult } from "../../liveupdate/restore-result.js";
import { RestorePool } from "../../liveupdate/workers/restore-pool.js";
import { sharedFrameTable } from "../../liveupdate/workers/shared-frame-table.js";
import type { FuzzCase, FuzzTarget, Params } from "../fuzz-case.js";
import { fuzzFormat } from "../formats.js";
import { InvariantViolation, judgeDataError, violated } from "../invariants.js";
import { applyByteMutations, byteMutation, edgeU32 } from "../mutators/byte-mutations.js";
import { applyRecordMutations, encodeRecords, recordMutation, type FuzzRecord } from "../mutators/record-mutations.js";

const TINY: HostSpec = {
  ...SMALL_HOST_SPEC,
  domains: 2,
  framesPerDomain: 8,
  vcpus: 1,
  hvmParams: 2,
  hvmContextBytes: 256,
  bootmemFrames: 2,
  bootmemStart: 3,
  spareFrames: 8,
};
/** The base hosts a case starts from. */
const BASES: readonly HostSpec[] = [
  TINY,
  { ...TINY, domains: 1, framesPerDomain: 3, hvmParams: 0, seed: 7 },
  {
    ...TINY,
    domains: 3,
    framesPerDomain: 40,
    vcpus: 2,
    hvmParams: 5,
    hvmContextBytes: 1200,
    seed: 99,
  },
];
/** Id of the domain the caller already has, and whose frames it owns. */
const CALLER_DOMAIN = 100;

interface Base {
  readonly host: SavedHost;
  readonly stream: Uint8Array;
  readonly records: FuzzRecord[];
  /** Frames nothing in the image uses: where a case lays the stream pages. */
  readonly pool: number[];
}

const baseCache = new Map<number, Base>();

function baseOf(index: number): Base {
  const have = baseCache.get(index);
  if (have !== undefined) return have;
  const spec = BASES[index % BASES.length] ?? TINY;
  const host = save(spec);
  const stream = vmap(host.memory, host.streamFrames).bytes(0, host.streamBytes).slice();
  const records: FuzzRecord[] = [];
  const dv = new DataView(stream.buffer);
  for (let at = 0; at + 8 <= stream.length; ) {
    const type = dv.getUint32(at, true);
    const len = dv.getUint32(at + 4, true);
    records.push({ type, body: stream.slice(at + 8, at + 8 + len) });
    at += 8 + Math.ceil(len / 8) * 8;
    if (type === 0) break;
  }
  const used = new Set<number>();
  for (const d of host.domains) for (const f of d.frames) used.add(f);
  for (let f = host.bootmemStart; f < host.bootmemStart + host.bootmemFrames; f++) used.add(f);
  for (let f = host.mfnArrayStart; f < host.mfnArrayStart + 1; f++) used.add(f);
  const m2pFirst = Number(host.m2pEntries[0] ?? BigInt(host.frameCount) << 12n) >> 12;
  const pool: number[] = [];
  for (let f = 0; f < Math.min(m2pFirst, host.frameCount); f++) if (!used.has(f)) pool.push(f);
  const base = { host, stream, records, pool };
  baseCache.set(index, base);
  return base;
}

type Poke = {
  readonly record: number;
  readonly word: number;
  readonly wide: boolean;
  readonly value:
    | "edge"
    | "frame-count"
    | "caller-frame"
    | "stream-page"
    | "caller-domain"
    | "reserved-domain"
    | "guest-frame";
  readonly edge: number;
};

const pokeArb: fc.Arbitrary<Poke> = fc.record({
  record: fc.nat({ max: 40 }),
  word: fc.nat({ max: 400 }),
  wide: fc.boolean(),
  value: fc.constantFrom(
    "edge" as const,
    "frame-count" as const,
    "caller-frame" as const,
    "stream-page" as const,
    "caller-domain" as const,
    "reserved-domain" as const,
    "guest-frame" as const,
  ),
  edge: edgeU32(),
});

function applyPoke(records: FuzzRecord[], p: Poke, base: Base, callerFrames: readonly number[]): FuzzRecord[] {
  if (records.length === 0) return records;
  const i = p.record % records.length;
  const r = records[i];
  if (r === undefined || r.body.length < 4) return records;
  const width = p.wide && r.body.length >= 8 ? 8 : 4;
  const at = (p.word * 4) % (r.body.length - width + 1);
  const first = callerFrames[0] ?? 0;
  const guest = base.host.domains[0]?.frames[p.word % Math.max(1, base.host.domains[0]?.frames.length ?? 1)] ?? 0;
  const v =
    p.value === "edge"
      ? p.edge
      : p.value === "frame-count"
        ? base.host.frameCount
        : p.value === "caller-frame"
          ? first
          : p.value === "stream-page"
            ? (base.pool[0] ?? 0)
            : p.value === "caller-domain"
              ? CALLER_DOMAIN
              : p.value === "reserved-domain"
                ? 0x7ff0
                : guest;
  const body = r.body.slice();
  const dv = new DataView(body.buffer);
  if (width === 8) dv.setBigUint64(at, BigInt(v), true);
  else dv.setUint32(at, v >>> 0, true);
  const out = records.slice();
  out[i] = { ...r, body };
  return out;
}

const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    base: fc.nat({ max: BASES.length - 1 }),
    placementSeed: fc.nat(),
    callerFrames: fc.array(fc.nat({ max: 1023 }), { maxLength: 3 }),
    callerHasDomain1: fc.boolean(),
    pokes: fc.array(pokeArb, { maxLength: 2 }),
    recordMutations: fc.array(recordMutation(), { maxLength: 2 }),
    byteMutations: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(byteMutation(), { minLength: 1, maxLength: 2 }),
      },
    ),
    strict: fc.boolean(),
  })
  .map((g): FuzzCase => {
    const base = baseOf(g.base);
    let records = base.records;
    for (const p of g.pokes) records = applyPoke(records, p, base, g.callerFrames);
    records = applyRecordMutations(records, g.recordMutations, fuzzFormat("lu"));
    const data = applyByteMutations(encodeRecords(fuzzFormat("lu"), records), g.byteMutations);
    const params: Params = {
      base: g.base,
      placementSeed: g.placementSeed,
      callerFrames: g.callerFrames,
      callerDomains: g.callerHasDomain1 ? [CALLER_DOMAIN, 1] : [CALLER_DOMAIN],
      strict: g.strict,
    };
    return { data, params };
  });

function numbers(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : [];
}

function callerDomain(id: number): RestoredDomain {
  return {
    type: 2,
    pageShift: 12,
    domainId: id,
    handle: new Uint8Array(16),
    ssidref: 0,
    flags: 0,
    maxVcpus: 1,
    emulationFlags: 0,
    extraFlags: 0,
    streamOffset: 0,
    params: new BigUint64Array(0),
    frames: 0,
    hvmRecords: [],
    source: new ContiguousSource(new Uint8Array(0)),
  };
}

function sameDomains(before: readonly RestoredDomain[], after: readonly RestoredDomain[], json: string): boolean {
  return (
    before.length === after.length &&
    before.every((d, i) => d === after[i]) &&
    JSON.stringify(after, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) === json
  );
}

/** One pool per thread count, started on first use and kept for the whole run. */
const pools = new Map<number, RestorePool>();
function poolOf(threads: number): RestorePool {
  let pool = pools.get(threads);
  if (pool === undefined) {
    pool = RestorePool.startSync({ threads });
    pools.set(threads, pool);
  }
  return pool;
}

type Outcome = { result: RestoreResult } | { error: unknown };

/** What a parallel restore must reproduce of a single-thread outcome. */
function outcomeFacts(o: Outcome): string {
  if ("error" in o) {
    const e = o.error;
    return e instanceof RestoreError
      ? JSON.stringify({ error: e.message, problem: e.problem, stage: e.stage, where: e.where })
      : `not a RestoreError: ${String(e)}`;
  }
  const r = o.result;
  return JSON.stringify(
    {
      domains: r.domains.map(({ source: _s, ...d }) => ({ ...d, handle: Array.from(d.handle) })),
      counts: [
        r.frames,
        r.xenFrames,
        r.records,
        r.hvmSaveRecords,
        r.streamBytes,
        r.streamPages,
        r.bytesCopied,
        r.m2pEntries,
        r.m2pCompatEntries,
      ],
      xen: r.xenVersion,
    },
    (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
  );
}

/** LU_DOMAIN_INFO's record type (schema/live-update.lu). */
const LU_DOMAIN_INFO = 0x40000003;

/**
 * A walk of the record headers alone (type, length, padding to 8), independent of the restore:
 * the LU_DOMAIN_INFO records before the first END, and what would be lost if the restore stopped
 * there: an END outside the last of the `mapped` octets' pages, or non-zero octets after it.
 */
function domainsHeld(stream: Uint8Array, mapped: number, ps: number): { domains: number; lost: string | undefined } {
  // The pages as mapped: the stream, then the zero fill of its last page.
  const data = new Uint8Array(mapped);
  data.set(stream.subarray(0, mapped));
  const dv = new DataView(data.buffer);
  let domains = 0;
  for (let at = 0; at + 8 <= mapped; ) {
    const type = dv.getUint32(at, true);
    const len = dv.getUint32(at + 4, true);
    if (type === 0) {
      const end = at + 8;
      if (Math.floor(at / ps) < Math.ceil(mapped / ps) - 1)
        return {
          domains,
          lost: `its END at offset ${at} is in page ${Math.floor(at / ps)} of ${Math.ceil(mapped / ps)}`,
        };
      const rest = data.subarray(end);
      const nz = rest.findIndex((b) => b !== 0);
      return { domains, lost: nz >= 0 ? `octet ${end + nz} after its END is not zero` : undefined };
    }
    if (type === LU_DOMAIN_INFO) domains++;
    at += 8 + Math.ceil(len / 8) * 8;
  }
  return { domains, lost: "the stream has no END within its pages" };
}

let twinArena: WasmArena | undefined;

interface TwinOutcome {
  readonly outcome: string;
  readonly owners: Uint16Array;
  readonly path: string | undefined;
}

/** What both claim paths must agree on: the error, or the result without timings and streams. */
function outcomeText(o: unknown): string {
  if (o instanceof Error) {
    const e = o as Error & { problem?: unknown; stage?: unknown; where?: unknown };
    return JSON.stringify({ name: e.name, message: e.message, problem: e.problem, stage: e.stage, where: e.where });
  }
  const { passes: _p, restoreMs: _m, claimPath: _c, domains, ...rest } = o as ReturnType<typeof restore>;
  return JSON.stringify({ ...rest, domains: domains.map(({ source: _s, ...d }) => d) }, (_k, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v,
  );
}

/** Restores a copy of `memory` and `table` held in the arena, with the WebAssembly loop. */
function wasmTwinRun(
  memory: MachineMemory,
  table: FrameTable,
  domains: RestoredDomain[],
  bootmem: number,
  strict: boolean,
): TwinOutcome {
  twinArena ??= new WasmArena();
  const twin = new MachineMemory({
    pageSize: memory.pageSize,
    frameCount: memory.frameCount,
    reserved: memory.reserved,
    chunkBytes: memory.pageSize * 8,
    arena: twinArena,
  });
  const twinTable = new FrameTable(table.frameCount, { arena: twinArena });
  try {
    for (const mfn of memory.backedFrames()) twin.frame(mfn).set(memory.frame(mfn));
    twinTable.owners.set(table.owners);
    let outcome: unknown;
    try {
      outcome = restore(twin, { bootmem, frameTable: twinTable, domains: domains.slice(), strict });
    } catch (e) {
      outcome = e;
    }
    const path = outcome instanceof Error ? undefined : (outcome as ReturnType<typeof restore>).claimPath;
    return { outcome: outcomeText(outcome), owners: twinTable.owners.slice(), path };
  } finally {
    twinTable.free();
    twin.dispose();
  }
}

function compareTwin(twin: TwinOutcome, js: unknown, owners: Uint16Array): void {
  const text = outcomeText(js);
  if (text !== twin.outcome)
    violated(`the WebAssembly claim path disagrees with the JavaScript one: ${twin.outcome} against ${text}`);
  if (twin.path !== undefined && twin.path !== "wasm")
    violated(`the arena twin restored with the ${twin.path} claim loop`);
  const differs = owners.findIndex((o, i) => o !== twin.owners[i]);
  if (differs >= 0) {
    violated(
      `the WebAssembly claim path leaves frame ${differs} owned by ${ownerName(twin.owners[differs] ?? FRAME_FREE)}, the JavaScript one by ${ownerName(owners[differs] ?? FRAME_FREE)}`,
    );
  }
}

export const restoreTarget: FuzzTarget = {
  name: "restore",
  description: "liveupdate restore(): mutated saved streams; failures leave the caller's state untouched",
  arbitrary: () => caseArb,
  run(c: FuzzCase): void {
    const base = baseOf(typeof c.params["base"] === "number" ? c.params["base"] : 0);
    const host = base.host;
    const ps = host.pageSize;
    const memory = new MachineMemory({
      pageSize: ps,
      frameCount: host.frameCount,
      reserved: [
        {
          start: host.bootmemStart,
          count: host.bootmemFrames,
          name: "bootmem",
        },
      ],
      chunkBytes: ps * 8,
      // The pool's workers read the same pages.
      shared: true,
    });
    // Lay the stream out over pool frames in a seeded order; the MFN array where save() put it.
    const pages = Math.ceil(c.data.length / ps);
    const rng = new SeededRandom(Number(c.params["placementSeed"] ?? 0) >>> 0);
    const pool = base.pool.slice();
    const mfns: number[] = [];
    for (let p = 0; p < pages && pool.length > 0; p++) mfns.push(pool.splice(rng.below(pool.length), 1)[0] ?? 0);
    mfns.forEach((mfn, p) => memory.frame(mfn).set(c.data.subarray(p * ps, Math.min(c.data.length, (p + 1) * ps))));
    const array = new Uint8Array(8 * mfns.length);
    mfns.forEach((m, i) => new DataView(array.buffer).setBigUint64(8 * i, BigInt(m), true));
    memory.write(host.mfnArrayStart * ps, array);
    writeBreadcrumb(memory, host.bootmemStart * ps, {
      mfnArrayPhysAddr: host.mfnArrayStart * ps,
      nrPages: mfns.length,
      littleEndian: true,
    });

    const table = new FrameTable(host.frameCount);
    for (const f of numbers(c.params["callerFrames"])) if (f < host.frameCount) table.owners[f] = CALLER_DOMAIN;
    const domains = numbers(c.params["callerDomains"]).map(callerDomain);
    const ownersBefore = table.owners.slice();
    const domainsBefore = domains.slice();
    const domainsJson = JSON.stringify(domains, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

    // The WebAssembly claim loop on a twin in the arena first: it must do exactly what the
    // JavaScript loop below does (same result and table, or the same error and an untouched table).
    const wasm = wasmTwinRun(memory, table, domains, host.bootmemStart, c.params["strict"] !== false);

    // The same restore over a pool first, on copies of the caller's state.
    const threads = 2 + 2 * (pages % 2);
    const parallelTable = sharedFrameTable(host.frameCount);
    parallelTable.owners.set(table.owners);
    let parallel: Outcome;
    try {
      parallel = {
        result: restore(memory, {
          bootmem: host.bootmemStart,
          frameTable: parallelTable,
          domains: domains.slice(),
          strict: c.params["strict"] !== false,
          workers: poolOf(threads),
        }),
      };
    } catch (error) {
      parallel = { error };
    }
    const sameAsParallel = (single: Outcome): void => {
      const want = outcomeFacts(single);
      const got = outcomeFacts(parallel);
      if (got !== want) violated(`restore over ${threads} threads gave ${got}; one thread gave ${want}`);
      const differs = parallelTable.owners.findIndex((o, i) => o !== table.owners[i]);
      if (differs >= 0)
        violated(
          `restore over ${threads} threads left frame ${differs} owned by ${ownerName(parallelTable.owners[differs] ?? FRAME_FREE)}; one thread by ${ownerName(table.owners[differs] ?? FRAME_FREE)}`,
        );
    };

    let result: ReturnType<typeof restore>;
    try {
      result = restore(memory, {
        bootmem: host.bootmemStart,
        frameTable: table,
        domains,
        strict: c.params["strict"] !== false,
        wasm: false,
      });
      compareTwin(wasm, result, table.owners);
    } catch (e) {
      if (e instanceof InvariantViolation) throw e;
      compareTwin(wasm, e, table.owners);
      const changed = table.owners.findIndex((o, i) => o !== ownersBefore[i]);
      if (changed >= 0)
        violated(
          `failed restore (${e instanceof Error ? e.message : String(e)}) left frame ${changed} owned by ${ownerName(table.owners[changed] ?? FRAME_FREE)} (was ${ownerName(ownersBefore[changed] ?? FRAME_FREE)})`,
        );
      if (!sameDomains(domainsBefore, domains, domainsJson))
        violated(`failed restore (${e instanceof Error ? e.message : String(e)}) changed the caller's domain list`);
      sameAsParallel({ error: e });
      throw e;
    }
    sameAsParallel({ result });
    // Success: the list grew by exactly the restored domains, only free frames were claimed.
    if (
      domains.length !== domainsBefore.length + result.domains.length ||
      !domainsBefore.every((d, i) => d === domains[i])
    )
      violated("restored domains were not appended to the caller's list");
    const perOwner = new Map<number, number>();
    table.owners.forEach((o, f) => {
      const was = ownersBefore[f];
      if (o !== was) {
        if (was !== FRAME_FREE)
          violated(`frame ${f} was owned by ${ownerName(was ?? FRAME_FREE)} and is now owned by ${ownerName(o)}`);
        perOwner.set(o, (perOwner.get(o) ?? 0) + 1);
      }
    });
    for (const d of result.domains) {
      if ((perOwner.get(d.domainId) ?? 0) !== d.frames)
        violated(
          `domain ${d.domainId} says it owns ${d.frames} frames, the table gives it ${perOwner.get(d.domainId) ?? 0}`,
        );
    }
    for (const m of mfns) if (table.owners[m] !== DOMID_XEN) violated(`stream page ${m} is not claimed for Xen`);
    const held = domainsHeld(c.data, mfns.length * ps, ps);
    if (held.lost !== undefined) violated(`restore reported success but ${held.lost}`);
    if (held.domains !== result.domains.length)
      violated(
        `restore reported success with ${result.domains.length} domains; the stream holds ${held.domains} LU_DOMAIN_INFO records`,
      );
  },
  judgeError: (e) => judgeDataError(e, [RestoreError]),
  knownIssues: [],
};
