/**
 * Linked page lists through the generated accessor of `luo_ser.sessions_pa` (a `chain` pointer):
 * entries of all blocks iterate as one sequence, and every broken link is a located ChainError or
 * PointerError.
 */
import { describe, expect, it } from "vitest";
import { LuoSer } from "../../generated/luo.js";
import { ChainError } from "../../runtime/page-chain.js";
import { FrameSet } from "../../runtime/frame-set.js";
import { MachineMemory } from "../../runtime/machine-memory.js";
import { PhysicalMemory, PointerError } from "../../runtime/phys-memory.js";
import { ContiguousSource } from "../../runtime/contiguous-source.js";

const PAGE = 4096;

/** A machine with a luo_ser at frame 1 whose session chain is the given blocks (frame, count). */
function machine(blocks: readonly { frame: number; count: number; next: number }[]) {
  const m = new MachineMemory({ frameCount: 64 });
  const luo = LuoSer.at(new ContiguousSource(m.frame(1).buffer), m.frame(1).byteOffset);
  luo.init();
  luo.sessionsPa = BigInt((blocks[0]?.frame ?? 0) * PAGE);
  for (const b of blocks) {
    const v = m.frameView(b.frame);
    v.setBigUint64(0, BigInt(b.next * PAGE), true);
    v.setBigUint64(8, BigInt(b.count), true);
    for (let i = 0; i < Math.min(b.count, 51); i++) {
      const name = `s${b.frame}-${i}`;
      for (let k = 0; k < name.length; k++) v.setUint8(16 + i * 80 + k, name.charCodeAt(k));
    }
  }
  return { m, luo };
}

describe("PageChain via a generated chain accessor", () => {
  it("iterates the entries of every block as one sequence, in place", () => {
    const { m, luo } = machine([
      { frame: 5, count: 2, next: 9 },
      { frame: 9, count: 1, next: 0 },
    ]);
    const chain = luo.derefSessionsPa(new PhysicalMemory(m));
    expect(chain.blocks().map((b) => [b.index, b.address, b.count])).toEqual([
      [0, 5n * 4096n, 2],
      [1, 9n * 4096n, 1],
    ]);
    expect([...chain].map((s) => s.name)).toEqual(["s5-0", "s5-1", "s9-0"]);
    expect(chain.length).toBe(3);
    expect(chain.capacity).toBe(51);
  });

  it("gives an empty sequence for a 0 address", () => {
    const { m, luo } = machine([]);
    expect([...luo.derefSessionsPa(new PhysicalMemory(m))]).toEqual([]);
  });

  it("reports a cycle with the block that closes it", () => {
    const { m, luo } = machine([
      { frame: 5, count: 1, next: 9 },
      { frame: 9, count: 1, next: 5 },
    ]);
    const e = catchError(() => luo.derefSessionsPa(new PhysicalMemory(m)).blocks());
    expect(e).toBeInstanceOf(ChainError);
    expect(e.message).toBe(
      "luo_ser.sessions_pa block 2 at 0x5000: the chain comes back to a page it already visited (block 0)",
    );
  });

  it("reports a count above the page's capacity and a zero count", () => {
    const over = machine([{ frame: 5, count: 52, next: 0 }]);
    expect(catchError(() => over.luo.derefSessionsPa(new PhysicalMemory(over.m)).blocks()).message).toBe(
      "luo_ser.sessions_pa block 0 at 0x5000: entry count 52 is above the 51 entries a page holds",
    );
    const zero = machine([{ frame: 5, count: 0, next: 0 }]);
    expect(
      (catchError(() => zero.luo.derefSessionsPa(new PhysicalMemory(zero.m)).blocks()) as ChainError).problem,
    ).toBe("empty");
  });

  it("reports a chain longer than its limit (KHO_MAX_BLOCKS = 10000)", () => {
    const m = new MachineMemory({ frameCount: 10_100 });
    const v = m.frameView(1);
    v.setBigUint64(16, 2n * 4096n, true);
    for (let f = 2; f < 10_050; f++) {
      const p = m.frameView(f);
      p.setBigUint64(0, BigInt((f + 1) * PAGE), true);
      p.setBigUint64(8, 1n, true);
    }
    const luo = LuoSer.at(new ContiguousSource(m.frame(1).buffer), m.frame(1).byteOffset);
    const e = catchError(() => luo.derefSessionsPa(new PhysicalMemory(m)).blocks()) as ChainError;
    expect(e.problem).toBe("limit");
    expect(e.block).toBe(10000);
    expect(e.message).toContain("more than 10000 blocks");
  });

  it("reports a block outside the machine or outside preserved memory, naming the block", () => {
    const { m, luo } = machine([{ frame: 5, count: 1, next: 100 }]);
    const e = catchError(() => luo.derefSessionsPa(new PhysicalMemory(m)).blocks()) as PointerError;
    expect(e.problem).toBe("outside");
    expect(e.message).toMatch(/^luo_ser\.sessions_pa block 1 -> 0x64000: 4096 octets there are outside the machine/);
    const preserved = new FrameSet();
    preserved.add(4, 2); // frames 4..7
    const ok = machine([
      { frame: 5, count: 1, next: 9 },
      { frame: 9, count: 1, next: 0 },
    ]);
    const e2 = catchError(() => ok.luo.derefSessionsPa(new PhysicalMemory(ok.m, preserved)).blocks()) as PointerError;
    expect(e2.problem).toBe("unpreserved");
    expect(e2.message).toBe(
      "luo_ser.sessions_pa block 1 -> 0x9000: frame 9 (0x9000) is not in the preserved memory map",
    );
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    if (e instanceof Error) return e;
  }
  throw new Error("expected an error");
}
