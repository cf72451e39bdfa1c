/**
 * Device-tree node classes generated from schema/kho.lu and luo.lu over trees the FdtBuilder
 * writes: the one check at `at()`, property getters, children, and the choice among node
 * declarations by compatible string.
 */
import { describe, expect, it } from "vitest";
import { KhoV1Root, KhoV2Root, KhoV3Root, KhoV3Subsystem, MemblockRoot } from "../../generated/kho.js";
import { LuoV1Root } from "../../generated/luo.js";
import { CompatibleError } from "../../runtime/compatible.js";
import { Fdt, FdtBuilder, FdtError } from "../../runtime/fdt.js";
import { compatibleStrings, selectFdtNode } from "../../runtime/fdt-node.js";

function tree(build: (b: FdtBuilder) => FdtBuilder): Fdt {
  return Fdt.parse(build(new FdtBuilder().beginNode("")).endNode().finish(), "t");
}

const kho = (compatible: string, blobSize = true): Fdt =>
  tree((b) => {
    b.propString("compatible", compatible).propU64("preserved-memory-map", 0x5000n, true);
    b.beginNode("LUO").propU64("preserved-data", 0x8000n, true);
    if (blobSize) b.propU64("blob-size", 32n, true);
    return b
      .endNode()
      .beginNode("other")
      .propU64("preserved-data", 0x9000n, true)
      .propU64("blob-size", 8n, true)
      .endNode();
  });

describe("generated device-tree node classes", () => {
  it("read a kho-v4 root and its subsystems through the kho_v3_root declaration", () => {
    const root = KhoV3Root.at(kho("kho-v4").root);
    expect(root.memoryMap).toBe(0x5000n);
    expect(root.subsystems().map((s) => [s.node.name, s.preservedData, s.blobSize])).toEqual([
      ["LUO", 0x8000n, 32n],
      ["other", 0x9000n, 8n],
    ]);
  });

  it("choose the declaration by compatible string, and name the string when none matches", () => {
    const roots = [KhoV1Root, KhoV2Root, KhoV3Root] as const;
    expect(selectFdtNode<KhoV1Root | KhoV2Root | KhoV3Root>(kho("kho-v2").root, roots)).toBeInstanceOf(KhoV2Root);
    expect(selectFdtNode<KhoV1Root | KhoV2Root | KhoV3Root>(kho("kho-v3").root, roots)).toBeInstanceOf(KhoV3Root);
    const bad = (): unknown =>
      selectFdtNode<KhoV1Root | KhoV2Root | KhoV3Root>(kho("kho-v9").root, roots, "root FDT /");
    expect(bad).toThrow(CompatibleError);
    expect(bad).toThrow(
      'root FDT /compatible: unknown compatible string "kho-v9" (known: "kho-v1", "kho-v2", "kho-v3", "kho-v4")',
    );
  });

  it("check required properties and their sizes once, at wrap time", () => {
    const noSize = kho("kho-v4", false).node("/LUO");
    if (noSize === undefined) throw new Error("no /LUO");
    expect(() => KhoV3Subsystem.at(noSize)).toThrow(FdtError);
    expect(() => KhoV3Subsystem.at(noSize)).toThrow("/LUO: no 'blob-size' property (the declaration requires it)");
    const short = tree((b) =>
      b.propString("compatible", "kho-v3").prop("preserved-memory-map", Uint8Array.of(1, 2, 3, 4)),
    );
    expect(() => KhoV3Root.at(short.root)).toThrow(
      "/: property 'preserved-memory-map' is 4 octets, not the 8 of its integer",
    );
    const unnamed = tree((b) =>
      b.beginNode("x").propString("compatible", "kho-v3").propU64("preserved-memory-map", 0n, true).endNode(),
    ).node("/x");
    if (unnamed === undefined) throw new Error("no /x");
    expect(() => KhoV3Root.at(unnamed)).toThrow('/x: node is named "x", the declaration expects "/"');
  });

  it("read optional children and pointer properties of the FDT-era LUO tree", () => {
    const luo = tree((b) =>
      b
        .propString("compatible", "luo-v1")
        .propU64("liveupdate-number", 7n, true)
        .beginNode("luo-session")
        .propString("compatible", "luo-session-v2")
        .propU64("luo-session-header", 0x4000n, true)
        .endNode(),
    );
    const root = LuoV1Root.at(luo.root);
    expect(root.liveupdateNum).toBe(7n);
    expect(root.session?.header).toBe(0x4000n);
    expect(root.flb).toBeUndefined();
    const wrongSession = tree((b) =>
      b
        .propString("compatible", "luo-v1")
        .propU64("liveupdate-number", 1n, true)
        .beginNode("luo-session")
        .propString("compatible", "luo-session-v1")
        .endNode(),
    );
    expect(() => LuoV1Root.at(wrongSession.root).session).toThrow(
      '/luo-session/compatible: unknown compatible string "luo-session-v1" (known: "luo-session-v2")',
    );
  });

  it("match any entry of a compatible string list", () => {
    const mb = tree((b) =>
      b.prop("compatible", Uint8Array.from([..."vendor-x\0memblock-v1\0"].map((c) => c.charCodeAt(0)))),
    );
    expect(compatibleStrings(mb.root)).toEqual(["vendor-x", "memblock-v1"]);
    expect(MemblockRoot.at(mb.root).regions()).toEqual([]);
  });
});
