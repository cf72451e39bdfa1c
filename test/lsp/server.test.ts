/**
 * The language server end to end: `lu lsp` as a child process, a client speaking the protocol
 * (vscode-languageserver-protocol over the child's stdio) on a user's schema that imports another.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProgram, normalisePath } from "../../codegen/compile.js";
import { formatLu } from "../../codegen/fmt/format.js";

const dir = mkdtempSync(join(tmpdir(), "lu-lsp-"));
const common = join(dir, "common.lu");
const main = join(dir, "main.lu");
const COMMON = "endian little;\n\n/// Shared header.\nstruct hdr size 4 {\n  @0 kind: u16;\n  @2 len: u16;\n}\n";
const MAIN = `endian little;
import "common.lu";

enum color : u8 { red = 1, green = 2 }

/// A packet.
struct packet size 16 {
  @0 head: hdr;
  @4 tint: color;
  @5 _pad: pad[3];
  @8 stamp: u64be;
}
`;
const rules = join(dir, "rules.lu");
const RULES = `endian little;
import "common.lu";

struct body size 16 load zero_extend from 8 {
  @0 a:    u32;
  @4 b:    u32;
  @8 next: u64 -> body;
}

stream log {
  header hdr (kind, len);
  end of input;
  first OPEN;
  order OPEN before DATA;
  record OPEN = 1;
  record DATA = "DA" : body;
}
`;
writeFileSync(rules, RULES);
const rulesUri = pathToFileURL(rules).href;
writeFileSync(common, COMMON);
writeFileSync(main, MAIN);
const mainUri = pathToFileURL(main).href;
const commonUri = pathToFileURL(common).href;

let child: ChildProcessWithoutNullStreams;
let conn: ProtocolConnection;
const published = new Map<string, PublishDiagnosticsParams[]>();
const waiters: (() => void)[] = [];

function nextDiagnostics(uri: string, count: number): Promise<Diagnostic[]> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const list = published.get(uri) ?? [];
      if (list.length >= count) {
        resolve(list[count - 1]?.diagnostics ?? []);
        return true;
      }
      return false;
    };
    // Every open document is re-published on each change: wait past the other documents' ones.
    const wait = (): void => {
      if (!check()) waiters.push(wait);
    };
    wait();
  });
}

beforeAll(async () => {
  child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "lsp", "--stdio"], { stdio: "pipe" });
  conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
    for (const w of waiters.splice(0)) w();
  });
  conn.listen();
  const init = await conn.sendRequest("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
  });
  expect(init).toMatchObject({
    capabilities: {
      hoverProvider: true,
      definitionProvider: true,
      documentFormattingProvider: true,
      documentSymbolProvider: true,
    },
  });
  await conn.sendNotification("initialized", {});
  await conn.sendNotification("textDocument/didOpen", {
    textDocument: { uri: mainUri, languageId: "lu", version: 1, text: MAIN },
  });
});

afterAll(async () => {
  await conn.sendRequest("shutdown");
  await conn.sendNotification("exit");
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.on("exit", () => resolve());
  });
  conn.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const position = (text: string, needle: string, delta = 0): { line: number; character: number } => {
  const at = text.indexOf(needle) + delta;
  const before = text.slice(0, at).split("\n");
  return { line: before.length - 1, character: (before[before.length - 1] ?? "").length };
};

describe("lu lsp", () => {
  it("publishes no diagnostics for a clean schema", async () => {
    expect(await nextDiagnostics(mainUri, 1)).toEqual([]);
  });

  it("publishes the compiler's diagnostics as the user types: same code and range", async () => {
    const broken = MAIN.replace("@4 tint: color;", "@2 tint: color;");
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 2 },
      contentChanges: [{ text: broken }],
    });
    const diags = await nextDiagnostics(mainUri, 2);
    const compiled = compileProgram([normalisePath(main)], (p) =>
      p === normalisePath(main) ? broken : p === normalisePath(common) ? COMMON : undefined,
    );
    const expected = compiled.diagnostics.filter((d) => d.span.file === normalisePath(main));
    expect(expected.length).toBeGreaterThan(0);
    expect(diags.map((d) => d.code)).toEqual(expected.map((d) => d.code));
    expect(diags[0]?.code).toBe("LU3001");
    const first = expected[0];
    if (first === undefined) throw new Error("no diagnostic");
    expect(diags[0]?.range.start).toEqual({ line: first.span.line - 1, character: first.span.col - 1 });
    const spanText = broken.slice(first.span.start, first.span.end);
    expect(spanText.length).toBeGreaterThan(0);
    expect(diags[0]?.range.end.character).toBe((diags[0]?.range.start.character ?? 0) + spanText.length);
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 3 },
      contentChanges: [{ text: MAIN }],
    });
    expect(await nextDiagnostics(mainUri, 3)).toEqual([]);
  });

  it("hovers a field with its resolved offset, size, alignment, byte order and an octet diagram", async () => {
    const h = (await conn.sendRequest("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: position(MAIN, "stamp"),
    })) as Hover;
    const value = typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
    expect(value).toContain("**stamp**: `u64` in struct `packet`");
    expect(value).toContain("offset 8 (0x8), size 8, align 8, big-endian");
    expect(value).toContain("    | head                  | tint| (padding)         |");
    expect(value).toContain("    | stamp                                           |");
  });

  it("hovers a type name with its declaration, also when imported", async () => {
    const h = (await conn.sendRequest("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: position(MAIN, "hdr;", 1),
    })) as Hover;
    const value = typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
    expect(value).toContain("**struct hdr**");
    expect(value).toContain("size 4, align 2, little-endian");
    expect(value).toContain("| kind      | len       |");
  });

  it("goes to the definition of a type across an import, and of a local enum", async () => {
    const loc = (await conn.sendRequest("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: position(MAIN, "hdr;"),
    })) as Location;
    expect(loc.uri).toBe(commonUri);
    expect(loc.range).toEqual({ start: { line: 3, character: 7 }, end: { line: 3, character: 10 } });
    const local = (await conn.sendRequest("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: position(MAIN, "color;"),
    })) as Location;
    expect(local.uri).toBe(mainUri);
    expect(local.range.start).toEqual({ line: 3, character: 5 });
    const imp = (await conn.sendRequest("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: position(MAIN, "common.lu"),
    })) as Location;
    expect(imp.uri).toBe(commonUri);
  });

  it("completes the next free offset on a new field line and type names after a colon", async () => {
    const typed = MAIN.replace("  @8 stamp: u64be;\n", "  @8 stamp: u64be;\n  @\n");
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 4 },
      contentChanges: [{ text: typed }],
    });
    await nextDiagnostics(mainUri, 4);
    const at = position(typed, "  @\n", 3);
    const offsets = (await conn.sendRequest("textDocument/completion", {
      textDocument: { uri: mainUri },
      position: at,
    })) as CompletionItem[];
    expect(offsets[0]).toMatchObject({ label: "@16", detail: "next free offset", insertText: "16" });
    const typed2 = MAIN.replace("@8 stamp: u64be;", "@8 stamp: ");
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 5 },
      contentChanges: [{ text: typed2 }],
    });
    await nextDiagnostics(mainUri, 5);
    const types = (await conn.sendRequest("textDocument/completion", {
      textDocument: { uri: mainUri },
      position: position(typed2, "stamp: ", 7),
    })) as CompletionItem[];
    const labels = types.map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(["u64", "u64be", "u32le", "hdr", "color", "packet", "pad"]));
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 6 },
      contentChanges: [{ text: MAIN }],
    });
    await nextDiagnostics(mainUri, 6);
  });

  it("completes a length field after a field's =: length, of, then rest and input", async () => {
    const offered = async (version: number, value: string): Promise<string[]> => {
      const typed = MAIN.replace("@8 stamp: u64be;", `@8 stamp: u64be = ${value}`);
      await conn.sendNotification("textDocument/didChange", {
        textDocument: { uri: mainUri, version },
        contentChanges: [{ text: typed }],
      });
      await nextDiagnostics(mainUri, version);
      const items = (await conn.sendRequest("textDocument/completion", {
        textDocument: { uri: mainUri },
        position: position(typed, `u64be = ${value}`, 8 + value.length),
      })) as CompletionItem[];
      return items.map((c) => c.label);
    };
    expect(await offered(7, "")).toEqual(["length"]);
    expect(await offered(8, "length ")).toEqual(["of"]);
    expect(await offered(9, "length of ")).toEqual(["rest", "input"]);
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 10 },
      contentChanges: [{ text: MAIN }],
    });
    await nextDiagnostics(mainUri, 10);
  });

  it("formats the document with lu fmt", async () => {
    const edits = (await conn.sendRequest("textDocument/formatting", {
      textDocument: { uri: mainUri },
      options: { tabSize: 2, insertSpaces: true },
    })) as TextEdit[];
    const expected = formatLu(main, MAIN);
    expect(expected.ok && expected.changed).toBe(true);
    expect(edits).toHaveLength(1);
    expect(edits[0]?.newText).toBe(expected.ok ? expected.text : "");
    expect(edits[0]?.newText).toContain("  @0 head:  hdr;\n  @4 tint:  color;");
  });

  it("knows stream rules, character codes, load rules and pointers: definition, hover, completion", async () => {
    await conn.sendNotification("textDocument/didOpen", {
      textDocument: { uri: rulesUri, languageId: "lu", version: 1, text: RULES },
    });
    expect(await nextDiagnostics(rulesUri, 1)).toEqual([]);
    const loc = (await conn.sendRequest("textDocument/definition", {
      textDocument: { uri: rulesUri },
      position: position(RULES, "DATA;"),
    })) as Location;
    expect(loc).toEqual({
      uri: rulesUri,
      range: { start: position(RULES, "DATA = "), end: position(RULES, "DATA = ", 4) },
    });
    const field = (await conn.sendRequest("textDocument/definition", {
      textDocument: { uri: rulesUri },
      position: position(RULES, "len)"),
    })) as Location;
    expect(field.uri).toBe(commonUri);
    expect(field.range.start).toEqual(position(COMMON, "len: u16"));
    const h = (await conn.sendRequest("textDocument/hover", {
      textDocument: { uri: rulesUri },
      position: position(RULES, "DATA;"),
    })) as Hover;
    expect(typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "").toBe(
      '**record DATA** = `0x4144` "DA" : `body` in stream `log`',
    );
    const pointer = (await conn.sendRequest("textDocument/definition", {
      textDocument: { uri: rulesUri },
      position: position(RULES, "body;"),
    })) as Location;
    expect(pointer.range.start).toEqual(position(RULES, "body size"));
    const typed = RULES.replace("  first OPEN;\n", "  first \n  first OPEN;\n");
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: rulesUri, version: 2 },
      contentChanges: [{ text: typed }],
    });
    await nextDiagnostics(rulesUri, 2);
    const items = (await conn.sendRequest("textDocument/completion", {
      textDocument: { uri: rulesUri },
      position: position(typed, "first \n", 6),
    })) as CompletionItem[];
    expect(items.map((c) => c.label)).toEqual(["OPEN", "DATA"]);
    await conn.sendNotification("textDocument/didClose", { textDocument: { uri: rulesUri } });
  });

  it("lists the document's symbols: declarations with their fields and members", async () => {
    const symbols = (await conn.sendRequest("textDocument/documentSymbol", {
      textDocument: { uri: mainUri },
    })) as DocumentSymbol[];
    expect(symbols.map((s) => s.name)).toEqual(["color", "packet"]);
    expect(symbols[1]?.children?.map((c) => c.name)).toEqual(["head", "tint", "_pad", "stamp"]);
    expect(symbols[0]?.children?.map((c) => c.name)).toEqual(["red", "green"]);
  });
});
