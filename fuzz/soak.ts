/**
 * `npm run fuzz [-- --seconds N | --cases N | --target NAME | --seed S]`: a long soak of the fuzz
 * targets. Prints cases per second per target; every failing case (shrunk) is saved under
 * test/fuzz/regressions/ as a fixture the normal suite replays. Exit 1 when anything failed.
 */
import { Command, InvalidArgumentError } from "commander";
import { formatReport, runTarget, type TargetReport } from "./harness.js";
import { saveRegression } from "./regressions.js";
import { FUZZ_TARGETS, fuzzTarget } from "./targets/index.js";

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${v}'`);
  return n;
}

const program = new Command("fuzz")
  .description("soak the lu-codec fuzz targets")
  .option("--seconds <n>", "time budget in seconds, split evenly between the targets", positive)
  .option("--cases <n>", "case budget per target", positive)
  .option("--target <name>", `run one target (${FUZZ_TARGETS.map((t) => t.name).join(", ")})`)
  .option("--seed <n>", "seed of the first target (the others use seed+1, seed+2, ...)", positive)
  .option("--no-save", "do not write failing cases to test/fuzz/regressions/")
  .showHelpAfterError();
program.parse();
const opts = program.opts<{
  seconds?: number;
  cases?: number;
  target?: string;
  seed?: number;
  save: boolean;
}>();

let targets;
try {
  targets = opts.target === undefined ? FUZZ_TARGETS : [fuzzTarget(opts.target)];
} catch (e) {
  console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
const seconds = opts.seconds ?? (opts.cases === undefined ? 60 : undefined);
const perTargetMs = seconds === undefined ? undefined : (seconds * 1000) / targets.length;
const seed0 = opts.seed ?? Date.now() % 2 ** 31;
console.log(
  `fuzz: ${targets.length} target(s), ${seconds === undefined ? "" : `${seconds} s`}${seconds !== undefined && opts.cases !== undefined ? " or " : ""}${opts.cases === undefined ? "" : `${opts.cases} cases each`}, seed ${seed0}`,
);

const reports: TargetReport[] = [];
targets.forEach((target, i) => {
  const report = runTarget(target, {
    seed: seed0 + i,
    ...(opts.cases === undefined ? {} : { numRuns: opts.cases }),
    ...(perTargetMs === undefined ? {} : { timeLimitMs: perTargetMs }),
  });
  reports.push(report);
  console.log(formatReport(report));
  const outcomes = Object.entries(report.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  console.log(`${"".padEnd(17)}outcomes: ${outcomes}`);
  if (report.failure !== undefined && opts.save) {
    const name = saveRegression(report.failure.counterexample, {
      target: target.name,
      params: report.failure.counterexample.params,
      found: report.failure.message,
      status: "open",
      seed: report.failure.seed,
      ...(report.failure.path === undefined ? {} : { path: report.failure.path }),
    });
    console.log(`${"".padEnd(17)}saved test/fuzz/regressions/${name}.{bin,json}`);
  }
});
const total = reports.reduce((n, r) => n + r.cases, 0);
const ms = reports.reduce((n, r) => n + r.ms, 0);
console.log(
  `fuzz: ${total} cases in ${(ms / 1000).toFixed(1)} s (${(total / (ms / 1000)).toFixed(0)} cases/s), ${reports.filter((r) => r.failure !== undefined).length} failing target(s)`,
);
process.exit(reports.some((r) => r.failure !== undefined) ? 1 : 0);
