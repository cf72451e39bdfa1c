/**
 * The KHO side of `lu dump`, `lu validate` and `lu save`: the commands add these options and hand
 * over when `--kho` is given. Exit codes as the commands': 0 clean, 1 problems found (each with its
 * location), 2 usage or I/O.
 */
import { LuDataError } from "../runtime/errors.js";
import { openMemoryImage, writeMemoryImage } from "../runtime/memory-image.js";
import type { LocateOptions } from "./locate.js";
import { type KhoGraph, type KhoWalk, walkKho } from "./walk.js";
import { checkKhoSeed, DEFAULT_KHO_SEED, type KhoSeed, writeKho } from "./writer.js";

export interface KhoFlags {
  readonly kho?: boolean;
  readonly fdt?: string;
  readonly setupData?: string;
  readonly bootParams?: string;
  readonly json?: boolean;
}

type Cmd<T> = { option(flags: string, description: string): T };

/** Options of `lu dump` and `lu validate` for a KHO image. */
export function addKhoOptions<T extends Cmd<T>>(cmd: T): T {
  return cmd
    .option("--kho", "FILE is a machine-memory image holding a Linux KHO/LUO handover (docs/cli.md)")
    .option("--fdt <addr>", "with --kho: physical address of the KHO root FDT (skips the setup_data walk)")
    .option("--setup-data <addr>", "with --kho: physical address of the first x86 setup_data node")
    .option(
      "--boot-params <addr>",
      "with --kho: physical address of the x86 zero page whose hdr.setup_data heads the chain (default 0x1000)",
    );
}

class UsageError extends Error {}

function address(text: string | undefined, name: string): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(text))
    throw new UsageError(`${name} '${text}' is not a decimal or 0x-hex address`);
  return BigInt(text);
}

