/** The human-readable form of `lu dump`: one line per record, then its fields indented. */
import { type JsonValue, OctetRun } from "./json-value.js";
import type { DumpRecord } from "./walk-stream.js";

/** Array elements listed before "… N more". */
export const ITEMS_SHOWN = 8;

/** Keys whose strings are octets in hex, never numbers. */
const HEX_KEYS = new Set(["hex", "head"]);

function scalarText(v: JsonValue, key = ""): string {
  if (typeof v === "number") return Number.isInteger(v) && v >= 10 ? `${v} (0x${v.toString(16)})` : String(v);
  if (typeof v === "string") return /^\d+$/.test(v) && !HEX_KEYS.has(key) ? `${v} (0x${BigInt(v).toString(16)})` : v;
  return JSON.stringify(v);
}

function isRecordList(v: readonly JsonValue[]): boolean {
  const first = v[0];
  return (
    first !== undefined &&
    first !== null &&
    typeof first === "object" &&
    !Array.isArray(first) &&
    "fields" in first &&
    "name" in first
  );
}

/** Lines for one value at `indent`, prefixed `label: `. */
export function valueLines(label: string, value: JsonValue, indent: string, out: string[]): void {
  // `lu dump --full`: every octet, as in the JSON.
  const v = value instanceof OctetRun ? value.toJSON() : value;
  if (v === null || typeof v !== "object") {
    out.push(`${indent}${label}: ${scalarText(v, label)}`);
    return;
  }
  if (Array.isArray(v)) {
    const list = v as readonly JsonValue[];
    if (isRecordList(list)) {
      out.push(`${indent}${label}: ${list.length} nested record(s)`);
      for (const r of list) {
        const rec = r as { readonly [k: string]: JsonValue };
        out.push(`${indent}  ${String(rec["name"])} @${String(rec["offset"])} length ${String(rec["length"])}`);
        for (const [k, fv] of Object.entries((rec["fields"] ?? {}) as { readonly [k: string]: JsonValue }))
          valueLines(k, fv, `${indent}    `, out);
      }
      return;
    }
    if (list.every((x) => x === null || typeof x !== "object")) {
      const shown = list
        .slice(0, ITEMS_SHOWN)
        .map((x) => (typeof x === "number" && x >= 10 ? `0x${x.toString(16)}` : String(x)));
      const more = list.length > ITEMS_SHOWN ? `, … ${list.length - ITEMS_SHOWN} more` : "";
      out.push(`${indent}${label}: [${shown.join(", ")}${more}] (${list.length})`);
      return;
    }
    out.push(`${indent}${label}: ${list.length} item(s)`);
    list.slice(0, ITEMS_SHOWN).forEach((x, i) => valueLines(`[${i}]`, x, `${indent}  `, out));
    if (list.length > ITEMS_SHOWN) out.push(`${indent}  … ${list.length - ITEMS_SHOWN} more`);
    return;
  }
  const entries = Object.entries(v as { readonly [k: string]: JsonValue });
  if (entries.every(([, x]) => x === null || typeof x !== "object") && entries.length <= 6) {
    out.push(`${indent}${label}: { ${entries.map(([k, x]) => `${k}: ${scalarText(x, k)}`).join(", ")} }`);
    return;
  }
  out.push(`${indent}${label}:`);
  for (const [k, x] of entries) valueLines(k, x, `${indent}  `, out);
}

export function recordText(stream: string, r: DumpRecord): string {
  const out = [
    `#${r.index} @${r.offset} (0x${r.offset.toString(16)}) ${r.name} (0x${r.type.toString(16).padStart(8, "0")}) length ${r.bodyLength} [${stream}]`,
  ];
  for (const [k, v] of Object.entries(r.fields)) valueLines(k, v, "    ", out);
  return out.join("\n");
}

export function preambleText(name: string, offset: number, fields: { readonly [k: string]: JsonValue }): string {
  const out = [`${name} @${offset} (0x${offset.toString(16)})`];
  for (const [k, v] of Object.entries(fields)) valueLines(k, v, "    ", out);
  return out.join("\n");
}
