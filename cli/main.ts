#!/usr/bin/env node
/**
 * `lu`: the lu-codec command line. Each command lives in its own module and registers itself here.
 * Exit codes: 0 success, 1 a diagnostic / invalid data, 2 usage or I/O error (141 when the reader of
 * stdout went away, as for a process killed by SIGPIPE).
 */
import { Command, CommanderError } from "commander";
import { register as registerRestore } from "./restore.js";
import { register as registerSave } from "./save.js";
import { register as registerCodegen } from "../codegen/cli.js";
import { packageVersion } from "./package-version.js";
import { exitQuietlyOnClosedPipe } from "./closed-pipe.js";

exitQuietlyOnClosedPipe(process.stdout);

const program = new Command();
program
  .name("lu")
  .description("Schema-driven zero-copy accessors for binary handover formats (Xen live update, libxc/libxl streams)")
  .version(packageVersion(), "-V, --version", "print the lu-codec version")
  .showHelpAfterError("(lu --help lists the commands; lu <command> --help their options)")
  .exitOverride()
  .addHelpText(
    "after",
    `
Exit codes: 0 success, 1 a schema diagnostic, invalid data or an ABI break, 2 usage or I/O error.
Run \`lu <command> --help\` for a command's options; the reference is docs/cli.md.

Examples:
  lu check schema                          diagnostics for every schema, file:line:col with a caret
  lu gen                                   regenerate the accessors lu.config.json names (--check: fail when stale)
  lu dump stream.bin --json                decode a libxc or libxl stream
  lu dump --schema my.lu my.bin --json > d.json          any file a schema describes
  lu encode --schema my.lu d.json > my.bin                ... and back, octet for octet
  lu validate host.img --image --bootmem 256
  lu restore --demo                        save the default host in memory, restore it, print MB/s
  lu abi-check --baseline                  schema/ against the recorded ABI baseline`,
  );

// Command modules (one per command family), each `register(program)`.
registerSave(program);
registerRestore(program);
registerCodegen(program);
(await import("./abi-check.js")).register(program);
(await import("./dump.js")).register(program);
(await import("./validate.js")).register(program);
(await import("./encode.js")).register(program);
(await import("../codegen/doc/command.js")).register(program);
(await import("../codegen/fmt/command.js")).register(program);
(await import("../lsp/command.js")).register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other parse failure is a usage error.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  // Commands report their own errors; anything reaching here is a bug in lu itself. Say so in
  // one line (LU_DEBUG=1 prints the stack) rather than dumping a trace on the user.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`lu: internal error: ${message}\n`);
  if (process.env["LU_DEBUG"] === "1" && err instanceof Error && err.stack !== undefined)
    process.stderr.write(`${err.stack}\n`);
  process.exit(2);
}
