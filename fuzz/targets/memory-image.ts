/**
 * Target `memory-image`: a host's memory dumped in every shape lu-codec reads (a flat image, a raw
 * dump from a base, an ELF64 core file written by liveupdate/elf-image-writer.ts), damaged at the
 * container level: ELF program headers (p_type, p_offset, p_paddr, p_filesz, p_memsz set to edge
 * values or to another segment's), the ELF header (e_phnum, e_phoff, e_phentsize, class, data), the
 * file cut short or grown by a few octets, byte noise; and the bootmem given right, wrong, as a
 * range, or as `auto` / `auto:FRAME:COUNT`. Each case runs one of `lu dump`, `lu validate` (text and
 * --json, in-process through runDump / runValidate) or the restore the way `lu restore` does it
 * (openImageInput, autoBootmem, locateStream, restore).
 *
 * Invariants: dump and validate keep the cli-inspect target's (exit 0/1/2, one-line located
 * problems, --json parses, no stack trace; problem offsets are file offsets or physical addresses
 * of the machine); the restore ends in a result or a typed, located, one-line error (a damaged file
 * a list of located problems), never another throw; a restore that succeeds has restored every
 * domain the stream holds (a plain walk of the record headers of the pages it read counts the
 * LU_DOMAIN_INFO records before END); an undamaged dump is clean and restores every saved domain.
 */
import * as fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { autoBootmem } from "../../cli/image/auto-bootmem.js";
import { parseBootmem, type BootmemRange } from "../../cli/image/bootmem-option.js";
import { openImageInput, type ImageFormat } from "../../cli/image/image-input.js";
import { Elf64Ehdr, Elf64Phdr } from "../../generated/elf-core.js";
import { LU_STREAM_FORMAT, LU_STREAM_RECORD } from "../../generated/live-update.js";
import { writeElfImage } from "../../liveupdate/elf-image-writer.js";
import { FrameTable } from "../../liveupdate/frame-table.js";
import { SMALL_HOST_SPEC, type HostSpec } from "../../liveupdate/host-spec.js";
import { locateStream } from "../../liveupdate/locate-stream.js";
import { restore } from "../../liveupdate/restore.js";
import { save, type SavedHost } from "../../liveupdate/save.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";
import { FileReadError, LuDataError } from "../../runtime/errors.js";
import { writeMemoryImage } from "../../runtime/memory-image.js";
import { vmap } from "../../runtime/vmap.js";
import type { FuzzCase, FuzzTarget } from "../fuzz-case.js";
import { describeThrown, judgeDataError, violated } from "../invariants.js";
import { applyByteMutations, byteMutation, EDGE_U32, type ByteMutation } from "../mutators/byte-mutations.js";
import { checkInspectRun, runInspectCase } from "./cli-inspect.js";

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
const HOSTS: readonly HostSpec[] = [
  TINY,
  { ...TINY, domains: 3, framesPerDomain: 40, hvmParams: 5, hvmContextBytes: 1200, seed: 99 },
];
const FORMATS: readonly ImageFormat[] = ["flat", "raw", "elf"];
const COMMANDS = ["dump", "dump-json", "validate", "validate-json", "restore"] as const;

let scratchDir: string | undefined;
function scratch(name: string): string {
  scratchDir ??= mkdtempSync(join(tmpdir(), "lu-fuzz-image-"));
  return join(scratchDir, name);
}

interface Dumped {
  readonly host: SavedHost;
  readonly bytes: Uint8Array;
  /** Physical address of a raw dump's first octet (0 otherwise). */
  readonly base: number;
}

const dumps = new Map<string, Dumped>();

/** The host saved and dumped in `format`, written by lu-codec's writers (cached). */
function dumped(hostIndex: number, format: ImageFormat): Dumped {
  const key = `${hostIndex}/${format}`;
  const have = dumps.get(key);
  if (have !== undefined) return have;
  const host = save(HOSTS[hostIndex % HOSTS.length] ?? TINY);
  const path = scratch(`seed-${hostIndex}.${format}`);
  // A raw dump starts at the first frame holding data.
  const first = host.memory.backedFrames().find((f) => host.memory.frame(f).some((b) => b !== 0)) ?? 0;
  const base = format === "raw" ? first * host.pageSize : 0;
  if (format === "elf") writeElfImage(host.memory, path);
  else writeMemoryImage(host.memory, path, { base });
  const d = { host, bytes: new Uint8Array(readFileSync(path)), base };
  dumps.set(key, d);
  return d;
}

