/**
 * Compares one field present in both versions of a struct (matched by name, or a rename at the
 * same place): position, size, type, endianness, bit ranges, constant value, documentation.
 */
import type { LayoutBitRange, LayoutField } from "../ir.js";
import {
  bitRangeChanged,
  constChanged,
  docChanged,
  fieldEndianChanged,
  fieldMoved,
  fieldReinterpreted,
  fieldResized,
  fieldRetyped,
  lengthFieldChanged,
  renamed,
  reservedBitsGivenMeaning,
  type AbiFinding,
  type SpanPair,
} from "./findings.js";
import { describeType, elementEndian, elementKind, formatConst, sameCount, scalarOf } from "./type-shape.js";

/** Enum or flag sets tied together by a field whose type names differ between versions. */
export interface MemberSetLink {
  readonly kind: "enum" | "flags";
  readonly oldName: string;
  readonly newName: string;
}

export interface FieldSink {
  readonly findings: AbiFinding[];
  readonly links: MemberSetLink[];
}

export function compareField(structName: string, of: LayoutField, nf: LayoutField, sink: FieldSink): void {
  const at = { old: of.span, new: nf.span };
  const out = sink.findings;
  const name = nf.name;
  if (of.offset !== nf.offset) out.push(fieldMoved(structName, name, of.offset, nf.offset, at));
  const resized = of.size !== nf.size;
  if (resized) out.push(fieldResized(structName, name, of.size, nf.size, at));

  const ot = of.type;
  const nt = nf.type;
  const os = scalarOf(ot);
  const ns = scalarOf(nt);
  if (os !== null && ns !== null) {
    if (os.prim !== ns.prim && !resized)
      out.push(fieldRetyped(structName, name, describeType(ot), describeType(nt), at));
    if (os.endian !== ns.endian) out.push(fieldEndianChanged(structName, name, os.endian, ns.endian, at));
    if (ot.kind !== nt.kind) {
      out.push(fieldReinterpreted(structName, name, describeType(ot), describeType(nt), at));
    } else if (ot.kind === "enum" && nt.kind === "enum" && ot.enumName !== nt.enumName) {
      sink.links.push({ kind: "enum", oldName: ot.enumName, newName: nt.enumName });
    } else if (ot.kind === "flags" && nt.kind === "flags" && ot.flagsName !== nt.flagsName) {
      sink.links.push({ kind: "flags", oldName: ot.flagsName, newName: nt.flagsName });
    } else if (ot.kind === "bits" && nt.kind === "bits") {
      compareBitRanges(structName, name, ot.ranges, nt.ranges, at, sink);
    }
  } else if (ot.kind !== nt.kind) {
    out.push(fieldRetyped(structName, name, describeType(ot), describeType(nt), at));
  } else if ((ot.kind === "bytes" && nt.kind === "bytes") || (ot.kind === "ascii" && nt.kind === "ascii")) {
    if (!sameCount(ot.count, nt.count) && !resized)
      out.push(fieldRetyped(structName, name, describeType(ot), describeType(nt), at));
  } else if (ot.kind === "array" && nt.kind === "array") {
    const oe = ot.element;
    const ne = nt.element;
    const countChanged = !sameCount(ot.count, nt.count) && !(ot.count.kind === "fixed" && nt.count.kind === "fixed");
    if (elementKind(oe) !== elementKind(ne) || ot.stride !== nt.stride || countChanged) {
      out.push(fieldRetyped(structName, name, describeType(ot), describeType(nt), at));
    }
    const oen = elementEndian(oe);
    const nen = elementEndian(ne);
    if (oen !== null && nen !== null && oen !== nen) out.push(fieldEndianChanged(structName, name, oen, nen, at));
    if (oe.kind === "enum" && ne.kind === "enum" && oe.enumName !== ne.enumName) {
      sink.links.push({ kind: "enum", oldName: oe.enumName, newName: ne.enumName });
    }
  } else if (ot.kind === "stream" && nt.kind === "stream" && ot.streamName !== nt.streamName) {
    out.push(fieldRetyped(structName, name, describeType(ot), describeType(nt), at));
  }

  const oc = of.constValue;
  const nc = nf.constValue;
  if (oc !== nc) out.push(constChanged(structName, name, formatConst(oc), formatConst(nc), at));
  if (of.lengthOf !== nf.lengthOf) {
    const rule = (l: LayoutField["lengthOf"]): string => (l === undefined ? "an ordinary field" : `'= length of ${l}'`);
    out.push(lengthFieldChanged(structName, name, rule(of.lengthOf), rule(nf.lengthOf), at));
  }
  if (of.doc !== nf.doc) out.push(docChanged("field", `${structName}.${name}`, at));
}

function compareBitRanges(
  structName: string,
  fieldName: string,
  oldRanges: readonly LayoutBitRange[],
  newRanges: readonly LayoutBitRange[],
  fieldAt: SpanPair,
  sink: FieldSink,
): void {
  const out = sink.findings;
  const newByName = new Map(newRanges.map((r) => [r.name, r]));
  const oldNames = new Set(oldRanges.map((r) => r.name));
  const used = new Set<LayoutBitRange>();
  for (const o of oldRanges) {
    let n = newByName.get(o.name);
    if (n === undefined) {
      n = newRanges.find((r) => !oldNames.has(r.name) && !used.has(r) && r.lo === o.lo && r.hi === o.hi);
      if (n !== undefined)
        out.push(
          renamed("bit range", o.name, n.name, ` of '${structName}.${fieldName}'`, { old: o.span, new: n.span }),
        );
    }
    if (n === undefined) {
      out.push(
        bitRangeChanged(structName, fieldName, o.name, `(bits ${o.lo}..${o.hi}) removed`, {
          old: o.span,
          new: fieldAt.new,
        }),
      );
      continue;
    }
    used.add(n);
    const at = { old: o.span, new: n.span };
    if (o.lo !== n.lo || o.hi !== n.hi) {
      out.push(
        bitRangeChanged(structName, fieldName, n.name, `moved from bits ${o.lo}..${o.hi} to ${n.lo}..${n.hi}`, at),
      );
    }
    if (o.enumName !== n.enumName || o.flagsName !== n.flagsName) {
      if (o.enumName !== null && n.enumName !== null)
        sink.links.push({ kind: "enum", oldName: o.enumName, newName: n.enumName });
      else if (o.flagsName !== null && n.flagsName !== null)
        sink.links.push({ kind: "flags", oldName: o.flagsName, newName: n.flagsName });
    }
    if (o.doc !== n.doc) out.push(docChanged("bit range", `${structName}.${fieldName}.${n.name}`, at));
  }
  for (const n of newRanges) {
    if (used.has(n) || oldNames.has(n.name)) continue;
    out.push(reservedBitsGivenMeaning(structName, fieldName, n.name, n.lo, n.hi, { old: fieldAt.old, new: n.span }));
  }
}
