/**
 * Pass 5, streams: each `stream` declaration's header, framing and records checked and resolved
 * (LU2011 for a malformed stream, LU2005 for duplicate type values, LU2003 for values that do not
 * fit the header's type field).
 */
import type { AstName, AstStream, AstStreamItem } from "../ast.js";
import { diag, hex } from "../diagnostics.js";
import type { LayoutEnum, LayoutRecord, LayoutStream, LayoutStruct, LayoutTypeRange, SourceSpan } from "../ir.js";
import type { ConstTable } from "./constants.js";
import type { CheckInput, DiagnosticSink } from "./context.js";
import type { StructLayouts } from "./layout.js";
import type { NameTable } from "./names.js";
import { primSize } from "./primitives.js";
import { closestName } from "./suggest.js";
import { checkStreamRules } from "./stream-rules.js";

export interface StreamLayouts {
  readonly streams: ReadonlyMap<string, LayoutStream>;
}

export function checkStreams(
  input: CheckInput,
  names: NameTable,
  consts: ConstTable,
  layouts: StructLayouts,
  sink: DiagnosticSink,
  enums: ReadonlyMap<string, LayoutEnum> = new Map(),
): StreamLayouts {
  const streams = new Map<string, LayoutStream>();
  for (const { ast } of input.files) {
    for (const decl of ast.decls) {
      if (decl.kind !== "stream" || names.decls.get(decl.name.text)?.decl !== decl) continue;
      const checked = checkStream(ast.file, decl, names, consts, layouts, sink, enums);
      if (checked !== null) streams.set(decl.name.text, checked);
    }
  }
  return { streams };
}

type Item<K extends AstStreamItem["kind"]> = Extract<AstStreamItem, { kind: K }>;

function spanOfItem(item: AstStreamItem): SourceSpan {
  return item.span;
}

