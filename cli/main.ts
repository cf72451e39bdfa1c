#!/usr/bin/env node
/**
 * `lu`: the lu-codec command line. Each command lives in its own module and registers itself here.
 * Exit codes: 0 success, 1 a diagnostic / invalid data, 2 usage or I/O error.
 */
import { Command, CommanderError } from "commander";
import { register as registerRestore } from "./restore.js";
import { register as registerSave } from "./save.js";
import { register as registerCodegen } from "../codegen/cli.js";

const program = new Command();
program
  .name("lu")
  .description("Schema-driven zero-copy accessors for binary handover formats (Xen live update, libxc/libxl streams)")
  .showHelpAfterError()
  .exitOverride();

// Command modules (one per command family), each `register(program)`.
registerSave(program);
registerRestore(program);
registerCodegen(program);
(await import("./abi-check.js")).register(program);
(await import("./dump.js")).register(program);
(await import("./validate.js")).register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other parse failure is a usage error.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  throw err;
}
