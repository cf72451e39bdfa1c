/**
 * The inputs of the dump/validate golden comparison: every built-in format (libxc v2 and v3, libxl
 * with a libxc stream in line, a live update memory image) and damaged copies of them, built the
 * same way on every run. `test/cli/golden-inspect/` holds what `lu dump` and `lu validate` printed
 * for each before the Xen formats moved into the schemas (captured by `LU_GOLDEN_WRITE=1`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadSchemas } from "../../cli/inspect/schema-program.js";
import { IMAGE, LIBXC, corrupted, tempPath } from "./inspect-fixtures.js";
import { sampleLibxlStream } from "./inspect-fixtures.js";

export interface GoldenCase {
  readonly name: string;
  readonly file: () => string;
  readonly flags?: { readonly image?: boolean; readonly bootmem?: string };
  /** The schema file that describes the input (for `--schema`), when it is a stream file. */
  readonly schema?: string;
}

const le32 = (b: Uint8Array, at: number, v: number): void =>
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
const PAGE_DATA = 128;
const END = 9896;

function libxl(edit?: (b: Uint8Array) => Uint8Array | void): string {
  const path = tempPath(`golden-libxl-${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(path, sampleLibxlStream(loadSchemas()));
  return edit === undefined ? path : corrupted(path, edit);
}

const XC = "schema/libxc-stream.lu";
const XL = "schema/libxl-stream.lu";

export const GOLDEN_CASES: readonly GoldenCase[] = [
  { name: "libxc", file: () => LIBXC, schema: XC },
  { name: "libxc-v2", file: () => corrupted(LIBXC, (b) => void (b[15] = 2)), schema: XC },
  {
    name: "libxc-v2-no-static-end",
    file: () =>
      corrupted(LIBXC, (b) => {
        b[15] = 2;
        le32(b, 120, 0x0d);
      }),
    schema: XC,
  },
  { name: "libxc-v4", file: () => corrupted(LIBXC, (b) => void (b[15] = 4)), schema: XC },
  { name: "libxc-big-endian", file: () => corrupted(LIBXC, (b) => void (b[17] = 1)), schema: XC },
  { name: "libxc-page-shift", file: () => corrupted(LIBXC, (b) => void (b[28] = 3)), schema: XC },
  { name: "libxc-reserved", file: () => corrupted(LIBXC, (b) => void (b[23] = 1)), schema: XC },
  { name: "libxc-page-data", file: () => corrupted(LIBXC, (b) => void (b[PAGE_DATA + 8 + 8 + 8 + 7] = 0)), schema: XC },
  { name: "libxc-order", file: () => corrupted(LIBXC, (b) => le32(b, 120, 0x0d)), schema: XC },
  { name: "libxc-unknown-record", file: () => corrupted(LIBXC, (b) => le32(b, END, 0x13)), schema: XC },
  { name: "libxc-truncated", file: () => corrupted(LIBXC, (b) => b.subarray(0, END)), schema: XC },
  {
    name: "libxc-trailing",
    file: () =>
      corrupted(LIBXC, (b) => {
        const o = new Uint8Array(b.length + 8);
        o.set(b);
        o.set([1, 2, 3, 4, 5, 6, 7, 8], b.length);
        return o;
      }),
    schema: XC,
  },
  { name: "libxc-not-xenf", file: () => corrupted(LIBXC, (b) => void (b[11] = 0x47)) },
  { name: "libxl", file: () => libxl(), schema: XL },
  { name: "libxl-big-endian", file: () => libxl((b) => void (b[15] = 1)), schema: XL },
  {
    name: "libxl-trailing",
    file: () =>
      libxl((b) => {
        const o = new Uint8Array(b.length + 3);
        o.set(b);
        o.set([9, 9, 9], b.length);
        return o;
      }),
    schema: XL,
  },
  { name: "image", file: () => IMAGE, flags: { image: true, bootmem: "0" } },
];

export const GOLDEN_DIR = new URL("./golden-inspect/", import.meta.url);

export function goldenText(name: string): string {
  return readFileSync(new URL(name, GOLDEN_DIR), "utf8");
}
