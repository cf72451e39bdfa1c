/**
 * Builds record bodies through the generated accessor classes, for the round-trip tests of
 * `lu dump` / `lu validate`: `Cls.at(src, 0, length).init()`, then every settable field written
 * through its generated setter (found by the codegen's own naming rule) with a non-trivial value
 * chosen from the schema IR. Alongside, the JSON `lu dump --json` must print for those fields,
 * worked out from the values set (enum members by name, flag sets by name, `bits` as
 * `{raw, ranges…}`, 64-bit values above 2^53 - 1 as decimal strings). Constant fields keep what
 * `init()` wrote, reserved fields and padding stay zero.
 */
import type { LayoutElement, LayoutField, LayoutStruct, LayoutType } from "../../codegen/ir.js";
import { memberName } from "../../codegen/naming.js";
import type { JsonValue } from "../../cli/inspect/json-value.js";
import { hexOctets, integerJson } from "../../cli/inspect/json-value.js";
import type { SchemaIndex } from "../../cli/inspect/schema-program.js";
import type { StructClass } from "../../runtime/accessor-support.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";

const SIZE: Record<string, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, f32: 4, f64: 8 };
/** Elements given to every variable-length array or byte field. */
export const VARIABLE_ELEMENTS = 3;
/** Octets given to a variable-length byte field (not a multiple of 8, so the record is padded). */
export const VARIABLE_BYTES = 13;

/** A field's planned content: what to write through the accessor, and what dump must print. */
type Plan =
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "ascii"; readonly value: string }
  | { readonly kind: "bytes"; readonly value: Uint8Array; readonly fixed: boolean }
  | { readonly kind: "bits"; readonly ranges: ReadonlyMap<string, bigint> }
  | { readonly kind: "struct"; readonly fields: ReadonlyMap<string, Plan> }
  | { readonly kind: "array"; readonly items: readonly Plan[] }
  | { readonly kind: "stream"; readonly value: Uint8Array }
  | { readonly kind: "keep" };

export interface BuiltBody {
  readonly bytes: Uint8Array;
  /** The fields `lu dump --json` prints for this body (a nested stream as its record names). */
  readonly expected: { [name: string]: JsonValue };
}

type Obj = Record<string, unknown>;

function prop(obj: Obj, field: string, where: string): string {
  const name = memberName(field);
  if (!(name in obj)) throw new Error(`${where}: the generated class has no accessor '${name}' for field '${field}'`);
  return name;
}

export class AccessorBuilder {
  private readonly schemas: SchemaIndex;
  private n = 0;
  /** Nested stream bytes for `stream` fields, by stream name. */
  private readonly nested: ReadonlyMap<string, { readonly bytes: Uint8Array; readonly names: readonly string[] }>;

  constructor(
    schemas: SchemaIndex,
    nested: ReadonlyMap<string, { readonly bytes: Uint8Array; readonly names: readonly string[] }> = new Map(),
  ) {
    this.schemas = schemas;
    this.nested = nested;
  }

  private struct(name: string): LayoutStruct {
    const s = this.schemas.structs.get(name);
    if (s === undefined) throw new Error(`no struct ${name}`);
    return s;
  }

  /** A non-zero value of `bits` bits; 64-bit ones alternate above and below 2^53. */
  private int(bits: number, signed: boolean): bigint {
    const k = BigInt(++this.n);
    if (signed) return -(0x1234n + k * 7n) % (1n << BigInt(bits - 1)) || -1n;
    const mask = (1n << BigInt(bits)) - 1n;
    const pattern =
      bits === 64 ? (this.n % 2 === 0 ? 0xfedc_ba98_7654_3210n + k : 0x1_2345_6789n + k) : 0x5a5a_a5a5n * k + 0x11n;
    return pattern & mask || 1n;
  }

