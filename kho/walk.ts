/**
 * The whole KHO graph, walked link by link through the generated accessors: root FDT (compatible
 * gates the version), preserved-memory map → FrameSet, every subsystem node, the LUO blob (luo-v5
 * block chains, or the FDT era), sessions, files dispatched on their compatible string, memfd
 * folio arrays through their scattered vmalloc pieces. Every pointer after the map is checked to
 * land in the machine and in preserved memory. A problem in one node, session or file is recorded
 * with its location and the walk goes on with the next; problems before the map stop it.
 */
import {
  KhoKexecMetadata,
  KhoV1Root,
  KhoV1Subsystem,
  KhoV2Root,
  KhoV3Root,
  KhoV3Subsystem,
  KhoVmalloc,
  KHO_FDT_SUB_TREE_PROP_NAME,
  KHO_V1_FDT_SUB_TREE_PROP_NAME,
  KHO_METADATA_NODE_NAME,
  KHO_PAGE_SIZE,
  MemblockRoot,
  MEMBLOCK_KHO_FDT,
} from "../generated/kho.js";
import {
  LuoFileSer,
  LuoFlbHeaderSer,
  LuoFlbSer,
  LuoSer,
  LuoSessionSer,
  LuoV1Root,
  LUO_KHO_ENTRY_NAME,
  LUO_V1_FILE_MAX,
  LUO_V1_SESSION_MAX,
  LUO_V1_SESSION_PGCNT,
} from "../generated/luo.js";
import { MemfdLuoSer, MemfdV1LuoSer } from "../generated/memfd.js";
import { StructArray } from "../runtime/accessor-support.js";
import { CompatibleError } from "../runtime/compatible.js";
import { LuDataError } from "../runtime/errors.js";
import type { Problem } from "../runtime/problem.js";
import { FdtHeader, FDT_MAGIC } from "../generated/fdt.js";
import { Fdt, type FdtNode } from "../runtime/fdt.js";
import { compatibleStrings, selectFdtNode } from "../runtime/fdt-node.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { PhysicalMemory } from "../runtime/phys-memory.js";
import { KhoError } from "./kho-error.js";
import { type LocateOptions, locateKho, MAX_ROOT_FDT_BYTES } from "./locate.js";
import { decodeMemoryMap } from "./memory-map.js";

/** The root node declarations, oldest first: a tree is read with the one its compatible selects. */
const ROOTS = [KhoV1Root, KhoV2Root, KhoV3Root] as const;
type KhoRoot = KhoV1Root | KhoV2Root | KhoV3Root;

const PAGE = KHO_PAGE_SIZE;
/** Folios listed per file in a report (all are checked). */
export const MAX_LISTED_FOLIOS = 1_000_000;

export interface KhoProblemReport {
  readonly code: string;
  readonly message: string;
}

export interface FolioReport {
  readonly pfn: number;
  readonly order: number;
  readonly flags: number;
  readonly index: string;
}

export interface MemfdReport {
  readonly layout: "memfd-v2" | "memfd-v1";
  readonly size: string;
  readonly pos: string;
  readonly seals: number | null;
  readonly nrFolios: number;
  readonly totalPages: number;
  readonly order: number;
  readonly pieces: number;
  readonly folioBytes: number;
  readonly folios: readonly FolioReport[];
}

export interface FileReport {
  readonly compatible: string;
  readonly token: string;
  readonly data: string;
  readonly memfd: MemfdReport | null;
}

/** One luo_flb_ser: a File-Lifecycle-Bound object (its compatible name, its data, its count). */
export interface FlbReport {
  readonly name: string;
  readonly data: string;
  readonly count: string;
}

export interface SessionReport {
  readonly name: string;
  readonly fileCount: number;
  readonly files: readonly FileReport[];
}

