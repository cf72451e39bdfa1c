import { describe, expect, it } from "vitest";
import { indexProgram } from "../../../codegen/abi/program-index.js";
import { collectStructPairs } from "../../../codegen/abi/struct-pairs.js";
import { builder, recordHeader, t } from "./layout-builder.js";

function rules(make: (b: ReturnType<typeof builder>) => Parameters<ReturnType<typeof builder>["program"]>[0]) {
  const o = builder("old.lu");
  const n = builder("new.lu");
  const pairs = collectStructPairs(indexProgram(o.program(make(o))), indexProgram(n.program(make(n))));
  return Object.fromEntries([...pairs.values()].map((p) => [p.new.name, p.rule]));
}

describe("which struct pairs are compared, under which rule", () => {
  it("record bodies keep their own rule, headers and preambles are at least append, embedded structs inherit", () => {
    const r = rules((b) => ({
      structs: [
        recordHeader(b),
        b.struct("pre", [b.field("id", 0, t.prim("u32"))]),
        b.struct("leaf", [b.field("x", 0, t.prim("u32"))]),
        b.struct("elem", [b.field("x", 0, t.prim("u32"))]),
        b.struct("body", [b.field("l", 0, t.struct("leaf"), { size: 4 })], { abi: "frozen" }),
        b.struct("grow", [b.field("e", 0, t.array({ kind: "struct", structName: "elem" }, 4, t.rest))], {
          abi: "append",
        }),
        b.struct("loose", [b.field("x", 0, t.prim("u32"))]),
      ],
      streams: [b.stream("s", [b.record("END", 0, null), b.record("B", 1, "body")], { preamble: ["pre"] })],
    }));
    expect(r).toMatchObject({
      rhdr: "append",
      pre: "append",
      body: "frozen",
      leaf: "frozen",
      grow: "append",
      elem: "frozen",
      loose: "free",
    });
  });
});
