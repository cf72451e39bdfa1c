/**
 * Test helpers: images written by hand (not by `save()`), so the restore is checked against the
 * reference layout rather than against our own writer, and a way to find and patch records in a
 * saved image.
 */
import { MachineMemory } from "../../runtime/machine-memory.js";
import { concat as concatAll } from "../fixtures/schema-encoder.js";
import { vmap, type VmapSource } from "../../runtime/vmap.js";
import type { SavedHost } from "../../liveupdate/save.js";

export interface RawRecord {
  readonly type: number;
  readonly body: Uint8Array;
  /** Padding octets to write (default zeros). */
  readonly padding?: number;
}

export function le32(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint32(4 * i, v >>> 0, true));
  return out;
}

export function le64(...values: bigint[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setBigUint64(8 * i, v, true));
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** A 48-byte LU_DOMAIN_INFO body. */
export function domainInfo(f: {
  type?: number;
  pageShift?: number;
  domainId: number;
  handleByte?: number;
  ssidref?: number;
  flags?: number;
  maxVcpus?: number;
  emulationFlags?: number;
  extraFlags?: number;
}): Uint8Array {
  const b = new Uint8Array(48);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, f.type ?? 2, true);
  dv.setUint16(4, f.pageShift ?? 12, true);
  dv.setUint16(6, f.domainId, true);
  b.fill(f.handleByte ?? 0xab, 8, 24);
  dv.setUint32(24, f.ssidref ?? 0, true);
  dv.setUint32(28, f.flags ?? 3, true);
  dv.setUint32(32, f.maxVcpus ?? 1, true);
  dv.setUint32(36, f.emulationFlags ?? 0, true);
  dv.setUint32(40, f.extraFlags ?? 0, true);
  return b;
}

export function domainPages(mfns: number[]): Uint8Array {
  return concat(le32(mfns.length, 0), le64(...mfns.map(BigInt)));
}

/** An HVM_CONTEXT body: HEADER (24 zero bytes) then END, unless `records` says otherwise. */
export function hvmContext(
  records: Array<{ typecode: number; instance?: number; length: number }> = [
    { typecode: 1, length: 24 },
    { typecode: 0, length: 0 },
  ],
): Uint8Array {
  return concat(
    ...records.map((r) => {
      const d = new Uint8Array(8 + r.length);
      const dv = new DataView(d.buffer);
      dv.setUint16(0, r.typecode, true);
      dv.setUint16(2, r.instance ?? 0, true);
      dv.setUint32(4, r.length, true);
      return d;
    }),
  );
}

export function encodeStream(records: RawRecord[]): Uint8Array {
  return concat(
    ...records.map((r) => {
      const padded = Math.ceil(r.body.length / 8) * 8;
      const out = new Uint8Array(8 + padded);
      const dv = new DataView(out.buffer);
      dv.setUint32(0, r.type >>> 0, true);
      dv.setUint32(4, r.body.length, true);
      out.set(r.body, 8);
      if (r.padding !== undefined) out.fill(r.padding, 8 + r.body.length);
      return out;
    }),
  );
}

export interface HandImage {
  readonly memory: MachineMemory;
  readonly bootmem: number;
  readonly streamFrames: number[];
}

/**
 * Lays `stream` out the way another writer might: stream pages at descending frames near the top
 * of the machine, the MFN array just after the bootmem, the breadcrumb at the bootmem start.
 */
export function handImage(stream: Uint8Array, frameCount = 4096, pageSize = 4096): HandImage {
  const bootmem = 8;
  const memory = new MachineMemory({ pageSize, frameCount, reserved: [{ start: bootmem, count: 4, name: "bootmem" }] });
  const pages = Math.max(1, Math.ceil(stream.length / pageSize));
  const streamFrames: number[] = [];
  for (let i = 0; i < pages; i++) streamFrames.push(frameCount - 1 - 2 * i);
  streamFrames.forEach((mfn, i) => memory.frame(mfn).set(stream.subarray(i * pageSize, (i + 1) * pageSize)));
  const arrayStart = bootmem + 4;
  memory.write(arrayStart * pageSize, le64(...streamFrames.map(BigInt)));
  const mask = ~BigInt(pageSize - 1) & 0xffff_ffff_ffff_ffffn;
  memory.write(
    bootmem * pageSize,
    le64(0x4c69766555706461n & mask, BigInt(arrayStart * pageSize), BigInt(pages) << BigInt(Math.log2(pageSize))),
  );
  return { memory, bootmem, streamFrames };
}

/** The saved stream as a writable vmap, and the offsets of its records by type. */
export function savedStream(saved: SavedHost): {
  src: VmapSource;
  records: Array<{ offset: number; type: number; length: number }>;
} {
  const src = vmap(saved.memory, saved.streamFrames);
  const records: Array<{ offset: number; type: number; length: number }> = [];
  let off = 0;
  for (;;) {
    const v = src.window(off, 8);
    const type = v.getUint32(src.windowOffset, true);
    const length = v.getUint32(src.windowOffset + 4, true);
    records.push({ offset: off, type, length });
    if (type === 0) break;
    off += 8 + Math.ceil(length / 8) * 8;
  }
  return { src, records };
}
