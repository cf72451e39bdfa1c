/** Helpers for the dump/validate tests: fixture paths, corrupted copies in a temp dir, captured runs. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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

export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function capture(run: (write: (t: string) => void, writeErr: (t: string) => void) => number): Captured {
  let out = "";
  let err = "";
  const code = run((t) => (out += t), (t) => (err += t));
  return { code, out, err };
}
