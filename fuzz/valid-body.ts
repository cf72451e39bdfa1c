/**
 * Writes valid values into a struct's bytes by the schema IR (not by the generated code it is used
 * to check): enum fields get a member, flag fields a set of known flags, bit-range integers valid
 * ranges, count fields a count that fits the body, trailing arrays whole elements. In the fixed
 * part of the top-level struct (nested structs and fixed arrays included) constant, padding and
 * reserved fields and the unnamed (reserved) bits of bit-range integers are left as they are: the
 * generated `init()` must write them. In trailing array elements, which init() does not touch, they
 * are written here. Plain integers, bytes and text keep whatever random bytes they had.
 */
import type { Endian, LayoutElement, LayoutField, LayoutStruct } from "../codegen/ir.js";
import { primSize } from "../codegen/check/primitives.js";
import type { SeededRandom } from "../runtime/seeded-random.js";
import type { SchemaIr } from "./schema-ir.js";

function writeUnsigned(dv: DataView, at: number, size: number, endian: Endian, value: bigint): void {
  const le = endian === "little";
  const mask = (1n << BigInt(size * 8)) - 1n;
  const v = ((value % (mask + 1n)) + (mask + 1n)) & mask;
  if (size === 1) dv.setUint8(at, Number(v));
  else if (size === 2) dv.setUint16(at, Number(v), le);
  else if (size === 4) dv.setUint32(at, Number(v), le);
  else dv.setBigUint64(at, v, le);
}

function readUnsigned(dv: DataView, at: number, size: number, endian: Endian): bigint {
  const le = endian === "little";
  if (size === 1) return BigInt(dv.getUint8(at));
  if (size === 2) return BigInt(dv.getUint16(at, le));
  if (size === 4) return BigInt(dv.getUint32(at, le));
  return dv.getBigUint64(at, le);
}

function pick<T>(rng: SeededRandom, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[rng.below(items.length)];
}

export class ValidBodyWriter {
  private readonly ir: SchemaIr;
  private readonly rng: SeededRandom;
  constructor(ir: SchemaIr, rng: SeededRandom) {
    this.ir = ir;
    this.rng = rng;
  }

  private struct(name: string): LayoutStruct {
    const s = this.ir.structs.get(name);
    if (s === undefined) throw new Error(`no struct ${name} in the schema IR`);
    return s;
  }

  private enumValue(name: string, bits: number): bigint {
    const members = (this.ir.enums.get(name)?.members ?? []).filter(
      (m) => m.value >= 0n && m.value < 1n << BigInt(bits),
    );
    const m = pick(this.rng, members);
    if (m === undefined) throw new Error(`enum ${name} has no member that fits ${bits} bits`);
    return m.value;
  }

  private flagsValue(name: string, bits: number): bigint {
    let v = 0n;
    for (const m of this.ir.flags.get(name)?.members ?? [])
      if (m.value < 1n << BigInt(bits) && this.rng.below(2) === 1) v |= m.value;
    return v;
  }

  private randomBits(width: number): bigint {
    let v = 0n;
    for (let i = 0; i < width; i += 16) v = (v << 16n) | BigInt(this.rng.below(0x10000));
    return v & ((1n << BigInt(width)) - 1n);
  }

  /**
   * Length of a valid body of `name`: the fixed part, plus for a trailing array whole elements (at
   * most `maxElements`), for trailing bytes or a nested stream some octets.
   */
  validLength(name: string, maxElements: number): number {
    const s = this.struct(name);
    const t = s.trailing;
    if (t === null) return s.size;
    if (t.type.kind === "array") return t.offset + this.rng.below(maxElements + 1) * t.type.stride;
    return t.offset + this.rng.below(4 * maxElements + 1);
  }

  /**
   * Writes valid values into `dv[at, at + length)` holding struct `name`. `top`: leave constant,
   * padding and reserved fields of the fixed part alone (init() writes them).
   */
  write(dv: DataView, at: number, length: number, name: string, top: boolean): void {
    const s = this.struct(name);
    for (const f of s.fields) this.field(dv, at, length, s, f, top);
  }