function walkFile(file: string, flags: KhoFlags): { walk: KhoWalk } {
  const options: LocateOptions = {
    fdt: address(flags.fdt, "--fdt"),
    setupData: address(flags.setupData, "--setup-data"),
    bootParams: address(flags.bootParams, "--boot-params"),
  };
  let image;
  try {
    image = openMemoryImage(file);
  } catch (e) {
    throw new UsageError(`cannot open ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return { walk: walkKho(image.memory, options) };
  } finally {
    image.close();
  }
}

function guard(command: string, writeErr: (t: string) => void, run: () => number): number {
  try {
    return run();
  } catch (e) {
    if (e instanceof UsageError) {
      writeErr(`lu ${command}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof LuDataError && e.code === "io") {
      writeErr(`lu ${command}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

const mib = (bytes: number): string =>
  bytes < 2 ** 20 ? `${bytes / 1024} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The graph as text, one line per node, session, file and folio. */
export function graphText(g: KhoGraph): string[] {
  const out: string[] = [];
  if (g.compatible === "") return out;
  out.push(
    `KHO ${g.compatible} (version ${g.version}), root FDT at ${g.fdt}${g.setupData.length > 0 ? ` (setup_data ${g.setupData.join(" -> ")})` : ""}`,
  );
  const m = g.memoryMap;
  if (m !== null) {
    const orders = Object.entries(m.byOrder)
      .map(([o, n]) => `order ${o} x${n}`)
      .join(", ");
    out.push(
      `preserved memory map: ${m.format === "radix" ? "radix tree" : "kho-v1 bitmaps"} at ${m.address} (${m.pages} pages): ${m.blocks} blocks, ${mib(m.preservedBytes)} [${orders}]`,
    );
  }
  for (const n of g.nodes)
    out.push(`node ${n.name}: data ${n.address}${n.blobSize === null ? "" : `, blob-size ${n.blobSize}`}`);
  if (g.metadata !== null)
    out.push(
      `kexec-metadata: version ${g.metadata.version}, previous release ${JSON.stringify(g.metadata.previousRelease)}, kexec count ${g.metadata.kexecCount}`,
    );
  for (const r of g.memblock) out.push(`memblock reserve_mem ${r.name}: start ${r.start}, size ${r.size}`);
  if (g.luo !== null) {
    const l = g.luo;
    out.push(
      `LUO ${l.format} at ${l.address}: liveupdate ${l.liveupdateNum}, ${l.sessions.length} sessions, ${l.flbs.length} FLBs`,
    );
    l.flbs.forEach((f, i) => out.push(`  flb ${i} ${JSON.stringify(f.name)}: data ${f.data}, count ${f.count}`));
    l.sessions.forEach((s, i) => {
      out.push(`  session ${i} ${JSON.stringify(s.name)}: ${s.fileCount} files`);
      s.files.forEach((f, j) => {
        const mf = f.memfd;
        const what =
          mf === null
            ? ""
            : `: ${mf.layout} size ${mf.size}, ${mf.nrFolios} folios (${mib(mf.folioBytes)}) listed in ${mf.totalPages} pages from ${mf.pieces} vmalloc pieces of order ${mf.order}`;
        out.push(`    file ${j} ${JSON.stringify(f.compatible)} token ${f.token} data ${f.data}${what}`);
        for (const fo of mf?.folios ?? [])
          out.push(
            `      folio pfn 0x${fo.pfn.toString(16)} order ${fo.order} flags 0x${fo.flags.toString(16)} index ${fo.index}`,
          );
      });
    });
  }
  return out;
}

export function runKhoDump(
  file: string,
  flags: KhoFlags,
  write: (t: string) => void,
  writeErr: (t: string) => void,
): number {
  return guard("dump", writeErr, () => {
    const { walk } = walkFile(file, flags);
    if (flags.json === true) write(`${JSON.stringify({ file, kho: walk.graph, problems: walk.problems })}\n`);
    else {
      for (const line of graphText(walk.graph)) write(`${line}\n`);
      for (const p of walk.problems) writeErr(`problem: ${p.message} [${p.code}]\n`);
    }
    return walk.problems.length > 0 ? 1 : 0;
  });
}

export function runKhoValidate(
  file: string,
  flags: KhoFlags,
  write: (t: string) => void,
  writeErr: (t: string) => void,
): number {
  return guard("validate", writeErr, () => {
    const { walk } = walkFile(file, flags);
    const g = walk.graph;
    const files = g.luo?.sessions.reduce((n, s) => n + s.files.length, 0) ?? 0;
    const folios =
      g.luo?.sessions.reduce((n, s) => n + s.files.reduce((k, f) => k + (f.memfd?.nrFolios ?? 0), 0), 0) ?? 0;
    const summary = {
      compatible: g.compatible,
      blocks: g.memoryMap?.blocks ?? 0,
      nodes: g.nodes.length,
      sessions: g.luo?.sessions.length ?? 0,
      files,
      folios,
    };
    if (flags.json === true)
      write(`${JSON.stringify({ file, valid: walk.problems.length === 0, ...summary, problems: walk.problems })}\n`);
    else {
      for (const p of walk.problems) write(`${file}: ${p.message} [${p.code}]\n`);
      write(
        walk.problems.length === 0
          ? `${file}: ok (${g.compatible}, ${summary.blocks} preserved blocks, ${summary.nodes} nodes, ${summary.sessions} sessions, ${files} files, ${folios} folios)\n`
          : `${file}: ${walk.problems.length} problem(s)\n`,
      );
    }
    return walk.problems.length > 0 ? 1 : 0;
  });
}

export interface KhoSaveFlags {
  readonly out: string;
  readonly khoVersion?: string;
  readonly sessions?: string;
  readonly filesPerSession?: string;
  readonly foliosPerFile?: string;
  readonly frames?: string;
  readonly flbs?: string;
  readonly seed?: string;
  readonly json?: boolean;
}

/** Options of `lu save` for a KHO image (`--seed` and `--json` are shared with the Xen save). */
export function addKhoSaveOptions<T extends Cmd<T>>(cmd: T): T {
  return cmd
    .option("--kho", "write a Linux KHO/LUO handover instead of a Xen live update image")
    .option(
      "--kho-version <n>",
      "with --kho: 4 (kho-v4 radix map, luo-v5, memfd-v2; default) or 1 (kho-v1 bitmaps, LUO FDT era, memfd-v1)",
    )
    .option("--sessions <n>", `with --kho: LUO sessions (default ${DEFAULT_KHO_SEED.sessions})`)
    .option(
      "--files-per-session <n>",
      `with --kho: memfd files per session (default ${DEFAULT_KHO_SEED.filesPerSession})`,
    )
    .option("--folios-per-file <n>", `with --kho: folios per memfd (default ${DEFAULT_KHO_SEED.foliosPerFile})`)
    .option("--flbs <n>", "with --kho: File-Lifecycle-Bound objects in the LUO FLB block (kho-v4; default 0)")
    .option(
      "--frames <n>",
      "with --kho: frames in the machine (default: four times what the seed needs, at least 65536)",
    );
}

export function runKhoSave(flags: KhoSaveFlags, write: (t: string) => void, writeErr: (t: string) => void): number {
  const num = (v: string | undefined, fallback: number): number =>
    v === undefined ? fallback : /^[0-9]+$/.test(v) ? Number(v) : NaN;
  const version = num(flags.khoVersion, 4);
  const seed: KhoSeed = {
    sessions: num(flags.sessions, DEFAULT_KHO_SEED.sessions),
    filesPerSession: num(flags.filesPerSession, DEFAULT_KHO_SEED.filesPerSession),
    foliosPerFile: num(flags.foliosPerFile, DEFAULT_KHO_SEED.foliosPerFile),
    seed: num(flags.seed, DEFAULT_KHO_SEED.seed),
    version: version === 1 ? 1 : version === 4 ? 4 : (NaN as 4),
    ...(flags.frames === undefined ? {} : { frameCount: num(flags.frames, 0) }),
    ...(flags.flbs === undefined ? {} : { flbs: num(flags.flbs, 0) }),
  };
  try {
    checkKhoSeed(seed);
  } catch (e) {
    writeErr(`lu save: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  let image;
  try {
    image = writeKho(seed);
  } catch (e) {
    if (e instanceof RangeError) {
      writeErr(`lu save: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let written;
  try {
    written = writeMemoryImage(image.memory, flags.out);
  } catch (e) {
    writeErr(`lu save: cannot write ${flags.out}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const info = {
    image: flags.out,
    kho_version: seed.version,
    sessions: seed.sessions,
    files_per_session: seed.filesPerSession,
    folios_per_file: seed.foliosPerFile,
    frame_count: image.memory.frameCount,
    preserved_blocks: image.preserved.size,
    preserved_bytes: image.preserved.frames * 4096,
    boot_params: `0x${image.manifest.bootParams.toString(16)}`,
    fdt: `0x${image.manifest.fdt.toString(16)}`,
    memory_map: `0x${image.manifest.memoryMap.toString(16)}`,
    bytes_written: written.framesWritten * 4096,
    file_bytes: written.fileBytes,
  };
  if (flags.json === true) write(`${JSON.stringify(info, null, 2)}\n`);
  else
    write(
      `saved a kho-v${seed.version} handover (${seed.sessions} sessions x ${seed.filesPerSession} memfd files x ${seed.foliosPerFile} folios, ` +
        `${info.preserved_blocks} preserved blocks) to ${flags.out}; root FDT at ${info.fdt}, zero page at ${info.boot_params}\n` +
        `read it with: lu dump --kho ${flags.out}\n`,
    );
  return 0;
}
