/**
 * Compares what two versions of a stream say beyond its framing (docs/language.md "Files and
 * stream rules"): the file entry, preamble labels, `require` value rules, record order rules,
 * `max length`, payloads and streams in line. The question is the ABI's: does a reader of the new
 * version still take every stream a writer of the old one wrote? A rule that accepts less than
 * before (added, narrowed, lowered, changed) breaks; one that accepts more is allowed.
 * Rules name records; a record renamed between the versions (same type value) is followed.
 */
import type {
  LayoutCondition,
  LayoutMaxLength,
  LayoutOrderRule,
  LayoutRequire,
  LayoutSizeExpr,
  LayoutStream,
  LayoutValuePath,
  LayoutValueSet,
} from "../ir.js";
import {
  entryAdded,
  entryChanged,
  inlineChanged,
  maxLengthLowered,
  orderTightened,
  payloadChanged,
  renamed,
  requireTightened,
  ruleRelaxed,
  type AbiFinding,
} from "./findings.js";

/** `a` holds every value of `b`. */
function covers(a: LayoutValueSet, b: LayoutValueSet): boolean {
  const merged: { lo: bigint; hi: bigint }[] = [];
  for (const r of [...a].sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0))) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.lo <= last.hi + 1n) last.hi = r.hi > last.hi ? r.hi : last.hi;
    else merged.push({ lo: r.lo, hi: r.hi });
  }
  return b.every((r) => merged.some((m) => m.lo <= r.lo && r.hi <= m.hi));
}

const setText = (set: LayoutValueSet): string =>
  set.map((r) => (r.lo === r.hi ? `${r.lo}` : `${r.lo}..${r.hi}`)).join(", ");

