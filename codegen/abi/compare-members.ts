/**
 * Compares two versions of an enum or a flag set: a value keeps its name and a name keeps its value
 * forever; new members are allowed.
 */
import type { LayoutEnum, LayoutFlags, LayoutMember } from "../ir.js";
import {
  docChanged,
  memberAdded,
  memberBaseChanged,
  memberRemoved,
  memberRenumbered,
  memberValueReused,
  type AbiFinding,
} from "./findings.js";

type MemberSet = LayoutEnum | LayoutFlags;

export function compareMemberSets(kind: "enum" | "flags", o: MemberSet, n: MemberSet, out: AbiFinding[]): void {
  const setAt = { old: o.span, new: n.span };
  const label = kind === "enum" ? "enum" : "flag set";
  const memberLabel = kind === "enum" ? "enum" : "flag";
  if (o.base !== n.base) out.push(memberBaseChanged(label, n.name, o.base, n.base, setAt));

  const newByName = new Map(n.members.map((m) => [m.name, m]));
  const newByValue = new Map<bigint, LayoutMember>(n.members.map((m) => [m.value, m]));
  const oldNames = new Set(o.members.map((m) => m.name));
  const oldByValue = new Map<bigint, LayoutMember>(o.members.map((m) => [m.value, m]));
  const reusedValues = new Set<bigint>();

  for (const om of o.members) {
    const sameName = newByName.get(om.name);
    if (sameName !== undefined) {
      const at = { old: om.span, new: sameName.span };
      if (sameName.value !== om.value)
        out.push(memberRenumbered(memberLabel, n.name, om.name, om.value, sameName.value, at));
      if (sameName.doc !== om.doc) out.push(docChanged(`${memberLabel} member`, `${n.name}.${om.name}`, at));
      continue;
    }
    const sameValue = newByValue.get(om.value);
    if (sameValue !== undefined) {
      reusedValues.add(om.value);
      out.push(
        memberValueReused(label, n.name, om.value, om.name, sameValue.name, { old: om.span, new: sameValue.span }),
      );
    } else {
      out.push(memberRemoved(memberLabel, n.name, om.name, om.value, { old: om.span, new: n.span }));
    }
  }
  for (const nm of n.members) {
    if (oldNames.has(nm.name)) continue;
    const previous = oldByValue.get(nm.value);
    if (previous !== undefined) {
      // A new name on an old value: a reuse (reported once, above when the old name is gone).
      if (!reusedValues.has(nm.value)) {
        out.push(
          memberValueReused(label, n.name, nm.value, previous.name, nm.name, { old: previous.span, new: nm.span }),
        );
      }
      continue;
    }
    out.push(memberAdded(memberLabel, n.name, nm.name, nm.value, { old: o.span, new: nm.span }));
  }
  if (o.doc !== n.doc) out.push(docChanged(label, n.name, setAt));
}
