/**
 * Generated `validate()` of structs with a length field (`= length of rest|input`): the field is
 * checked against the extent the flyweight was placed on (`byteLength`). The classes are the golden
 * case test/golden/length-fields (its expected.ts, type-checked by `npm run typecheck`) and the
 * classes generated from examples/riff-wave.lu, run on WAVE files written by Python's `wave` module
 * and compared with what `lu validate --schema` finds.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram, renderDiagnostics } from "../../../../codegen/compile.js";
import { generateTypeScript } from "../../../../codegen/emit/ts/generate.js";
import type { StructClass } from "../../../../runtime/accessor-support.js";
import { ContiguousSource } from "../../../../runtime/contiguous-source.js";
import { runValidate } from "../../../../cli/validate.js";
import { capture } from "../../../cli/inspect-fixtures.js";
import { FormHeader, NameBody, Tiny, Whole } from "../../../golden/length-fields/expected.js";

function isStructClass(v: unknown): v is StructClass {
  return typeof v === "function" && "SCHEMA_NAME" in v && "at" in v && typeof v.at === "function";
}

function source(bytes: Uint8Array): ContiguousSource {
  return new ContiguousSource(bytes);
}

/** A form header ("FORM", size, "TEST") followed by `after` octets, with `size` written big-endian. */
function form(size: number, after: number): Uint8Array {
  const bytes = new Uint8Array(12 + after);
  bytes.set(new TextEncoder().encode("FORM"), 0);
  new DataView(bytes.buffer).setUint32(4, size, false);
  bytes.set(new TextEncoder().encode("TEST"), 8);
  return bytes;
}

describe("validate() of a `= length of rest` field", () => {
  it("placed without a byteLength, the struct measures the rest of the source: right size is clean", () => {
    const h = FormHeader.at(source(form(4 + 20, 20)));
    expect(h.byteLength).toBe(32);
    expect(h.validate()).toEqual([]);
  });

  it("a size larger or smaller than what follows is one length-mismatch at the field, with both values", () => {
    for (const size of [4 + 21, 4 + 19, 0, 0xffff_ffff]) {
      expect(FormHeader.at(source(form(size, 20))).validate()).toEqual([
        {
          kind: "length-mismatch",
          field: "size",
          offset: 4,
          message: `'size' is ${size} (= length of rest), but 24 octets follow it`,
          expected: "24",
          actual: `${size}`,
        },
      ]);
    }
  });

  it("checks against the byteLength it was placed with, at an offset of the source, with the path prefix", () => {
    const bytes = new Uint8Array(100);
    bytes.set(form(4 + 6, 6), 30);
    const h = FormHeader.at(source(bytes), 30, 18);
    expect(h.validate()).toEqual([]);
    expect(h.validate([], "file.")).toEqual([]);
    const wide = FormHeader.at(source(bytes), 30, 19);
    expect(wide.validate([], "file.")).toEqual([
      expect.objectContaining({
        kind: "length-mismatch",
        field: "file.size",
        offset: 34,
        expected: "11",
        actual: "10",
      }),
    ]);
    // Re-pointing the same flyweight re-measures it.
    expect(wide.wrap(source(bytes), 30, 18).validate()).toEqual([]);
  });

  it("reports a wrong length next to the other problems of the struct", () => {
    const bytes = form(99, 4);
    bytes[0] = 0x58; // "XORM"
    expect(
      FormHeader.at(source(bytes))
        .validate()
        .map((p) => `${p.kind} ${p.field} @${p.offset}`),
    ).toEqual(["bad-constant id @0", "length-mismatch size @4"]);
  });

  it("a little-endian u16 length of a body with a trailing part: the text after it counts", () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setUint16(3, 9, true);
    bytes.set(new TextEncoder().encode("some text"), 5);
    const body = NameBody.at(source(bytes), 3, 11);
    expect(body.text).toBe("some text");
    expect(body.validate()).toEqual([]);
    view.setUint16(3, 10, true);
    expect(body.validate()).toEqual([
      expect.objectContaining({ kind: "length-mismatch", field: "len", offset: 3, expected: "9", actual: "10" }),
    ]);
    // The struct's default extent is the rest of the source: 13 octets after the field.
    expect(NameBody.at(source(bytes), 3).validate()).toEqual([
      expect.objectContaining({ expected: "11", actual: "10" }),
    ]);
  });
});

