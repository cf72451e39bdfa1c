/**
 * Writes `lu dump --json` values piece by piece: plain values as `JSON.stringify` writes them, octet
 * runs (`OctetRun`) as `{"bytes":N,"hex":"…"}` with the hex written as the input is read, so the
 * memory a record takes is bounded by its decoded fields, never by the octets of its byte fields or
 * payloads. Output is buffered into pieces of about `FLUSH_AT` characters.
 */
import { type JsonValue, OctetRun } from "./json-value.js";

/** Characters buffered before they are handed to `write`. */
const FLUSH_AT = 1 << 16;

export class JsonWriter {
  private readonly write: (text: string) => void;
  private buffer = "";
  constructor(write: (text: string) => void) {
    this.write = write;
  }

  /** Text written as it is (punctuation, keys already quoted). */
  raw(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  value(v: JsonValue): void {
    if (v instanceof OctetRun) {
      this.raw(`{"bytes":${v.length},"hex":"`);
      v.hexPieces((hex) => this.raw(hex));
      this.raw(`"}`);
      return;
    }
    if (v === null || typeof v !== "object") {
      this.raw(JSON.stringify(v));
      return;
    }
    if (Array.isArray(v)) {
      this.raw("[");
      (v as readonly JsonValue[]).forEach((x, i) => {
        if (i > 0) this.raw(",");
        this.value(x);
      });
      this.raw("]");
      return;
    }
    this.raw("{");
    let first = true;
    for (const [k, x] of Object.entries(v as { readonly [k: string]: JsonValue })) {
      this.raw(`${first ? "" : ","}${JSON.stringify(k)}:`);
      first = false;
      this.value(x);
    }
    this.raw("}");
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.write(this.buffer);
    this.buffer = "";
  }
}
