/**
 * Save -> walk round trips for kho-v4 and kho-v1 images, and every failure class of a damaged
 * handover reported with its location (node, block, entry, address), the walk going on elsewhere.
 */
import { describe, expect, it } from "vitest";
import { walkKho } from "../../kho/walk.js";
import { writeKho, type KhoImage } from "../../kho/writer.js";
import { Fdt } from "../../runtime/fdt.js";

const small = (version: 1 | 4, sessions = 2): KhoImage =>
  writeKho({ sessions, filesPerSession: 3, foliosPerFile: 300, seed: 11, version });

const u64 = (img: KhoImage, address: bigint, value: bigint): void => {
  const v = img.memory.frameView(Number(address / 4096n));
  v.setBigUint64(Number(address % 4096n), value, true);
};
const readU64 = (img: KhoImage, address: bigint): bigint =>
  img.memory.frameView(Number(address / 4096n)).getBigUint64(Number(address % 4096n), true);
/** The root FDT parsed over the machine's own frame, so property values can be changed in place. */
const rootFdt = (img: KhoImage): Fdt => Fdt.parse(img.memory.frame(Number(img.manifest.fdt / 4096n)));

describe("KHO round trip", () => {
  for (const version of [4, 1] as const) {
    it(`walks a kho-v${version} image back to what was written`, () => {
      const img = small(version);
      const { graph, problems } = walkKho(img.memory);
      expect(problems).toEqual([]);
      expect(graph.compatible).toBe(`kho-v${version}`);
      expect(graph.memoryMap?.format).toBe(version === 4 ? "radix" : "bitmaps");
      expect(graph.memoryMap?.blocks).toBe(img.preserved.size);
      expect(graph.memoryMap?.preservedBytes).toBe(img.preserved.frames * 4096);
      expect(graph.luo?.format).toBe(version === 4 ? "luo-v5" : "luo-v1");
      expect(graph.luo?.sessions.map((s) => [s.name, s.files.length])).toEqual([
        ["session-0", 3],
        ["session-1", 3],
      ]);
      const file = graph.luo?.sessions[1]?.files[2];
      expect(file?.compatible).toBe(version === 4 ? "memfd-v2" : "memfd-v1");
      expect(file?.token).toBe("1003");
      expect(file?.memfd?.nrFolios).toBe(300);
      expect(file?.memfd?.totalPages).toBe(2);
      expect(file?.memfd?.folios).toHaveLength(300);
      expect(String(file?.memfd?.folioBytes)).toBe(file?.memfd?.size);
      // Every folio is a preserved block of the map.
      for (const f of file?.memfd?.folios ?? [])
        expect(img.preserved.blockOf(f.pfn)).toEqual({ pfn: f.pfn, order: f.order });
      if (version === 4) {
        expect(graph.nodes.map((n) => [n.name, n.blobSize])).toEqual([
          ["LUO", 32],
          ["kexec-metadata", 73],
          ["memblock", 202],
        ]);
        expect(graph.metadata?.previousRelease).toBe("7.2.0-rc1-lu-codec");
      }
    });
  }

  it("follows sessions across block boundaries (52 sessions = 2 blocks of 51 + 1)", () => {
    const img = writeKho({ sessions: 52, filesPerSession: 1, foliosPerFile: 1, seed: 3, version: 4 });
    expect(img.manifest.sessionBlocks).toHaveLength(2);
    const { graph, problems } = walkKho(img.memory);
    expect(problems).toEqual([]);
    expect(graph.luo?.sessions.map((s) => s.name).at(-1)).toBe("session-51");
  });

  it("finds the root FDT from --fdt as well as from the setup_data chain", () => {
    const img = small(4);
    expect(walkKho(img.memory, { fdt: img.manifest.fdt }).graph.compatible).toBe("kho-v4");
    expect(walkKho(img.memory, { setupData: 0x2000n }).graph.fdt).toBe(`0x${img.manifest.fdt.toString(16)}`);
  });
});

