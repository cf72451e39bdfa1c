/**
 * `lu restore IMAGE --bootmem FRAME`: restore every domain from a machine-memory image the way the
 * new hypervisor would, and say how fast. `--demo` saves the embedded default host in memory and
 * restores that instead (this is `npm start`). Exit 0 restored, 1 the image is bad (one line naming
 * the problem and its location), 2 usage or I/O (a `FileReadError` while reading the image's frames
 * is I/O, not a bad image).
 */
import { SingleBar, Presets } from "cli-progress";
import type { Command } from "commander";
import { FileReadError, LuDataError } from "../runtime/errors.js";
import { ArenaFullError, WasmArena } from "../runtime/wasm-arena.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { FrameTable } from "../liveupdate/frame-table.js";
import {
  checkHostSpec,
  DEFAULT_HOST_SPEC,
  extentFrames as specExtentFrames,
  SMALL_HOST_SPEC,
} from "../liveupdate/host-spec.js";
import { locateStream } from "../liveupdate/locate-stream.js";
import { restore } from "../liveupdate/restore.js";
import { RestoreError } from "../liveupdate/restore-error.js";
import type { RestoreResult } from "../liveupdate/restore-result.js";
import { paramCount, type RestoredDomain } from "../liveupdate/restored-domain.js";
import { formatHandle } from "../liveupdate/saved-domain.js";
import { save } from "../liveupdate/save.js";
import { autoBootmem } from "./image/auto-bootmem.js";
import { defaultThreads, RestorePool } from "../liveupdate/workers/restore-pool.js";
import { sharedFrameTable } from "../liveupdate/workers/shared-frame-table.js";
import { parseBootmem } from "./image/bootmem-option.js";
import { ImageUsageError, openImageInput, parseBase, parseImageFormat } from "./image/image-input.js";
import { formatProblem, type InspectProblem } from "./inspect/inspect-problem.js";

interface RestoreFlags {
  bootmem?: string;
  pageSize: string;
  json?: boolean;
  repeat?: string;
  demo?: boolean;
  small?: boolean;
  extentFrames?: string;
  progress: boolean;
  lenient?: boolean;
  imageFormat?: string;
  base?: string;
  verbose?: boolean;
  wasm: boolean;
  workers?: string;
}

/** Streams above this size get a progress bar (on a terminal). */
const PROGRESS_BYTES = 16 * 1024 * 1024;

function usage(message: string): never {
  process.stderr.write(`lu restore: ${message}\n`);
  process.exit(2);
}

function parseWhole(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) usage(`${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

/** `{ [key]: value }`, or nothing when the value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function domainJson(d: RestoredDomain): Record<string, unknown> {
  return {
    domain_id: d.domainId,
    type: d.type,
    page_shift: d.pageShift,
    handle: formatHandle(d.handle),
    ssidref: d.ssidref,
    flags: d.flags,
    max_vcpus: d.maxVcpus,
    emulation_flags: d.emulationFlags,
    extra_flags: d.extraFlags,
    param_count: paramCount(d),
    frames: d.frames,
    hvm_records: d.hvmRecords.length,
    other_records: d.otherRecords?.length ?? 0,
  };
}

function errorJson(e: LuDataError): Record<string, unknown> {
  return {
    error: {
      code: e.code,
      ...(e instanceof RestoreError ? { problem: e.problem, stage: e.stage } : {}),
      message: e.message,
      offset: e.where.offset ?? null,
      record_index: e.where.recordIndex ?? null,
      record_type: e.where.recordType ?? null,
      record_name: e.where.recordName ?? null,
    },
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** A message on one line (an OS error text may carry newlines). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

/**
 * Reports a restore failure and exits: 2 when reading the image failed (I/O), 1 when the image is
 * bad. One line on stderr, or the error document with --json; never a stack trace.
 */
/** File damage found when opening the image, appended to a failure's one line. */
let damage = "";

/** The image's stream pages and frame table outgrow the WebAssembly arena: say so, exit 2. */
function arenaFull(e: ArenaFullError): never {
  usage(`${e.message}: the image's stream pages and frame table do not fit; run with --no-wasm`);
}

