/** Random values `save()` needs beyond 32-bit integers, drawn from the runtime's seeded generator. */
import type { SeededRandom } from "../runtime/seeded-random.js";

export function randomU64(rng: SeededRandom): bigint {
  return (BigInt(rng.nextU32()) << 32n) | BigInt(rng.nextU32());
}

export function fillRandom(rng: SeededRandom, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const v = rng.nextU32();
    bytes[i] = v & 0xff;
    if (i + 1 < bytes.length) bytes[i + 1] = (v >>> 8) & 0xff;
    if (i + 2 < bytes.length) bytes[i + 2] = (v >>> 16) & 0xff;
    if (i + 3 < bytes.length) bytes[i + 3] = v >>> 24;
  }
}
