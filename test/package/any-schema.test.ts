/**
 * From a scratch project with the packed and installed lu-codec: the installed `lu` decodes,
 * validates and re-encodes a file of a format of the project's own (the schema of docs/cli.md's
 * example), octet for octet, and the shipped examples/riff-wave.lu reads a WAVE file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "lu-any-schema-"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The ```LANG block of docs/cli.md's "lu encode" section. */
function docBlock(lang: string): string {
  const md = readFileSync(join(repo, "docs/cli.md"), "utf8");
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(md.slice(md.indexOf("### `lu encode`")));
  if (m?.[1] === undefined) throw new Error(`no ${lang} block`);
  return m[1];
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the installed lu on a schema of the project's own", () => {
  it("lu encode, lu dump --json, lu validate, lu encode: the same octets", () => {
    run(npm, ["pack", "--silent", "--pack-destination", scratch], repo);
    const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
    run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, tarball ?? "")], scratch);
    const lu = (...args: string[]): string => run(process.execPath, [join(scratch, "node_modules/lu-codec/dist/cli/main.js"), ...args], scratch);
    expect(existsSync(join(scratch, "node_modules/.bin/lu"))).toBe(true);

    writeFileSync(join(scratch, "my.lu"), docBlock("lu"));
    writeFileSync(join(scratch, "reading.json"), docBlock("json"));
    lu("encode", "--schema", "my.lu", "reading.json", "-o", "my.bin");
    const original = readFileSync(join(scratch, "my.bin"));
    expect(original.length).toBe(28);

    writeFileSync(join(scratch, "dump.json"), lu("dump", "--schema", "my.lu", "my.bin", "--json"));
    const doc = JSON.parse(readFileSync(join(scratch, "dump.json"), "utf8")) as { kind: string; records: { name: string; fields: { values?: number[] } }[]; problems: unknown[] };
    expect(doc).toMatchObject({ kind: "slog", problems: [], records: [{ name: "READING", fields: { values: [215, -40, 7] } }, { name: "NOTE" }] });
    expect(lu("validate", "--schema", "my.lu", "my.bin")).toBe("my.bin: ok (slog, 2 records)\n");
    lu("encode", "--schema", "my.lu", "dump.json", "-o", "again.bin");
    expect(readFileSync(join(scratch, "again.bin")).equals(original)).toBe(true);

    // The example schema shipped in the package reads a WAVE file.
    const wav = Buffer.concat([Buffer.from("RIFF"), Buffer.from([36 + 4, 0, 0, 0]), Buffer.from("WAVEfmt "), Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]), Buffer.from("data"), Buffer.from([4, 0, 0, 0, 1, 0, 2, 0])]);
    writeFileSync(join(scratch, "tone.wav"), wav);
    expect(lu("validate", "--schema", "node_modules/lu-codec/examples/riff-wave.lu", "tone.wav")).toBe("tone.wav: ok (wav, 2 records)\n");
  }, 240_000);
});
