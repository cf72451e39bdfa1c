/**
 * The worked example of docs/cli.md "lu encode" is run as written: the ```lu schema, the ```json
 * document, `lu encode` to a file, `lu dump` printing exactly the ```text block, `lu validate`
 * saying ok, and dump --json → encode giving the same octets.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { runEncode } from "../../cli/encode.js";
import { runValidate } from "../../cli/validate.js";

const md = readFileSync("docs/cli.md", "utf8");
const block = (lang: string): string => {
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(md.slice(md.indexOf("### `lu encode`")));
  if (m?.[1] === undefined) throw new Error(`docs/cli.md "lu encode" has no \`\`\`${lang} block`);
  return m[1];
};

describe("docs/cli.md lu encode example", () => {
  it("encodes, dumps, validates and round-trips as the text shows", () => {
    const dir = mkdtempSync(join(tmpdir(), "lu-cli-doc-"));
    const schema = join(dir, "sensor.lu");
    const slog = join(dir, "sensor.slog");
    writeFileSync(schema, block("lu"));
    writeFileSync(join(dir, "reading.json"), block("json"));
    let err = "";
    expect(
      runEncode(
        join(dir, "reading.json"),
        { schema, out: slog },
        () => undefined,
        (t) => (err += t),
      ),
    ).toBe(0);
    expect(err).toBe("");
    expect(readFileSync(slog).length).toBe(28);

    let text = "";
    expect(
      runDump(
        slog,
        { schema },
        (t) => (text += t),
        (t) => (err += t),
      ),
    ).toBe(0);
    expect(text).toBe(block("text"));

    let ok = "";
    expect(
      runValidate(
        slog,
        { schema },
        (t) => (ok += t),
        (t) => (err += t),
      ),
    ).toBe(0);
    expect(ok).toBe(`${slog}: ok (slog, 2 records)\n`);

    let json = "";
    runDump(
      slog,
      { schema, json: true },
      (t) => (json += t),
      (t) => (err += t),
    );
    writeFileSync(join(dir, "dump.json"), json);
    let again: Uint8Array | undefined;
    expect(
      runEncode(
        join(dir, "dump.json"),
        { schema },
        (b) => (again = b),
        (t) => (err += t),
      ),
    ).toBe(0);
    expect(Buffer.from(again ?? new Uint8Array(0)).equals(readFileSync(slog))).toBe(true);
    expect(err).toBe("");
  });
});
