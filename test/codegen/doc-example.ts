/**
 * The example at the top of docs/language.md, plus the file it imports, as an in-memory file set
 * for tests: the reference and the compiler cannot drift apart.
 */
import { readFileSync } from "node:fs";

export const DOC_EXAMPLE_FILE = "schema/live-update.lu";

/** The first ```lu block of docs/language.md. */
export function docExample(): string {
  const md = readFileSync(new URL("../../docs/language.md", import.meta.url), "utf8");
  const m = /```lu\n([\s\S]*?)```/.exec(md);
  if (m?.[1] === undefined) throw new Error("docs/language.md has no ```lu example");
  return m[1];
}

/** Stand-in for the imported `libxc-stream.lu`: declares the record header the example uses. */
export const LIBXC_STUB = `/// libxc stream (stand-in).
endian little;

/// Record header.
struct rhdr size 8 {
  @0 type: u32;
  @4 length: u32;
}
`;

export function docFiles(): Map<string, string> {
  return new Map([
    [DOC_EXAMPLE_FILE, docExample()],
    ["schema/libxc-stream.lu", LIBXC_STUB],
  ]);
}
