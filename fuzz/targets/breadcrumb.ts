/**
 * Target `breadcrumb`: `openLiveUpdateStream` (breadcrumb, MFN array, vmap) on small machines of
 * 4 KiB, 64 KiB and 256-byte pages. Inputs are valid breadcrumbs and MFN arrays, then mutated: magic
 * byte-swapped, masked for another page size or random; shifted_nr_pages with low bits, zero, one
 * too many or huge; the array address misaligned or outside; entries outside the machine (also
 * above 2^32), duplicated, inside the bootmem, inside the MFN array, the breadcrumb's frame; plus
 * byte-level noise.
 *
 * The input's bytes are the 24 breadcrumb octets followed by the MFN array's octets; the parameters
 * say where each goes. A reference check of every rule decides whether the input is valid: a valid
 * one must open with exactly its MFNs, an invalid one must be refused with a BreadcrumbError.
 */
import * as fc from "fast-check";
import { BREADCRUMB_SIZE, openLiveUpdateStream } from "../../runtime/breadcrumb.js";
import { BreadcrumbError, FrameError } from "../../runtime/errors.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import type { FuzzCase, FuzzTarget, Params } from "../fuzz-case.js";
import { judgeDataError, violated } from "../invariants.js";
import { applyByteMutations, byteMutation } from "../mutators/byte-mutations.js";

const MAGIC = 0x4c69766555706461n;
const U64 = 0xffff_ffff_ffff_ffffn;

function masked(pageSize: bigint): bigint {
  return MAGIC & ~(pageSize - 1n) & U64;
}

function swap64(v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; i < 8n; i++) out = (out << 8n) | ((v >> (8n * i)) & 0xffn);
  return out;
}

type Mutation =
  | {
      readonly kind: "magic";
      readonly how: "swapped" | "page-size" | "random" | "zero" | "swapped-page-size";
      readonly shift: number;
      readonly random: bigint;
    }
  | {
      readonly kind: "count";
      readonly how: "low-bits" | "zero" | "plus1" | "huge" | "max";
      readonly huge: bigint;
    }
  | {
      readonly kind: "array-addr";
      readonly how: "misaligned" | "outside" | "huge" | "end";
    }
  | {
      readonly kind: "entry";
      readonly index: number;
      readonly how: "outside" | "above-2^32" | "u64-max" | "duplicate" | "bootmem" | "array" | "breadcrumb" | "random";
      readonly other: number;
      readonly random: bigint;
    };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("magic" as const),
    how: fc.constantFrom(
      "swapped" as const,
      "page-size" as const,
      "random" as const,
      "zero" as const,
      "swapped-page-size" as const,
    ),
    shift: fc.nat({ max: 40 }),
    random: fc.bigInt({ min: 0n, max: U64 }),
  }),
  fc.record({
    kind: fc.constant("count" as const),
    how: fc.constantFrom("low-bits" as const, "zero" as const, "plus1" as const, "huge" as const, "max" as const),
    huge: fc.constantFrom(2n ** 24n + 1n, 2n ** 32n, 2n ** 40n, 2n ** 52n),
  }),
  fc.record({
    kind: fc.constant("array-addr" as const),
    how: fc.constantFrom("misaligned" as const, "outside" as const, "huge" as const, "end" as const),
  }),
  fc.record({
    kind: fc.constant("entry" as const),
    index: fc.nat({ max: 63 }),
    how: fc.constantFrom(
      "outside" as const,
      "above-2^32" as const,
      "u64-max" as const,
      "duplicate" as const,
      "bootmem" as const,
      "array" as const,
      "breadcrumb" as const,
      "random" as const,
    ),
    other: fc.nat({ max: 63 }),
    random: fc.bigInt({ min: 0n, max: U64 }),
  }),
);

interface Layout {
  readonly pageSize: number;
  readonly frameCount: number;
  readonly bootmemStart: number;
  readonly bootmemFrames: number;
  readonly arrayFrame: number;
  readonly littleEndian: boolean;
}

const layoutArb: fc.Arbitrary<Layout & { readonly nrPages: number; readonly pickSeed: number }> = fc
  .record({
    pageSize: fc.constantFrom(256, 4096, 65536),
    frameCount: fc.integer({ min: 8, max: 96 }),
    littleEndian: fc.boolean(),
    pickSeed: fc.nat(),
  })
  .chain((g) =>
    fc.record({
      pageSize: fc.constant(g.pageSize),
      frameCount: fc.constant(g.frameCount),
      littleEndian: fc.constant(g.littleEndian),
      pickSeed: fc.constant(g.pickSeed),
      bootmemStart: fc.nat({ max: g.frameCount - 4 }),
      bootmemFrames: fc.integer({ min: 1, max: 3 }),
      arrayFrame: fc.nat({ max: g.frameCount - 1 }),
      nrPages: fc.integer({ min: 1, max: Math.min(40, g.frameCount - 6) }),
    }),
  );

