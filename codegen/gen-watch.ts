/**
 * `lu gen --watch`: run generation once, then again whenever a schema file (or the config) changes.
 * Watches the directories holding the files the last run read (node's fs.watch: inotify on Linux,
 * FSEvents on macOS), so a file that an edit adds to the program's imports is watched from the
 * next run on. Changes are debounced: an editor's save (write, rename, chmod) triggers one run.
 */
import { type FSWatcher, watch } from "node:fs";
import { dirname, resolve } from "node:path";

export interface WatchOptions {
  /** Stops watching; the returned promise then resolves. */
  readonly signal: AbortSignal;
  /** Quiet time after the last change before regenerating (default 100 ms). */
  readonly debounceMs?: number;
  /** Where progress lines go (default stderr). */
  readonly log?: (line: string) => void;
}

/**
 * `run` generates once and returns the paths it read (schema files, schema directories, the
 * config); they decide what is watched next. A run that throws is reported and watching goes on.
 */
export async function watchAndRegenerate(run: () => Promise<readonly string[]>, options: WatchOptions): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const debounceMs = options.debounceMs ?? 100;
  const watchers = new Map<string, FSWatcher>();
  let watchedNames = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;

  const rewatch = (paths: readonly string[]): void => {
    const dirs = new Set<string>();
    const names = new Set<string>();
    for (const p of paths) {
      const abs = resolve(p);
      names.add(abs);
      dirs.add(p.endsWith(".lu") || p.endsWith(".json") ? dirname(abs) : abs);
    }
    watchedNames = names;
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, (_event, name) => {
          if (name === null) return schedule();
          const file = resolve(dir, name);
          if (file.endsWith(".lu") || watchedNames.has(file)) schedule();
        });
        w.on("error", () => undefined);
        watchers.set(dir, w);
      } catch {
        log(`lu gen --watch: cannot watch ${dir}`);
      }
    }
  };

  const once = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          rewatch(await run());
        } catch (e) {
          log(`lu gen: ${e instanceof Error ? e.message : String(e)}`);
        }
      } while (again && !options.signal.aborted);
    } finally {
      running = false;
    }
    if (!options.signal.aborted)
      log(
        `watching ${watchers.size === 1 ? "1 directory" : `${watchers.size} directories`} for schema changes (Ctrl-C stops)`,
      );
  };

  function schedule(): void {
    if (options.signal.aborted) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void once();
    }, debounceMs);
  }

  await once();
  if (options.signal.aborted) return;
  await new Promise<void>((done) => options.signal.addEventListener("abort", () => done(), { once: true }));
  if (timer !== undefined) clearTimeout(timer);
  for (const w of watchers.values()) w.close();
  watchers.clear();
}