describe("KHO failure classes", () => {
  const problems = (img: KhoImage) => walkKho(img.memory).problems;

  it("bad root magic", () => {
    const img = small(4);
    img.memory.frameView(Number(img.manifest.fdt / 4096n)).setUint32(0, 0xdeadbeef);
    expect(problems(img)).toEqual([
      {
        code: "fdt",
        message: `KHO root FDT at 0x${img.manifest.fdt.toString(16)}: bad magic 0xdeadbeef (an FDT starts with 0xd00dfeed) (blob octet 0)`,
      },
    ]);
  });

  it("unknown root compatible string, named", () => {
    const img = small(4);
    const c = rootFdt(img).root.properties.find((p) => p.name === "compatible");
    c?.value.set([0x39], 5); // "kho-v9"
    expect(problems(img)).toEqual([
      {
        code: "compatible",
        message: `KHO root FDT at 0x${img.manifest.fdt.toString(16)} /compatible: unknown compatible string "kho-v9" (known: "kho-v1", "kho-v2", "kho-v3", "kho-v4")`,
      },
    ]);
  });

  it("unknown file handler compatible string: that file only", () => {
    const img = small(4);
    const file0 = (img.manifest.fileBlocks[0]?.[0] ?? 0n) + 16n;
    img.memory.write(
      Number(file0),
      Uint8Array.from("fuse-v1\0", (c) => c.charCodeAt(0)),
    );
    const { graph, problems: p } = walkKho(img.memory);
    expect(p).toEqual([
      {
        code: "compatible",
        message:
          'LUO session 0 ("session-0") file 0 data: unknown compatible string "fuse-v1" (known: "memfd-v2", "memfd-v1")',
      },
    ]);
    expect(graph.luo?.sessions[1]?.files).toHaveLength(3);
  });

  it("luo_ser compatible other than luo-v5", () => {
    const img = small(4);
    img.memory.write(
      Number(img.manifest.luo),
      Uint8Array.from("luo-v6\0\0", (c) => c.charCodeAt(0)),
    );
    expect(problems(img)[0]?.message).toBe(
      `LUO luo_ser at 0x${img.manifest.luo.toString(16)} compatible: unknown compatible string "luo-v6" (known: "luo-v5")`,
    );
  });

  it("pointer outside the machine", () => {
    const img = small(4);
    u64(img, img.manifest.luo + 16n, 0x7_0000_0000n);
    expect(problems(img)).toEqual([
      {
        code: "pointer-outside",
        message: `LUO sessions block 0 -> 0x700000000: 4096 octets there are outside the machine (0x${img.memory.byteLength.toString(16)} octets of memory)`,
      },
    ]);
  });

  it("pointer into memory that is not preserved", () => {
    const img = small(4);
    const entry = (img.manifest.fileBlocks[0]?.[0] ?? 0n) + 16n + 48n; // session 0 file 0 .data
    u64(img, entry, img.manifest.memoryMap); // the map's pages are not preserved
    const p = problems(img);
    expect(p).toHaveLength(1);
    expect(p[0]?.code).toBe("pointer-unpreserved");
    expect(p[0]?.message).toBe(
      `LUO session 0 ("session-0") file 0 data -> 0x${img.manifest.memoryMap.toString(16)}: frame ${img.manifest.memoryMap / 4096n} (0x${img.manifest.memoryMap.toString(16)}) is not in the preserved memory map`,
    );
  });

  it("cycle in a block chain", () => {
    const img = writeKho({ sessions: 52, filesPerSession: 0, foliosPerFile: 0, seed: 3, version: 4 });
    const [b0, b1] = img.manifest.sessionBlocks;
    u64(img, b1 ?? 0n, b0 ?? 0n);
    expect(problems(img)).toEqual([
      {
        code: "chain-cycle",
        message: `LUO sessions block 2 at 0x${(b0 ?? 0n).toString(16)}: the chain comes back to a page it already visited (block 0)`,
      },
    ]);
  });

  it("entry count above the page's capacity", () => {
    const img = small(4);
    const files = img.manifest.fileBlocks[1]?.[0] ?? 0n;
    u64(img, files + 8n, 64n);
    expect(problems(img)).toEqual([
      {
        code: "chain-count",
        message: `LUO session 1 ("session-1") files block 0 at 0x${files.toString(16)}: entry count 64 is above the 63 entries a page holds`,
      },
    ]);
  });

  it("file_set_ser.count that disagrees with the chain", () => {
    const img = small(4);
    const session1 = (img.manifest.sessionBlocks[0] ?? 0n) + 16n + 80n;
    u64(img, session1 + 64n + 8n, 5n);
    expect(problems(img)).toEqual([
      { code: "kho-count", message: 'LUO session 1 ("session-1"): file_set_ser.count is 5, the file chain holds 3' },
    ]);
  });

  it("vmalloc pieces that do not add up to total_pages", () => {
    const img = small(4);
    const memfd = img.manifest.memfds[0]?.[1] ?? 0n;
    const tp = memfd + 32n + 8n;
    img.memory.frameView(Number(tp / 4096n)).setUint32(Number(tp % 4096n), 3, true);
    expect(problems(img)).toEqual([
      {
        code: "scatter",
        message: 'LUO session 0 ("session-0") file 1 folios: 2 pieces hold 2 pages, the area declares 3',
      },
    ]);
  });

  it("nr_folios beyond the vmalloc area", () => {
    const img = small(4);
    const memfd = img.manifest.memfds[1]?.[0] ?? 0n;
    u64(img, memfd + 24n, 513n);
    expect(problems(img)).toEqual([
      {
        code: "scatter",
        message:
          'LUO session 1 ("session-1") file 0 folios: nr_folios 513 needs 8208 octets, the area holds 8192 (2 pages)',
      },
    ]);
  });

  it("a subsystem node without a property its declaration requires", () => {
    const img = small(4);
    const frame = img.memory.frame(Number(img.manifest.fdt / 4096n));
    const text = Array.from(frame, (b) => String.fromCharCode(b)).join("");
    const at = text.indexOf("blob-size\0");
    frame[at + 8] = "X".charCodeAt(0); // every node now has "blob-sizX" instead
    const p = problems(img);
    expect(p.map((x) => x.code)).toEqual(["fdt", "fdt", "fdt"]);
    expect(p[0]?.message).toMatch(
      /^KHO node \/LUO: no 'blob-size' property \(the declaration requires it\) \(blob octet \d+\)$/,
    );
  });

  it("a memfd-v2 whose flags are not 0, and kexec metadata of another version (a constant the schema declares)", () => {
    const img = small(4);
    const memfd = img.manifest.memfds[0]?.[1] ?? 0n;
    const v = img.memory.frameView(Number(memfd / 4096n));
    v.setUint32(Number(memfd % 4096n) + 20, 1, true);
    expect(problems(img)).toEqual([
      {
        code: "kho-compatible",
        message: `LUO session 0 ("session-0") file 1 memfd_luo_ser: 'flags' is 0x1, expected 0x0`,
      },
    ]);
    const img2 = small(4);
    const meta = rootFdt(img2)
      .node("/kexec-metadata")
      ?.properties.find((p) => p.name === "preserved-data");
    const at =
      meta === undefined ? 0n : new DataView(meta.value.buffer, meta.value.byteOffset, 8).getBigUint64(0, true);
    u64(img2, at, readU64(img2, at) + 1n);
    expect(problems(img2)).toEqual([
      {
        code: "kho-compatible",
        message: "KHO node /kexec-metadata kho_kexec_metadata: 'version' is 0x2, expected 0x1",
      },
    ]);
  });

  it("blob-size smaller than the struct it holds", () => {
    const img = small(4);
    const luo = rootFdt(img)
      .node("/LUO")
      ?.properties.find((p) => p.name === "blob-size");
    luo?.value.set([16, 0, 0, 0, 0, 0, 0, 0]);
    expect(problems(img)).toEqual([
      { code: "kho-size", message: "KHO node /LUO: blob-size 16 is smaller than struct luo_ser (32 octets)" },
    ]);
  });

  it("a folio whose pfn is not a preserved block", () => {
    const img = small(4);
    const chunk = img.manifest.vmallocChunks[0]?.[0]?.[0] ?? 0n;
    const piece = readU64(img, chunk + 8n);
    u64(img, piece + 16n, 0x3n); // folio 1 -> pfn 3 (low memory, never preserved)
    expect(problems(img)).toEqual([
      {
        code: "kho-folio",
        message:
          'LUO session 0 ("session-0") file 0 folio 1: pfn 0x3 (address 0x3000) is not the start of a preserved block',
      },
    ]);
  });

  it("a cycle in the kho-v1 bitmap chunk list and in the radix tree", () => {
    const v1 = small(1);
    u64(v1, v1.manifest.memoryMap, v1.manifest.memoryMap);
    expect(problems(v1)[0]?.code).toBe("chain-cycle");
    const v4 = small(4);
    // Point the root's first used slot at the root itself.
    const root = v4.manifest.memoryMap;
    let slot = 0n;
    while (readU64(v4, root + slot * 8n) === 0n) slot++;
    u64(v4, root + slot * 8n, root);
    expect(problems(v4)[0]?.message).toMatch(
      /^preserved-memory-map radix root\/5:\d+ at 0x[0-9a-f]+: page already used elsewhere in the tree/,
    );
  });

  it("no SETUP_KEXEC_KHO node, and a setup_data cycle", () => {
    const img = small(4);
    u64(img, 0x2000n, 0x2000n);
    expect(problems(img)).toEqual([
      { code: "kho-locate", message: "setup_data node 1 at 0x2000: the chain comes back to a node it already visited" },
    ]);
    const img2 = small(4);
    u64(img2, 0x2000n, 0n);
    expect(problems(img2)).toEqual([
      {
        code: "kho-locate",
        message: "no SETUP_KEXEC_KHO node among 1 setup_data node(s) from 0x2000 (give --fdt ADDR)",
      },
    ]);
  });
});
