/**
 * Which old struct is compared with which new struct, and under which rule.
 *
 * Roots: structs of the same name whose own rule (the stricter of old and new `abi`) is not `free`,
 * stream record headers (at least `append`), preambles (at least `append`) and record bodies paired
 * by record type value (their own rule, `frozen` by default). From each pair the rule flows into
 * embedded structs: a struct field inherits its parent's rule, an array element becomes `frozen`
 * (its size is the array's stride). A struct reached several ways keeps the strictest rule.
 * `free` structs nobody stricter embeds are not compared at all.
 */
import type { AbiRule, LayoutField, LayoutStruct, LayoutType } from "../ir.js";
import type { ProgramIndex } from "./program-index.js";

export interface StructPair {
  readonly old: LayoutStruct;
  readonly new: LayoutStruct;
  rule: AbiRule;
  /** How the pair was found, for messages: e.g. `record body of LU_M2P`, `field 'hdr' of x`. */
  readonly via: string;
  /** Keys of the pairs of structs this pair embeds (fields and array elements). */
  readonly embeds: Set<string>;
}

const STRICTNESS: Record<AbiRule, number> = { free: 0, append: 1, frozen: 2 };

export function stricter(a: AbiRule, b: AbiRule): AbiRule {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

export const pairKey = (oldName: string, newName: string): string => `${oldName}\u0000${newName}`;

/** Struct named by a field's type, directly or as an array element; `inArray` says which. */
function embeddedStruct(type: LayoutType): { name: string; inArray: boolean } | null {
  if (type.kind === "struct") return { name: type.structName, inArray: false };
  if (type.kind === "array" && type.element.kind === "struct") return { name: type.element.structName, inArray: true };
  return null;
}

function byName(fields: readonly LayoutField[]): Map<string, LayoutField> {
  return new Map(fields.map((f) => [f.name, f]));
}

export function collectStructPairs(oldIx: ProgramIndex, newIx: ProgramIndex): Map<string, StructPair> {
  const pairs = new Map<string, StructPair>();
  const queue: StructPair[] = [];

  const add = (o: LayoutStruct, n: LayoutStruct, rule: AbiRule, via: string): void => {
    const own = stricter(rule, stricter(o.abi, n.abi));
    const key = pairKey(o.name, n.name);
    const have = pairs.get(key);
    if (have === undefined) {
      const pair: StructPair = { old: o, new: n, rule: own, via, embeds: new Set() };
      pairs.set(key, pair);
      queue.push(pair);
    } else if (stricter(have.rule, own) !== have.rule) {
      have.rule = own;
      queue.push(have);
    }
  };

  for (const [name, o] of oldIx.structs) {
    const n = newIx.structs.get(name);
    if (n !== undefined) add(o, n, "free", `struct '${name}'`);
  }
  for (const [name, os] of oldIx.streams) {
    const ns = newIx.streams.get(name);
    if (ns === undefined) continue;
    const oh = oldIx.structs.get(os.header);
    const nh = newIx.structs.get(ns.header);
    if (oh !== undefined && nh !== undefined) add(oh, nh, "append", `record header of stream '${name}'`);
    os.preamble.forEach((op, i) => {
      const np = ns.preamble[i];
      const o = oldIx.structs.get(op);
      const n = np === undefined ? undefined : newIx.structs.get(np);
      if (o !== undefined && n !== undefined) add(o, n, "append", `preamble ${i + 1} of stream '${name}'`);
    });
    const newByValue = new Map(ns.records.map((r) => [r.value, r]));
    for (const orec of os.records) {
      const nrec = newByValue.get(orec.value);
      if (orec.body === null || nrec === undefined || nrec.body === null) continue;
      const o = oldIx.structs.get(orec.body);
      const n = newIx.structs.get(nrec.body);
      if (o !== undefined && n !== undefined) add(o, n, "free", `record body of '${orec.name}' in stream '${name}'`);
    }
  }

  // Propagate rules into embedded structs until nothing gets stricter.
  for (let pair = queue.shift(); pair !== undefined; pair = queue.shift()) {
    if (pair.rule === "free") continue;
    const newFields = byName(pair.new.fields);
    for (const of of pair.old.fields) {
      const nf = newFields.get(of.name);
      if (nf === undefined) continue;
      const oe = embeddedStruct(of.type);
      const ne = embeddedStruct(nf.type);
      if (oe === null || ne === null) continue;
      const o = oldIx.structs.get(oe.name);
      const n = newIx.structs.get(ne.name);
      if (o === undefined || n === undefined) continue;
      const rule = oe.inArray || ne.inArray ? "frozen" : pair.rule;
      pair.embeds.add(pairKey(o.name, n.name));
      add(o, n, rule, `field '${of.name}' of struct '${pair.new.name}'`);
    }
  }
  return pairs;
}