function checkStream(
  file: string,
  decl: AstStream,
  names: NameTable,
  consts: ConstTable,
  layouts: StructLayouts,
  sink: DiagnosticSink,
  enums: ReadonlyMap<string, LayoutEnum>,
): LayoutStream | null {
  const name = decl.name.text;
  // `preamble S as L` and `end of input` count as the directives they stand for.
  const same: Partial<Record<AstStreamItem["kind"], AstStreamItem["kind"]>> = {
    preambleAs: "preamble",
    endOfInput: "end",
  };
  const single = <K extends "preamble" | "header" | "align" | "optional" | "end">(kind: K): Item<K> | null => {
    const all = decl.items.filter((i) => i.kind === kind || same[i.kind] === kind);
    const items = all.filter((i): i is Item<K> => i.kind === kind);
    const firstAny = all[0];
    for (const extra of all.slice(1)) {
      if (firstAny !== undefined && items.length !== all.length)
        sink.report(diag.duplicateDirective(spanOfItem(extra), kind, spanOfItem(firstAny)));
    }
    if (items.length !== all.length) return items[0] ?? null;
    const first = items[0];
    for (const extra of items.slice(1)) {
      if (first !== undefined) sink.report(diag.duplicateDirective(spanOfItem(extra), kind, spanOfItem(first)));
    }
    return first ?? null;
  };
  let ok = true;

  const structOf = (ref: AstName): LayoutStruct | null => {
    const found = names.lookup(file, ref, "struct", ["struct"]);
    return found === null ? null : (layouts.structs.get(ref.text) ?? null);
  };

  // Header and its type/length fields.
  const header = single("header");
  let typeBits = 32;
  let typeLabel = "u32";
  if (header === null) {
    sink.report(
      diag.invalidStream(
        decl.name.span,
        `stream '${name}' has no header`,
        "add 'header STRUCT (TYPE_FIELD, LENGTH_FIELD);'",
      ),
    );
    ok = false;
  } else {
    const hdr = structOf(header.struct);
    if (hdr === null) ok = false;
    else {
      if (hdr.trailing !== null) {
        sink.report(diag.invalidStream(header.struct.span, `header struct '${hdr.name}' must have a fixed size`));
        ok = false;
      }
      const measured = hdr.fields.find((f) => f.lengthOf !== undefined);
      if (measured !== undefined) {
        sink.report(
          diag.lengthField(
            header.struct.span,
            `header struct '${hdr.name}' has a length field '${measured.name}' ('= length of …'); a record's length is its header's length field`,
          ),
        );
        ok = false;
      }
      for (const [role, ref] of [
        ["type", header.typeField],
        ["length", header.lengthField],
      ] as const) {
        const field = hdr.fields.find((f) => f.name === ref.text);
        if (field === undefined) {
          const near = closestName(
            ref.text,
            hdr.fields.filter((f) => f.type.kind === "prim" && /^u(8|16|32)$/.test(f.type.prim)).map((f) => f.name),
          );
          sink.report(
            diag.invalidStream(
              ref.span,
              `header struct '${hdr.name}' has no field '${ref.text}'`,
              near === null ? undefined : `did you mean '${near}'?`,
            ),
          );
          ok = false;
        } else if (field.type.kind !== "prim" || !/^u(8|16|32)$/.test(field.type.prim)) {
          sink.report(diag.invalidStream(ref.span, `${role} field '${ref.text}' must be a u8, u16 or u32`));
          ok = false;
        } else if (role === "type") {
          typeBits = primSize(field.type.prim) * 8;
          typeLabel = field.type.prim;
        }
      }
    }
  }
  const typeMax = (1n << BigInt(typeBits)) - 1n;
  const typeLittle = (() => {
    if (header === null) return true;
    const hdr = layouts.structs.get(header.struct.text);
    const f = hdr?.fields.find((x) => x.name === header.typeField.text);
    return f?.type.kind === "prim" ? f.type.endian === "little" : (hdr?.endian ?? "little") === "little";
  })();
  /** A record type written as text (`"fmt "`): its octets as they appear in the type field. */
  const fourCharCode = (code: string, span: SourceSpan): bigint | null => {
    const width = typeBits / 8;
    if (code.length !== width || [...code].some((c) => c.charCodeAt(0) > 0x7f)) {
      sink.report(
        diag.invalidStream(
          span,
          `record code "${code}" must be ${width} ASCII characters, the width of the type field`,
        ),
      );
      ok = false;
      return null;
    }
    let v = 0n;
    for (let i = 0; i < width; i++) {
      const octet = BigInt(code.charCodeAt(i));
      v |= typeLittle ? octet << BigInt(8 * i) : octet << BigInt(8 * (width - 1 - i));
    }
    return v;
  };

  // Preamble structs must have a fixed size.
  const preambleItem = single("preamble");
  const preambleAs = decl.items.find((i): i is Item<"preambleAs"> => i.kind === "preambleAs");
  const preamble: string[] = [];
  const preambleLabels: string[] = [];
  const preambleRefs = preambleItem?.structs ?? preambleAs?.structs ?? [];
  preambleRefs.forEach((ref, i) => preambleLabels.push(preambleAs?.labels[i]?.text ?? ref.text));
  for (const ref of preambleRefs) {
    const s = structOf(ref);
    if (s === null) ok = false;
    else if (s.trailing !== null) {
      sink.report(diag.invalidStream(ref.span, `preamble struct '${s.name}' must have a fixed size`));
      ok = false;
    } else preamble.push(s.name);
  }

  let align = 1;
  const alignItem = single("align");
  if (alignItem !== null) {
    const v = consts.evaluate(file, alignItem.value);
    if (v === null) ok = false;
    else if (v < 1n || v > 4096n || (v & (v - 1n)) !== 0n) {
      sink.report(
        diag.badAlign(alignItem.value.span, `record alignment ${v} is not a power of two between 1 and 4096`),
      );
      ok = false;
    } else align = Number(v);
  }

  let optionalBit: number | null = null;
  const optionalItem = single("optional");
  if (optionalItem !== null) {
    const v = consts.evaluate(file, optionalItem.bit);
    if (v === null) ok = false;
    else if (v < 0n || v >= BigInt(typeBits)) {
      sink.report(
        diag.invalidStream(optionalItem.bit.span, `optional bit ${v} is outside the ${typeBits}-bit type field`),
      );
      ok = false;
    } else optionalBit = Number(v);
  }

  // Records: values in range of the type field and unique.
  const records: LayoutRecord[] = [];
  const byValue = new Map<bigint, { name: string; span: SourceSpan }>();
  for (const item of decl.items) {
    if (item.kind !== "record" && item.kind !== "recordCode") continue;
    const v = item.kind === "record" ? consts.evaluate(file, item.value) : fourCharCode(item.code, item.codeSpan);
    let body: string | null = null;
    if (item.body !== null) {
      const s = structOf(item.body);
      if (s === null) ok = false;
      else body = s.name;
    }
    if (v === null) {
      ok = false;
      continue;
    }
    if (v < 0n || v > typeMax) {
      sink.report(
        diag.outOfRange(
          item.kind === "record" ? item.value.span : item.codeSpan,
          "record type value",
          v,
          `type field ${typeLabel}`,
          0n,
          typeMax,
        ),
      );
      ok = false;
      continue;
    }
    const prior = byValue.get(v);
    if (prior !== undefined) {
      sink.report(diag.duplicateRecordValue(item.name.span, item.name.text, prior.name, v, prior.span));
      ok = false;
      continue;
    }
    byValue.set(v, { name: item.name.text, span: item.name.span });
    const optional = optionalBit !== null && ((v >> BigInt(optionalBit)) & 1n) === 1n;
    const code = item.kind === "recordCode" ? { code: item.code } : {};
    records.push({
      name: item.name.text,
      value: Number(v),
      body,
      optional,
      ...code,
      doc: item.doc,
      span: item.name.span,
    });
  }

  const ranges: LayoutTypeRange[] = [];
  for (const item of decl.items) {
    if (item.kind !== "range") continue;
    const lo = consts.evaluate(file, item.lo);
    const hi = consts.evaluate(file, item.hi);
    if (lo === null || hi === null) {
      ok = false;
      continue;
    }
    for (const [v, e] of [
      [lo, item.lo],
      [hi, item.hi],
    ] as const) {
      if (v < 0n || v > typeMax) {
        sink.report(diag.outOfRange(e.span, "range bound", v, `type field ${typeLabel}`, 0n, typeMax));
        ok = false;
      }
    }
    if (lo > hi) {
      sink.report(diag.invalidStream(item.span, `range '${item.name.text}' is empty (${hex(lo)} > ${hex(hi)})`));
      ok = false;
      continue;
    }
    ranges.push({ name: item.name.text, lo: Number(lo), hi: Number(hi), doc: item.doc, span: item.name.span });
  }

  const endItem = single("end");
  const endOfInput = decl.items.some((i) => i.kind === "endOfInput");
  let end: string | null = null;
  if (endOfInput) {
    if (endItem !== null) {
      sink.report(
        diag.invalidStream(endItem.span, `stream '${name}' ends both at a record and at the end of its input`),
      );
      ok = false;
    }
  } else if (endItem === null) {
    sink.report(diag.invalidStream(decl.name.span, `stream '${name}' has no end record`, "add 'end RECORD;'"));
    ok = false;
  } else if (
    !decl.items.some((i) => (i.kind === "record" || i.kind === "recordCode") && i.name.text === endItem.record.text)
  ) {
    const near = closestName(
      endItem.record.text,
      decl.items.flatMap((i) => (i.kind === "record" || i.kind === "recordCode" ? [i.name.text] : [])),
    );
    sink.report(
      diag.invalidStream(
        endItem.record.span,
        `end record '${endItem.record.text}' is not a record of stream '${name}'`,
        near === null ? undefined : `did you mean '${near}'?`,
      ),
    );
    ok = false;
  } else end = endItem.record.text;

  const preambleStructs = preamble.map((p) => layouts.structs.get(p)).filter((x): x is LayoutStruct => x !== undefined);
  const bodies = new Map(records.map((r) => [r.name, r.body === null ? null : (layouts.structs.get(r.body) ?? null)]));
  const rules = checkStreamRules({
    file,
    decl,
    names,
    consts,
    enums,
    sink,
    preamble: preambleStructs,
    bodies,
    structOf: (n) => layouts.structs.get(n),
  });
  if (!rules.ok) ok = false;
  if (!ok || header === null || (end === null && !endOfInput)) return null;
  return {
    name,
    preamble,
    header: header.struct.text,
    typeField: header.typeField.text,
    lengthField: header.lengthField.text,
    align,
    optionalBit,
    end,
    records,
    ranges,
    preambleLabels,
    entry: rules.entry,
    requires: rules.requires,
    order: rules.order,
    maxLength: rules.maxLength,
    payloads: rules.payloads,
    inline: rules.inline,
    doc: decl.doc,
    span: decl.name.span,
  };
}
