/**
 * The benchmark's restore lines do the same work as lu-codec's restore: on the same image they
 * produce the same domains and the same frame table, Xen's own frames (stream pages, MFN array,
 * M2P pages) included, and each of them refuses a guest that lists a stream page as its own.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveCompiler } from "../../../bench/c-compiler.js";
import { buildCRestore } from "../../../bench/peers/c-restore.js";
import { binaryParserRestore } from "../../../bench/peers/binary-parser-restore.js";
import { handwrittenRestore } from "../../../bench/peers/handwritten-restore.js";
import { loadKaitaiPeer, type KaitaiPeer } from "../../../bench/peers/kaitai-restore.js";
import { fingerprint, frameTableDigest } from "../../../bench/peers/peer-result.js";
import { gather as gathered, toPeer } from "../../../bench/stream-restore.bench.js";
import { DOMID_XEN, FrameTable } from "../../../liveupdate/frame-table.js";
import { SMALL_HOST_SPEC } from "../../../liveupdate/host-spec.js";
import { restore } from "../../../liveupdate/restore.js";
import { save, type SavedHost } from "../../../liveupdate/save.js";
import { writeMemoryImage } from "../../../runtime/memory-image.js";

const SPEC = { ...SMALL_HOST_SPEC, domains: 3, framesPerDomain: 600 };

function xenOf(saved: SavedHost): {
  streamFrames: Uint32Array;
  mfnArrayStart: number;
  mfnArrayFrames: number;
  pageShift: number;
} {
  return {
    streamFrames: saved.streamFrames,
    mfnArrayStart: saved.mfnArrayStart,
    mfnArrayFrames: saved.mfnArrayFrames,
    pageShift: Math.log2(saved.pageSize),
  };
}

/** Points the first entry of the first LU_DOMAIN_PAGES list at stream page 2. */
function guestListsStreamPage(saved: SavedHost): number {
  const g = gathered(saved);
  const dv = new DataView(g.buffer);
  let off = 0;
  while (dv.getUint32(off, true) !== 0x40000004) off += 8 + Math.ceil(dv.getUint32(off + 4, true) / 8) * 8;
  const entry = off + 8 + 8;
  const page = saved.streamFrames[2] ?? 0;
  const ps = saved.pageSize;
  const phys = (saved.streamFrames[Math.floor(entry / ps)] ?? 0) * ps + (entry % ps);
  const le = new Uint8Array(8);
  new DataView(le.buffer).setBigUint64(0, BigInt(page), true);
  saved.memory.write(phys, le);
  return page;
}

describe("benchmark restore lines", () => {
  let dir: string;
  let kaitai: KaitaiPeer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lu-peers-"));
    kaitai = await loadKaitaiPeer(join(dir, "kaitai"));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("agree with lu-codec on the domains and the whole frame table, Xen's frames included", () => {
    const saved = save(SPEC);
    const luTable = new FrameTable(saved.frameCount);
    const lu = toPeer(restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: luTable, domains: [] }));
    const want = frameTableDigest(luTable.owners);
    const xenFrames = luTable.owners.filter((o) => o === DOMID_XEN).length;
    expect(xenFrames).toBeGreaterThan(saved.streamFrames.length + saved.mfnArrayFrames);

    const hwTable = new FrameTable(saved.frameCount);
    expect(fingerprint(handwrittenRestore(saved.memory, saved.bootmemStart, hwTable))).toBe(fingerprint(lu));
    expect(frameTableDigest(hwTable.owners)).toBe(want);

    const bpTable = new FrameTable(saved.frameCount);
    expect(fingerprint(binaryParserRestore(gathered(saved), bpTable, xenOf(saved)))).toBe(fingerprint(lu));
    expect(frameTableDigest(bpTable.owners)).toBe(want);

    const ksTable = new FrameTable(saved.frameCount);
    kaitai.restore(gathered(saved), ksTable, xenOf(saved));
    expect(frameTableDigest(ksTable.owners)).toBe(want);
  });

  it("each refuse a guest frame that is a stream page", () => {
    const saved = save(SPEC);
    const page = guestListsStreamPage(saved);
    expect(() =>
      restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: new FrameTable(saved.frameCount), domains: [] }),
    ).toThrow(new RegExp(`frame ${page} of domain \\d+ is already owned by Xen`));
    expect(() => handwrittenRestore(saved.memory, saved.bootmemStart, new FrameTable(saved.frameCount))).toThrow(
      /owned twice/,
    );
    expect(() => binaryParserRestore(gathered(saved), new FrameTable(saved.frameCount), xenOf(saved))).toThrow(
      /owned twice/,
    );
    expect(() => kaitai.restore(gathered(saved), new FrameTable(saved.frameCount), xenOf(saved))).toThrow(
      /owned twice/,
    );
  });

  const cc = haveCompiler();
  it.skipIf(cc === undefined)("the C line agrees too, frame table digest included, and refuses the same image", () => {
    const bin = buildCRestore(dir) ?? "";
    const saved = save(SPEC);
    const luTable = new FrameTable(saved.frameCount);
    const lu = toPeer(restore(saved.memory, { bootmem: saved.bootmemStart, frameTable: luTable, domains: [] }));
    const img = join(dir, "host.img");
    writeMemoryImage(saved.memory, img);
    const args = [img, String(saved.bootmemStart), String(saved.pageSize), "1"];
    const doc = JSON.parse(execFileSync(bin, args, { encoding: "utf8" })) as {
      fingerprint: string;
      table_digest: string;
    };
    expect(doc.fingerprint).toBe(fingerprint(lu));
    expect(doc.table_digest).toBe(frameTableDigest(luTable.owners));

    guestListsStreamPage(saved);
    writeMemoryImage(saved.memory, img);
    const bad = spawnSync(bin, args, { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/frame owned twice/);
  });
});
