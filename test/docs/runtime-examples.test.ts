/**
 * The ```ts examples in docs/runtime.md are programs: each is written to a scratch directory with
 * `lu-codec/runtime` and `lu-codec/generated` pointed at this checkout, type-checked under the
 * repo's strict compiler options, and run; its `assert` lines are the documented output. A doc
 * example that no longer compiles, throws or asserts something false fails here.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(new URL("../../", import.meta.url).pathname);
const DOC = "docs/runtime.md";

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

/** The example with the package's specifiers pointing at this checkout's sources. */
function localised(source: string): string {
  return source
    .replaceAll('from "lu-codec/runtime"', `from ${JSON.stringify(join(ROOT, "runtime/index.js"))}`)
    .replaceAll('from "lu-codec/generated"', `from ${JSON.stringify(join(ROOT, "generated/index.js"))}`);
}

const blocks = tsBlocks(readFileSync(join(ROOT, DOC), "utf8"));
let dir = "";
let files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lu-runtime-doc-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  files = blocks.map((b, i) => {
    const file = join(dir, `example-${i}.ts`);
    writeFileSync(file, localised(b));
    return file;
  });
  const base = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  const compilerOptions: Record<string, unknown> = {
    ...base.compilerOptions,
    noEmit: true,
    rootDir: "/",
    typeRoots: [join(ROOT, "node_modules/@types")],
  };
  delete compilerOptions["outDir"];
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files }));
});

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe(DOC, () => {
  it("has examples for every part of the runtime", () => {
    const text = blocks.join("\n");
    for (const api of [
      "ContiguousSource",
      "vmap(",
      "FileSource",
      "BufferRecordWriter",
      "RecordReader",
      "PagedRecordWriter",
      "openLiveUpdateStream",
      "bytesCopied",
      "IntegerRangeError",
      "BoundsError",
    ]) {
      expect(text, api).toContain(api);
    }
  });

  it("every example type-checks under the strict options", () => {
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")],
        { encoding: "utf8", stdio: "pipe" },
      );
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string };
      expect.fail(`tsc failed:\n${out.stdout ?? ""}${out.stderr ?? ""}`);
    }
  }, 120_000);

  it.each(blocks.map((_b, i) => i))(
    "example %i runs and its assertions hold",
    (i) => {
      const file = files[i] ?? "";
      try {
        execFileSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), file], {
          encoding: "utf8",
          stdio: "pipe",
          cwd: dir,
        });
      } catch (e) {
        const out = e as { stdout?: string; stderr?: string };
        expect.fail(`${DOC} example ${i} failed:\n${out.stderr ?? ""}${out.stdout ?? ""}`);
      }
    },
    60_000,
  );
});