  private field(dv: DataView, base: number, length: number, s: LayoutStruct, f: LayoutField, top: boolean): void {
    const at = base + f.offset;
    const t = f.type;
    const fixedPart = f.size > 0;
    if (fixedPart && (f.constValue !== null || f.reserved || t.kind === "pad")) {
      if (top) return;
      if (t.kind === "ascii" && typeof f.constValue === "string") {
        const text = new TextEncoder().encode(f.constValue);
        for (let i = 0; i < t.length; i++) dv.setUint8(at + i, text[i] ?? 0);
      } else if (typeof f.constValue === "bigint" && "endian" in t) {
        writeUnsigned(dv, at, f.size, t.endian, f.constValue);
      } else {
        for (let i = 0; i < f.size; i++) dv.setUint8(at + i, 0);
      }
      return;
    }
    switch (t.kind) {
      case "enum":
        writeUnsigned(dv, at, f.size, t.endian, this.enumValue(t.enumName, f.size * 8));
        return;
      case "flags":
        writeUnsigned(dv, at, f.size, t.endian, this.flagsValue(t.flagsName, f.size * 8));
        return;
      case "bits": {
        // unnamed bits are reserved: inside the top-level fixed part init() must clear them
        let v = top ? readUnsigned(dv, at, f.size, t.endian) : 0n;
        for (const r of t.ranges) {
          const width = r.hi - r.lo + 1;
          v &= ~(((1n << BigInt(width)) - 1n) << BigInt(r.lo));
        }
        for (const r of t.ranges) {
          const width = r.hi - r.lo + 1;
          const part =
            r.enumName !== null
              ? this.enumValue(r.enumName, width)
              : r.flagsName !== null
                ? this.flagsValue(r.flagsName, width)
                : this.randomBits(width);
          v |= part << BigInt(r.lo);
        }
        writeUnsigned(dv, at, f.size, t.endian, v);
        return;
      }
      case "struct":
        this.write(dv, at, f.size, t.structName, top);
        return;
      case "array": {
        const room = length - f.offset;
        let n: number;
        if (t.count.kind === "fixed") n = t.count.n;
        else {
          n = Math.floor(Math.max(0, room) / t.stride);
          if (t.count.kind === "field") {
            const countName = t.count.field;
            const cf = s.fields.find((x) => x.name === countName);
            if (cf === undefined || !("endian" in cf.type))
              throw new Error(`${s.name}.${f.name}: count field ${countName} not found`);
            n = this.rng.below(n + 1);
            writeUnsigned(dv, base + cf.offset, cf.size, cf.type.endian, BigInt(n));
          }
        }
        // elements of a fixed array are part of the fixed part; a trailing array's are not
        const inFixed = top && t.count.kind === "fixed";
        for (let i = 0; i < n; i++) this.element(dv, at + i * t.stride, t.stride, t.element, inFixed);
        return;
      }
      case "bytes": {
        // Any octets are valid; a count field must say how many of them the body holds.
        if (t.count.kind !== "field") return;
        const countName = t.count.field;
        const cf = s.fields.find((x) => x.name === countName);
        if (cf === undefined || !("endian" in cf.type))
          throw new Error(`${s.name}.${f.name}: count field ${countName} not found`);
        const n = this.rng.below(Math.max(0, length - f.offset) + 1);
        writeUnsigned(dv, base + cf.offset, cf.size, cf.type.endian, BigInt(n));
        return;
      }
      default:
        return; // prim, ascii, stream: any contents are valid
    }
  }

  private element(dv: DataView, at: number, stride: number, el: LayoutElement, top: boolean): void {
    if (el.kind === "struct") this.write(dv, at, stride, el.structName, top);
    else if (el.kind === "enum")
      writeUnsigned(dv, at, primSize(el.prim), el.endian, this.enumValue(el.enumName, primSize(el.prim) * 8));
  }
}
