/**
 * From a scratch project with the packed and installed lu-codec: the installed `lu` decodes,
 * validates and re-encodes a file of a format of the project's own (the schema of docs/cli.md's
 * example), octet for octet, and the shipped examples/riff-wave.lu reads a WAVE file; the
 * installed `lu doc`, `lu fmt --check` and `lu lsp` (a protocol client: initialize, a diagnostic)
 * on that schema.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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

const main = join(scratch, "node_modules/lu-codec/dist/cli/main.js");
const lu = (...args: string[]): string => run(process.execPath, [main, ...args], scratch);

beforeAll(() => {
  run(npm, ["pack", "--silent", "--pack-destination", scratch], repo);
  const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
  if (tarball === undefined) throw new Error("npm pack made no tarball");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, tarball)], scratch);
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the installed lu on a schema of the project's own", () => {
  it("lu encode, lu dump --json, lu validate, lu encode: the same octets", () => {
    expect(existsSync(join(scratch, "node_modules/.bin/lu"))).toBe(true);

    writeFileSync(join(scratch, "my.lu"), docBlock("lu"));
    writeFileSync(join(scratch, "reading.json"), docBlock("json"));
    lu("encode", "--schema", "my.lu", "reading.json", "-o", "my.bin");
    const original = readFileSync(join(scratch, "my.bin"));
    expect(original.length).toBe(28);

    writeFileSync(join(scratch, "dump.json"), lu("dump", "--schema", "my.lu", "my.bin", "--json"));
    const doc = JSON.parse(readFileSync(join(scratch, "dump.json"), "utf8")) as {
      kind: string;
      records: { name: string; fields: { values?: number[] } }[];
      problems: unknown[];
    };
    expect(doc).toMatchObject({
      kind: "slog",
      problems: [],
      records: [{ name: "READING", fields: { values: [215, -40, 7] } }, { name: "NOTE" }],
    });
    expect(lu("validate", "--schema", "my.lu", "my.bin")).toBe("my.bin: ok (slog, 2 records)\n");
    lu("encode", "--schema", "my.lu", "dump.json", "-o", "again.bin");
    expect(readFileSync(join(scratch, "again.bin")).equals(original)).toBe(true);

    // The example schema shipped in the package reads a WAVE file.
    const wav = Buffer.concat([
      Buffer.from("RIFF"),
      Buffer.from([36 + 4, 0, 0, 0]),
      Buffer.from("WAVEfmt "),
      Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]),
      Buffer.from("data"),
      Buffer.from([4, 0, 0, 0, 1, 0, 2, 0]),
    ]);
    writeFileSync(join(scratch, "tone.wav"), wav);
    expect(lu("validate", "--schema", "node_modules/lu-codec/examples/riff-wave.lu", "tone.wav")).toBe(
      "tone.wav: ok (wav, 2 records)\n",
    );
  }, 240_000);

  it("lu doc and lu fmt --check on the user's schema", () => {
    writeFileSync(join(scratch, "sensor.lu"), docBlock("lu"));
    const md = lu("doc", "sensor.lu");
    expect(md).toContain("# sensor");
    expect(md).toContain(
      '- **File entry** `slog` (what `lu dump` reports the file as): a file is this stream when `slog_header.magic` is `"SLOG"`.',
    );
    expect(md).toContain("- **Longest body** of any record: 1024 octets (`body-too-long`).");
    expect(md).toContain("| 0 | 1 | `sensor` | u8 bits | - |");
    lu("doc", "sensor.lu", "--format", "html", "--out", "site");
    expect(readFileSync(join(scratch, "site/sensor.html"), "utf8")).toContain('<ul class="rules">');
    // The docs/cli.md example is written compactly: --check lists it, lu fmt lays it out, then
    // --check passes and the documentation (what the schema means) is the same.
    const check = spawnSync(process.execPath, [main, "fmt", "--check", "sensor.lu"], {
      cwd: scratch,
      encoding: "utf8",
    });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("not formatted: sensor.lu");
    expect(lu("fmt", "sensor.lu")).toBe("formatted sensor.lu\n");
    expect(readFileSync(join(scratch, "sensor.lu"), "utf8")).toContain(
      "  @0 sensor: u8 bits {\n    id:   0..5;\n    bank: 6..7;\n  };",
    );
    expect(lu("fmt", "--check", "sensor.lu")).toBe("1 file formatted\n");
    expect(lu("doc", "sensor.lu")).toBe(md);
  }, 60_000);

  it("lu lsp speaks the protocol over stdio: initialize, then the compiler's diagnostic for the user's schema", async () => {
    const text = docBlock("lu").replace("@2 length: u16;", "@1 length: u16;");
    const uri = pathToFileURL(join(scratch, "sensor-broken.lu")).href;
    const child = spawn(process.execPath, [main, "lsp", "--stdio"], { cwd: scratch, stdio: "pipe" });
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const published = new Promise<PublishDiagnosticsParams>((resolve) => {
      conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
        if (p.uri === uri) resolve(p);
      });
    });
    conn.listen();
    try {
      const init = (await conn.sendRequest("initialize", {
        processId: process.pid,
        rootUri: pathToFileURL(scratch).href,
        capabilities: {},
      })) as { serverInfo?: { name: string } };
      expect(init.serverInfo?.name).toBe("lu-codec");
      await conn.sendNotification("initialized", {});
      await conn.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "lu", version: 1, text },
      });
      const { diagnostics } = await published;
      expect(diagnostics[0]).toMatchObject({ code: "LU3001", source: "lu" });
      const line = text.split("\n").findIndex((l) => l.includes("@1 length"));
      expect(diagnostics[0]?.range.start.line).toBe(line);
      await conn.sendRequest("shutdown");
      await conn.sendNotification("exit");
    } finally {
      conn.dispose();
      child.kill();
    }
  }, 60_000);
});
