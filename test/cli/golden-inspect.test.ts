/**
 * `lu dump` and `lu validate` print what they printed before the Xen formats moved from cli/ into
 * the schemas (test/cli/golden-inspect/, captured before the change): text and JSON, clean and
 * damaged inputs, with and without `--schema`.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDump } from "../../cli/dump.js";
import { runValidate } from "../../cli/validate.js";
import { GOLDEN_CASES, GOLDEN_DIR, goldenText } from "./golden-inspect.js";
import { capture } from "./inspect-fixtures.js";

const MODES = [
  {
    mode: "dump.txt",
    run: (file: string, flags: object) => capture((w) => runDump(file, flags, w, (t) => w(`stderr: ${t}`))),
  },
  {
    mode: "dump.json",
    run: (file: string, flags: object) =>
      capture((w) => runDump(file, { ...flags, json: true }, w, (t) => w(`stderr: ${t}`))),
  },
  {
    mode: "validate.txt",
    run: (file: string, flags: object) => capture((w) => runValidate(file, flags, w, (t) => w(`stderr: ${t}`))),
  },
  {
    mode: "validate.json",
    run: (file: string, flags: object) =>
      capture((w) => runValidate(file, { ...flags, json: true }, w, (t) => w(`stderr: ${t}`))),
  },
] as const;

function printed(file: string, r: { code: number; out: string }): string {
  return `exit ${r.code}\n${r.out.split(file).join("<FILE>")}`;
}

describe("lu dump / lu validate golden output", () => {
  for (const c of GOLDEN_CASES) {
    for (const m of MODES) {
      it(`${c.name} ${m.mode}`, () => {
        const file = c.file();
        const got = printed(file, m.run(file, c.flags ?? {}));
        if (process.env["LU_GOLDEN_WRITE"] === "1") writeFileSync(new URL(`${c.name}.${m.mode}`, GOLDEN_DIR), got);
        expect(got).toBe(goldenText(`${c.name}.${m.mode}`));
      });
      const schema = c.schema;
      if (schema !== undefined) {
        it(`${c.name} ${m.mode} through --schema ${schema}`, () => {
          const file = c.file();
          expect(printed(file, m.run(file, { ...c.flags, schema }))).toBe(goldenText(`${c.name}.${m.mode}`));
        });
      }
    }
  }
});
