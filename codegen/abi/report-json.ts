/**
 * The `--json` document of an ABI report: `{ compatible, breaking: [...], allowed: [...] }`, each
 * finding with its code, message and both places (file, line, col, start and end offsets).
 */
import type { SourceSpan } from "../ir.js";
import type { AbiReport } from "./compare-programs.js";
import type { AbiCode, AbiFinding, AbiSeverity } from "./findings.js";

export interface AbiSpanJson {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly start: number;
  readonly end: number;
}

export interface AbiFindingJson {
  readonly code: AbiCode;
  readonly severity: AbiSeverity;
  readonly message: string;
  readonly new: AbiSpanJson;
  readonly old: AbiSpanJson;
}

export interface AbiReportJson {
  readonly compatible: boolean;
  readonly breaking: readonly AbiFindingJson[];
  readonly allowed: readonly AbiFindingJson[];
}

const span = (s: SourceSpan): AbiSpanJson => ({ file: s.file, line: s.line, col: s.col, start: s.start, end: s.end });

const finding = (f: AbiFinding): AbiFindingJson => ({
  code: f.code,
  severity: f.severity,
  message: f.message,
  new: span(f.span),
  old: span(f.oldSpan),
});

export function reportToJson(report: AbiReport): AbiReportJson {
  return {
    compatible: report.compatible,
    breaking: report.breaking.map(finding),
    allowed: report.allowed.map(finding),
  };
}
