/**
 * cli/closed-pipe.ts: `lu dump … | head` ends quietly with the SIGPIPE status, no stack trace.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { CLOSED_PIPE_EXIT, exitQuietlyOnClosedPipe } from "../../cli/closed-pipe.js";

describe("exitQuietlyOnClosedPipe", () => {
  it("exits with 141 on EPIPE", () => {
    const stream = new PassThrough();
    const codes: number[] = [];
    exitQuietlyOnClosedPipe(stream, (code) => {
      codes.push(code);
      return undefined as never;
    });
    stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    expect(codes).toEqual([CLOSED_PIPE_EXIT]);
  });

  it("rethrows any other stream error", () => {
    const stream = new PassThrough();
    exitQuietlyOnClosedPipe(stream, () => undefined as never);
    expect(() => stream.emit("error", Object.assign(new Error("disk full"), { code: "ENOSPC" }))).toThrow("disk full");
  });
});

describe("lu dump into a reader that stops early", () => {
  const dir = mkdtempSync(join(tmpdir(), "lu-pipe-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stops with the SIGPIPE status and prints no stack trace", async () => {
    const image = join(dir, "small.img");
    const save = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "save", "--small", "--out", image]);
    expect(await new Promise((done) => save.on("close", done))).toBe(0);

    // Read the first line of a long dump, then close our end of its stdout.
    const dump = spawn(process.execPath, [
      "--import",
      "tsx",
      "cli/main.ts",
      "dump",
      "--image",
      "--bootmem",
      "16",
      image,
    ]);
    let stderr = "";
    dump.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    await new Promise<void>((done) => dump.stdout.once("data", () => done()));
    dump.stdout.destroy();
    const status = await new Promise((done) => dump.on("close", (code) => done(code)));
    expect(status).toBe(CLOSED_PIPE_EXIT);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain("EPIPE");
  }, 60_000);
});
