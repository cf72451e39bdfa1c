/**
 * Regression fixtures: a failing case saved as `<target>-<hash>.bin` (the input bytes) and
 * `<target>-<hash>.json` (target name, parameters, what went wrong, how it was found, and whether
 * the bug is fixed). The normal suite replays every fixture; an `open` one documents a known bug
 * and is expected to fail until it is fixed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FuzzCase, Params } from "./fuzz-case.js";

export const REGRESSIONS_DIR = new URL("../test/fuzz/regressions/", import.meta.url).pathname;

export interface RegressionSidecar {
  readonly target: string;
  readonly params: Params;
  /** The violation the case caused when it was found. */
  readonly found: string;
  /** `fixed`: must pass now. `open`: a known bug, expected to fail (see `note`). */
  readonly status: "fixed" | "open";
  readonly note?: string;
  readonly seed?: number;
  readonly path?: string;
}

export interface Regression {
  readonly name: string;
  readonly sidecar: RegressionSidecar;
  readonly case: FuzzCase;
}

/** Saves a case; returns the base name. Same case → same name, so re-finding a bug does not duplicate it. */
export function saveRegression(c: FuzzCase, sidecar: RegressionSidecar, dir: string = REGRESSIONS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const hash = createHash("sha256").update(c.data).update(JSON.stringify(c.params)).digest("hex").slice(0, 12);
  const name = `${sidecar.target}-${hash}`;
  writeFileSync(join(dir, `${name}.bin`), c.data);
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(sidecar, null, 2)}\n`);
  return name;
}

export function loadRegressions(dir: string = REGRESSIONS_DIR): Regression[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((file) => {
    const name = file.slice(0, -".json".length);
    const sidecar = JSON.parse(readFileSync(join(dir, file), "utf8")) as RegressionSidecar;
    const data = new Uint8Array(readFileSync(join(dir, `${name}.bin`)));
    return { name, sidecar, case: { data, params: sidecar.params } };
  });
}
