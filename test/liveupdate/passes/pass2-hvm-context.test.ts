/**
 * Pass 2 and the inspectors follow Xen's load rules: a live update image whose HVM_CONTEXT carries
 * Xen master's 32-octet LAPIC records, and one with Xen 4.17's 24-octet records (zero-extended),
 * both restore, dump and validate clean; a 40-octet LAPIC body, or a 20-octet PIT body (exact
 * length), is a located problem.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDump } from "../../../cli/dump.js";
import { runValidate } from "../../../cli/validate.js";
import { HVM_SAVE_RECORD, HvmHwLapic } from "../../../generated/hvm-save.js";
import { FrameTable } from "../../../liveupdate/frame-table.js";
import { restore } from "../../../liveupdate/restore.js";
import { RestoreError } from "../../../liveupdate/restore-error.js";
import type { RestoredDomain } from "../../../liveupdate/restored-domain.js";
import { ContiguousSource } from "../../../runtime/contiguous-source.js";
import { writeMemoryImage } from "../../../runtime/memory-image.js";
import { concat, domainInfo, domainPages, encodeStream, handImage, le32 } from "../stream-fixture.js";

const T = HVM_SAVE_RECORD;
const dir = mkdtempSync(join(tmpdir(), "lu-pass2-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One save record: descriptor, then `body` (the HEADER gets its magic and version). */
function saveRecord(typecode: number, instance: number, body: Uint8Array): Uint8Array {
  const d = new Uint8Array(8);
  const dv = new DataView(d.buffer);
  dv.setUint16(0, typecode, true);
  dv.setUint16(2, instance, true);
  dv.setUint32(4, body.length, true);
  return concat(d, body);
}

function header(): Uint8Array {
  const b = new Uint8Array(24);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x54381286, true);
  dv.setUint32(4, 1, true);
  return b;
}

/** A LAPIC body of `length` octets: apic_base_msr 0xfee00900, timer_divisor 3, pending_esr 0x40 where it fits. */
function lapic(length: number): Uint8Array {
  const b = new Uint8Array(length);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, 0xfee0_0900n, true);
  dv.setUint32(12, 3, true);
  if (length >= 28) dv.setUint32(24, 0x40, true);
  return b;
}

function image(records: Uint8Array[]): string {
  const context = concat(saveRecord(T.HEADER, 0, header()), ...records, saveRecord(T.END, 0, new Uint8Array(0)));
  const stream = encodeStream([
    { type: 0x40000000, body: le32(4, 21) },
    { type: 0x40000003, body: domainInfo({ domainId: 1 }) },
    { type: 0x09, body: context },
    { type: 0x40000004, body: domainPages([100, 101]) },
    { type: 0, body: new Uint8Array(0) },
  ]);
  const img = handImage(stream);
  const file = join(dir, `image-${records.map((r) => r.length).join("-")}.bin`);
  writeMemoryImage(img.memory, file);
  return file;
}

function restoreOf(records: Uint8Array[]): RestoredDomain[] {
  const context = concat(saveRecord(T.HEADER, 0, header()), ...records, saveRecord(T.END, 0, new Uint8Array(0)));
  const img = handImage(
    encodeStream([
      { type: 0x40000000, body: le32(4, 21) },
      { type: 0x40000003, body: domainInfo({ domainId: 1 }) },
      { type: 0x09, body: context },
      { type: 0x40000004, body: domainPages([100, 101]) },
      { type: 0, body: new Uint8Array(0) },
    ]),
  );
  const domains: RestoredDomain[] = [];
  restore(img.memory, { bootmem: img.bootmem, frameTable: new FrameTable(img.memory.frameCount), domains });
  return domains;
}

function run(fn: typeof runDump, file: string): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = fn(
    file,
    { image: true, bootmem: "8", json: true },
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

describe("HVM save records under Xen's load rules", () => {
  for (const [label, length] of [
    ["Xen master's 32-octet LAPIC", 32],
    ["Xen 4.17's 24-octet LAPIC (zero-extended)", 24],
  ] as const) {
    it(`${label} restores, dumps and validates clean`, () => {
      const recs = [saveRecord(T.LAPIC, 0, lapic(length)), saveRecord(T.LAPIC, 1, lapic(length))];
      const domains = restoreOf(recs);
      expect(domains[0]?.hvmRecords.filter((r) => r.typecode === T.LAPIC).map((r) => r.length)).toEqual([
        length,
        length,
      ]);
      const file = image(recs);
      const v = run(runValidate, file);
      expect(v.err).toBe("");
      expect(v.code).toBe(0);
      const d = run(runDump, file);
      expect(d.code).toBe(0);
      // The dump shows pending_esr as written (32) or as zero (24: past the older body).
      const esr = [...d.out.matchAll(/"pending_esr":\s*(\d+)/g)].map((m) => Number(m[1]));
      expect(esr).toEqual(length === 32 ? [0x40, 0x40] : [0, 0]);
    });
  }

  it("a 40-octet LAPIC body is a located problem in restore, validate and dump", () => {
    const recs = [saveRecord(T.LAPIC, 0, lapic(40))];
    let caught: unknown;
    try {
      restoreOf(recs);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RestoreError);
    const e = caught as RestoreError;
    expect(e.problem).toBe("hvm-context");
    expect(e.message).toMatch(
      /typecode 5 instance 0: body of 40 octets is 8 octets more than 'hvm_hw_lapic' describes \(32\)/,
    );
    expect(e.where.offset).toBeGreaterThan(0);
    const file = image(recs);
    const v = run(runValidate, file);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/body is 40 octets, 8 more than 'hvm_hw_lapic' describes/);
    expect(run(runDump, file).code).toBe(1);
  });

  it("a LAPIC body of a size no Xen wrote (28) and a short PIT body (exact length) are problems", () => {
    expect(() => restoreOf([saveRecord(T.LAPIC, 0, lapic(20))])).toThrow(
      /body of 20 octets is not a size 'hvm_hw_lapic' takes \(24, 32\)/,
    );
    expect(() => restoreOf([saveRecord(T.PIT, 0, new Uint8Array(48))])).toThrow(
      /body of 48 octets is shorter than 'hvm_hw_pit'/,
    );
    const v = run(runValidate, image([saveRecord(T.LAPIC, 0, lapic(28))]));
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/body of 28 octets is not a size 'hvm_hw_lapic' names \(24, 32\)/);
  });

  it("the accessor reads a 24-octet body without copying: fields past it are zero, writes to them throw", () => {
    const buf = new Uint8Array(64).fill(0xee);
    buf.set(lapic(24), 8);
    const src = new ContiguousSource(buf.buffer);
    const l = HvmHwLapic.at(src, 8, 24);
    expect(l.tdtMsr).toBe(0n);
    expect(l.timerDivisor).toBe(3);
    expect(l.pendingEsr).toBe(0);
    expect(l.validate()).toEqual([]);
    expect(() => (l.pendingEsr = 1)).toThrow(/past the end of a 24-octet zero-extended body/);
    expect(HvmHwLapic.at(src, 8, 32).pendingEsr).toBe(0xeeeeeeee);
    expect(() => HvmHwLapic.at(src, 8, 16)).toThrow();
  });
});
