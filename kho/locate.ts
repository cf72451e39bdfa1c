/**
 * Finding the KHO root FDT the way an x86 kernel does: the zero page's `hdr.setup_data` heads a
 * chain of x86_setup_data nodes (schema/x86-setup-data.lu); the SETUP_KEXEC_KHO node's payload is an
 * x86_kho_data naming the FDT. Or the caller gives the FDT address directly.
 */
import { X86KhoData, X86SetupData, X86_BOOT_PARAMS_SETUP_DATA, X86_SETUP_TYPE } from "../generated/x86-setup-data.js";
import type { MachineMemory } from "../runtime/machine-memory.js";
import { PhysicalMemory } from "../runtime/phys-memory.js";
import { KhoError } from "./kho-error.js";

/** setup_data nodes a reader follows at most (docs/limits.md). */
export const MAX_SETUP_DATA_NODES = 256;
/** Where `lu save --kho` puts the zero page, and where `lu dump --kho` looks by default. */
export const DEFAULT_BOOT_PARAMS = 0x1000n;
/** Largest root FDT accepted (the kernel writes one page). */
export const MAX_ROOT_FDT_BYTES = 1 << 20;

export interface LocateOptions {
  /** Physical address of the root FDT (skips the setup_data walk). */
  readonly fdt?: bigint | undefined;
  /** Physical address of the head of the setup_data chain. */
  readonly setupData?: bigint | undefined;
  /** Physical address of the x86 zero page (boot_params); its hdr.setup_data heads the chain. */
  readonly bootParams?: bigint | undefined;
}

export interface Located {
  readonly fdt: bigint;
  /** fdt_size from kho_data (null when the FDT address was given). */
  readonly fdtSize: bigint | null;
  readonly scratch: { readonly address: bigint; readonly size: bigint } | null;
  /** Addresses of the setup_data nodes visited. */
  readonly setupData: readonly bigint[];
}

export function locateKho(machine: MachineMemory, options: LocateOptions): Located {
  if (options.fdt !== undefined) return { fdt: options.fdt, fdtSize: null, scratch: null, setupData: [] };
  const mem = new PhysicalMemory(machine);
  let head = options.setupData;
  if (head === undefined) {
    const bp = options.bootParams ?? DEFAULT_BOOT_PARAMS;
    const r = mem.resolve(
      bp + BigInt(X86_BOOT_PARAMS_SETUP_DATA),
      8,
      `boot_params at 0x${bp.toString(16)} hdr.setup_data`,
    );
    head = r.src.window(r.offset, 8).getBigUint64(r.src.windowOffset, true);
    if (head === 0n)
      throw new KhoError(
        "locate",
        `boot_params at 0x${bp.toString(16)}: hdr.setup_data is 0, no setup_data chain (give --fdt ADDR)`,
      );
  }
  const visited: bigint[] = [];
  let at = head;
  while (at !== 0n) {
    const where = `setup_data node ${visited.length} at 0x${at.toString(16)}`;
    if (visited.includes(at))
      throw new KhoError("locate", `${where}: the chain comes back to a node it already visited`);
    if (visited.length >= MAX_SETUP_DATA_NODES)
      throw new KhoError("locate", `${where}: more than ${MAX_SETUP_DATA_NODES} setup_data nodes`);
    visited.push(at);
    const r = mem.resolve(at, X86SetupData.SIZE, where);
    const node = X86SetupData.at(r.src, r.offset);
    if (node.type === X86_SETUP_TYPE.kexec_kho) {
      if (node.len < X86KhoData.SIZE)
        throw new KhoError(
          "size",
          `${where}: SETUP_KEXEC_KHO payload is ${node.len} octets, kho_data needs ${X86KhoData.SIZE}`,
        );
      const k = mem.resolve(at + BigInt(X86SetupData.SIZE), X86KhoData.SIZE, `${where} kho_data`);
      const kd = X86KhoData.at(k.src, k.offset);
      if (kd.fdtSize < 40n || kd.fdtSize > BigInt(MAX_ROOT_FDT_BYTES))
        throw new KhoError(
          "size",
          `${where} kho_data: fdt_size ${kd.fdtSize} is not between 40 and ${MAX_ROOT_FDT_BYTES}`,
        );
      return {
        fdt: kd.fdtAddr,
        fdtSize: kd.fdtSize,
        scratch: { address: kd.scratchAddr, size: kd.scratchSize },
        setupData: visited,
      };
    }
    at = node.next;
  }
  throw new KhoError(
    "locate",
    `no SETUP_KEXEC_KHO node among ${visited.length} setup_data node(s) from 0x${head.toString(16)} (give --fdt ADDR)`,
  );
}
