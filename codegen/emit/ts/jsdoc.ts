/**
 * TSDoc comments for generated code. Paragraphs are separated by a blank comment line; `*` `/`
 * inside text is broken so a schema doc can never end the comment early.
 */

/** A `/** … *\/` comment from paragraphs (null and empty ones are skipped); "" when none remain. */
export function jsdoc(...paragraphs: readonly (string | null | undefined)[]): string {
  const kept = paragraphs.filter((p): p is string => p !== null && p !== undefined && p.trim().length > 0);
  if (kept.length === 0) return "";
  const lines: string[] = [];
  kept.forEach((p, i) => {
    if (i > 0) lines.push("");
    for (const line of p.split("\n")) lines.push(...wrap(line.replace(/\*\//g, "*\\/").trimEnd()));
  });
  if (lines.length === 1) return `/** ${lines[0] ?? ""} */`;
  return ["/**", ...lines.map((l) => (l.length > 0 ? ` * ${l}` : " *")), " */"].join("\n");
}

/** Lines longer than `width` broken at spaces (schema docs are already wrapped; generated prose is not). */
function wrap(line: string, width = 100): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current.length > 0 && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current.length === 0 ? word : `${current} ${word}`;
  }
  if (current.length > 0) out.push(current);
  return out;
}