describe("validate() of a `= length of input` field", () => {
  it("a u64 holding the struct's whole extent, from its first octet", () => {
    const bytes = new Uint8Array(40);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(8 + 8, 32n, false);
    expect(Whole.at(source(bytes), 8).validate()).toEqual([]);
    expect(Whole.at(source(bytes), 8, 16).validate()).toEqual([
      {
        kind: "length-mismatch",
        field: "total",
        offset: 16,
        message: "'total' is 32 (= length of input), but its struct has 16 octets",
        expected: "16",
        actual: "32",
      },
    ]);
    view.setBigUint64(16, 0xffff_ffff_ffff_ffffn, false);
    expect(Whole.at(source(bytes), 8).validate()).toEqual([
      expect.objectContaining({ actual: "18446744073709551615", expected: "32" }),
    ]);
  });

  it("a u8 in a fixed-size body placed on a longer record body: the body's length is what counts", () => {
    const bytes = Uint8Array.of(3, 7, 0);
    expect(Tiny.at(source(bytes), 0, 3).validate()).toEqual([]);
    expect(Tiny.at(source(bytes), 0, 2).validate()).toEqual([
      expect.objectContaining({ kind: "length-mismatch", field: "n", expected: "2", actual: "3" }),
    ]);
    bytes[0] = 2;
    expect(Tiny.at(source(bytes), 0, 2).validate()).toEqual([]);
  });
});

describe("classes generated from examples/riff-wave.lu", () => {
  const scratch = mkdtempSync(join(resolve("test/codegen/emit/ts"), "riff-wave-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** Generates examples/riff-wave.lu into the scratch directory (runtime imported from runtime/); returns the file. */
  async function generateRiff(): Promise<string> {
    const read = (p: string): string | undefined => {
      try {
        return readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    };
    const { program, diagnostics } = compileProgram(["examples/riff-wave.lu"], read);
    if (program === null) throw new Error(renderDiagnostics(diagnostics, read));
    const files = await generateTypeScript(program, { runtimeDir: resolve("runtime") });
    const file = files.find((f) => f.path === "riff-wave.ts");
    if (file === undefined) throw new Error("no riff-wave.ts");
    const path = join(scratch, "riff-wave.ts");
    writeFileSync(path, file.text);
    return path;
  }

  async function riffClasses(): Promise<{ readonly header: StructClass; readonly fmt: StructClass }> {
    const path = await generateRiff();
    const mod: Readonly<Record<string, unknown>> = await import(pathToFileURL(path).href);
    const cls = (name: string): StructClass => {
      const c = mod[name];
      if (!isStructClass(c)) throw new Error(`no class ${name}`);
      return c;
    };
    return { header: cls("RiffHeader"), fmt: cls("WaveFmt") };
  }

  it("type-check under the repository's strict tsconfig (no clash between the symbols of its declarations)", async () => {
    const file = await generateRiff();
    const config = {
      extends: resolve("tsconfig.json"),
      compilerOptions: { noEmit: true, rootDir: resolve(".") },
      include: [file],
    };
    writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify(config));
    const tsc = spawnSync(resolve("node_modules/.bin/tsc"), ["-p", join(scratch, "tsconfig.json")], {
      encoding: "utf8",
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);

  function pythonWave(name: string): Buffer {
    const path = join(scratch, name);
    const script =
      "import sys, wave\nw = wave.open(sys.argv[1], 'wb')\nw.setnchannels(2); w.setsampwidth(2); w.setframerate(8000)\nw.writeframes(bytes(range(40)))\nw.close()";
    execFileSync("python3", ["-c", script, path]);
    return readFileSync(path);
  }

  it("the RIFF header of a file Python wrote validates clean; a wrong size is the problem lu validate reports", async () => {
    const { header, fmt } = await riffClasses();
    const bytes = pythonWave("ok.wav");
    expect(header.at(source(bytes)).validate()).toEqual([]);
    expect(fmt.at(source(bytes), 20, 16).validate()).toEqual([]);

    const long = Buffer.from(bytes);
    long.writeUInt32LE(bytes.length - 8 + 10, 4);
    const path = join(scratch, "long.wav");
    writeFileSync(path, long);
    const found = header.at(source(long)).validate();
    expect(found).toEqual([
      expect.objectContaining({
        kind: "length-mismatch",
        field: "size",
        offset: 4,
        expected: `${bytes.length - 8}`,
        actual: `${bytes.length - 8 + 10}`,
      }),
    ]);
    const cli = JSON.parse(
      capture((w, e) => runValidate(path, { schema: "examples/riff-wave.lu", json: true }, w, e)).out,
    ) as { problems: { kind: string; field: string; offset: number }[] };
    expect(cli.problems.map((p) => [p.kind, p.field, p.offset])).toEqual(found.map((p) => [p.kind, p.field, p.offset]));
  });
});
