/**
 * Dispatch on a compatible string: a NUL-padded text field (or a device-tree property) names the
 * layout of what comes next. When no layout the schema knows matches, the error names the string
 * read and the strings known.
 */
import { LuDataError } from "./errors.js";

export class CompatibleError extends LuDataError {
  readonly path: string;
  readonly found: string;
  readonly known: readonly string[];
  constructor(path: string, found: string, known: readonly string[]) {
    super(
      "compatible",
      `${path}: unknown compatible string ${JSON.stringify(found)} (known: ${known.map((k) => JSON.stringify(k)).join(", ")})`,
    );
    this.path = path;
    this.found = found;
    this.known = known;
  }
}
