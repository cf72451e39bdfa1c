export type { ByteSource, ByteView, SegmentVisitor } from "./byte-view.js";
export { ContiguousSource, type ContiguousInput } from "./contiguous-source.js";
export {
  AlignmentError,
  BoundsError,
  BreadcrumbError,
  FileReadError,
  FrameError,
  IntegerRangeError,
  LuDataError,
  MissingEndError,
  NonZeroPaddingError,
  OutOfFramesError,
  RecordLimitError,
  StreamEndError,
  TruncatedRecordError,
  UnknownRecordError,
  UnsafeNumberError,
  WriterError,
  formatLocation,
  type BreadcrumbProblem,
  type DataLocation,
  type IntegerTypeName,
  type StreamEndProblem,
  type TruncatedPart,
} from "./errors.js";
export type { Problem } from "./problem.js";
export type { UnknownMember } from "./accessor-support.js";
export type { StreamFormat } from "./stream-format.js";
export { FrameAllocator, type FrameAllocatorOptions } from "./frame-allocator.js";
export { MachineMemory, type FrameRange, type MachineMemoryOptions } from "./machine-memory.js";
export { SeededRandom } from "./seeded-random.js";
export { StraddleView, type PageTable } from "./straddle-view.js";
export {
  HOST_LITTLE_ENDIAN,
  walkU64Array,
  walkU64ArrayAsU32Pairs,
  walkU64ArrayWords,
  type U32PairRunVisitor,
  type U32WordRangeVisitor,
  type U64RunVisitor,
} from "./u64-array-walk.js";
export { VmapSource, vmap } from "./vmap.js";
export { checkStreamEnd, describePages } from "./stream-end.js";
export {
  BREADCRUMB_SIZE,
  LIVE_UPDATE_MAGIC,
  breadcrumbMagic,
  openLiveUpdateStream,
  readBreadcrumb,
  readMfnArray,
  writeBreadcrumb,
  type Breadcrumb,
  type LiveUpdateStream,
  type ReadBreadcrumbOptions,
  type ReadMfnArrayOptions,
  type WriteBreadcrumbOptions,
} from "./breadcrumb.js";
export {
  PagedRecordWriter,
  type FinishOptions,
  type PagedRecordWriterOptions,
  type WrittenStream,
} from "./paged-record-writer.js";
export {
  checkStreamFormat,
  isOptionalType,
  paddingLength,
  readHeaderField,
  recordLength,
  writeHeaderField,
} from "./record-framing.js";
export {
  DEFAULT_MAX_BODY_LENGTH,
  DEFAULT_MAX_RECORDS,
  RecordReader,
  type RecordReaderOptions,
  type StreamRecord,
} from "./record-reader.js";
export {
  BufferRecordWriter,
  RecordWriterBase,
  type BufferRecordWriterOptions,
  type RecordPlacement,
} from "./record-writer.js";
export { FileSource, type FileSourceOptions } from "./file-source.js";
export {
  openMemoryImage,
  writeMemoryImage,
  type MemoryImage,
  type OpenMemoryImageOptions,
  type WriteMemoryImageOptions,
  type WrittenImage,
} from "./memory-image.js";
// Everything generated accessors import (array flyweights, field helpers, FieldInfo, JsonValue…):
// code generated for a project imports it all from `lu-codec/runtime`.
export * from "./accessor-support.js";
// Zero extension (`load zero_extend`): what generated accessors of a growing record body import.
export * from "./zero-extend.js";
export { PageListSource, vmapPages, type PageInput, type VmapPagesOptions } from "./page-list.js";
export { CompatibleError } from "./compatible.js";
export {
  checkFdtNode,
  compatibleStrings,
  fdtChild,
  fdtNodeMatches,
  fdtOtherChildren,
  fdtString,
  fdtValue,
  fdtView,
  selectFdtNode,
  type FdtChildSpec,
  type FdtNodeClass,
  type FdtNodeSpec,
  type FdtPropertySpec,
  type FdtValueKind,
} from "./fdt-node.js";
export {
  Fdt,
  FdtBuilder,
  FdtError,
  FDT_MAX_DEPTH,
  property,
  stringProperty,
  u32CellsProperty,
  u64Property,
  type FdtNode,
  type FdtProperty,
} from "./fdt.js";
export { FrameSet, type FrameBlock } from "./frame-set.js";
export { ChainError, PageChain, type ChainBlock, type ChainLayout, type ChainProblem } from "./page-chain.js";
export { PhysicalMemory, PointerError, type PointerProblem, type Resolved } from "./phys-memory.js";
export { areaElements, MAX_PIECE_ORDER, ScatterError, scatteredSource, type ScatterPiece } from "./scattered.js";
export { ArenaFullError, MAX_ARENA_BYTES, WASM_PAGE_BYTES, WasmArena, type WasmArenaOptions } from "./wasm-arena.js";
export type { WasmMemory } from "./wasm-api.js";
