/**
 * Reads a large `lu dump --json` document record by record. JSON.parse needs the whole text as one
 * string, and V8 strings stop at about 512 MiB, so the dump of a file over some 250 MB could not
 * be encoded back. The dump writes one record a line:
 *
 *   {"file":…,"records":[
 *   {record 0},
 *   {record 1}
 *   ],"kind":…,"headers":[…],"bytesRead":…,"problems":[…]}
 *
 * so the first and last lines hold everything but the records, and each line between is one
 * record, parsed when the encoder asks for it (only one is held at a time). Lines are found in the
 * document's octets; no line is turned into a string before it is needed.
 */
import type { RecordSequence } from "./encode-json.js";
import type { JsonValue } from "./json-value.js";

/** The document does not have the dump's line layout. */
export class DumpLayoutError extends Error {}

export interface DumpLines {
  /** The document without its records (`file`, `kind`, `headers`, …). */
  readonly doc: { readonly [k: string]: JsonValue };
  readonly records: RecordSequence;
}

const NL = 0x0a;

export function readDumpLines(text: Buffer): DumpLines {
  const starts: number[] = [0];
  for (let at = text.indexOf(NL); at >= 0; at = text.indexOf(NL, at + 1)) starts.push(at + 1);
  // A final newline ends the last line; it does not start another.
  if (starts.length > 1 && starts[starts.length - 1] === text.length) starts.pop();
  const line = (i: number): string =>
    text.toString("utf8", starts[i] ?? text.length, Math.max(starts[i] ?? 0, (starts[i + 1] ?? text.length + 1) - 1));
  const n = starts.length;
  const first = line(0);
  const last = line(n - 1);
  if (n < 2 || !first.trimEnd().endsWith('"records":[') || !last.startsWith("]")) {
    throw new DumpLayoutError(
      'it is not laid out as `lu dump --json` writes it (a first line ending in "records":[, one record a line, a last line starting with ])',
    );
  }
  let doc: { readonly [k: string]: JsonValue };
  try {
    const head = JSON.parse(`${first}]}`) as { readonly [k: string]: JsonValue };
    const tail = JSON.parse(`{"records":[${last}`) as { readonly [k: string]: JsonValue };
    doc = { ...head, ...tail, records: [] };
  } catch (e) {
    throw new DumpLayoutError(
      `its first or last line is not what lu dump writes: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  let cached: { index: number; value: JsonValue } | undefined;
  const records: RecordSequence = {
    get(i: number): JsonValue | undefined {
      if (i < 0 || i >= n - 2) return undefined;
      if (cached?.index === i) return cached.value;
      const raw = line(i + 1).replace(/,\s*$/, "");
      let value: JsonValue;
      try {
        value = JSON.parse(raw) as JsonValue;
      } catch (e) {
        throw new DumpLayoutError(
          `record line ${i + 2} is not one JSON record: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      cached = { index: i, value };
      return value;
    },
  };
  return { doc, records };
}