  private enumValue(enumName: string): bigint {
    const members = this.schemas.enums.get(enumName)?.members ?? [];
    const nonzero = members.filter((m) => m.value !== 0n);
    const pool = nonzero.length > 0 ? nonzero : members;
    const m = pool[++this.n % pool.length];
    if (m === undefined) throw new Error(`enum ${enumName} has no members`);
    return m.value;
  }

  private flagsValue(flagsName: string): bigint {
    const members = this.schemas.flags.get(flagsName)?.members ?? [];
    let v = 0n;
    members.forEach((m, i) => {
      if ((i + this.n) % 2 === 0) v |= m.value;
    });
    this.n++;
    return v === 0n && members[0] !== undefined ? members[0].value : v;
  }

  private enumJson(enumName: string, v: bigint): JsonValue {
    const m = this.schemas.enums.get(enumName)?.members.find((x) => x.value === v);
    return m?.name ?? integerJson(v);
  }

  private flagsJson(flagsName: string, v: bigint): JsonValue {
    return (this.schemas.flags.get(flagsName)?.members ?? [])
      .filter((m) => (v & m.value) === m.value)
      .map((m) => m.name);
  }

  private scalarPlan(t: LayoutType | LayoutElement): [Plan, JsonValue] {
    switch (t.kind) {
      case "enum": {
        const v = this.enumValue(t.enumName);
        return [{ kind: "int", value: v }, this.enumJson(t.enumName, v)];
      }
      case "flags": {
        const v = this.flagsValue(t.flagsName);
        return [{ kind: "int", value: v }, this.flagsJson(t.flagsName, v)];
      }
      case "struct": {
        const [fields, json] = this.structPlan(this.struct(t.structName), new Map());
        return [{ kind: "struct", fields }, json];
      }
      case "prim": {
        if (t.prim === "f32" || t.prim === "f64") {
          const v = t.prim === "f32" ? 1.5 + this.n++ : -2.25 - this.n++;
          return [{ kind: "float", value: v }, v];
        }
        const v = this.int((SIZE[t.prim] ?? 1) * 8, t.prim.startsWith("i"));
        return [{ kind: "int", value: v }, integerJson(v)];
      }
      default:
        throw new Error(`no scalar plan for ${t.kind}`);
    }
  }

  private bytesOf(n: number): Uint8Array {
    const b = new Uint8Array(n);
    const k = ++this.n;
    for (let i = 0; i < n; i++) b[i] = (i * 37 + k * 11 + 1) & 0xff || 0x5a;
    return b;
  }

  private bytesJson(b: Uint8Array): JsonValue {
    if (b.length <= 32) return { bytes: b.length, hex: hexOctets(b) };
    return { bytes: b.length, nonzero: b.filter((x) => x !== 0).length, head: hexOctets(b.subarray(0, 32)) };
  }

  private constJson(f: LayoutField): JsonValue {
    const t = f.type;
    const c = f.constValue;
    if (typeof c === "string") return c;
    if (c === null) return null;
    if (t.kind === "enum") return this.enumJson(t.enumName, c);
    if (t.kind === "bits") return { raw: integerJson(c) };
    return integerJson(c);
  }

  /** Zero (reserved or untouched) content of a field, as dump prints it. */
  private zeroJson(f: LayoutField): JsonValue | undefined {
    const t = f.type;
    switch (t.kind) {
      case "pad":
        return undefined;
      case "ascii":
        return "";
      case "bytes":
        return t.count.kind === "fixed" ? this.bytesJson(new Uint8Array(t.count.n)) : this.bytesJson(new Uint8Array(0));
      case "prim":
        return t.prim === "f32" || t.prim === "f64" ? 0 : 0;
      case "enum":
        return this.enumJson(t.enumName, 0n);
      case "flags":
        return [];
      case "bits": {
        const out: { [k: string]: JsonValue } = { raw: 0 };
        for (const r of t.ranges)
          out[r.name] = r.enumName !== null ? this.enumJson(r.enumName, 0n) : r.flagsName !== null ? [] : 0;
        return out;
      }
      default:
        throw new Error(`no zero form for reserved ${t.kind} field ${f.name}`);
    }
  }

