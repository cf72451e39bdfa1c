import { save } from "../liveupdate/save.js";
import { restore } from "../liveupdate/restore.js";
import { FrameTable } from "../liveupdate/frame-table.js";
import { RestorePool } from "../liveupdate/workers/restore-pool.js";
import { sharedFrameTable } from "../liveupdate/workers/restore-parallel.js";
import { DEFAULT_HOST_SPEC } from "../liveupdate/host-spec.js";
const spec = { ...DEFAULT_HOST_SPEC, extentFrames: Number(process.argv[2] ?? 512) };
const saved = save(spec, { sharedMemory: true });
const pool = await RestorePool.start({ threads: 2 });
console.log("startup", pool.startupMs);
for (let i = 0; i < 12; i++) {
  const t1 = new FrameTable(saved.frameCount);
  const a = restore(saved.memory, { bootmem: saved.bootmemStart, bootmemFrames: saved.bootmemFrames, frameTable: t1, domains: [] });
  const t2 = sharedFrameTable(saved.frameCount);
  const b = restore(saved.memory, { bootmem: saved.bootmemStart, bootmemFrames: saved.bootmemFrames, frameTable: t2, domains: [], workers: pool });
  let same = true; for (let f = 0; f < t1.owners.length; f++) if (t1.owners[f] !== t2.owners[f]) { same = false; break; }
  console.log(a.restoreMs.toFixed(1), a.passes.pass1.toFixed(1), "|", b.restoreMs.toFixed(1), b.passes.pass1.toFixed(1), b.threads, same, a.frames === b.frames);
}
await pool.close();
