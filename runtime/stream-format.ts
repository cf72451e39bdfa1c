/**
 * The framing of a record stream, as data. Generated code emits one `StreamFormat` per schema
 * `stream`; the runtime's reader and writer take it, so one reader serves the live update stream,
 * the libxc and libxl migration streams and the HVM save records.
 */
export interface StreamFormat {
  /** Schema name of the stream, e.g. `lu_stream`. */
  readonly name: string;
  /** Size of the record header in bytes. */
  readonly headerSize: number;
  /** Byte offset and width (4 or 2 or 8... bytes) of the type field in the header. */
  readonly typeOffset: number;
  readonly typeSize: 1 | 2 | 4;
  /** Byte offset and width of the body-length field in the header (counts body octets only). */
  readonly lengthOffset: number;
  readonly lengthSize: 1 | 2 | 4;
  /** True when header fields are little-endian. */
  readonly littleEndian: boolean;
  /** Records are zero-padded to a multiple of this many octets (1 = no padding). */
  readonly align: number;
  /** Type values with this bit set are optional; null when every type is mandatory. */
  readonly optionalBit: number | null;
  /** Type value of the record that ends the stream; -1 when the stream ends where its input ends. */
  readonly endType: number;
  /** Known record types: value → name. */
  readonly recordNames: ReadonlyMap<number, string>;
  /** Total size of the preamble structs that precede the first record (0 when none). */
  readonly preambleSize: number;
}
