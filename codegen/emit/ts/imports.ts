/**
 * The imports of one generated file, collected while its code is emitted: code asks for a symbol
 * and gets the name to write; `render()` prints the import statements, sorted, so output does not
 * depend on the order declarations happened to ask.
 */
export class ImportSet {
  /** module specifier → symbol → type-only */
  private readonly modules = new Map<string, Map<string, boolean>>();

  /** Records that `symbol` is imported from `module` and returns the name to write. */
  value(symbol: string, module: string): string {
    this.entry(module).set(symbol, false);
    return symbol;
  }

  /** Like `value`, for a symbol only used as a type (an `import type` unless also used as a value). */
  type(symbol: string, module: string): string {
    const symbols = this.entry(module);
    if (!symbols.has(symbol)) symbols.set(symbol, true);
    return symbol;
  }

  render(): string {
    const lines: string[] = [];
    for (const module of [...this.modules.keys()].sort(compareModules)) {
      const symbols = this.modules.get(module) ?? new Map<string, boolean>();
      const names = [...symbols.keys()].sort();
      if (names.length === 0) continue;
      const allTypes = names.every((n) => symbols.get(n) === true);
      const list = names.map((n) => (!allTypes && symbols.get(n) === true ? `type ${n}` : n)).join(", ");
      lines.push(`import ${allTypes ? "type " : ""}{ ${list} } from ${JSON.stringify(module)};`);
    }
    return lines.join("\n");
  }

  private entry(module: string): Map<string, boolean> {
    let symbols = this.modules.get(module);
    if (symbols === undefined) {
      symbols = new Map();
      this.modules.set(module, symbols);
    }
    return symbols;
  }
}

/** Runtime modules (`../runtime/…` or a package specifier) before sibling generated files (`./`), each alphabetical. */
function compareModules(a: string, b: string): number {
  const rank = (m: string): number => (m.startsWith("./") ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
