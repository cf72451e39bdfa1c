/**
 * Appends records to a stream with the framing of a `StreamFormat`: header, body filled in place by
 * the caller (through any ByteSource-based setter on `writer.source`), zero padding. The base class
 * holds the framing; subclasses only say how the stream grows (`BufferRecordWriter` here, a growing
 * byte buffer for libxc/libxl stream files; `PagedRecordWriter` into machine frames).
 */
import type { ByteSource } from "./byte-view.js";
import { ContiguousSource } from "./contiguous-source.js";
import { WriterError } from "./errors.js";
import { checkStreamFormat, fieldMax, paddingLength, writeHeaderField } from "./record-framing.js";
import type { StreamFormat } from "./stream-format.js";

/** Where `beginRecord` put a record: fill `[offset, offset + length)` of `source`. */
export interface RecordPlacement {
  readonly source: ByteSource;
  /** Stream offset of the body. */
  readonly offset: number;
  readonly length: number;
  /** Stream offset of the header. */
  readonly recordOffset: number;
  readonly index: number;
}

export abstract class RecordWriterBase {
  readonly format: StreamFormat;
  /** Offset where the next record header goes (the stream's length so far). */
  position: number;
  /** Records written so far, the end record included. */
  recordCount = 0;
  /** True once the end record is written. */
  ended = false;

  protected constructor(format: StreamFormat) {
    checkStreamFormat(format);
    this.format = format;
    this.position = 0;
  }

  /** The stream so far. May be replaced as the stream grows: re-read it after `beginRecord`. */
  abstract get source(): ByteSource;

  /** Makes `[0, end)` writable. */
  protected abstract ensure(end: number): void;

  /** Reserves and zeroes the preamble (`format.preambleSize` octets at offset 0); call first. */
  protected startPreamble(): void {
    const size = this.format.preambleSize;
    if (size > 0) {
      this.ensure(size);
      this.zero(0, size);
    }
    this.position = size;
  }

  /**
   * Appends a record header for `type` with a body of `bodyLength` octets, zeroes the body and
   * writes the padding; returns where to fill the body in place.
   */
  beginRecord(type: number, bodyLength: number): RecordPlacement {
    const f = this.format;
    if (this.ended) throw new WriterError("the end record is already written", { offset: this.position });
    if (!(Number.isInteger(type) && type >= 0 && type <= fieldMax(f.typeSize))) {
      throw new WriterError(`type ${type} does not fit the ${f.typeSize}-octet type field`, { offset: this.position });
    }
    if (!(Number.isInteger(bodyLength) && bodyLength >= 0 && bodyLength <= fieldMax(f.lengthSize))) {
      throw new WriterError(`body length ${bodyLength} does not fit the ${f.lengthSize}-octet length field`, {
        offset: this.position,
        recordType: type,
      });
    }
    const at = this.position;
    const total = f.headerSize + bodyLength + paddingLength(f, bodyLength);
    this.ensure(at + total);
    this.zero(at, total);
    const src = this.source;
    const view = src.window(at, f.headerSize);
    const base = src.windowOffset;
    writeHeaderField(view, base + f.typeOffset, f.typeSize, type, f.littleEndian);
    writeHeaderField(view, base + f.lengthOffset, f.lengthSize, bodyLength, f.littleEndian);
    this.position = at + total;
    const index = this.recordCount++;
    if (type === f.endType) this.ended = true;
    return { source: src, offset: at + f.headerSize, length: bodyLength, recordOffset: at, index };
  }

  /** Appends a record whose body is `body` (copied in). */
  appendRecord(type: number, body: Uint8Array): RecordPlacement {
    const placed = this.beginRecord(type, body.length);
    let done = 0;
    placed.source.segments(placed.offset, body.length, (piece) => {
      piece.set(body.subarray(done, done + piece.length));
      done += piece.length;
    });
    return placed;
  }

  /** Appends the end record (empty body). */
  end(): RecordPlacement {
    return this.beginRecord(this.format.endType, 0);
  }

  protected zero(offset: number, length: number): void {
    this.source.segments(offset, length, (piece) => piece.fill(0));
  }
}

export interface BufferRecordWriterOptions {
  /** Initial capacity in bytes. Default 64 KiB. */
  readonly initialCapacity?: number;
}

/**
 * Writes a stream into one growing byte buffer: the preamble (zeroed, `format.preambleSize` octets
 * at offset 0, filled by the caller through `source`), then records. `bytes()` is the stream.
 */
export class BufferRecordWriter extends RecordWriterBase {
  private buffer: Uint8Array;
  private src: ContiguousSource;

  constructor(format: StreamFormat, options: BufferRecordWriterOptions = {}) {
    super(format);
    this.buffer = new Uint8Array(Math.max(16, options.initialCapacity ?? 65536));
    this.src = new ContiguousSource(this.buffer);
    this.startPreamble();
  }

  get source(): ByteSource {
    return this.src;
  }

  /** The stream written so far (a view on the writer's buffer, no copy). */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.position);
  }

  protected ensure(end: number): void {
    if (end <= this.buffer.length) return;
    let cap = this.buffer.length;
    while (cap < end) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buffer);
    this.buffer = grown;
    this.src = new ContiguousSource(grown);
  }
}