type PhdrField = "type" | "offset" | "paddr" | "filesz" | "memsz";
interface PhdrMutation {
  readonly segment: number;
  readonly field: PhdrField;
  /** An edge value, or (when `fromSegment` is set) the same field of another segment. */
  readonly value: number;
  readonly fromSegment: number | null;
  /** Added to the value (a page or an octet off). */
  readonly delta: number;
}
type EhdrField = "phnum" | "phoff" | "phentsize" | "class" | "data";
interface EhdrMutation {
  readonly field: EhdrField;
  readonly value: number;
}

const EDGE_U64 = [0, 1, 0xfff, 0x1000, 0x1001, 2 ** 32, 2 ** 53 - 1, 2 ** 53, Number.MAX_SAFE_INTEGER * 4] as const;

const phdrMutation: fc.Arbitrary<PhdrMutation> = fc.record({
  segment: fc.nat({ max: 200 }),
  field: fc.constantFrom<PhdrField>("type", "offset", "paddr", "filesz", "memsz"),
  value: fc.oneof(fc.constantFrom(...EDGE_U64), fc.constantFrom(...EDGE_U32)),
  fromSegment: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 200 }) }),
  delta: fc.constantFrom(0, 0, 1, -1, 0x1000, -0x1000),
});
const ehdrMutation: fc.Arbitrary<EhdrMutation> = fc.record({
  field: fc.constantFrom<EhdrField>("phnum", "phoff", "phentsize", "class", "data"),
  value: fc.constantFrom(0, 1, 2, 3, 55, 56, 57, 0xffff, 0x1000, 0x40, 0x41),
});

/** Applies program and ELF header mutations through the generated accessors (a copy). */
function mutateElf(bytes: Uint8Array, phdrs: readonly PhdrMutation[], ehdrs: readonly EhdrMutation[]): Uint8Array {
  const out = bytes.slice();
  const src = new ContiguousSource(out);
  const eh = Elf64Ehdr.at(src, 0);
  const count = eh.phnum;
  const phoff = eh.phoffNumber;
  const ph = new Elf64Phdr();
  const u64 = (n: number): bigint => BigInt.asUintN(64, BigInt(Math.trunc(n)));
  for (const m of phdrs) {
    if (count === 0) break;
    ph.wrap(src, phoff + (m.segment % count) * Elf64Phdr.SIZE);
    const other =
      m.fromSegment === null ? undefined : new Elf64Phdr().wrap(src, phoff + (m.fromSegment % count) * Elf64Phdr.SIZE);
    const read = (p: Elf64Phdr): bigint =>
      m.field === "type"
        ? BigInt(p.type)
        : m.field === "offset"
          ? p.offsetField
          : m.field === "paddr"
            ? p.paddr
            : m.field === "filesz"
              ? p.filesz
              : p.memsz;
    const v = BigInt.asUintN(64, (other === undefined ? u64(m.value) : read(other)) + BigInt(m.delta));
    if (m.field === "type") src.view.setUint32(ph.base, Number(v & 0xffff_ffffn), true);
    else if (m.field === "offset") ph.offsetField = v;
    else if (m.field === "paddr") ph.paddr = v;
    else if (m.field === "filesz") ph.filesz = v;
    else ph.memsz = v;
  }
  for (const m of ehdrs) {
    const at =
      m.field === "phnum"
        ? Elf64Ehdr.PHNUM_OFFSET
        : m.field === "phoff"
          ? Elf64Ehdr.PHOFF_OFFSET
          : m.field === "phentsize"
            ? Elf64Ehdr.PHENTSIZE_OFFSET
            : m.field === "class"
              ? Elf64Ehdr.CLASS_OFFSET
              : Elf64Ehdr.DATA_OFFSET;
    if (m.field === "class" || m.field === "data") src.view.setUint8(at, m.value & 0xff);
    else if (m.field === "phoff") src.view.setBigUint64(at, BigInt(m.value), true);
    else src.view.setUint16(at, m.value & 0xffff, true);
  }
  return out;
}