export function compareStreamRules(o: LayoutStream, n: LayoutStream, out: AbiFinding[]): void {
  const at = { old: o.span, new: n.span };
  const sname = n.name;
  // Old record name → new name, by type value (a record renamed in place is the same record).
  const newByValue = new Map(n.records.map((r) => [r.value, r.name]));
  const rename = new Map(o.records.map((r) => [r.name, newByValue.get(r.value) ?? r.name]));
  const rec = (name: string): string => rename.get(name) ?? name;
  const path = (p: LayoutValuePath, mapRoot: boolean): string =>
    [mapRoot ? rec(p.root) : p.root, ...p.fields].join(".");
  const cond = (c: LayoutCondition | null, mapRoot = false): string =>
    c === null ? "" : ` if ${path(c.path, mapRoot)} in ${setText(c.values)}`;

  // The file entry.
  if (o.entry === null && n.entry !== null)
    out.push(entryAdded(sname, n.entry.kind, { old: o.span, new: n.entry.span }));
  else if (o.entry !== null && n.entry === null)
    out.push(
      entryChanged(sname, `is no longer a file entry (was '${o.entry.kind}')`, { old: o.entry.span, new: n.span }),
    );
  else if (o.entry !== null && n.entry !== null) {
    const eAt = { old: o.entry.span, new: n.entry.span };
    if (o.entry.kind !== n.entry.kind)
      out.push(entryChanged(sname, `entry kind changed from '${o.entry.kind}' to '${n.entry.kind}'`, eAt));
    const om = o.entry.memory;
    const nm = n.entry.memory;
    if (om?.via !== nm?.via)
      out.push(
        entryChanged(
          sname,
          `is found ${nm === undefined ? "as a file" : `in memory via '${nm.via}'`} instead of ${om === undefined ? "as a file" : `in memory via '${om.via}'`}`,
          eAt,
        ),
      );
    else if (om !== undefined && nm !== undefined && om.label !== nm.label)
      out.push(renamed("memory entry label", om.label, nm.label, ` of stream '${sname}'`, eAt));
    if (o.entry.magic.join(",") !== n.entry.magic.join(",")) {
      out.push(
        entryChanged(
          sname,
          `entry is told by (${n.entry.magic.join(", ")}) instead of (${o.entry.magic.join(", ")})`,
          eAt,
        ),
      );
    }
  }
  for (const [i, label] of o.preambleLabels.entries()) {
    const now = n.preambleLabels[i];
    if (now !== undefined && now !== label && o.preamble.length === n.preamble.length)
      out.push(renamed("preamble label", label, now, ` of stream '${sname}'`, at));
  }

  // require: keyed by scope, path and condition.
  const requireKey = (r: LayoutRequire, old: boolean): string =>
    `${r.scope} ${path(r.path, old && r.scope === "record")}${cond(r.when)}`;
  const oldRequires = new Map(o.requires.map((r) => [requireKey(r, true), r]));
  const newRequires = new Map(n.requires.map((r) => [requireKey(r, false), r]));
  for (const [key, nr] of newRequires) {
    const or = oldRequires.get(key);
    const text = `require ${path(nr.path, false)} in ${setText(nr.values)}${cond(nr.when)}`;
    if (or === undefined) out.push(requireTightened(sname, `new rule '${text}'`, { old: o.span, new: nr.span }));
    else if (!covers(nr.values, or.values))
      out.push(
        requireTightened(sname, `'${text}' no longer takes every value of ${setText(or.values)}`, {
          old: or.span,
          new: nr.span,
        }),
      );
    else if (!covers(or.values, nr.values))
      out.push(ruleRelaxed(sname, `'${text}' widened from ${setText(or.values)}`, { old: or.span, new: nr.span }));
  }
  for (const [key, or] of oldRequires) {
    if (!newRequires.has(key))
      out.push(
        ruleRelaxed(
          sname,
          `rule 'require ${path(or.path, or.scope === "record")} in ${setText(or.values)}${cond(or.when)}' dropped`,
          { old: or.span, new: n.span },
        ),
      );
  }

  // first / once / order … before: keyed by kind, record and condition.
  const orderKey = (r: LayoutOrderRule, old: boolean): string =>
    `${r.kind} ${old ? rec(r.record) : r.record}${cond(r.when)}`;
  const orderText = (r: LayoutOrderRule, old: boolean): string => {
    const name = old ? rec(r.record) : r.record;
    return r.kind === "before"
      ? `order ${name} before ${r.later.map((l) => (old ? rec(l) : l)).join(", ")}${cond(r.when)}`
      : `${r.kind} ${name}${cond(r.when)}`;
  };
  const oldOrder = new Map(o.order.map((r) => [orderKey(r, true), r]));
  const newOrder = new Map(n.order.map((r) => [orderKey(r, false), r]));
  for (const [key, nr] of newOrder) {
    const or = oldOrder.get(key);
    if (or === undefined) {
      out.push(orderTightened(sname, `new rule '${orderText(nr, false)}'`, { old: o.span, new: nr.span }));
      continue;
    }
    const oldLater = new Set(or.later.map(rec));
    const added = nr.later.filter((l) => !oldLater.has(l));
    const dropped = [...oldLater].filter((l) => !nr.later.includes(l));
    const rAt = { old: or.span, new: nr.span };
    if (added.length > 0)
      out.push(
        orderTightened(sname, `'${orderText(nr, false)}' now also puts ${added.join(", ")} after ${nr.record}`, rAt),
      );
    if (dropped.length > 0)
      out.push(
        ruleRelaxed(sname, `'${orderText(nr, false)}' no longer puts ${dropped.join(", ")} after ${nr.record}`, rAt),
      );
  }
  for (const [key, or] of oldOrder) {
    if (!newOrder.has(key))
      out.push(ruleRelaxed(sname, `rule '${orderText(or, true)}' dropped`, { old: or.span, new: n.span }));
  }

  compareMaxLength(sname, o, n, rec, out);

  // Payloads, by record.
  const exprText = (e: LayoutSizeExpr): string =>
    JSON.stringify(e, (k, v: unknown) => (k === "offset" ? undefined : typeof v === "bigint" ? v.toString() : v));
  const oldPayloads = new Map(o.payloads.map((p) => [rec(p.record), p]));
  for (const np of n.payloads) {
    const op = oldPayloads.get(np.record);
    if (op === undefined)
      out.push(
        payloadChanged(sname, `record ${np.record} now carries payload '${np.name}' after its fields`, {
          old: o.span,
          new: np.span,
        }),
      );
    else {
      const pAt = { old: op.span, new: np.span };
      // A body path's root is its record: compare with the old root renamed.
      const oldExpr = exprText(op.size).split(`"root":"${op.record}"`).join(`"root":"${np.record}"`);
      if (oldExpr !== exprText(np.size))
        out.push(
          payloadChanged(sname, `the size of payload '${np.name}' of record ${np.record} is computed differently`, pAt),
        );
      else if (op.name !== np.name)
        out.push(renamed("payload", op.name, np.name, ` of record ${np.record} of stream '${sname}'`, pAt));
    }
  }
  const newPayloads = new Set(n.payloads.map((p) => p.record));
  for (const [record, op] of oldPayloads) {
    if (!newPayloads.has(record))
      out.push(
        payloadChanged(sname, `record ${record} no longer carries payload '${op.name}'`, { old: op.span, new: n.span }),
      );
  }

  // Streams in line, by record.
  const oldInline = new Map(o.inline.map((i) => [rec(i.record), i]));
  for (const ni of n.inline) {
    const oi = oldInline.get(ni.record);
    const text = `after ${ni.record} stream ${ni.stream}${ni.until.length > 0 ? ` until ${ni.until.join(", ")}` : ""}`;
    if (oi === undefined) out.push(inlineChanged(sname, `new '${text}'`, { old: o.span, new: ni.span }));
    else if (oi.stream !== ni.stream || [...oi.until].sort().join(",") !== [...ni.until].sort().join(",")) {
      out.push(
        inlineChanged(
          sname,
          `'${text}' was 'after ${oi.record} stream ${oi.stream}${oi.until.length > 0 ? ` until ${oi.until.join(", ")}` : ""}'`,
          { old: oi.span, new: ni.span },
        ),
      );
    }
  }
  const newInline = new Set(n.inline.map((i) => i.record));
  for (const [record, oi] of oldInline) {
    if (!newInline.has(record))
      out.push(
        inlineChanged(sname, `no stream '${oi.stream}' follows record ${record} any more`, {
          old: oi.span,
          new: n.span,
        }),
      );
  }
}