/** Picks `n` distinct frames outside the bootmem and the array's frames (a seeded shuffle). */
function pickPages(l: Layout, n: number, seed: number): bigint[] {
  const arrayFrames = Math.ceil((n * 8) / l.pageSize);
  const free: number[] = [];
  for (let f = 0; f < l.frameCount; f++) {
    const inBoot = f >= l.bootmemStart && f < l.bootmemStart + l.bootmemFrames;
    const inArray = f >= l.arrayFrame && f < l.arrayFrame + arrayFrames;
    if (!inBoot && !inArray) free.push(f);
  }
  let s = seed >>> 0;
  const out: bigint[] = [];
  for (let i = 0; i < n && free.length > 0; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const k = s % free.length;
    out.push(BigInt(free[k] ?? 0));
    free.splice(k, 1);
  }
  return out;
}

function encode(words: readonly bigint[], le: boolean): Uint8Array {
  const out = new Uint8Array(8 * words.length);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setBigUint64(8 * i, w & U64, le));
  return out;
}

const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    layout: layoutArb,
    mutations: fc.oneof(
      { weight: 1, arbitrary: fc.constant([]) },
      {
        weight: 4,
        arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }),
      },
    ),
    byteMutations: fc.oneof(
      { weight: 4, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(byteMutation(), { minLength: 1, maxLength: 2 }),
      },
    ),
  })
  .map(({ layout: l, mutations, byteMutations }): FuzzCase => {
    const ps = BigInt(l.pageSize);
    const shift = BigInt(Math.log2(l.pageSize));
    let magic = masked(ps);
    let arrayAddr = BigInt(l.arrayFrame) * ps;
    let shifted = BigInt(l.nrPages) << shift;
    const entries = pickPages(l, l.nrPages, l.pickSeed);
    const arrayFrames = Math.ceil((l.nrPages * 8) / l.pageSize);
    for (const m of mutations) {
      if (m.kind === "magic") {
        const other = masked(2n ** BigInt(m.shift === Number(shift) ? m.shift + 1 : m.shift));
        magic =
          m.how === "swapped"
            ? swap64(magic)
            : m.how === "page-size"
              ? other
              : m.how === "swapped-page-size"
                ? swap64(other)
                : m.how === "zero"
                  ? 0n
                  : m.random;
      } else if (m.kind === "count") {
        shifted =
          m.how === "low-bits"
            ? shifted | 1n
            : m.how === "zero"
              ? 0n
              : m.how === "plus1"
                ? shifted + (1n << shift)
                : m.how === "huge"
                  ? (m.huge << shift) & U64
                  : U64 & ~(ps - 1n);
      } else if (m.kind === "array-addr") {
        const size = BigInt(l.frameCount) * ps;
        arrayAddr =
          m.how === "misaligned"
            ? arrayAddr + 8n
            : m.how === "outside"
              ? size
              : m.how === "huge"
                ? 2n ** 63n
                : size - ps;
      } else if (entries.length > 0) {
        const i = m.index % entries.length;
        const fc_ = BigInt(l.frameCount);
        const v =
          m.how === "outside"
            ? fc_
            : m.how === "above-2^32"
              ? 2n ** 32n + 1n
              : m.how === "u64-max"
                ? U64
                : m.how === "duplicate"
                  ? (entries[m.other % entries.length] ?? 0n)
                  : m.how === "bootmem"
                    ? BigInt(l.bootmemStart + (m.other % l.bootmemFrames))
                    : m.how === "array"
                      ? BigInt(l.arrayFrame + (m.other % arrayFrames))
                      : m.how === "breadcrumb"
                        ? BigInt(l.bootmemStart)
                        : m.random;
        entries[i] = v;
      }
    }
    const data = applyByteMutations(
      new Uint8Array([...encode([magic, arrayAddr, shifted], l.littleEndian), ...encode(entries, l.littleEndian)]),
      byteMutations,
    );
    const params: Params = {
      pageSize: l.pageSize,
      frameCount: l.frameCount,
      bootmemStart: l.bootmemStart,
      bootmemFrames: l.bootmemFrames,
      arrayFrame: l.arrayFrame,
      littleEndian: l.littleEndian,
    };
    return { data, params };
  });

function layoutOf(p: Params): Layout {
  const n = (k: string): number => {
    const v = p[k];
    if (typeof v !== "number") throw new Error(`breadcrumb case without '${k}'`);
    return v;
  };
  return {
    pageSize: n("pageSize"),
    frameCount: n("frameCount"),
    bootmemStart: n("bootmemStart"),
    bootmemFrames: n("bootmemFrames"),
    arrayFrame: n("arrayFrame"),
    littleEndian: p["littleEndian"] === true,
  };
}

