/**
 * Generated code depends on a small, fixed part of the runtime (the view interfaces, errors,
 * problems, the stream format, accessor-support and zero-extend; pointer fields add the physical-memory
 * resolver, page chains and compatible-string errors; device-tree node declarations the parsed tree
 * and the node checks; scattered-area descriptors the scattered vmap), so it runs unchanged on any ByteSource, and
 * on nothing from codegen/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ALLOWED = new Set(["accessor-support", "byte-view", "errors", "problem", "stream-format", "zero-extend", "phys-memory", "page-chain", "compatible", "fdt", "fdt-node", "scattered"]);

function generatedFiles(): string[] {
  const gen = readdirSync("generated")
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join("generated", f));
  const golden = readdirSync("test/golden", { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join("test/golden", d.name, "expected.ts"));
  return [...gen, ...golden];
}

describe("what generated code imports", () => {
  const files = generatedFiles();

  it("finds the generated files", () => {
    expect(files.some((f) => f.startsWith("generated/"))).toBe(true);
  });

  for (const file of files) {
    it(file, () => {
      const specs = [...readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?from "([^"]+)";/gms)].map((m) => m[1] ?? "");
      for (const spec of specs) {
        if (spec.startsWith("./")) continue;
        const m = /\/runtime\/([a-z-]+)\.js$/.exec(spec);
        expect(m?.[1] !== undefined && ALLOWED.has(m[1]), `${file} imports ${spec}`).toBe(true);
      }
    });
  }
});
