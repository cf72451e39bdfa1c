/**
 * Compares the old and new layout of one struct pair under its rule (`frozen` or `append`; `free`
 * pairs are not compared). Fields that carry meaning are matched by name (or, failing that, a
 * rename at the same place with the same type); padding and reserved fields are compared as byte
 * ranges that must stay meaningless.
 */
import { type LayoutField, type LayoutStruct, loadRuleOf } from "../ir.js";
import { compareField, type FieldSink } from "./compare-field.js";
import {
  docChanged,
  fieldAppended,
  fieldInserted,
  fieldRemoved,
  fieldsReordered,
  loadNarrowed,
  renamed,
  reservedGivenMeaning,
  structGrownAppend,
  structGrownFrozen,
  structRealigned,
  structShrunk,
} from "./findings.js";
import type { StructPair } from "./struct-pairs.js";
import { describeType } from "./type-shape.js";

/** Padding or a reserved field: bytes that must be zero and carry no meaning. */
const isZero = (f: LayoutField): boolean => f.type.kind === "pad" || f.reserved;

const overlaps = (a: LayoutField, b: LayoutField): boolean =>
  a.offset < b.offset + Math.max(b.size, 1) && b.offset < a.offset + Math.max(a.size, 1);

export function compareStructPair(pair: StructPair, sink: FieldSink): void {
  if (pair.rule === "free") return;
  const o = pair.old;
  const n = pair.new;
  const out = sink.findings;
  const sname = n.name;
  const structAt = { old: o.span, new: n.span };

  const oldNamed = o.fields.filter((f) => !isZero(f));
  const oldZero = o.fields.filter(isZero);
  const oldNames = new Set(o.fields.map((f) => f.name));
  const newByName = new Map(n.fields.map((f) => [f.name, f]));
  const matched = new Set<LayoutField>();
  /** Old/new field pairs in old order, for the order check. */
  const common: { o: LayoutField; n: LayoutField }[] = [];

  for (const of of oldNamed) {
    const byName = newByName.get(of.name);
    if (byName !== undefined && isZero(byName)) {
      matched.add(byName);
      const how = byName.type.kind === "pad" ? " (now padding)" : " (now reserved)";
      out.push(fieldRemoved(sname, of.name, of.offset, of.size, how, { old: of.span, new: byName.span }));
      continue;
    }
    let nf = byName;
    if (nf === undefined) {
      nf = n.fields.find(
        (c) =>
          !isZero(c) &&
          !oldNames.has(c.name) &&
          !matched.has(c) &&
          c.offset === of.offset &&
          c.size === of.size &&
          describeType(c.type) === describeType(of.type),
      );
      if (nf !== undefined)
        out.push(renamed("field", of.name, nf.name, ` of struct '${sname}'`, { old: of.span, new: nf.span }));
    }
    if (nf === undefined) {
      const zeroNow = n.fields.find((c) => isZero(c) && overlaps(c, of));
      const how = zeroNow === undefined ? "" : zeroNow.type.kind === "pad" ? " (now padding)" : " (now reserved)";
      out.push(fieldRemoved(sname, of.name, of.offset, of.size, how, { old: of.span, new: zeroNow?.span ?? n.span }));
      continue;
    }
    matched.add(nf);
    common.push({ o: of, n: nf });
    compareField(sname, of, nf, sink);
  }

  const newIndex = new Map(n.fields.map((f, i) => [f, i]));
  for (let i = 0; i + 1 < common.length; i++) {
    const a = common[i];
    const b = common[i + 1];
    if (a === undefined || b === undefined) continue;
    if ((newIndex.get(a.n) ?? 0) > (newIndex.get(b.n) ?? 0)) {
      out.push(fieldsReordered(sname, a.n.name, b.n.name, { old: b.o.span, new: b.n.span }));
    }
  }

  const frozenAdded: string[] = [];
  let appended = false;
  for (const nf of n.fields) {
    if (matched.has(nf) || isZero(nf)) continue;
    const hitsZero = oldZero.find((z) => overlaps(z, nf));
    if (hitsZero !== undefined) {
      out.push(reservedGivenMeaning(sname, nf.name, nf.offset, nf.size, { old: hitsZero.span, new: nf.span }));
    } else if (nf.offset >= o.size && o.trailing === null) {
      if (pair.rule === "append") {
        out.push(fieldAppended(sname, nf.name, nf.offset, nf.size, { old: o.span, new: nf.span }));
        appended = true;
      } else {
        frozenAdded.push(nf.name);
      }
    } else {
      out.push(fieldInserted(sname, nf.name, nf.offset, o.size, { old: o.span, new: nf.span }));
    }
  }

  if (n.size < o.size) out.push(structShrunk(sname, o.size, n.size, structAt));
  if (pair.rule === "frozen" && (n.size > o.size || frozenAdded.length > 0)) {
    out.push(structGrownFrozen(sname, o.size, n.size, frozenAdded, structAt));
  }
  const inserted = out.some((f) => f.code === "LU4009");
  if (pair.rule === "append" && n.size > o.size && !appended && !inserted)
    out.push(structGrownAppend(sname, o.size, n.size, structAt));
  if (o.align !== n.align) out.push(structRealigned(sname, o.align, n.align, structAt));
  if (o.name !== n.name && !out.some((f) => f.severity === "breaking")) {
    out.push(renamed("struct", o.name, n.name, ` (${pair.via})`, structAt));
  }
  if (o.doc !== n.doc) out.push(docChanged("struct", sname, structAt));
  compareLoad(o, n, sink, structAt);
}

/**
 * Every body size the old version took (its size, its older sizes, its compat layout) must still
 * be taken: a zero-extended struct may grow (its old size becomes an older size of the new one),
 * but turning it exact, or dropping an older size or the compat layout, rejects old bodies.
 */
function compareLoad(
  o: LayoutStruct,
  n: LayoutStruct,
  sink: FieldSink,
  at: { old: LayoutStruct["span"]; new: LayoutStruct["span"] },
): void {
  const ol = loadRuleOf(o);
  const nl = loadRuleOf(n);
  if (ol.kind === "exact") return;
  if (nl.kind === "exact") {
    sink.findings.push(loadNarrowed(n.name, "shorter bodies (load rule changed from zero_extend to exact)", at));
    return;
  }
  const taken = new Set([n.size, ...nl.from]);
  const lost = [o.size, ...ol.from].filter((size) => size <= n.size && !taken.has(size));
  if (lost.length > 0) sink.findings.push(loadNarrowed(n.name, `bodies of ${lost.join(", ")} octets`, at));
  if (ol.compat !== null && nl.compat === null)
    sink.findings.push(loadNarrowed(n.name, `its compat layout '${ol.compat}'`, at));
}