type BootmemChoice = "range" | "first" | "auto" | "auto-range" | "wrong";

const caseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    host: fc.nat({ max: HOSTS.length - 1 }),
    format: fc.constantFrom<ImageFormat>(...FORMATS),
    command: fc.constantFrom(...COMMANDS),
    bootmem: fc.constantFrom<BootmemChoice>("range", "range", "first", "auto", "auto", "auto-range", "wrong"),
    wrongFrame: fc.nat({ max: 2000 }),
    phdrs: fc.oneof(
      { weight: 2, arbitrary: fc.constant<PhdrMutation[]>([]) },
      { weight: 3, arbitrary: fc.array(phdrMutation, { minLength: 1, maxLength: 3 }) },
    ),
    ehdrs: fc.oneof(
      { weight: 6, arbitrary: fc.constant<EhdrMutation[]>([]) },
      { weight: 1, arbitrary: fc.array(ehdrMutation, { minLength: 1, maxLength: 2 }) },
    ),
    /** Octets cut off (negative: grown by) at the end of the file. */
    resize: fc.oneof(
      { weight: 8, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: -9, max: 9 }) },
      { weight: 1, arbitrary: fc.nat({ max: 1 << 22 }) },
    ),
    bytes: fc.oneof(
      { weight: 8, arbitrary: fc.constant<ByteMutation[]>([]) },
      { weight: 1, arbitrary: fc.array(byteMutation(), { minLength: 1, maxLength: 2 }) },
    ),
  })
  .map((g): FuzzCase => {
    const d = dumped(g.host, g.format);
    const host = d.host;
    let data = d.bytes;
    let pristine = true;
    if (g.format === "elf" && (g.phdrs.length > 0 || g.ehdrs.length > 0)) {
      data = mutateElf(data, g.phdrs, g.ehdrs);
      pristine = false;
    }
    if (g.bytes.length > 0) {
      // In place only (no insert/delete/truncate): the file keeps its shape, the resize below cuts it.
      const inPlace = g.bytes.filter((m) => m.kind !== "insert" && m.kind !== "delete" && m.kind !== "truncate");
      if (inPlace.length > 0) {
        data = applyByteMutations(data, inPlace);
        pristine = false;
      }
    }
    if (g.resize !== 0) {
      const cut = g.resize > 0 ? g.resize % data.length : g.resize;
      const out = new Uint8Array(Math.max(0, data.length - cut));
      out.set(data.subarray(0, Math.min(data.length, out.length)));
      data = out;
      pristine = false;
    }
    const range = `${host.bootmemStart}:${host.bootmemFrames}`;
    const bootmem =
      g.bootmem === "range"
        ? range
        : g.bootmem === "first"
          ? String(host.bootmemStart)
          : g.bootmem === "auto"
            ? "auto"
            : g.bootmem === "auto-range"
              ? `auto:${range}`
              : String(g.wrongFrame);
    if (g.bootmem === "wrong" && g.wrongFrame !== host.bootmemStart) pristine = false;
    return {
      data,
      params: {
        kind: "image",
        command: g.command,
        format: g.format,
        base: d.base,
        bootmem,
        pageSize: host.pageSize,
        domains: host.domains.length,
        machineBytes: host.memory.byteLength,
        pristine,
      },
    };
  });

function scratchFile(data: Uint8Array): string {
  const file = scratch("input.bin");
  writeFileSync(file, data);
  return file;
}

/** LU_DOMAIN_INFO records before the first END, by a plain walk of the record headers of `pages`. */
function domainsHeld(memory: Parameters<typeof vmap>[0], pages: Uint32Array): number {
  const src = vmap(memory, pages);
  const fmt = LU_STREAM_FORMAT;
  let domains = 0;
  for (let at = 0; at + fmt.headerSize <= src.byteLength; ) {
    const head = src.bytes(at, fmt.headerSize);
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const type = dv.getUint32(fmt.typeOffset, true);
    const length = dv.getUint32(fmt.lengthOffset, true);
    if (type === LU_STREAM_RECORD.END) return domains;
    if (type === LU_STREAM_RECORD.LU_DOMAIN_INFO) domains++;
    at += fmt.headerSize + Math.ceil(length / fmt.align) * fmt.align;
  }
  return domains;
}

