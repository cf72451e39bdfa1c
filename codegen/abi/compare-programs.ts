/**
 * `compareAbi(old, new)`: every ABI finding between two checked schema versions, split into
 * breaking and allowed. Pure: it reads two `LayoutProgram`s and touches nothing else.
 */
import type { LayoutProgram } from "../ir.js";
import { compareMemberSets } from "./compare-members.js";
import { compareStreams } from "./compare-stream.js";
import { compareStructPair } from "./compare-struct.js";
import type { MemberSetLink } from "./compare-field.js";
import { declarationAdded, declarationRemoved, type AbiFinding } from "./findings.js";
import { fileSpan, indexProgram, type ProgramIndex } from "./program-index.js";
import { collectStructPairs, pairKey, type StructPair } from "./struct-pairs.js";

export interface AbiReport {
  /** True when there is no breaking finding. */
  readonly compatible: boolean;
  readonly breaking: readonly AbiFinding[];
  readonly allowed: readonly AbiFinding[];
}

export function compareAbi(oldProgram: LayoutProgram, newProgram: LayoutProgram): AbiReport {
  const oldIx = indexProgram(oldProgram);
  const newIx = indexProgram(newProgram);
  const findings: AbiFinding[] = [];
  const links: MemberSetLink[] = [];

  // Structs, pair by pair.
  const pairs = collectStructPairs(oldIx, newIx);
  const brokeHere = new Set<string>();
  for (const [key, pair] of pairs) {
    const own: AbiFinding[] = [];
    compareStructPair(pair, { findings: own, links });
    if (own.some((f) => f.severity === "breaking")) brokeHere.add(key);
    // A record now pointing at a different struct, while the old one lives on, is not a rename:
    // LU4017 at the record says it all; field-by-field differences of two unrelated structs do not.
    const unrelated =
      pair.old.name !== pair.new.name && newIx.structs.has(pair.old.name) && oldIx.structs.has(pair.new.name);
    if (!unrelated) findings.push(...own);
  }
  const broke = brokenTransitively(pairs, brokeHere);
  const pairedOld = new Set([...pairs.values()].map((p) => p.old.name));
  const pairedNew = new Set([...pairs.values()].map((p) => p.new.name));
  for (const [name, s] of oldIx.structs) {
    if (newIx.structs.has(name) || pairedOld.has(name) || s.abi === "free") continue;
    findings.push(declarationRemoved(`${s.abi} struct`, name, { old: s.span, new: fileSpan(newIx, s.span.file) }));
  }
  for (const [name, s] of newIx.structs) {
    if (oldIx.structs.has(name) || pairedNew.has(name)) continue;
    findings.push(declarationAdded("struct", name, { old: fileSpan(oldIx, s.span.file), new: s.span }));
  }

  // Streams (framing and record types; body layouts were compared above).
  for (const [name, os] of oldIx.streams) {
    const ns = newIx.streams.get(name);
    if (ns === undefined)
      findings.push(declarationRemoved("stream", name, { old: os.span, new: fileSpan(newIx, os.span.file) }));
    else compareStreams({ oldIx, newIx, pairBroke: (o, n) => broke.has(pairKey(o, n)) }, os, ns, findings);
  }
  for (const [name, ns] of newIx.streams) {
    if (!oldIx.streams.has(name))
      findings.push(declarationAdded("stream", name, { old: fileSpan(oldIx, ns.span.file), new: ns.span }));
  }

  // Enums and flag sets: by name, plus the renamed ones that fields tie together.
  compareSets("enum", oldIx, newIx, links, findings);
  compareSets("flags", oldIx, newIx, links, findings);

  const sorted = findings.slice().sort(byPlace);
  const breaking = sorted.filter((f) => f.severity === "breaking");
  const allowed = sorted.filter((f) => f.severity === "allowed");
  return { compatible: breaking.length === 0, breaking, allowed };
}

function compareSets(
  kind: "enum" | "flags",
  oldIx: ProgramIndex,
  newIx: ProgramIndex,
  links: readonly MemberSetLink[],
  out: AbiFinding[],
): void {
  const olds = kind === "enum" ? oldIx.enums : oldIx.flags;
  const news = kind === "enum" ? newIx.enums : newIx.flags;
  const label = kind === "enum" ? "enum" : "flag set";
  const linked = links.filter((l) => l.kind === kind);
  const linkedOld = new Set(linked.map((l) => l.oldName));
  const linkedNew = new Set(linked.map((l) => l.newName));
  for (const [name, o] of olds) {
    const n = news.get(name);
    if (n !== undefined) compareMemberSets(kind, o, n, out);
    else if (!linkedOld.has(name))
      out.push(declarationRemoved(label, name, { old: o.span, new: fileSpan(newIx, o.span.file) }));
  }
  const done = new Set<string>();
  for (const l of linked) {
    const key = pairKey(l.oldName, l.newName);
    const o = olds.get(l.oldName);
    const n = news.get(l.newName);
    if (done.has(key) || o === undefined || n === undefined) continue;
    done.add(key);
    compareMemberSets(kind, o, n, out);
  }
  for (const [name, n] of news) {
    if (!olds.has(name) && !linkedNew.has(name))
      out.push(declarationAdded(label, name, { old: fileSpan(oldIx, n.span.file), new: n.span }));
  }
}

function byPlace(a: AbiFinding, b: AbiFinding): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Pairs that broke themselves or embed (at any depth) a pair that broke. */
function brokenTransitively(pairs: ReadonlyMap<string, StructPair>, brokeHere: ReadonlySet<string>): Set<string> {
  const memo = new Map<string, boolean>();
  const visit = (key: string): boolean => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, brokeHere.has(key)); // cycles cannot occur (LU2007), but stay finite anyway
    const pair = pairs.get(key);
    const result = brokeHere.has(key) || (pair !== undefined && [...pair.embeds].some(visit));
    memo.set(key, result);
    return result;
  };
  return new Set([...pairs.keys()].filter(visit));
}
