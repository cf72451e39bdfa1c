/**
 * The strings of the KHO/LUO device-tree layer: compatible strings and property names (the
 * language has no string constants or device-tree node declarations yet, so they live here, each
 * citing its header; every binary layout is in schema/kho.lu, luo.lu, memfd.lu, fdt.lu).
 */

/** KHO_FDT_COMPATIBLE over time (kexec_handover.h): the root `compatible` selects the map format and property names. */
export const KHO_COMPATIBLES = ["kho-v1", "kho-v2", "kho-v3", "kho-v4"] as const;
export type KhoCompatible = (typeof KHO_COMPATIBLES)[number];

/** KHO_FDT_MEMORY_MAP_PROP_NAME. */
export const PROP_MEMORY_MAP = "preserved-memory-map";
/** KHO_FDT_SUB_TREE_PROP_NAME, kho-v2 on. */
export const PROP_PRESERVED_DATA = "preserved-data";
/** kho-v1's subsystem property: the physical address of a sub-FDT. */
export const PROP_V1_FDT = "fdt";
/** kho-v3 on: size of the blob `preserved-data` points at. */
export const PROP_BLOB_SIZE = "blob-size";

/** LUO_KHO_ENTRY_NAME (luo.h): the subsystem node of LUO. */
export const LUO_NODE = "LUO";
/** KHO_METADATA_NODE_NAME (kexec_metadata.h). */
export const METADATA_NODE = "kexec-metadata";
/** memblock.h: the sub-FDT of reserve_mem regions. */
export const MEMBLOCK_NODE = "memblock";
export const MEMBLOCK_COMPATIBLE = "memblock-v1";
export const RESERVE_MEM_COMPATIBLE = "reserve-mem-v1";

/** The FDT-era LUO tree (luo.h @ cab056f2). */
export const LUO_V1_COMPATIBLE = "luo-v1";
export const LUO_V1_LIVEUPDATE_NUM = "liveupdate-number";
export const LUO_V1_SESSION_NODE = "luo-session";
export const LUO_V1_SESSION_COMPATIBLE = "luo-session-v2";
export const LUO_V1_SESSION_HEADER = "luo-session-header";

/** Offset of `hdr.setup_data` in the x86 zero page (boot protocol, boot_params). */
export const BOOT_PARAMS_SETUP_DATA = 0x250;
/** Where `lu save --kho` puts the zero page, and where `lu dump --kho` looks by default. */
export const DEFAULT_BOOT_PARAMS = 0x1000;
