/**
 * A pool of worker_threads for parallel restores, started once and kept warm: starting a worker
 * costs tens of milliseconds (a new V8 isolate, the modules loaded again), far more than pass 1 of
 * a whole host, so a hypervisor (or `lu restore --repeat`, or the benchmark) starts the pool before
 * the downtime and hands it to every `restore()`.
 *
 * `threads` counts the threads that claim frames: the calling thread takes part, so a pool of
 * `threads` has `threads - 1` workers, and `threads: 1` is the single-thread restore. A restore
 * with a pool stays synchronous: the calling thread posts the job, does its share, and waits for
 * the others with Atomics.wait (allowed on Node's main thread).
 */
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { pass1Views, runPass1Part, waitFor } from "./pass1-job.js";
import { CONTROL, CONTROL_SLOTS, type FromWorker, type Pass1Job, type ToWorker } from "./protocol.js";

/** A pass 1 job the workers have (RestorePool.beginPass1). */
export interface Pass1InFlight {
  /** The job's control block (slots: protocol.ts CONTROL). */
  readonly control: Int32Array;
  /** Runs the calling thread's part and waits for every worker; the message of one that threw. */
  finish(): { readonly error: string | undefined };
}

export interface RestorePoolOptions {
  /** Threads that claim frames, the calling thread included. Default: the machine's cores. */
  readonly threads?: number;
}

/** The machine's cores, as Node counts them (`os.availableParallelism()`). */
export function defaultThreads(): number {
  return availableParallelism();
}

export class RestorePool {
  /** Threads taking part in a restore: the calling thread and `threads - 1` workers. */
  readonly threads: number;
  /** Milliseconds it took to start the workers and see each one ready. */
  readonly startupMs: number;
  private readonly workers: readonly Worker[];
  private readonly ports: readonly MessagePort[];
  /** The control block, reused by every job (reset before each). */
  readonly control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
  private closed = false;

  private constructor(threads: number, workers: Worker[], ports: MessagePort[], startupMs: number) {
    this.threads = threads;
    this.workers = workers;
    this.ports = ports;
    this.startupMs = startupMs;
  }

  /** Starts `threads - 1` workers and resolves once every one is ready. */
  static async start(options: RestorePoolOptions = {}): Promise<RestorePool> {
    const threads = checkThreads(options.threads ?? defaultThreads());
    const t0 = performance.now();
    const entry = workerEntry();
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 1; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(entry.code, { eval: entry.eval, workerData: { port: port2 }, transferList: [port2] });
      workers.push(worker);
      ports.push(port1);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once("message", (m: FromWorker) =>
            m.kind === "ready" ? resolve() : reject(new Error(`restore pool worker ${i}: unexpected first message`)),
          );
          worker.once("error", reject);
          worker.once("exit", (code) =>
            reject(new Error(`restore pool worker ${i} exited with code ${code} while starting`)),
          );
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    for (const w of workers) {
      w.removeAllListeners();
      // An idle pool does not keep the process alive; close() ends it properly.
      w.unref();
    }
    return new RestorePool(threads, workers, ports, performance.now() - t0);
  }

  /**
   * Starts the pool without returning to the event loop: for synchronous callers (a fuzz target).
   * Each worker also counts itself ready in a shared slot, which this thread waits on (a worker
   * that fails to start is an error after `PATIENCE_MS`, never a hang).
   */
  static startSync(options: RestorePoolOptions = {}): RestorePool {
    const threads = checkThreads(options.threads ?? defaultThreads());
    const t0 = performance.now();
    const entry = workerEntry();
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    for (let i = 1; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      workers.push(
        new Worker(entry.code, { eval: entry.eval, workerData: { port: port2, ready }, transferList: [port2] }),
      );
      ports.push(port1);
    }
    try {
      waitFor(ready, 0, threads - 1);
    } catch (e) {
      for (const w of workers) void w.terminate();
      throw e;
    }
    for (const w of workers) w.unref();
    return new RestorePool(threads, workers, ports, performance.now() - t0);
  }

  /**
   * Starts one pass 1 job: the workers get it now and start counting the frame table, while the
   * calling thread goes on (building the run table: it writes `CONTROL.runCount` and
   * `CONTROL.runsPerTask`, or sets `CONTROL.failed` to call the job off) and then calls
   * `finish()` on what this returns, which runs its own part (thread 0) and waits for the others.
   * `finish()` must be called once, whatever happens in between: the workers wait for it.
   */
  beginPass1(job: Omit<Pass1Job, "control" | "threads">): Pass1InFlight {
    if (this.closed) throw new Error("restore pool is closed");
    const control = new Int32Array(this.control);
    control.fill(0);
    const full: Pass1Job = { ...job, control: this.control, threads: this.threads };
    this.ports.forEach((port, i) => port.postMessage({ kind: "pass1", thread: i + 1, job: full } satisfies ToWorker));
    let finished = false;
    return {
      control,
      finish: () => {
        if (finished) throw new Error("pass 1 job finished twice");
        finished = true;
        let error = runPass1Part(pass1Views(full), 0);
        waitFor(control, CONTROL.finished, this.threads);
        if (Atomics.load(control, CONTROL.error) !== 0) {
          for (const port of this.ports) {
            for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
              const msg = m.message as FromWorker;
              if (msg.kind === "error") error ??= `worker ${msg.thread}: ${msg.message}`;
            }
          }
          error ??= "a restore pool worker failed";
        }
        return { error };
      },
    };
  }

  /** Whether `close()` was called (a closed pool refuses jobs). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.ports) p.close();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function checkThreads(threads: number): number {
  if (!(Number.isSafeInteger(threads) && threads >= 1 && threads <= 1024)) {
    throw new RangeError(`restore pool threads must be an integer from 1 to 1024, got ${threads}`);
  }
  return threads;
}

/**
 * The worker's entry next to this module: the compiled `.js` in dist/, or, when running from a
 * checkout (under tsx or vitest), the `.ts` source, which the worker can only load with tsx's
 * loader registered inside it first (Node 20 does not apply an inherited `--import tsx` to a
 * worker's entry): a two-line bootstrap that registers it, then imports the entry.
 */
function workerEntry(): { readonly code: string | URL; readonly eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { code: new URL("./worker-entry.js", here), eval: false };
  const entry = new URL("./worker-entry.ts", here).href;
  const tsxDir = dirname(createRequire(here).resolve("tsx/package.json"));
  const api = pathToFileURL(join(tsxDir, "dist", "esm", "api", "index.mjs")).href;
  return {
    code: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}
