/**
 * Runs a restore both ways: the JavaScript claim loop on the memory as given, and the WebAssembly
 * loop on a twin of that memory and a frame table in a `WasmArena`, and checks the two agree
 * exactly: the same result (domains, frames, counts) and the same final table, or the same error
 * (problem, stage, message, location) with the table left as it was. Returns the JavaScript run's
 * outcome, so a test written for one path checks both.
 */
import { expect } from "vitest";
import { FrameTable } from "../../liveupdate/frame-table.js";
import { restore, type RestoreOptions } from "../../liveupdate/restore.js";
import type { RestoreResult } from "../../liveupdate/restore-result.js";
import { MachineMemory, type FrameRange } from "../../runtime/machine-memory.js";
import { WasmArena } from "../../runtime/wasm-arena.js";

let arena: WasmArena | undefined;

/** One arena for the test file (each holds a reservation of address space; twins are small). */
export function testArena(): WasmArena {
  arena ??= new WasmArena();
  return arena;
}

/** The same machine (frames, reserved regions, holes, bytes) with its backing store in the arena. */
export function arenaTwin(memory: MachineMemory): MachineMemory {
  const absent: FrameRange[] = [];
  if (memory.hasAbsent) {
    for (let f = 0; f < memory.frameCount; f++) {
      if (memory.isPresent(f)) continue;
      const last = absent[absent.length - 1];
      if (last !== undefined && last.start + last.count === f)
        absent[absent.length - 1] = { start: last.start, count: last.count + 1 };
      else absent.push({ start: f, count: 1 });
    }
  }
  const twin = new MachineMemory({
    pageSize: memory.pageSize,
    frameCount: memory.frameCount,
    reserved: memory.reserved,
    absent,
    chunkBytes: 256 * 1024,
    arena: testArena(),
  });
  for (const mfn of memory.backedFrames()) twin.frame(mfn).set(memory.frame(mfn));
  return twin;
}

type Outcome = { readonly result: RestoreResult } | { readonly error: unknown };

function run(memory: MachineMemory, options: RestoreOptions): Outcome {
  try {
    return { result: restore(memory, options) };
  } catch (error) {
    return { error };
  }
}

/** The parts of an outcome both paths must agree on (not timings, not the path). */
function comparable(o: Outcome): unknown {
  if ("error" in o) {
    const e = o.error as { name?: unknown; message?: unknown; problem?: unknown; stage?: unknown; where?: unknown };
    return { error: { name: e.name, message: e.message, problem: e.problem, stage: e.stage, where: e.where } };
  }
  const { passes: _passes, restoreMs: _ms, claimPath: _path, domains, ...rest } = o.result;
  // A domain without its `source` (the stream it lives in: a different memory for each path).
  return { ...rest, domains: domains.map(({ source: _source, ...d }) => ({ ...d, params: [...d.params] })) };
}

/**
 * `restore(memory, options)` with the JavaScript loop, then on the arena twin with the
 * WebAssembly loop (the caller's table copied into the arena, its domain list copied): both must
 * agree. Throws what the JavaScript run threw; returns its result.
 */
export function restoreBothPaths(memory: MachineMemory, options: RestoreOptions): RestoreResult {
  const twinTable = new FrameTable(options.frameTable.frameCount, { arena: testArena() });
  twinTable.owners.set(options.frameTable.owners);
  const twinDomains = [...options.domains];
  const js = run(memory, { ...options, wasm: false });
  const twin = arenaTwin(memory);
  const wasm = run(twin, { ...options, frameTable: twinTable, domains: twinDomains, wasm: true });
  try {
    expect(comparable(wasm)).toEqual(comparable(js));
    expect(
      Buffer.from(twinTable.owners.buffer, twinTable.owners.byteOffset, twinTable.owners.byteLength).equals(
        Buffer.from(
          options.frameTable.owners.buffer,
          options.frameTable.owners.byteOffset,
          options.frameTable.owners.byteLength,
        ),
      ),
    ).toBe(true);
    expect(twinDomains.length).toBe(options.domains.length);
    if ("result" in js) {
      expect(js.result.claimPath).toBe("js");
      expect("result" in wasm && wasm.result.claimPath).toBe("wasm");
    }
  } finally {
    twinTable.free();
  }
  if ("error" in js) throw js.error;
  return js.result;
}