  private structPlan(s: LayoutStruct, counts: Map<string, number>): [Map<string, Plan>, { [k: string]: JsonValue }] {
    const plans = new Map<string, Plan>();
    const json: { [k: string]: JsonValue } = {};
    // Counted arrays decide their count field's value.
    for (const f of s.fields) {
      const t = f.type;
      if ((t.kind === "array" || t.kind === "bytes") && t.count.kind === "field")
        counts.set(t.count.field, t.kind === "bytes" ? VARIABLE_BYTES : VARIABLE_ELEMENTS);
    }
    for (const f of s.fields) {
      const t = f.type;
      if (t.kind === "pad") continue;
      if (f.constValue !== null) {
        plans.set(f.name, { kind: "keep" });
        json[f.name] = this.constJson(f);
        continue;
      }
      if (f.reserved) {
        plans.set(f.name, { kind: "keep" });
        const z = this.zeroJson(f);
        if (z !== undefined) json[f.name] = z;
        continue;
      }
      const count = counts.get(f.name);
      if (count !== undefined) {
        plans.set(f.name, { kind: "int", value: BigInt(count) });
        json[f.name] = count;
        continue;
      }
      switch (t.kind) {
        case "ascii": {
          const text = "lu-codec".slice(0, Math.max(0, t.length - 1));
          plans.set(f.name, { kind: "ascii", value: text });
          json[f.name] = text;
          break;
        }
        case "bytes": {
          const b = this.bytesOf(t.count.kind === "fixed" ? t.count.n : VARIABLE_BYTES);
          plans.set(f.name, { kind: "bytes", value: b, fixed: t.count.kind === "fixed" });
          json[f.name] = this.bytesJson(b);
          break;
        }
        case "bits": {
          const ranges = new Map<string, bigint>();
          const out: { [k: string]: JsonValue } = {};
          let raw = 0n;
          for (const r of t.ranges) {
            const width = r.hi - r.lo + 1;
            const v =
              r.enumName !== null
                ? this.enumValue(r.enumName)
                : r.flagsName !== null
                  ? this.flagsValue(r.flagsName)
                  : this.int(width, false) & ((1n << BigInt(width)) - 1n) || 1n;
            ranges.set(r.name, v);
            raw |= v << BigInt(r.lo);
            out[r.name] =
              r.enumName !== null
                ? this.enumJson(r.enumName, v)
                : r.flagsName !== null
                  ? this.flagsJson(r.flagsName, v)
                  : integerJson(v);
          }
          plans.set(f.name, { kind: "bits", ranges });
          json[f.name] = { raw: integerJson(raw), ...out };
          break;
        }
        case "array": {
          const n = t.count.kind === "fixed" ? t.count.n : VARIABLE_ELEMENTS;
          const items: Plan[] = [];
          const out: JsonValue[] = [];
          for (let i = 0; i < n; i++) {
            const [p, j] = this.scalarPlan(t.element);
            items.push(p);
            out.push(j);
          }
          plans.set(f.name, { kind: "array", items });
          json[f.name] = out;
          break;
        }
        case "stream": {
          const nested = this.nested.get(t.streamName);
          if (nested === undefined) throw new Error(`no nested ${t.streamName} stream given for ${s.name}.${f.name}`);
          plans.set(f.name, { kind: "stream", value: nested.bytes });
          json[f.name] = nested.names as JsonValue;
          break;
        }
        default: {
          const [p, j] = this.scalarPlan(t);
          plans.set(f.name, p);
          json[f.name] = j;
        }
      }
    }
    return [plans, json];
  }

