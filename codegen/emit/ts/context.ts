/**
 * What emitting one schema file needs: the program (to resolve names declared in other files),
 * the schema, and the file's import set. Names of declarations resolve through `ref`, which adds
 * the import when the declaration lives in another generated file.
 */
import type { LayoutEnum, LayoutFlags, LayoutProgram, LayoutSchema, LayoutStream, LayoutStruct } from "../../ir.js";
import { constantName, typeName } from "../../naming.js";
import { ImportSet } from "./imports.js";

export interface EmitOptions {
  /**
   * Relative import style: the directory of the runtime's sources as seen from the generated file
   * (default `../runtime`); each symbol is imported from its own module there
   * (`../runtime/byte-view.js`). Ignored when `runtimeModule` is set.
   */
  readonly runtimeDir?: string;
  /**
   * Package import style: one module specifier every runtime symbol is imported from
   * (`lu-codec/runtime`, whose index exports everything generated code uses).
   */
  readonly runtimeModule?: string;
  /**
   * The command the `@generated` header tells a reader to run to regenerate the file (default
   * `npm run gen`, this repository's script; `lu gen` and the compiler API pass their own).
   */
  readonly regenerate?: string;
}

/** The regenerate command named in headers when the caller names none (this repository's script). */
export const DEFAULT_REGENERATE = "npm run gen";

/** Base name of the generated file for a schema path: `schema/live-update.lu` → `live-update`. */
export function moduleBase(schemaFile: string): string {
  const name = schemaFile.split("/").pop() ?? schemaFile;
  return name.endsWith(".lu") ? name.slice(0, -3) : name;
}

interface Declarations {
  readonly structs: Map<string, LayoutStruct>;
  readonly enums: Map<string, LayoutEnum>;
  readonly flags: Map<string, LayoutFlags>;
  readonly streams: Map<string, LayoutStream>;
}

function declarations(program: LayoutProgram): Declarations {
  const d: Declarations = { structs: new Map(), enums: new Map(), flags: new Map(), streams: new Map() };
  for (const s of program.schemas) {
    for (const x of s.structs) d.structs.set(x.name, x);
    for (const x of s.enums) d.enums.set(x.name, x);
    for (const x of s.flags) d.flags.set(x.name, x);
    for (const x of s.streams) d.streams.set(x.name, x);
  }
  return d;
}

export class FileContext {
  readonly program: LayoutProgram;
  readonly schema: LayoutSchema;
  readonly imports = new ImportSet();
  private readonly runtimeDir: string;
  private readonly runtimeModule: string | undefined;
  private readonly decls: Declarations;

  constructor(program: LayoutProgram, schema: LayoutSchema, options: EmitOptions = {}) {
    this.program = program;
    this.schema = schema;
    this.runtimeDir = options.runtimeDir ?? "../runtime";
    this.runtimeModule = options.runtimeModule;
    this.decls = declarations(program);
  }

  /** A runtime value symbol (`runtime/<module>.ts`), imported. */
  runtime(symbol: string, module: string): string {
    return this.imports.value(symbol, this.runtimeSpecifier(module));
  }

  /** A runtime type symbol, imported as a type. */
  runtimeType(symbol: string, module: string): string {
    return this.imports.type(symbol, this.runtimeSpecifier(module));
  }

  /** Where runtime module `module` is imported from: the package entry, or its file beside the output. */
  private runtimeSpecifier(module: string): string {
    return this.runtimeModule ?? `${this.runtimeDir}/${module}.js`;
  }

  /** accessor-support.ts value symbol. */
  support(symbol: string): string {
    return this.runtime(symbol, "accessor-support");
  }

  /** The TS name of a generated symbol for declaration `decl`, imported when declared in another file. */
  ref(decl: string, symbol: string, typeOnly = false): string {
    const file = this.program.declaredIn.get(decl);
    if (file !== undefined && file !== this.schema.file) {
      const module = `./${moduleBase(file)}.js`;
      return typeOnly ? this.imports.type(symbol, module) : this.imports.value(symbol, module);
    }
    return symbol;
  }

  struct(name: string): LayoutStruct {
    const s = this.decls.structs.get(name);
    if (s === undefined) throw new Error(`internal: unknown struct '${name}'`);
    return s;
  }

  enumDecl(name: string): LayoutEnum {
    const e = this.decls.enums.get(name);
    if (e === undefined) throw new Error(`internal: unknown enum '${name}'`);
    return e;
  }

  flagsDecl(name: string): LayoutFlags {
    const f = this.decls.flags.get(name);
    if (f === undefined) throw new Error(`internal: unknown flags '${name}'`);
    return f;
  }

  stream(name: string): LayoutStream {
    const s = this.decls.streams.get(name);
    if (s === undefined) throw new Error(`internal: unknown stream '${name}'`);
    return s;
  }

  /** The class of struct `name`, imported if need be. */
  structClass(name: string): string {
    return this.ref(name, typeName(name));
  }

  /** The union type of enum or flag set `name` (`LuDomainType`). */
  valueType(name: string): string {
    return this.ref(name, typeName(name, "Type"), true);
  }

  /** The `as const` object of enum or flag set `name` (`LU_DOMAIN_TYPE`). */
  valueObject(name: string): string {
    return this.ref(name, constantName(name));
  }

  /** Generated symbol for a derived name of a declaration (e.g. `isLuDomainType`, `LU_STREAM_FORMAT`). */
  derived(decl: string, symbol: string, typeOnly = false): string {
    return this.ref(decl, symbol, typeOnly);
  }
}