export interface KhoGraph {
  readonly compatible: string;
  readonly version: number;
  readonly fdt: string;
  readonly setupData: readonly string[];
  readonly memoryMap: {
    readonly format: "bitmaps" | "radix";
    readonly address: string;
    readonly pages: number;
    readonly blocks: number;
    readonly byOrder: Readonly<Record<string, number>>;
    readonly preservedBytes: number;
  } | null;
  readonly nodes: readonly { readonly name: string; readonly address: string; readonly blobSize: number | null }[];
  readonly luo: {
    readonly format: "luo-v5" | "luo-v1";
    readonly address: string;
    readonly liveupdateNum: string;
    readonly sessions: readonly SessionReport[];
    readonly flbs: readonly FlbReport[];
  } | null;
  readonly metadata: { readonly version: number; readonly previousRelease: string; readonly kexecCount: number } | null;
  readonly memblock: readonly { readonly name: string; readonly start: string; readonly size: string }[];
}

export interface KhoWalk {
  readonly graph: KhoGraph;
  readonly problems: readonly KhoProblemReport[];
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/**
 * The checks the schema declares on a struct (constant values such as `version = 1` or `flags = 0`,
 * reserved and padding octets), through its generated `validate()`; the first problem is thrown.
 */
function requireValid(s: { validate(problems?: Problem[], path?: string): Problem[] }, where: string): void {
  const bad = s.validate([], "")[0];
  if (bad !== undefined) throw new KhoError("compatible", `${where}: ${bad.message}`);
}

/** Every typed data error becomes a problem; anything else is a bug and is rethrown. */
function record(problems: KhoProblemReport[], e: unknown): void {
  if (e instanceof LuDataError || e instanceof RangeError)
    problems.push({ code: e instanceof LuDataError ? e.code : "range", message: e.message });
  else throw e;
}

/** Reads an FDT at `address` (header first, then its totalsize, at most `max` octets). */
function readFdt(mem: PhysicalMemory, address: bigint, max: number, label: string): Fdt {
  const head = mem.resolve(address, FdtHeader.SIZE, label);
  const total = Fdt.totalSizeOf(head.src.bytes(head.offset, FdtHeader.SIZE), label);
  if (total > max) throw new KhoError("size", `${label}: totalsize ${total} is above the ${max} octets allowed there`);
  const r = mem.resolve(address, Math.max(total, FdtHeader.SIZE), label);
  return Fdt.parse(r.src.bytes(r.offset, Math.max(total, FdtHeader.SIZE)), label);
}

export function walkKho(machine: MachineMemory, options: LocateOptions = {}): KhoWalk {
  const problems: KhoProblemReport[] = [];
  const graph: {
    -readonly [K in keyof KhoGraph]: KhoGraph[K];
  } = {
    compatible: "",
    version: 0,
    fdt: "",
    setupData: [],
    memoryMap: null,
    nodes: [],
    luo: null,
    metadata: null,
    memblock: [],
  };
  try {
    const located = locateKho(machine, options);
    graph.fdt = hex(located.fdt);
    graph.setupData = located.setupData.map(hex);
    const raw = new PhysicalMemory(machine);
    const label = `KHO root FDT at ${hex(located.fdt)}`;
    const tree = readFdt(raw, located.fdt, Number(located.fdtSize ?? BigInt(MAX_ROOT_FDT_BYTES)), label);
    const root = selectFdtNode<KhoRoot>(tree.root, ROOTS, `${label} /`);
    const compatible = compatibleOf(root.node);
    graph.compatible = compatible;
    // The version is the compatible string's place among those the root declarations list.
    const version = ROOTS.flatMap((r) => r.COMPATIBLE).indexOf(compatible) + 1;
    graph.version = version;
    const map = decodeMemoryMap(machine, root);
    const byOrder: Record<string, number> = {};
    for (const [o, n] of map.preserved.byOrder()) byOrder[String(o)] = n;
    graph.memoryMap = {
      format: map.kind,
      address: hex(root.memoryMap),
      pages: map.pages,
      blocks: map.preserved.size,
      byOrder,
      preservedBytes: map.preserved.frames * PAGE,
    };
    const mem = new PhysicalMemory(machine, map.preserved);
    for (const node of root.subsystemsNodes()) {
      try {
        walkNode(mem, root, node, graph, problems);
      } catch (e) {
        record(problems, e);
      }
    }
  } catch (e) {
    record(problems, e);
  }
  return { graph, problems };
}

function walkNode(
  mem: PhysicalMemory,
  root: KhoRoot,
  node: FdtNode,
  graph: {
    nodes: KhoGraph["nodes"];
    luo: KhoGraph["luo"];
    metadata: KhoGraph["metadata"];
    memblock: KhoGraph["memblock"];
  },
  problems: KhoProblemReport[],
): void {
  const where = `KHO node ${node.path}`;
  const sub = root.subsystemsChild(node, where);
  const address = sub instanceof KhoV1Subsystem ? sub.fdt : sub.preservedData;
  const prop = sub instanceof KhoV1Subsystem ? KHO_V1_FDT_SUB_TREE_PROP_NAME : KHO_FDT_SUB_TREE_PROP_NAME;
  let blobSize: number | null = null;
  if (sub instanceof KhoV3Subsystem) {
    const size = sub.blobSize;
    if (size > BigInt(mem.machine.byteLength))
      throw new KhoError("size", `${where}: blob-size ${size} is larger than the machine`);
    blobSize = Number(size);
  }
  graph.nodes = [...graph.nodes, { name: node.name, address: hex(address), blobSize }];
  // The blob itself must be preserved memory.
  mem.resolve(address, blobSize ?? 40, `${where} ${prop}`);
  const needs = (size: number, what: string): void => {
    if (blobSize !== null && blobSize < size)
      throw new KhoError("size", `${where}: blob-size ${blobSize} is smaller than ${what} (${size} octets)`);
  };
  const isFdt = (): boolean => {
    const r = mem.resolve(address, 4, `${where} ${prop}`);
    return r.src.window(r.offset, 4).getUint32(r.src.windowOffset, false) === FDT_MAGIC;
  };
  if (node.name === LUO_KHO_ENTRY_NAME) {
    if (root instanceof KhoV1Root || isFdt())
      graph.luo = walkLuoV1(
        mem,
        readFdt(mem, address, blobSize ?? PAGE, `${where} LUO FDT at ${hex(address)}`),
        address,
        problems,
      );
    else {
      needs(LuoSer.SIZE, "struct luo_ser");
      graph.luo = walkLuoV5(mem, address, problems);
    }
  } else if (node.name === KHO_METADATA_NODE_NAME) {
    needs(KhoKexecMetadata.SIZE, "struct kho_kexec_metadata");
    const r = mem.resolve(address, KhoKexecMetadata.SIZE, `${where} kho_kexec_metadata`);
    const m = KhoKexecMetadata.at(r.src, r.offset);
    requireValid(m, `${where} kho_kexec_metadata`);
    graph.metadata = { version: m.version, previousRelease: m.previousRelease, kexecCount: m.kexecCount };
  } else if (node.name === MEMBLOCK_KHO_FDT) {
    const fdt = readFdt(mem, address, blobSize ?? PAGE, `${where} memblock FDT at ${hex(address)}`);
    const memblock = MemblockRoot.at(fdt.root, `${where} memblock /`);
    graph.memblock = memblock.regionsNodes().map((ch) => {
      const region = memblock.regionsChild(ch, `${where} memblock ${ch.path}`);
      return { name: ch.name, start: hex(region.start), size: hex(region.size) };
    });
  }
}

function walkLuoV5(mem: PhysicalMemory, address: bigint, problems: KhoProblemReport[]): NonNullable<KhoGraph["luo"]> {
  const r = mem.resolve(address, LuoSer.SIZE, "LUO luo_ser");
  const luo = LuoSer.at(r.src, r.offset);
  if (luo.compatible !== LuoSer.COMPATIBLE_VALUE)
    throw new CompatibleError(`LUO luo_ser at ${hex(address)} compatible`, luo.compatible, [LuoSer.COMPATIBLE_VALUE]);
  const sessions: SessionReport[] = [];
  let i = 0;
  for (const s of luo.derefSessionsPa(mem, "LUO sessions")) {
    const where = `LUO session ${i} (${JSON.stringify(s.name)})`;
    const files: FileReport[] = [];
    try {
      const chain = s.fileSetSer.derefFiles(mem, `${where} files`);
      let j = 0;
      for (const f of chain) files.push(walkFile(mem, f, `${where} file ${j++}`, problems));
      if (BigInt(chain.length) !== s.fileSetSer.count) {
        problems.push({
          code: "kho-count",
          message: `${where}: file_set_ser.count is ${s.fileSetSer.count}, the file chain holds ${chain.length}`,
        });
      }
    } catch (e) {
      record(problems, e);
    }
    sessions.push({ name: s.name, fileCount: Number(s.fileSetSer.count), files });
    i++;
  }
  let flbs: FlbReport[] = [];
  try {
    flbs = walkFlbs(mem, luo.derefFlbsPa(mem, "LUO flbs_pa"), luo.flbsPa);
  } catch (e) {
    record(problems, e);
  }
  return { format: "luo-v5", address: hex(address), liveupdateNum: luo.liveupdateNum.toString(), sessions, flbs };
}

/**
 * The FLB block: a luo_flb_header_ser (pgcnt pages, count entries) then `count` luo_flb_ser, all
 * in `pgcnt` preserved pages; each entry decoded in place.
 */
function walkFlbs(mem: PhysicalMemory, header: LuoFlbHeaderSer | null, address: bigint): FlbReport[] {
  if (header === null) return [];
  const where = `LUO flb header at ${hex(address)}`;
  const capacity = Math.floor(
    (Number(header.pgcnt > 1024n ? 1024n : header.pgcnt) * PAGE - LuoFlbHeaderSer.SIZE) / LuoFlbSer.SIZE,
  );
  if (header.pgcnt === 0n || header.pgcnt > 1024n)
    throw new KhoError("count", `${where}: pgcnt ${header.pgcnt} is not between 1 and 1024 pages`);
  if (header.count > BigInt(capacity))
    throw new KhoError(
      "count",
      `${where}: count ${header.count} is above the ${capacity} entries of ${header.pgcnt} page(s)`,
    );
  const r = mem.resolve(address, Number(header.pgcnt) * PAGE, "LUO flb block");
  const entries = new StructArray(new LuoFlbSer(), LuoFlbSer.SIZE).wrap(
    r.src,
    r.offset + LuoFlbHeaderSer.SIZE,
    Number(header.count),
  );
  const out: FlbReport[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries.at(i);
    out.push({ name: e.name, data: hex(e.data), count: e.count.toString() });
  }
  return out;
}

/** The first compatible string of a node already checked against a declaration. */
function compatibleOf(node: FdtNode): string {
  return compatibleStrings(node)[0] ?? "";
}

function walkLuoV1(
  mem: PhysicalMemory,
  fdt: Fdt,
  address: bigint,
  problems: KhoProblemReport[],
): NonNullable<KhoGraph["luo"]> {
  const luo = LuoV1Root.at(fdt.root, `${fdt.label} /`);
  const sessions: SessionReport[] = [];
  const node = luo.session;
  if (node !== undefined) {
    const headerAddress = node.header;
    const h = node.derefHeader(mem, "LUO session header");
    if (h === null) throw new KhoError("node", `${fdt.label} ${node.node.path}: luo-session-header is 0`);
    const count = h.count;
    if (count > BigInt(LUO_V1_SESSION_MAX))
      throw new KhoError(
        "count",
        `LUO session header at ${hex(headerAddress)}: count ${count} is above the ${LUO_V1_SESSION_MAX} sessions of its ${LUO_V1_SESSION_PGCNT}-page block`,
      );
    const n = Number(count);
    const r = mem.resolve(headerAddress, 8 + n * LuoSessionSer.SIZE, "LUO session block");
    const array = new StructArray(new LuoSessionSer(), LuoSessionSer.SIZE).wrap(r.src, r.offset + 8, n);
    for (let i = 0; i < n; i++) {
      const s = array.at(i, new LuoSessionSer());
      const where = `LUO session ${i} (${JSON.stringify(s.name)})`;
      const files: FileReport[] = [];
      try {
        const fc = s.fileSetSer.count;
        if (fc > BigInt(LUO_V1_FILE_MAX))
          throw new KhoError(
            "count",
            `${where}: file count ${fc} is above the ${LUO_V1_FILE_MAX} entries of its file block`,
          );
        if (fc > 0n) {
          const fr = mem.resolve(s.fileSetSer.files, Number(fc) * LuoFileSer.SIZE, `${where} files`);
          for (let j = 0; j < Number(fc); j++)
            files.push(
              walkFile(mem, LuoFileSer.at(fr.src, fr.offset + j * LuoFileSer.SIZE), `${where} file ${j}`, problems),
            );
        }
      } catch (e) {
        record(problems, e);
      }
      sessions.push({ name: s.name, fileCount: Number(s.fileSetSer.count), files });
    }
  }
  let flbs: FlbReport[] = [];
  try {
    const flb = luo.flb;
    if (flb !== undefined) flbs = walkFlbs(mem, flb.derefHeader(mem, "LUO luo-flb-header"), flb.header);
  } catch (e) {
    record(problems, e);
  }
  return { format: "luo-v1", address: hex(address), liveupdateNum: luo.liveupdateNum.toString(), sessions, flbs };
}

function walkFile(mem: PhysicalMemory, f: LuoFileSer, where: string, problems: KhoProblemReport[]): FileReport {
  const base = { compatible: f.compatible, token: f.token.toString(), data: hex(f.data) };
  try {
    const target = f.derefData(mem, `${where} data`);
    if (target === null) return { ...base, memfd: null };
    return { ...base, memfd: walkMemfd(mem, target, where) };
  } catch (e) {
    record(problems, e);
    return { ...base, memfd: null };
  }
}

function walkMemfd(mem: PhysicalMemory, m: MemfdLuoSer | MemfdV1LuoSer, where: string): MemfdReport {
  const v2 = m instanceof MemfdLuoSer;
  // memfd.h says flags must be 0; a constant on the frozen struct would be an ABI change (LU4022).
  if (v2 && m.flags !== 0)
    throw new KhoError("compatible", `${where} memfd_luo_ser: 'flags' is 0x${m.flags.toString(16)}, expected 0x0`);
  const vm: KhoVmalloc = m.folios;
  // The schema ties the descriptor to its elements (`kho_vmalloc of memfd_luo_folio_ser[nr_folios]`):
  // the pieces are followed and added up, and nr_folios checked against the area, by derefFolios.
  const array = m.derefFolios(mem, `${where} folios`);
  const n = array.length;
  const order = vm.order;
  const folios: FolioReport[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const folio = array.at(i);
    const pfn = folio.pfn;
    if (pfn === 0) continue;
    const block = mem.preserved?.blockOf(pfn);
    if (block?.pfn !== pfn) {
      throw new KhoError(
        "folio",
        `${where} folio ${i}: pfn ${hex(pfn)} (address ${hex(BigInt(pfn) * BigInt(PAGE))}) is not the start of a preserved block`,
      );
    }
    bytes += 2 ** block.order * PAGE;
    if (folios.length < MAX_LISTED_FOLIOS)
      folios.push({ pfn, order: block.order, flags: folio.flags, index: folio.index.toString() });
  }
  return {
    layout: v2 ? "memfd-v2" : "memfd-v1",
    size: m.size.toString(),
    pos: m.pos.toString(),
    seals: v2 ? m.seals : null,
    nrFolios: n,
    totalPages: vm.totalPages,
    order,
    pieces: vm.totalPages / 2 ** order,
    folioBytes: bytes,
    folios,
  };
}
