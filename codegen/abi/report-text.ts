/**
 * Human rendering of an ABI report: one `file:line:col: error LU4xxx: message` line per breaking
 * finding with the old place as a `note: file:line:col:` line (the shape of codegen/diagnostics.ts), then a summary of the allowed changes.
 */
import type { SourceSpan } from "../ir.js";
import type { AbiReport } from "./compare-programs.js";
import type { AbiFinding } from "./findings.js";

const at = (s: SourceSpan): string => `${s.file}:${s.line}:${s.col}`;

export function renderBreaking(f: AbiFinding): string {
  return `${at(f.span)}: error ${f.code}: ${f.message}\nnote: ${at(f.oldSpan)}: as it was in the old schema`;
}

export function renderAllowed(f: AbiFinding): string {
  return `  ${at(f.span)}: ${f.code}: ${f.message}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export function renderReportText(report: AbiReport): string {
  const lines: string[] = report.breaking.map(renderBreaking);
  if (report.allowed.length > 0) {
    lines.push(`allowed changes (${report.allowed.length}):`);
    lines.push(...report.allowed.map(renderAllowed));
  }
  lines.push(
    report.compatible
      ? `compatible: no breaking changes, ${plural(report.allowed.length, "allowed change")}`
      : `incompatible: ${plural(report.breaking.length, "breaking change")}, ${plural(report.allowed.length, "allowed change")}`,
  );
  return lines.join("\n") + "\n";
}
