/** `lu lsp`: registers the command that runs the language server on stdin/stdout. */
import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("lsp")
    .description(
      "run the .lu language server (LSP over stdio): diagnostics, hover, definition, completion, formatting, symbols",
    )
    .option("--stdio", "talk LSP over stdin/stdout (the default; accepted for editors that pass it)")
    .action(async () => {
      const { startServer } = await import("./server.js");
      startServer();
      // The connection ends the process when the client sends `exit`.
      await new Promise<never>(() => {});
    });
}