  /** Octets the trailing field of `s` takes with the plan. */
  private trailing(s: LayoutStruct, plans: ReadonlyMap<string, Plan>): number {
    const t = s.trailing;
    if (t === null) return 0;
    const p = plans.get(t.name);
    if (p === undefined || p.kind === "keep") return 0;
    if (p.kind === "bytes" || p.kind === "stream") return p.value.length;
    if (p.kind === "array" && t.type.kind === "array") return p.items.length * t.type.stride;
    throw new Error(`trailing ${s.name}.${t.name}: unexpected plan ${p.kind}`);
  }

  /**
   * A body of `cls` (the generated class of struct `cls.SCHEMA_NAME`) with every settable field set
   * through the class; `extra` octets of `fill` are appended after the struct (PAGE_DATA's pages).
   */
  build(cls: StructClass, extra = 0): BuiltBody {
    const s = this.struct(cls.SCHEMA_NAME);
    const [plans, expected] = this.structPlan(s, new Map());
    const length = s.size + this.trailing(s, plans) + extra;
    const bytes = new Uint8Array(length);
    const src = new ContiguousSource(bytes);
    const obj = cls.at(src, 0, length).init() as unknown as Obj;
    this.apply(obj, s, plans, src);
    for (let i = s.size + this.trailing(s, plans); i < length; i++) bytes[i] = (i * 13 + 7) & 0xff;
    return { bytes, expected };
  }

  private apply(obj: Obj, s: LayoutStruct, plans: ReadonlyMap<string, Plan>, src: ContiguousSource): void {
    for (const f of s.fields) {
      const p = plans.get(f.name);
      if (p === undefined || p.kind === "keep") continue;
      const where = `${s.name}.${f.name}`;
      switch (p.kind) {
        case "bits":
          for (const [range, v] of p.ranges) {
            const name = prop(obj, range, `${where}.${range}`);
            obj[name] = typeof obj[name] === "bigint" ? v : Number(v);
          }
          break;
        case "stream": {
          const at = obj[prop(obj, `${f.name}_offset`, where)];
          if (typeof at !== "number") throw new Error(`${where}: no ${memberName(f.name)}Offset`);
          src.u8.set(p.value, at);
          break;
        }
        case "bytes": {
          const name = prop(obj, f.name, where);
          if (p.fixed) obj[name] = p.value;
          else {
            const view = obj[name];
            if (!(view instanceof Uint8Array)) throw new Error(`${where}: getter is not a Uint8Array`);
            view.set(p.value);
          }
          break;
        }
        case "struct": {
          const nested = obj[prop(obj, f.name, where)] as Obj;
          const t = f.type;
          if (t.kind !== "struct") throw new Error(where);
          this.apply(nested, this.struct(t.structName), p.fields, src);
          break;
        }
        case "array": {
          const arr = obj[prop(obj, f.name, where)] as {
            at(i: number): unknown;
            set?(i: number, v: unknown): void;
            length: number;
          };
          const t = f.type;
          if (t.kind !== "array") throw new Error(where);
          if (arr.length !== p.items.length)
            throw new Error(`${where}: the accessor sees ${arr.length} elements, ${p.items.length} planned`);
          p.items.forEach((item, i) => {
            if (item.kind === "struct" && t.element.kind === "struct")
              this.apply(arr.at(i) as Obj, this.struct(t.element.structName), item.fields, src);
            else if (item.kind === "int") arr.set?.(i, typeof arr.at(i) === "bigint" ? item.value : Number(item.value));
            else if (item.kind === "float") arr.set?.(i, item.value);
            else throw new Error(`${where}[${i}]: unexpected plan ${item.kind}`);
          });
          break;
        }
        case "int": {
          const name = prop(obj, f.name, where);
          obj[name] = typeof obj[name] === "bigint" ? p.value : Number(p.value);
          break;
        }
        case "float":
        case "ascii":
          obj[prop(obj, f.name, where)] = p.value;
          break;
      }
    }
  }
}
