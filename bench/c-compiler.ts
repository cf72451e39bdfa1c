/** The C compiler the benchmarks build their native lines with, if the machine has one. */
import { spawnSync } from "node:child_process";

/** `gcc`, `cc` or `clang`, the first that runs; undefined when none does. */
export function haveCompiler(): string | undefined {
  for (const cc of ["gcc", "cc", "clang"]) {
    if (spawnSync(cc, ["--version"], { stdio: "ignore" }).status === 0) return cc;
  }
  return undefined;
}