/** The largest body a record may have: the smallest limit of the rules that name it or name none. */
function limitOf(rules: readonly LayoutMaxLength[], name: string | null): LayoutMaxLength | undefined {
  let best: LayoutMaxLength | undefined;
  for (const r of rules) {
    if (r.records.length > 0 && (name === null || !r.records.includes(name))) continue;
    if (best === undefined || r.value < best.value) best = r;
  }
  return best;
}

function compareMaxLength(
  sname: string,
  o: LayoutStream,
  n: LayoutStream,
  rec: (name: string) => string,
  out: AbiFinding[],
): void {
  const oldRules = o.maxLength.map((r) => ({ ...r, records: r.records.map(rec) }));
  // "was → now" → the records it applies to, for lowered and raised limits.
  const lowered = new Map<string, string[]>();
  const raised = new Map<string, string[]>();
  let lowSpan: LayoutMaxLength | undefined;
  let highSpan: LayoutMaxLength | undefined;
  const add = (m: Map<string, string[]>, change: string, label: string): void =>
    void m.set(change, [...(m.get(change) ?? []), label]);
  // Every record of the new stream, and (null) a record of a type neither version names.
  const names = [...n.records.map((r) => r.name), null];
  for (const name of names) {
    const ol = limitOf(oldRules, name);
    const nl = limitOf(n.maxLength, name);
    const label = name ?? "records of other types";
    const change = `from ${ol === undefined ? "no limit" : ol.value} to ${nl === undefined ? "no limit" : nl.value}`;
    if (nl !== undefined && (ol === undefined || nl.value < ol.value)) {
      add(lowered, change, label);
      lowSpan ??= nl;
    } else if (ol !== undefined && (nl === undefined || nl.value > ol.value)) {
      add(raised, change, label);
      highSpan ??= nl;
    }
  }
  const text = (m: Map<string, string[]>): string =>
    [...m]
      .map(([change, labels]) => `${change} for ${labels.length === names.length ? "every record" : labels.join(", ")}`)
      .join("; ");
  if (lowered.size > 0) {
    out.push(
      maxLengthLowered(sname, `max length lowered ${text(lowered)}: longer bodies the old version wrote are rejected`, {
        old: o.maxLength[0]?.span ?? o.span,
        new: lowSpan?.span ?? n.span,
      }),
    );
  }
  if (raised.size > 0)
    out.push(
      ruleRelaxed(sname, `max length raised ${text(raised)}`, {
        old: o.maxLength[0]?.span ?? o.span,
        new: highSpan?.span ?? n.span,
      }),
    );
}
