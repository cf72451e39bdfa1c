/** Helpers for the dump/validate tests: fixture paths, corrupted copies in a temp dir, captured runs. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SchemaIndex } from "../../cli/inspect/schema-program.js";
import { streamFormatOf } from "../../cli/inspect/stream-formats.js";
import { BufferRecordWriter } from "../../runtime/record-writer.js";
import { SchemaEncoder, concat } from "../fixtures/schema-encoder.js";
import { sampleLibxcStream } from "../fixtures/sample-streams.js";

export const LIBXC = fileURLToPath(new URL("../fixtures/sample-libxc.bin", import.meta.url));
export const IMAGE = fileURLToPath(new URL("../fixtures/sample-image.bin", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "lu-inspect-"));
let n = 0;

/** A copy of `path` with `edit` applied to its bytes. */
export function corrupted(path: string, edit: (bytes: Uint8Array) => Uint8Array | void): string {
  const bytes = new Uint8Array(readFileSync(path));
  const out = edit(bytes) ?? bytes;
  const target = join(dir, `corrupt-${n++}.bin`);
  writeFileSync(target, out);
  return target;
}

export function copyOf(path: string): string {
  const target = join(dir, `copy-${n++}.bin`);
  copyFileSync(path, target);
  return target;
}

export function tempPath(name: string): string {
  return join(dir, name);
}

/**
 * A libxl stream: libxl header, EMULATOR_XENSTORE_DATA, LIBXC_CONTEXT, the libxc sample in line,
 * EMULATOR_CONTEXT, END. Records #0..#3 of xl_stream in dump's numbering.
 */
export function sampleLibxlStream(schemas: SchemaIndex): Uint8Array {
  const enc = new SchemaEncoder(schemas);
  const before = new BufferRecordWriter(streamFormatOf(schemas, "xl_stream"));
  before.source.bytes(0, 16).set(enc.encode("xl_header", { options: [] }));
  before.appendRecord(
    2,
    enc.encode("xl_emulator_xenstore_data", {
      emulator_id: "qemu_upstream",
      index: 0,
      data: new TextEncoder().encode("physmap\0on\0"),
    }),
  );
  before.appendRecord(1, new Uint8Array(0)); // LIBXC_CONTEXT
  const after = new BufferRecordWriter({ ...streamFormatOf(schemas, "xl_stream"), preambleSize: 0 });
  after.appendRecord(
    3,
    enc.encode("xl_emulator_context", {
      emulator_id: "qemu_upstream",
      index: 0,
      emulator_ctx: new Uint8Array(20).fill(0xab),
    }),
  );
  after.end();
  return concat([before.bytes(), sampleLibxcStream(schemas), after.bytes()]);
}

export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function capture(run: (write: (t: string) => void, writeErr: (t: string) => void) => number): Captured {
  let out = "";
  let err = "";
  const code = run(
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}