/** The restore `lu restore` runs, in-process; throws only typed errors (or a violation). */
function runRestore(c: FuzzCase): void {
  const file = scratchFile(c.data);
  const pageSize = Number(c.params["pageSize"] ?? 4096);
  const format = String(c.params["format"] ?? "flat") as ImageFormat;
  const option = parseBootmem(String(c.params["bootmem"] ?? "0"), pageSize);
  const given: BootmemRange | undefined = option.kind === "range" ? option.range : option.within;
  let input;
  try {
    input = openImageInput(file, {
      pageSize,
      format,
      ...(format === "raw" ? { base: Number(c.params["base"] ?? 0) } : {}),
      reserved: given === undefined ? [] : [{ start: given.start, count: given.count, name: "live update bootmem" }],
    });
  } catch (e) {
    // A bootmem range beyond a damaged (shorter) machine: the CLI says so as usage (exit 2).
    if (e instanceof RangeError && /reserved region/.test(e.message)) return;
    throw e;
  }
  for (const p of input.problems) {
    if (!Number.isSafeInteger(p.offset) || p.offset < 0 || p.offset > c.data.length || p.message.includes("\n"))
      violated(`file problem not located on one line: ${JSON.stringify(p)}`);
  }
  const image = input.image;
  if (image === undefined) {
    if (input.problems.length === 0) violated("an image that cannot be read names no problem");
    return;
  }
  try {
    let bootmem = given?.start ?? 0;
    let bootmemFrames = given?.count ?? 1;
    if (option.kind === "auto") {
      const found = autoBootmem(image, option.within);
      if (found.kind === "refused") {
        if (c.params["pristine"] === true)
          violated(`--bootmem auto found no breadcrumb in an undamaged dump: ${found.problem.message}`);
        return;
      }
      bootmem = found.range.start;
      bootmemFrames = found.range.count;
    }
    if (bootmem + bootmemFrames > image.memory.frameCount) return; // usage (exit 2) in the CLI
    const located = locateStream(image.memory, bootmem, 2 ** 24, bootmemFrames);
    const result = restore(image.memory, {
      bootmem,
      bootmemFrames,
      pageSize,
      frameTable: new FrameTable(image.memory.frameCount),
      domains: [],
    });
    const held = domainsHeld(image.memory, located.pages);
    if (result.domains.length !== held)
      violated(
        `restore reported success with ${result.domains.length} domains; the stream's pages hold ${held} LU_DOMAIN_INFO records`,
      );
    if (c.params["pristine"] === true && result.domains.length !== Number(c.params["domains"])) {
      violated(`an undamaged dump restored ${result.domains.length} of ${String(c.params["domains"])} domains`);
    }
  } catch (e) {
    if (c.params["pristine"] === true && !(e instanceof FileReadError))
      violated(`an undamaged dump failed to restore: ${describeThrown(e)}`);
    throw e;
  } finally {
    image.close();
  }
}

export const memoryImageTarget: FuzzTarget = {
  name: "memory-image",
  description:
    "lu dump / validate / restore on flat, raw and ELF64 core dumps of a saved host, program headers and file length damaged, bootmem given or auto",
  arbitrary: () => {
    // Save the hosts, write their dumps and compile the schemas now, not inside the first timed case.
    for (let h = 0; h < HOSTS.length; h++) for (const f of FORMATS) dumped(h, f);
    const [sample] = fc.sample(caseArb, { seed: 1, numRuns: 1 });
    if (sample !== undefined) runInspectCase({ ...sample, params: { ...sample.params, command: "dump-json" } });
    return caseArb;
  },
  run(c: FuzzCase): void {
    if (c.params["command"] === "restore") {
      runRestore(c);
      return;
    }
    const flags = {
      ...(c.params["format"] === "raw" ? { base: String(c.params["base"] ?? 0), imageFormat: "raw" } : {}),
      ...(c.params["format"] === "elf" ? { imageFormat: "elf" } : {}),
    };
    // Problems about the breadcrumb are at physical addresses, which an ELF dump's file may not reach.
    checkInspectRun(c, runInspectCase(c, flags), Math.max(c.data.length, Number(c.params["machineBytes"] ?? 0)));
  },
  judgeError: (e) => judgeDataError(e, [LuDataError]),
  knownIssues: [],
};
