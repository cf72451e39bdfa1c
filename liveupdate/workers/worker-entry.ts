/**
 * A restore pool worker: waits for jobs on the port it was given and runs its part of each (see
 * pass1-job.ts). It stays alive between restores, so a pool pays its start-up once.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { pass1Views, runPass1Part } from "./pass1-job.js";
import type { FromWorker, ToWorker } from "./protocol.js";

if (isMainThread || parentPort === null)
  throw new Error("liveupdate/workers/worker-entry is a worker thread's entry point, not a module to import");

const { port, ready } = workerData as { port: MessagePort; ready?: Int32Array };
port.on("message", (m: ToWorker) => {
  if (m.kind !== "pass1") return;
  runPass1Part(pass1Views(m.job), m.thread, (message) =>
    port.postMessage({ kind: "error", thread: m.thread, message } satisfies FromWorker),
  );
});
parentPort.postMessage({ kind: "ready" } satisfies FromWorker);
// A pool started synchronously waits on this slot instead of the message.
if (ready !== undefined) {
  Atomics.add(ready, 0, 1);
  Atomics.notify(ready, 0);
}
