/**
 * `lu save --out IMAGE`: save a host (the embedded default, or one shaped by the options) as a
 * machine-memory image, the way the old hypervisor leaves memory before a live update: a sparse flat
 * image (byte offset = physical address), a raw dump from `--base ADDR` on, or an ELF64 core file
 * (`--format elf`, PT_LOAD segments by physical address, holes where the machine holds nothing).
 */
import type { Command } from "commander";
import {
  checkHostSpec,
  DEFAULT_HOST_SPEC,
  extentFrames as specExtentFrames,
  SMALL_HOST_SPEC,
  type HostSpec,
} from "../liveupdate/host-spec.js";
import { writeMemoryImage } from "../runtime/memory-image.js";
import { writeElfImage } from "../liveupdate/elf-image-writer.js";
import { ImageUsageError, parseBase } from "./image/image-input.js";
import { save } from "../liveupdate/save.js";
import { addKhoSaveOptions, type KhoSaveFlags, runKhoSave } from "../kho/cli.js";

interface SaveFlags {
  out: string;
  small?: boolean;
  domains?: string;
  framesPerDomain?: string;
  vcpus?: string;
  hvmParams?: string;
  hvmContextBytes?: string;
  pageSize?: string;
  seed?: string;
  extentFrames?: string;
  json?: boolean;
  format?: string;
  base?: string;
}

/** "32.2 GiB", "1.3 MiB". */
function octets(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

export function register(program: Command): void {
  addKhoSaveOptions(program.command("save"))
    .description(
      "save a host as a live update machine-memory image (sparse flat file, raw dump from a base, or ELF64 core file)",
    )
    .requiredOption("--out <image>", "image file to write")
    .option(
      "--format <format>",
      "flat (default: byte offset = physical address), raw (a dump from --base on) or elf (an ELF64 core file, PT_LOAD segments by physical address)",
    )
    .option(
      "--base <addr>",
      "with --format raw: physical address of the file's first octet (a multiple of the page size; default 0)",
    )
    .option("--small", "start from the small host (8 domains x 2048 frames) instead of the default")
    .option("--domains <n>", "number of domains")
    .option("--frames-per-domain <n>", "guest frames per domain")
    .option("--vcpus <n>", "vCPUs per domain")
    .option("--hvm-params <n>", "HVM params per domain")
    .option("--hvm-context-bytes <n>", "target HVM_CONTEXT size per domain")
    .option("--page-size <bytes>", "machine page size")
    .option("--seed <n>", "seed of every random choice")
    .option(
      "--extent-frames <n>",
      "hand guest memory out in aligned runs of N frames (default 512: 2 MiB extents, as Xen's toolstack backs HVM guests with superpages; 1: every frame scattered on its own, the worst case)",
    )
    .option("--json", "print what was written as JSON")
    .action((flags: SaveFlags & KhoSaveFlags & { kho?: boolean }) => {
      if (flags.kho === true) {
        process.exitCode = runKhoSave(
          flags,
          (t) => process.stdout.write(t),
          (t) => process.stderr.write(t),
        );
        return;
      }
      const base = flags.small === true ? SMALL_HOST_SPEC : DEFAULT_HOST_SPEC;
      const num = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v));
      const spec: HostSpec = {
        ...base,
        domains: num(flags.domains, base.domains),
        framesPerDomain: num(flags.framesPerDomain, base.framesPerDomain),
        vcpus: num(flags.vcpus, base.vcpus),
        hvmParams: num(flags.hvmParams, base.hvmParams),
        hvmContextBytes: num(flags.hvmContextBytes, base.hvmContextBytes),
        pageSize: num(flags.pageSize, base.pageSize),
        seed: num(flags.seed, base.seed),
        extentFrames: num(flags.extentFrames, specExtentFrames(base)),
      };
      try {
        checkHostSpec(spec);
      } catch (e) {
        process.stderr.write(`lu save: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
      }
      const format = flags.format ?? "flat";
      let dumpBase: number | undefined;
      try {
        if (format !== "flat" && format !== "raw" && format !== "elf")
          throw new ImageUsageError(`--format '${format}' is not flat, raw or elf`);
        dumpBase = parseBase(flags.base, spec.pageSize);
        if (dumpBase !== undefined && format !== "raw")
          throw new ImageUsageError(`--base goes with --format raw, not ${format}`);
      } catch (e) {
        process.stderr.write(`lu save: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
      }
      const saved = save(spec);
      if (dumpBase !== undefined && dumpBase >= saved.memory.byteLength) {
        process.stderr.write(
          `lu save: --base ${flags.base ?? ""} is beyond the machine (${saved.memory.byteLength} octets)\n`,
        );
        process.exit(2);
      }
      let written: { framesWritten: number; fileBytes: number; segments?: number };
      try {
        written =
          format === "elf"
            ? writeElfImage(saved.memory, flags.out)
            : writeMemoryImage(saved.memory, flags.out, { base: dumpBase ?? 0 });
      } catch (e) {
        if (e instanceof RangeError) {
          process.stderr.write(`lu save: ${e.message}\n`);
          process.exit(2);
        }
        process.stderr.write(`lu save: cannot write ${flags.out}: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
      }
      const info = {
        image: flags.out,
        format,
        base: dumpBase ?? 0,
        ...(written.segments === undefined ? {} : { segments: written.segments }),
        bootmem: saved.bootmemStart,
        bootmem_frames: saved.bootmemFrames,
        page_size: saved.pageSize,
        frame_count: saved.frameCount,
        domains: spec.domains,
        frames_per_domain: spec.framesPerDomain,
        extent_frames: spec.extentFrames,
        stream_bytes: saved.streamBytes,
        stream_pages: saved.streamFrames.length,
        records: saved.records,
        mfn_array_frame: saved.mfnArrayStart,
        bytes_written: written.framesWritten * saved.pageSize,
        file_bytes: written.fileBytes,
      };
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const shape =
        format === "elf"
          ? `an ELF core file of ${written.segments ?? 0} PT_LOAD segments`
          : format === "raw"
            ? `a raw dump from 0x${(dumpBase ?? 0).toString(16)}`
            : "a flat image";
      const baseOption = format === "raw" ? ` --base 0x${(dumpBase ?? 0).toString(16)}` : "";
      process.stdout.write(
        `saved ${spec.domains} domains (${saved.records} records, ${(saved.streamBytes / 2 ** 20).toFixed(1)} MiB of stream in ` +
          `${saved.streamFrames.length} pages) to ${flags.out} as ${shape}: ${octets(written.fileBytes)}${format === "elf" ? "" : " sparse"}, ` +
          `${((written.framesWritten * saved.pageSize) / 2 ** 20).toFixed(1)} MiB of data\n` +
          `restore with: lu restore ${flags.out} --bootmem ${saved.bootmemStart}:${saved.bootmemFrames} --page-size ${saved.pageSize}${baseOption}\n`,
      );
    });
}
