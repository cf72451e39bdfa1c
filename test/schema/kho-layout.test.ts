/**
 * The KHO/LUO schemas against the kernel's x86-64 layouts: sizes and offsets read from
 * include/linux/kho/abi/*.h (Linux v7.2-rc1; docs/schemas.md), checked through `lu layout --json`
 * so the command users run is what is pinned.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

interface LayoutJson {
  readonly structs: readonly {
    readonly name: string;
    readonly size: number;
    readonly align: number;
    readonly fields: readonly {
      readonly name: string;
      readonly offset: number;
      readonly size: number;
      readonly type: string;
    }[];
  }[];
}

function layout(file: string): Map<string, LayoutJson["structs"][number]> {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "layout", "--json", "--all", file], {
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout) as LayoutJson;
  return new Map(json.structs.map((s) => [s.name, s]));
}

const structs = new Map([
  ...layout("schema/luo.lu"),
  ...layout("schema/memfd.lu"),
  ...layout("schema/fdt.lu"),
  ...layout("schema/x86-setup-data.lu"),
]);

/** name → [size, align, { field: [offset, size] }] as the C compiler lays them out on x86-64. */
const KERNEL: Record<string, [number, number, Record<string, [number, number]>]> = {
  // block.h: struct kho_block_header_ser { u64 next; u64 count; } __packed;
  kho_block_header_ser: [16, 1, { next: [0, 8], count: [8, 8] }],
  // kexec_handover.h: struct kho_vmalloc { union {u64 phys; ptr} first; unsigned int total_pages; unsigned short flags; unsigned short order; }
  kho_vmalloc: [16, 8, { first: [0, 8], total_pages: [8, 4], flags: [12, 2], order: [14, 2] }],
  // static_assert(sizeof(struct kho_vmalloc_chunk) == PAGE_SIZE)
  kho_vmalloc_chunk: [4096, 8, { hdr: [0, 8], phys: [8, 4088] }],
  kho_radix_node: [4096, 8, { table: [0, 4096] }],
  kho_radix_leaf: [4096, 8, { bitmap: [0, 4096] }],
  // kexec_metadata.h: u32 version; char previous_release[__NEW_UTS_LEN + 1]; u32 kexec_count; __packed
  kho_kexec_metadata: [73, 1, { version: [0, 4], previous_release: [4, 65], kexec_count: [69, 4] }],
  kho_scratch: [16, 8, { addr: [0, 8], size: [8, 8] }],
  // kho-v1 (kexec_handover.c up to v7.0): khoser_mem_chunk_hdr, khoser_mem_bitmap_ptr, one-page chunk
  kho_v1_mem_chunk_hdr: [16, 8, { next: [0, 8], order: [8, 4], num_elms: [12, 4] }],
  kho_v1_mem_bitmap_ptr: [16, 8, { phys_start: [0, 8], bitmap: [8, 8] }],
  kho_v1_mem_chunk: [4096, 8, { hdr: [0, 16], bitmaps: [16, 255 * 16] }],
  // luo.h (luo-v5)
  luo_ser: [32, 1, { compatible: [0, 8], liveupdate_num: [8, 8], sessions_pa: [16, 8], flbs_pa: [24, 8] }],
  luo_file_ser: [64, 1, { compatible: [0, 48], data: [48, 8], token: [56, 8] }],
  luo_file_set_ser: [16, 1, { files: [0, 8], count: [8, 8] }],
  luo_session_ser: [80, 1, { name: [0, 64], file_set_ser: [64, 16] }],
  luo_flb_header_ser: [16, 1, { pgcnt: [0, 8], count: [8, 8] }],
  luo_flb_ser: [64, 1, { name: [0, 48], data: [48, 8], count: [56, 8] }],
  luo_v1_session_header_ser: [8, 1, { count: [0, 8] }],
  // memfd.h (memfd-v2 and memfd-v1)
  memfd_luo_folio_ser: [16, 1, { pfn_flags: [0, 8], index: [8, 8] }],
  memfd_luo_ser: [
    48,
    1,
    { pos: [0, 8], size: [8, 8], seals: [16, 4], flags: [20, 4], nr_folios: [24, 8], folios: [32, 16] },
  ],
  memfd_v1_luo_ser: [40, 1, { pos: [0, 8], size: [8, 8], nr_folios: [16, 8], folios: [24, 16] }],
  // libfdt fdt.h
  fdt_header: [
    40,
    4,
    {
      magic: [0, 4],
      totalsize: [4, 4],
      off_dt_struct: [8, 4],
      off_dt_strings: [12, 4],
      off_mem_rsvmap: [16, 4],
      version: [20, 4],
      last_comp_version: [24, 4],
      boot_cpuid_phys: [28, 4],
      size_dt_strings: [32, 4],
      size_dt_struct: [36, 4],
    },
  ],
  fdt_reserve_entry: [16, 8, { address: [0, 8], size: [8, 8] }],
  fdt_property: [12, 4, { tag: [0, 4], len: [4, 4], nameoff: [8, 4], data: [12, 0] }],
  // arch/x86/include/uapi/asm/setup_data.h
  x86_setup_data: [16, 8, { next: [0, 8], type: [8, 4], len: [12, 4], data: [16, 0] }],
  x86_kho_data: [32, 1, { fdt_addr: [0, 8], fdt_size: [8, 8], scratch_addr: [16, 8], scratch_size: [24, 8] }],
};

describe("lu layout --json of the KHO and LUO schemas", () => {
  for (const [name, [size, align, fields]] of Object.entries(KERNEL)) {
    it(`lays out ${name} as the kernel does (${size} octets)`, () => {
      const s = structs.get(name);
      expect(s, name).toBeDefined();
      expect(s?.size).toBe(size);
      expect(s?.align).toBe(align);
      expect(Object.fromEntries((s?.fields ?? []).map((f) => [f.name, [f.offset, f.size]]))).toEqual(fields);
    });
  }

  it("puts memfd folio pfn in bits 0..51 and flags in 52..63", () => {
    expect(structs.get("memfd_luo_folio_ser")?.fields[0]?.type).toMatch(/bits/);
  });

  it("fits 51 sessions or 63 files in a 4096-octet block after its 16-octet header", () => {
    expect(Math.floor((4096 - 16) / (structs.get("luo_session_ser")?.size ?? 0))).toBe(51);
    expect(Math.floor((4096 - 16) / (structs.get("luo_file_ser")?.size ?? 0))).toBe(63);
  });
});