function reportFailure(e: LuDataError, source: string, json: boolean): never {
  const io = e instanceof FileReadError;
  if (json) process.stdout.write(`${JSON.stringify(errorJson(e), null, 2)}\n`);
  else
    process.stderr.write(
      `lu restore: ${source}: ${io ? "I/O error" : "error"} ${e.code}: ${oneLine(e.message)}${oneLine(damage)}\n`,
    );
  process.exit(io ? 2 : 1);
}

export function register(program: Command): void {
  program
    .command("restore")
    .description("restore every domain from a live update memory image (or --demo: the embedded default host)")
    .argument("[image]", "sparse machine-memory image (byte offset = physical address)")
    .option(
      "--bootmem <frame[:count]>",
      "the live update bootmem: its first frame (where the breadcrumb is), and its size as a frame count or with a K/M/G suffix (e.g. 256:256, 0x100:1M); auto: find the breadcrumb in the whole image; auto:FRAME:COUNT: in that range (the liveupdate= range)",
    )
    .option("--verbose", "with --bootmem auto: say every breadcrumb candidate considered and why it was refused")
    .option("--page-size <bytes>", "machine page size", "4096")
    .option(
      "--image-format <format>",
      "auto (default: an ELF core file by its magic, else flat, or raw with --base), flat, raw or elf",
    )
    .option("--base <addr>", "physical address of a raw dump's first octet (a multiple of the page size)")
    .option("--json", "print one JSON document instead of the summary")
    .option(
      "--repeat <n>",
      "restore N times into a fresh frame table; report the median and the first (cold) (default 1; 3 with --demo)",
    )
    .option("--demo", "save the embedded default host (64 domains x 512 MiB) in memory and restore it")
    .option("--small", "with --demo: a small host (8 domains x 8 MiB)")
    .option(
      "--extent-frames <n>",
      "with --demo: guest memory in aligned runs of N frames (default 512: 2 MiB extents, as Xen's toolstack backs HVM guests with superpages; 1: every frame scattered on its own, the worst case)",
    )
    .option(
      "--lenient",
      "accept non-zero record padding, non-zero reserved/padding fields and unknown flag bits (strict by default)",
    )
    .option("--no-progress", "no progress bar")
    .option(
      "--no-wasm",
      "claim frames in pass 1 with the JavaScript loop; by default the image is read into a WebAssembly arena (at most 2 GiB with the frame table) and pass 1 claims there",
    )
    .option(
      "--workers <n>",
      `threads that claim frames in pass 1, this one included (default: the machine's cores, here ${defaultThreads()}; 1: the single-thread restore)`,
    )
    .action(async (image: string | undefined, flags: RestoreFlags) => {
      const repeat = parseWhole("--repeat", flags.repeat ?? (flags.demo === true ? "3" : "1"), 1);
      const pageSize = parseWhole("--page-size", flags.pageSize, 64);
      const workers = parseWhole("--workers", flags.workers ?? String(defaultThreads()), 1);
      if (workers > 1024) usage(`--workers must be at most 1024, got '${flags.workers}'`);
      // Workers read the stream pages and claim into the frame table in place: both on shared memory.
      const shared = workers > 1;
      let memory: MachineMemory;
      let bootmem: number;
      let bootmemFrames: number;
      let source: string;
      let close = (): void => {};
      let fileProblems: InspectProblem[] = [];
      // Pages and frame table in one WebAssembly memory, so pass 1's WebAssembly loop works in place.
      const arena = flags.wasm ? new WasmArena() : undefined;
      if (flags.demo === true) {
        const base = flags.small === true ? SMALL_HOST_SPEC : DEFAULT_HOST_SPEC;
        const extentFrames = parseWhole("--extent-frames", flags.extentFrames ?? String(specExtentFrames(base)), 1);
        const spec = { ...base, pageSize, extentFrames };
        try {
          checkHostSpec(spec);
        } catch (e) {
          usage(e instanceof Error ? e.message : String(e));
        }
        const saved = save(spec, { ...optional("arena", arena), sharedMemory: shared });
        memory = saved.memory;
        bootmem = saved.bootmemStart;
        bootmemFrames = saved.bootmemFrames;
        source = `demo host (${spec.domains} domains x ${spec.framesPerDomain} frames${extentFrames > 1 ? ` in extents of ${extentFrames}` : ""})`;
      } else {
        if (image === undefined) usage("give an IMAGE or --demo");
        if (flags.bootmem === undefined) usage("--bootmem FRAME[:COUNT] is required with an image");
        let option;
        try {
          option = parseBootmem(flags.bootmem, pageSize);
        } catch (e) {
          usage(e instanceof Error ? e.message : String(e));
        }
        // With auto the bootmem is known once the image is scanned; a given range is reserved now.
        const given = option.kind === "range" ? option.range : option.within;
        bootmem = given?.start ?? 0;
        bootmemFrames = given?.count ?? 1;
        let input;
        try {
          // The bootmem is reserved: no data page or MFN array frame may sit in it.
          input = openImageInput(image, {
            pageSize,
            ...optional("format", parseImageFormat(flags.imageFormat)),
            ...optional("base", parseBase(flags.base, pageSize)),
            reserved:
              given === undefined ? [] : [{ start: bootmem, count: bootmemFrames, name: "live update bootmem" }],
            ...optional("arena", arena),
            shared,
          });
        } catch (e) {
          if (e instanceof FileReadError) reportFailure(e, image, flags.json === true);
          usage(
            e instanceof ImageUsageError
              ? e.message
              : `cannot open ${image}: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
        fileProblems = input.problems;
        if (input.image === undefined) {
          for (const p of fileProblems)
            process.stderr.write(`lu restore: ${image}: error: ${formatProblem(p)} [${p.kind}]\n`);
          process.exit(1);
        }
        memory = input.image.memory;
        close = input.image.close;
        source = image;
        if (option.kind === "auto") {
          let found;
          try {
            found = autoBootmem(input.image, option.within, {
              ...(flags.verbose === true
                ? { log: (line: string) => process.stderr.write(`lu restore: ${line}\n`) }
                : {}),
              progress: flags.progress && flags.json !== true && process.stderr.isTTY === true,
            });
          } catch (e) {
            close();
            if (e instanceof FileReadError) reportFailure(e, image, flags.json === true);
            throw e;
          }
          if (found.kind === "refused") {
            close();
            process.stderr.write(
              `lu restore: ${image}: error ${found.problem.kind}: ${formatProblem(found.problem)}\n`,
            );
            process.exit(1);
          }
          bootmem = found.range.start;
          bootmemFrames = found.range.count;
        }
      }
      damage =
        fileProblems.length === 0
          ? ""
          : `; the image file is damaged too: ${fileProblems.map((p) => `${formatProblem(p)} [${p.kind}]`).join("; ")}`;

      const showBar = flags.progress && flags.json !== true && process.stderr.isTTY === true;
      // Read the stream's pages before timing, so restore_ms is the restore, not file I/O.
      try {
        const located = locateStream(memory, bootmem, 2 ** 24, bootmemFrames);
        const big = located.pages.length * memory.pageSize >= PROGRESS_BYTES;
        const bar =
          showBar && big
            ? new SingleBar(
                { format: "reading  [{bar}] {percentage}% {value}/{total} pages", stream: process.stderr },
                Presets.shades_classic,
              )
            : undefined;
        bar?.start(located.pages.length, 0);
        located.pages.forEach((mfn, i) => {
          memory.frame(mfn);
          if ((i & 1023) === 0) bar?.update(i);
        });
        bar?.update(located.pages.length);
        bar?.stop();
      } catch (e) {
        if (e instanceof ArenaFullError) arenaFull(e);
        // The image could not be read: I/O, exit 2. A bad breadcrumb or MFN array is reported by
        // the restore below with its location.
        if (e instanceof FileReadError) {
          close();
          reportFailure(e, source, flags.json === true);
        }
      }

      // The pool is started before the clock, like a hypervisor would before the downtime, and its
      // start-up is reported on its own.
      const pool = workers > 1 ? await RestorePool.start({ threads: workers }) : undefined;
      const results: RestoreResult[] = [];
      const bar =
        showBar && repeat > 1
          ? new SingleBar(
              { format: "restoring [{bar}] {value}/{total} runs", stream: process.stderr },
              Presets.shades_classic,
            )
          : undefined;
      bar?.start(repeat, 0);
      for (let i = 0; i < repeat; i++) {
        let frameTable;
        try {
          frameTable =
            arena !== undefined
              ? new FrameTable(memory.frameCount, { arena })
              : shared
                ? sharedFrameTable(memory.frameCount)
                : new FrameTable(memory.frameCount);
        } catch (e) {
          if (e instanceof ArenaFullError) arenaFull(e);
          throw e;
        }
        try {
          results.push(
            restore(memory, {
              bootmem,
              bootmemFrames,
              pageSize,
              frameTable,
              domains: [],
              strict: flags.lenient !== true,
              wasm: flags.wasm,
              ...optional("workers", pool),
            }),
          );
          frameTable.free();
        } catch (e) {
          bar?.stop();
          close();
          // A file read failing mid-restore surfaces as itself or as the cause of a restore error.
          const io = e instanceof LuDataError && e.cause instanceof FileReadError ? e.cause : e;
          if (io instanceof LuDataError) reportFailure(io, source, flags.json === true);
          throw e;
        }
        bar?.update(i + 1);
      }
      bar?.stop();
      close();
      await pool?.close();
      // Damage of the image file that left the stream readable: reported after the restore, exit 1.
      for (const p of fileProblems)
        process.stderr.write(`lu restore: ${source}: problem: ${formatProblem(p)} [${p.kind}]\n`);

      const last = results[results.length - 1];
      const first = results[0];
      if (last === undefined || first === undefined) return;
      const restoreMs = median(results.map((r) => r.restoreMs));
      const passes = {
        locate: round(median(results.map((r) => r.passes.locate))),
        pass0: round(median(results.map((r) => r.passes.pass0))),
        pass1: round(median(results.map((r) => r.passes.pass1))),
        pass2: round(median(results.map((r) => r.passes.pass2))),
      };
      const mbPerS = last.streamBytes / 1e6 / (restoreMs / 1000);
      const mframesPerS = last.frames / 1e6 / (restoreMs / 1000);
      if (flags.json === true) {
        const doc = {
          image: source,
          page_size: pageSize,
          domains: last.domains.map(domainJson),
          frames: last.frames,
          xen_frames: last.xenFrames,
          records: last.records,
          hvm_save_records: last.hvmSaveRecords,
          stream_bytes: last.streamBytes,
          stream_pages: last.streamPages,
          bytes_copied: last.bytesCopied,
          xen_version: last.xenVersion ?? null,
          m2p_entries: last.m2pEntries,
          m2p_compat_entries: last.m2pCompatEntries,
          passes,
          restore_ms: round(restoreMs),
          cold_restore_ms: round(first.restoreMs),
          repeat,
          mb_per_s: round(mbPerS),
          mframes_per_s: round(mframesPerS),
          claim_path: last.claimPath,
          workers: last.threads,
          pool_startup_ms: last.poolStartupMs === undefined ? null : round(last.poolStartupMs),
        };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        if (fileProblems.length > 0) process.exitCode = 1;
        return;
      }
      const mib = (last.streamBytes / 2 ** 20).toFixed(1);
      const runs = repeat > 1 ? ` (median of ${repeat}; first ${first.restoreMs.toFixed(1)} ms)` : "";
      process.stdout.write(
        `restored ${last.domains.length} domains, ${last.frames} frames, ${last.records} records from ${mib} MiB of stream ` +
          `in ${restoreMs.toFixed(1)} ms${runs}: ${mbPerS.toFixed(1)} MB/s, ${mframesPerS.toFixed(2)} Mframes/s, ` +
          `${last.bytesCopied} bytes copied\n` +
          `  passes: locate ${passes.locate} ms, pass 0 ${passes.pass0} ms, pass 1 ${passes.pass1} ms (${last.claimPath === "wasm" ? "WebAssembly" : "JavaScript"} claims), pass 2 ${passes.pass2} ms\n` +
          `  pass 1 on ${last.threads} thread${last.threads === 1 ? "" : "s"}` +
          (last.poolStartupMs === undefined
            ? "\n"
            : ` (worker pool started in ${last.poolStartupMs.toFixed(1)} ms, before and apart from the restore)\n`),
      );
      if (fileProblems.length > 0) process.exitCode = 1;
    });
}
