/** Offsets (UTF-16 indices, as in compiler spans) ↔ LSP positions (0-based line and character). */
import type { Position, Range } from "vscode-languageserver/node";

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function positionAt(text: string, offset: number): Position {
  const starts = lineStarts(text);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - (starts[lo] ?? 0) };
}

export function offsetAt(text: string, pos: Position): number {
  const starts = lineStarts(text);
  const start = starts[pos.line] ?? text.length;
  return Math.min(text.length, start + pos.character);
}

export function rangeOf(text: string, start: number, end: number): Range {
  return { start: positionAt(text, start), end: positionAt(text, Math.max(start, end)) };
}

/** The identifier under or just before `offset`, with where it starts and ends. */
export function wordAt(text: string, offset: number): { word: string; start: number; end: number } | null {
  const isWord = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
  let start = offset;
  while (start > 0 && isWord(text.charAt(start - 1))) start--;
  let end = offset;
  while (end < text.length && isWord(text.charAt(end))) end++;
  if (end === start) return null;
  return { word: text.slice(start, end), start, end };
}
