/**
 * `--bootmem FRAME[:COUNT]`, `--bootmem FRAME:SIZE`, `--bootmem auto` or `--bootmem auto:FRAME:COUNT`
 * (`auto:FRAME:SIZE`): where the live update
 * bootmem is. Xen#2 is told the whole range by `liveupdate=`; given only its first frame, lu-codec
 * can check nothing but that frame, so a stream page or MFN array frame further inside the bootmem
 * would pass unnoticed. COUNT is a number of frames; SIZE is octets with a K, M or G suffix (a whole
 * number of pages). Numbers may be decimal or 0x-prefixed hexadecimal.
 */

export interface BootmemRange {
  readonly start: number;
  /** Frames in the bootmem (1 when only the first frame was given). */
  readonly count: number;
}

/**
 * A bootmem given by hand, or `auto` (find the breadcrumb by scanning the page starts of `within`,
 * the `liveupdate=` range when known, else of the whole image).
 */
export type BootmemOption =
  | { readonly kind: "range"; readonly range: BootmemRange }
  | { readonly kind: "auto"; readonly within: BootmemRange | undefined };

const UNITS: Readonly<Record<string, number>> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

function whole(text: string, what: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new Error(`${what} '${text}' is not a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${what} '${text}' is too large`);
  return n;
}

/** Parses the option's text; throws an Error with a usage message. */
export function parseBootmem(text: string, pageSize: number): BootmemOption {
  if (text === "auto") return { kind: "auto", within: undefined };
  if (text.startsWith("auto:")) {
    const inner = parseBootmem(text.slice(5), pageSize);
    if (inner.kind !== "range") throw new Error(`--bootmem '${text}' is not auto:FRAME:COUNT or auto:FRAME:SIZE`);
    return { kind: "auto", within: inner.range };
  }
  const [first, rest, extra] = text.split(":");
  if (first === undefined || extra !== undefined)
    throw new Error(`--bootmem '${text}' is not FRAME, FRAME:COUNT, FRAME:SIZE or auto`);
  const start = whole(first, "--bootmem frame");
  if (rest === undefined) return { kind: "range", range: { start, count: 1 } };
  const sized = /^(0x[0-9a-f]+|\d+)([kmg])$/i.exec(rest);
  let count: number;
  if (sized !== null) {
    const bytes = whole(sized[1] ?? "", "--bootmem size") * (UNITS[(sized[2] ?? "").toLowerCase()] ?? 1);
    if (bytes % pageSize !== 0)
      throw new Error(`--bootmem size ${rest} is not a whole number of ${pageSize}-byte pages`);
    count = bytes / pageSize;
  } else {
    count = whole(rest, "--bootmem frame count");
  }
  if (count < 1) throw new Error(`--bootmem '${text}' gives an empty bootmem`);
  return { kind: "range", range: { start, count } };
}
