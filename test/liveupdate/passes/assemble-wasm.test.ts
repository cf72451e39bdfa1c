import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EMBED_PATH, expectedEmbedding } from "../../../liveupdate/passes/assemble-wasm.js";

describe("claim-frames-wasm.ts", () => {
  it("is what `npm run gen:wasm` makes of claim-frames.wat (run it when this fails)", async () => {
    expect(readFileSync(EMBED_PATH, "utf8")).toBe(await expectedEmbedding());
  });
});