/** The physical image the case describes: sparse frames, later writes over earlier ones. */
class SparseImage {
  readonly frames = new Map<number, Uint8Array>();
  readonly pageSize: number;
  readonly frameCount: number;
  constructor(pageSize: number, frameCount: number) {
    this.pageSize = pageSize;
    this.frameCount = frameCount;
  }
  write(addr: number, bytes: Uint8Array): void {
    for (let k = 0; k < bytes.length; k++) {
      const a = addr + k;
      const f = Math.floor(a / this.pageSize);
      if (f >= this.frameCount) return;
      let frame = this.frames.get(f);
      if (frame === undefined) {
        frame = new Uint8Array(this.pageSize);
        this.frames.set(f, frame);
      }
      frame[a % this.pageSize] = bytes[k] ?? 0;
    }
  }
  u64(addr: bigint, le: boolean): bigint {
    const b = new Uint8Array(8);
    for (let k = 0; k < 8; k++) {
      const a = Number(addr) + k;
      b[k] = this.frames.get(Math.floor(a / this.pageSize))?.[a % this.pageSize] ?? 0;
    }
    return new DataView(b.buffer).getBigUint64(0, le);
  }
}

/** Every rule, plainly: the MFNs a valid input opens with, or the reason it is invalid. */
function referenceOpen(img: SparseImage, l: Layout): { readonly mfns: number[] } | { readonly reason: string } {
  const ps = BigInt(l.pageSize);
  const at = BigInt(l.bootmemStart) * ps;
  const magic = img.u64(at, l.littleEndian);
  if (magic !== masked(ps)) return { reason: "magic" };
  const arrayAddr = img.u64(at + 8n, l.littleEndian);
  const shifted = img.u64(at + 16n, l.littleEndian);
  if ((shifted & (ps - 1n)) !== 0n) return { reason: "shifted-low-bits" };
  const n = shifted / ps;
  if (n === 0n) return { reason: "zero-pages" };
  if (n > BigInt(Math.min(l.frameCount, 2 ** 24))) return { reason: "too-many-pages" };
  if (arrayAddr % ps !== 0n) return { reason: "mfn-array-misaligned" };
  if (arrayAddr + n * 8n > BigInt(l.frameCount) * ps) return { reason: "mfn-array-outside" };
  const arrayStart = arrayAddr / ps;
  const arrayEnd = arrayStart + (n * 8n + ps - 1n) / ps;
  // The MFN array must survive the handover: none of its frames in the bootmem.
  if (arrayStart < BigInt(l.bootmemStart + l.bootmemFrames) && arrayEnd > BigInt(l.bootmemStart))
    return { reason: "mfn-array-in-bootmem" };
  const seen = new Set<bigint>();
  const mfns: number[] = [];
  for (let i = 0n; i < n; i++) {
    const e = img.u64(arrayAddr + 8n * i, l.littleEndian);
    if (e >= BigInt(l.frameCount)) return { reason: "page-outside" };
    if (e >= BigInt(l.bootmemStart) && e < BigInt(l.bootmemStart + l.bootmemFrames))
      return { reason: "page-in-bootmem" };
    if (e >= arrayStart && e < arrayEnd) return { reason: "page-overlaps-mfn-array" };
    if (seen.has(e)) return { reason: "page-duplicate" };
    seen.add(e);
    mfns.push(Number(e));
  }
  return { mfns };
}

export const breadcrumbTarget: FuzzTarget = {
  name: "breadcrumb",
  description: "openLiveUpdateStream: mutated breadcrumbs and MFN arrays on small machines",
  arbitrary: () => caseArb,
  run(c: FuzzCase): void {
    const l = layoutOf(c.params);
    const img = new SparseImage(l.pageSize, l.frameCount);
    img.write(l.arrayFrame * l.pageSize, c.data.subarray(Math.min(BREADCRUMB_SIZE, c.data.length)));
    img.write(l.bootmemStart * l.pageSize, c.data.subarray(0, BREADCRUMB_SIZE));
    const memory = new MachineMemory({
      pageSize: l.pageSize,
      frameCount: l.frameCount,
      reserved: [{ start: l.bootmemStart, count: l.bootmemFrames, name: "bootmem" }],
      chunkBytes: l.pageSize * 4,
    });
    for (const [f, bytes] of img.frames) memory.write(f * l.pageSize, bytes);
    const want = referenceOpen(img, l);
    let opened: ReturnType<typeof openLiveUpdateStream>;
    try {
      opened = openLiveUpdateStream(memory, l.bootmemStart * l.pageSize, {
        littleEndian: l.littleEndian,
      });
    } catch (e) {
      if ("mfns" in want) violated(`a valid breadcrumb was refused: ${e instanceof Error ? e.message : String(e)}`);
      if (e instanceof BreadcrumbError && want.reason !== "magic" && e.problem !== want.reason) {
        violated(`breadcrumb refused as '${e.problem}', the rules say '${want.reason}': ${e.message}`);
      }
      throw e;
    }
    if ("reason" in want) violated(`an invalid breadcrumb (${want.reason}) was accepted`);
    const got = Array.from(opened.mfns);
    if (got.length !== want.mfns.length || got.some((m, i) => m !== want.mfns[i]))
      violated(`MFNs ${got.join(",")} differ from the array's ${want.mfns.join(",")}`);
    if (opened.source.byteLength !== want.mfns.length * l.pageSize)
      violated(`vmap is ${opened.source.byteLength} bytes for ${want.mfns.length} pages`);
  },
  judgeError: (e) => judgeDataError(e, [BreadcrumbError, FrameError]),
};
