/**
 * Offsets ↔ 1-based line/column for one source text, and the spans the AST carries.
 */
import type { SourceSpan } from "../ir.js";

export class LineIndex {
  readonly file: string;
  readonly text: string;
  /** Offset of the first character of each line (line 1 at index 0). */
  private readonly starts: number[];

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  /** 1-based line and column of `offset` (clamped to the text). */
  position(offset: number): { line: number; col: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: at - (this.starts[lo] ?? 0) + 1 };
  }

  /** The text of 1-based `line`, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return "";
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }

  span(start: number, end: number): SourceSpan {
    const { line, col } = this.position(start);
    return { file: this.file, start, end, line, col };
  }
}
