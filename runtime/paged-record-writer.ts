/**
 * Writes a live-update stream the way the old hypervisor does: records appended into frames
 * allocated from the machine (outside the bootmem) page by page as the stream grows, bodies
 * filled in place through the growing vmap; `finish()` then writes the physically contiguous MFN
 * array and, last, the breadcrumb at the start of the bootmem.
 */
import { breadcrumbMagic, writeBreadcrumb } from "./breadcrumb.js";
import type { ByteSource } from "./byte-view.js";
import { WriterError } from "./errors.js";
import { FrameAllocator } from "./frame-allocator.js";
import type { MachineMemory } from "./machine-memory.js";
import { RecordWriterBase } from "./record-writer.js";
import type { StreamFormat } from "./stream-format.js";
import { HOST_LITTLE_ENDIAN } from "./u64-array-walk.js";
import { VmapSource } from "./vmap.js";

export interface PagedRecordWriterOptions {
  /** Hands out the data and MFN-array frames. Default: random order, seed 1. */
  readonly allocator?: FrameAllocator;
  /** First frame of the bootmem (must be reserved). Default: the memory's first reserved region. */
  readonly bootmem?: number;
  /** Byte order of the MFN array and breadcrumb. Default: the host's. */
  readonly littleEndian?: boolean;
}

export interface FinishOptions {
  /** Append the end record if it is not written yet. Default true. */
  readonly writeEnd?: boolean;
}

/** What `finish()` wrote. */
export interface WrittenStream {
  /** Data frames in stream order. */
  readonly mfns: readonly number[];
  readonly nrPages: number;
  /** Stream length in bytes (the records; the rest of the last page is zeros). */
  readonly streamLength: number;
  readonly records: number;
  readonly mfnArrayMfn: number;
  readonly mfnArrayFrames: number;
  readonly mfnArrayPhysAddr: number;
  readonly breadcrumbPhysAddr: number;
  readonly magic: bigint;
}

export class PagedRecordWriter extends RecordWriterBase {
  readonly memory: MachineMemory;
  readonly allocator: FrameAllocator;
  readonly bootmem: number;
  readonly littleEndian: boolean;
  private readonly vmapped: VmapSource;
  private finished: WrittenStream | undefined;

  constructor(memory: MachineMemory, format: StreamFormat, options: PagedRecordWriterOptions = {}) {
    super(format);
    this.memory = memory;
    this.allocator = options.allocator ?? new FrameAllocator(memory);
    if (this.allocator.memory !== memory) throw new WriterError("the allocator belongs to another machine memory");
    const bootmem = options.bootmem ?? memory.reserved[0]?.start;
    if (bootmem === undefined || !memory.isReserved(bootmem)) {
      throw new WriterError("the bootmem must be a reserved region of the machine memory");
    }
    this.bootmem = bootmem;
    this.littleEndian = options.littleEndian ?? HOST_LITTLE_ENDIAN;
    this.vmapped = new VmapSource(memory);
    this.startPreamble();
  }

  /** The stream so far as a vmap of its pages (it only grows; earlier placements stay valid). */
  get source(): ByteSource {
    return this.vmapped;
  }

  /** The stream's pages so far. */
  get mfns(): readonly number[] {
    return this.vmapped.mfns;
  }

  protected ensure(end: number): void {
    if (this.finished !== undefined) throw new WriterError("the stream is finished", { offset: this.position });
    while (this.vmapped.byteLength < end) this.vmapped.appendPage(this.allocator.allocate());
  }

  /** Writes the end record (unless told not to), the MFN array and the breadcrumb. */
  finish(options: FinishOptions = {}): WrittenStream {
    if (this.finished !== undefined) return this.finished;
    if (!this.ended && (options.writeEnd ?? true)) this.end();
    if (this.vmapped.pageCount === 0) this.ensure(1);
    const memory = this.memory;
    const ps = memory.pageSize;
    const tail = this.vmapped.byteLength - this.position;
    if (tail > 0) this.zero(this.position, tail);
    const mfns = this.vmapped.mfns;
    const nrPages = mfns.length;
    const mfnArrayFrames = Math.ceil((nrPages * 8) / ps);
    const first = this.allocator.allocateContiguous(mfnArrayFrames);
    const array = vmapRun(memory, first, mfnArrayFrames);
    array.segments(0, array.byteLength, (piece) => piece.fill(0));
    for (let i = 0; i < nrPages; i++) {
      const v = array.window(i * 8, 8);
      v.setBigUint64(array.windowOffset, BigInt(mfns[i] ?? 0), this.littleEndian);
    }
    const breadcrumbPhysAddr = this.bootmem * ps;
    writeBreadcrumb(memory, breadcrumbPhysAddr, {
      mfnArrayPhysAddr: first * ps,
      nrPages,
      littleEndian: this.littleEndian,
    });
    this.finished = {
      mfns: mfns.slice(),
      nrPages,
      streamLength: this.position,
      records: this.recordCount,
      mfnArrayMfn: first,
      mfnArrayFrames,
      mfnArrayPhysAddr: first * ps,
      breadcrumbPhysAddr,
      magic: breadcrumbMagic(ps),
    };
    return this.finished;
  }
}

function vmapRun(memory: MachineMemory, first: number, count: number): VmapSource {
  const src = new VmapSource(memory);
  for (let i = 0; i < count; i++) src.appendPage(first + i);
  return src;
}
