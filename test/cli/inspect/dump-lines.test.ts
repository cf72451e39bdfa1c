/**
 * cli/inspect/dump-lines.ts: a `lu dump --json` document read record by record (how `lu encode`
 * reads one too large for a string) encodes to the same octets as the whole document, a libxl
 * stream with a libxc stream in line included; a document of another layout is refused.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDump } from "../../../cli/dump.js";
import { DumpLayoutError, readDumpLines } from "../../../cli/inspect/dump-lines.js";
import { encodeDocument } from "../../../cli/inspect/encode-json.js";
import type { JsonValue } from "../../../cli/inspect/json-value.js";
import { loadSchemas } from "../../../cli/inspect/schema-program.js";
import { entryStreams } from "../../../cli/inspect/walk-file.js";
import { LIBXC, capture, sampleLibxlStream, tempPath } from "../inspect-fixtures.js";

const schemas = loadSchemas();
const target = { kind: "entries", streams: entryStreams(schemas).map((s) => s.name) } as const;

describe("readDumpLines", () => {
  it("gives the records one at a time; encoding them gives what the whole document gives", () => {
    const xl = tempPath("dump-lines-xl.bin");
    writeFileSync(xl, sampleLibxlStream(schemas));
    for (const file of [LIBXC, xl]) {
      const text = capture((w, e) => runDump(file, { json: true }, w, e)).out;
      const whole = JSON.parse(text) as { records: JsonValue[] };
      const { doc, records } = readDumpLines(Buffer.from(text));
      expect(doc["headers"]).toEqual((whole as unknown as { headers: JsonValue }).headers);
      expect(whole.records.map((_, i) => records.get(i))).toEqual(whole.records);
      expect(records.get(whole.records.length)).toBeUndefined();
      expect(
        Buffer.from(encodeDocument(schemas, target, doc, records)).equals(
          Buffer.from(encodeDocument(schemas, target, whole as unknown as JsonValue)),
        ),
      ).toBe(true);
    }
  });

  it("refuses a document of another layout", () => {
    expect(() => readDumpLines(Buffer.from(JSON.stringify({ kind: "libxc", records: [], headers: [] })))).toThrow(
      DumpLayoutError,
    );
    expect(() => readDumpLines(Buffer.from('{"records":[\n{"name":\n],"headers":[]}')).records.get(0)).toThrow(
      /record line 2 is not one JSON record/,
    );
  });
});
