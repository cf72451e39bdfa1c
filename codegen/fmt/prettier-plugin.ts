/**
 * A prettier plugin for `.lu` files on top of `lu fmt`: `prettier --plugin <this file> schema/x.lu`
 * or `"plugins"` in a prettier config. The whole file is one node whose printed form is what
 * `formatLu` returns; a file that does not parse is a prettier syntax error with the compiler's
 * diagnostic.
 */
import type { Parser, Plugin, Printer } from "prettier";
import { renderDiagnostics } from "../diagnostics.js";
import { formatLu } from "./format.js";

interface LuRoot {
  readonly kind: "lu-root";
  readonly formatted: string;
  readonly end: number;
}

const parser: Parser<LuRoot> = {
  astFormat: "lu",
  parse(text, options) {
    const file = typeof options.filepath === "string" ? options.filepath : "input.lu";
    const result = formatLu(file, text);
    if (!result.ok) {
      const detail = result.diagnostics.length > 0 ? renderDiagnostics(result.diagnostics, () => text) : result.reason;
      throw new SyntaxError(detail);
    }
    return { kind: "lu-root", formatted: result.text, end: text.length };
  },
  locStart: () => 0,
  locEnd: (node) => node.end,
};

const printer: Printer<LuRoot> = {
  print: (path) => path.node.formatted,
};

export const luPrettierPlugin: Plugin<LuRoot> = {
  languages: [{ name: "lu", parsers: ["lu"], extensions: [".lu"] }],
  parsers: { lu: parser },
  printers: { lu: printer },
};

export default luPrettierPlugin;
