/**
 * test/liveupdate/restore.test.ts and damaged-handover.test.ts again, every restore also run over a
 * pool of 2 threads and compared with the single-thread run (same-as-single-thread.ts).
 */
import { expect, it, vi } from "vitest";
import { parallelRuns } from "./same-as-single-thread.js";

vi.mock("../../../liveupdate/restore.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../liveupdate/restore.js")>();
  const { sameAsSingleThread } = await import("./same-as-single-thread.js");
  return { ...real, restore: await sameAsSingleThread(real.restore, 2) };
});

await import("../restore.test.js");
await import("../damaged-handover.test.js");

it("ran the restores over the pool", () => {
  expect(parallelRuns.count).toBeGreaterThan(5);
});
