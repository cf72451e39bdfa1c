/**
 * Compares two versions of a record stream: its framing (record header, padding, optional bit, end
 * record, preamble) and its record types, matched by type value. Record body layouts are compared as
 * struct pairs; this module asks whether a pair broke.
 */
import type { LayoutField, LayoutRecord, LayoutStream, LayoutStruct } from "../ir.js";
import {
  docChanged,
  framingChanged,
  rangesChanged,
  recordAdded,
  recordClassChanged,
  recordOutsideRanges,
  recordRemoved,
  recordRenumbered,
  recordReused,
  renamed,
  type AbiFinding,
} from "./findings.js";
import type { ProgramIndex } from "./program-index.js";
import { compareStreamRules } from "./compare-stream-rules.js";
import { fitInRanges } from "./record-ranges.js";

export interface StreamContext {
  readonly oldIx: ProgramIndex;
  readonly newIx: ProgramIndex;
  /** True when the struct pair (old name, new name) has a breaking finding. */
  readonly pairBroke: (oldName: string, newName: string) => boolean;
}

function fieldOf(s: LayoutStruct | undefined, name: string): LayoutField | undefined {
  return s?.fields.find((f) => f.name === name);
}

const place = (f: LayoutField | undefined): string =>
  f === undefined ? "missing" : `offset ${f.offset}, ${f.size} bytes`;

export function compareStreams(ctx: StreamContext, o: LayoutStream, n: LayoutStream, out: AbiFinding[]): void {
  const at = { old: o.span, new: n.span };
  const sname = n.name;

  // Framing.
  const oh = ctx.oldIx.structs.get(o.header);
  const nh = ctx.newIx.structs.get(n.header);
  for (const [role, ofn, nfn] of [
    ["type", o.typeField, n.typeField],
    ["length", o.lengthField, n.lengthField],
  ] as const) {
    const of = fieldOf(oh, ofn);
    const nf = fieldOf(nh, nfn);
    if (place(of) !== place(nf)) {
      out.push(framingChanged(sname, `record ${role} field moved from ${place(of)} to ${place(nf)}`, at));
    }
  }
  if (o.align !== n.align)
    out.push(framingChanged(sname, `record padding changed from ${o.align} to ${n.align} octets`, at));
  if (o.optionalBit !== n.optionalBit) {
    out.push(
      framingChanged(sname, `optional bit changed from ${o.optionalBit ?? "none"} to ${n.optionalBit ?? "none"}`, at),
    );
  }
  const oEnd = o.records.find((r) => r.name === o.end);
  const nEnd = n.records.find((r) => r.name === n.end);
  const endText = (e: string | null): string => (e === null ? "the end of its input" : `'${e}'`);
  if (oEnd?.value !== nEnd?.value)
    out.push(framingChanged(sname, `end changed from ${endText(o.end)} to ${endText(n.end)}`, at));
  if (o.preamble.length !== n.preamble.length) {
    out.push(
      framingChanged(sname, `preamble changed from [${o.preamble.join(", ")}] to [${n.preamble.join(", ")}]`, at),
    );
  }

  // Record types.
  const newByValue = new Map(n.records.map((r) => [r.value, r]));
  const newByName = new Map(n.records.map((r) => [r.name, r]));
  const handled = new Set<LayoutRecord>();
  for (const orec of o.records) {
    const nrec = newByValue.get(orec.value);
    if (nrec !== undefined) {
      handled.add(nrec);
      compareRecord(ctx, sname, orec, nrec, out);
      continue;
    }
    const moved = newByName.get(orec.name);
    const recAt = { old: orec.span, new: moved?.span ?? n.span };
    if (moved === undefined) {
      out.push(recordRemoved(sname, orec.name, orec.value, recAt));
      continue;
    }
    handled.add(moved);
    out.push(recordRenumbered(sname, orec.name, orec.value, moved.value, recAt));
    if (orec.optional !== moved.optional) out.push(recordClassChanged(sname, orec.name, orec.optional, recAt));
  }
  const ranges = o.ranges.length > 0 ? o.ranges : n.ranges;
  for (const nrec of n.records) {
    if (handled.has(nrec)) continue;
    const recAt = { old: o.span, new: nrec.span };
    const fit = fitInRanges(n, ranges, nrec.value, nrec.optional);
    if (fit.problem !== null)
      out.push(recordOutsideRanges(sname, nrec.name, nrec.value, nrec.optional, fit.problem, recAt));
    else out.push(recordAdded(sname, nrec.name, nrec.value, nrec.optional, fit.range?.name ?? null, recAt));
  }

  const key = (r: { name: string; lo: number; hi: number }): string => `'${r.name}' ${r.lo}..${r.hi}`;
  const oldRanges = new Set(o.ranges.map(key));
  const newRanges = new Set(n.ranges.map(key));
  const gone = [...oldRanges].filter((r) => !newRanges.has(r));
  const added = [...newRanges].filter((r) => !oldRanges.has(r));
  if (gone.length > 0 || added.length > 0) {
    const parts = [
      ...(added.length > 0 ? [`added ${added.join(", ")}`] : []),
      ...(gone.length > 0 ? [`dropped ${gone.join(", ")}`] : []),
    ];
    out.push(rangesChanged(sname, parts.join("; "), at));
  }
  compareStreamRules(o, n, out);
  if (o.doc !== n.doc) out.push(docChanged("stream", sname, at));
}

function compareRecord(ctx: StreamContext, stream: string, o: LayoutRecord, n: LayoutRecord, out: AbiFinding[]): void {
  const at = { old: o.span, new: n.span };
  const body = (b: string | null): string => (b === null ? "empty" : `'${b}'`);
  const changed = o.body === null || n.body === null ? o.body !== n.body : ctx.pairBroke(o.body, n.body);
  if (changed) out.push(recordReused(stream, n.name, n.value, body(o.body), body(n.body), at));
  else if (o.name !== n.name) out.push(renamed("record type", o.name, n.name, ` of stream '${stream}'`, at));
  if (o.optional !== n.optional) out.push(recordClassChanged(stream, n.name, o.optional, at));
  if (o.doc !== n.doc) out.push(docChanged("record type", n.name, at));
}
