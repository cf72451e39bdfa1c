/**
 * The few parts of the WebAssembly JavaScript API the runtime uses, typed here: the TypeScript
 * libraries the package compiles with (ES2022 and Node's types) do not declare `WebAssembly`, and
 * the published declarations must not need the DOM library either.
 */

export interface WasmMemory {
  /** The memory's bytes (a SharedArrayBuffer for a shared memory; a new object after a grow). */
  readonly buffer: ArrayBufferLike;
  /** Adds `pages` 64 KiB pages; returns the previous size in pages. */
  grow(pages: number): number;
}

export interface WasmMemoryDescriptor {
  readonly initial: number;
  readonly maximum?: number;
  readonly shared?: boolean;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

interface WasmApi {
  readonly Memory: new (descriptor: WasmMemoryDescriptor) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (
    module: object,
    imports: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  ) => WasmInstance;
}

/** The host's WebAssembly API (Node has it from version 8 on). */
export const WASM: WasmApi = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;
