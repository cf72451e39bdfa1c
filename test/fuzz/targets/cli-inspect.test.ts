import { describe, expect, it } from "vitest";
import type { FuzzCase } from "../../../fuzz/fuzz-case.js";
import { encodeSegments, inspectSamples, layoutImage } from "../../../fuzz/inspect-samples.js";
import { checkInspectRun, runInspectCase } from "../../../fuzz/targets/cli-inspect.js";
import { runBudget } from "../budget.js";

const COMMANDS = ["dump", "dump-json", "validate", "validate-json"];

function imageCase(stream: Uint8Array, command: string, tailFill: number): FuzzCase {
  const laid = layoutImage(stream, { pageSize: 512, bootmem: 1, placementSeed: 9, tailFill, spareFrames: 2 });
  return { data: laid.image, params: { kind: "image", command, pageSize: 512, bootmem: 1 } };
}

/** Runs the case once, holds it to the target's invariants (they throw) and returns the exit code. */
function judged(c: FuzzCase): number {
  const run = runInspectCase(c);
  checkInspectRun(c, run);
  return run.code;
}

describe("fuzz target cli-inspect", () => {
  const samples = inspectSamples();

  it("the unmutated samples are clean for every command (exit 0)", () => {
    for (const command of COMMANDS) {
      expect(judged({ data: encodeSegments(samples.libxc), params: { kind: "libxc", command, pristine: true } })).toBe(
        0,
      );
      expect(judged({ data: encodeSegments(samples.libxl), params: { kind: "libxl", command, pristine: true } })).toBe(
        0,
      );
      expect(judged({ ...imageCase(encodeSegments(samples.image), command, 0) })).toBe(0);
    }
  });

  it("every truncation of the libxl stream and of the live update stream is a located problem (exit 1)", () => {
    // libxl: header, libxl records, the libxc stream in line, libxl records again. Inside the
    // 8 KiB of page data every cut meets the same check, so there only every 97th length is cut.
    const libxl = encodeSegments(samples.libxl);
    const lengths: number[] = [];
    for (let n = 0; n < libxl.length; n++) if (n < 400 || n > libxl.length - 1600 || n % 97 === 0) lengths.push(n);
    for (const n of lengths) {
      const code = judged({
        data: libxl.slice(0, n),
        params: { kind: "libxl", command: n % 2 === 0 ? "validate-json" : "dump" },
      });
      expect(code, `libxl cut at ${n}`).toBe(1);
    }
    // the live update stream in an image: every length (the rest of the last page is 0xAA, not
    // zeros, which would read as an END record)
    const lu = encodeSegments(samples.image);
    for (let n = 0; n < lu.length; n++) {
      const code = judged(imageCase(lu.slice(0, n), n % 2 === 0 ? "validate" : "dump-json", 0xaa));
      expect(code, `live update stream cut at ${n}`).toBe(1);
    }
    console.log(
      `cut the libxl stream at ${lengths.length} lengths of ${libxl.length}, the live update stream at all ${lu.length}`,
    );
  }, 60_000);

  it("keeps every invariant on 2500 cases (fixed seed)", () => {
    runBudget("cli-inspect", 2500, 0x1c0dec);
  }, 60_000);
});
