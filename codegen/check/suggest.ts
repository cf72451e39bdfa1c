/**
 * "Did you mean" for unknown names: the closest candidate by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours, ignoring case), and the language's spelling of the
 * integer types people bring from C (`uint16_t`, `__le32`, `int64`, `float`).
 */

/** Optimal string alignment distance between `a` and `b`, compared case-insensitively. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= t.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const up = rows[i - 1] ?? [];
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[s.length]?.[t.length] ?? 0;
}

/**
 * The candidate closest to `name`, when it is close enough to be a likely typo (at most a third
 * of the name's length, and at least one, edits away); ties go to the first in sorted order.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === name) continue;
    const d = editDistance(name, c);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

const FLOATS: Readonly<Record<string, string>> = {
  float: "f32",
  double: "f64",
  float32: "f32",
  float64: "f64",
  char: "u8",
  byte: "u8",
};

/**
 * The language's name for a C-style integer or float type name (`uint16_t` → `u16`, `__be32` →
 * `u32be`, `int8` → `i8`, `double` → `f64`), or null when `name` is not one.
 */
export function primitiveSpelling(name: string): string | null {
  const n = name.toLowerCase();
  const float = FLOATS[n];
  if (float !== undefined) return float;
  const m = /^(?:__)?(u|s|i|le|be|u_?int|int)(8|16|32|64)(_t)?(le|be)?$/.exec(n);
  if (m === null) return null;
  const [, kind = "", bits = "", , suffix] = m;
  const signed = kind === "s" || kind === "i" || kind === "int";
  const endian = kind === "le" || kind === "be" ? kind : (suffix ?? "");
  const out = `${signed ? "i" : "u"}${bits}${bits === "8" ? "" : endian}`;
  return out === n ? null : out;
}

/** The `help:` text for an unknown name, or undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>, primitives = false): string | undefined {
  const prim = primitives ? primitiveSpelling(name) : null;
  if (prim !== null) return `did you mean '${prim}'?`;
  const near = closestName(name, candidates);
  return near === null ? undefined : `did you mean '${near}'?`;
}
