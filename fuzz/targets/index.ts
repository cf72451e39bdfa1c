/** Every fuzz target, by name (the soak runner's `--target` and the regression sidecars use it). */
import type { FuzzTarget } from "../fuzz-case.js";
import { breadcrumbTarget } from "./breadcrumb.js";
import { cliInspectTarget } from "./cli-inspect.js";
import { generatedValidateTarget } from "./generated-validate.js";
import { khoTarget } from "./kho.js";
import { memoryImageTarget } from "./memory-image.js";
import { recordStreamTarget } from "./record-stream.js";
import { restoreTarget } from "./restore.js";
import { schemaCompilerTarget } from "./schema-compiler.js";

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  recordStreamTarget,
  breadcrumbTarget,
  restoreTarget,
  schemaCompilerTarget,
  generatedValidateTarget,
  cliInspectTarget,
  khoTarget,
  memoryImageTarget,
];

export function fuzzTarget(name: string): FuzzTarget {
  const t = FUZZ_TARGETS.find((x) => x.name === name);
  if (t === undefined)
    throw new Error(`unknown fuzz target '${name}' (known: ${FUZZ_TARGETS.map((x) => x.name).join(", ")})`);
  return t;
}
