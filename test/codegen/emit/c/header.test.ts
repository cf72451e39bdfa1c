/**
 * `lu gen --lang c`: the C11 header of every schema compiles with `gcc -std=c11 -Wall -Wextra
 * -Werror -pedantic` and with `g++ -std=c++17`, so its `_Static_assert`s (sizeof, alignment, every
 * field's offsetof) hold under a real C compiler; a header whose layout disagrees does not compile.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram } from "../../../../codegen/compile.js";
import { generateC } from "../../../../codegen/emit/c/header.js";

const dir = mkdtempSync(join(tmpdir(), "lu-c-header-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = ["schema/hvm-save.lu", "schema/libxc-stream.lu", "schema/libxl-stream.lu", "schema/live-update.lu"];
const r = compileProgram(files, (p) => {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
});
if (r.program === null) throw new Error("schema/ does not compile");
const headers = generateC(r.program);
for (const h of headers) writeFileSync(join(dir, h.path), h.text);

function build(compiler: string, args: string[], source: string): string {
  const file = join(dir, `t-${compiler}-${Math.random().toString(36).slice(2)}.c`);
  writeFileSync(file, source);
  try {
    execFileSync(compiler, [...args, "-I", dir, "-c", file, "-o", `${file}.o`], { stdio: "pipe" });
    return "";
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  }
}

describe("lu gen --lang c", () => {
  it("writes one header per schema, with assertions for every field", () => {
    expect(headers.map((h) => h.path).sort()).toEqual([
      "hvm-save.h",
      "libxc-stream.h",
      "libxl-stream.h",
      "live-update.h",
    ]);
    const hvm = headers.find((h) => h.path === "hvm-save.h")?.text ?? "";
    expect(hvm).toContain("LU_STATIC_ASSERT(offsetof(struct hvm_hw_lapic, pending_esr) == 24");
    expect(hvm).toContain("LU_STATIC_ASSERT(sizeof(struct hvm_hw_rtc) == 24");
    expect(hvm).toContain("#define HVM_HW_LAPIC_OLDER_SIZE_0 24");
    expect(hvm).toContain("#define HVM_SAVE_LAPIC 0x5u");
    expect(hvm).toMatch(
      /#define HVM_HW_CPU_PENDING_EVENT_PENDING_TYPE_SHIFT 8\n#define HVM_HW_CPU_PENDING_EVENT_PENDING_TYPE_MASK 0x700u/,
    );
    const xc = headers.find((h) => h.path === "libxc-stream.h")?.text ?? "";
    expect(xc).toMatch(/xc_image_header_get_marker/);
  });

  for (const h of ["hvm-save.h", "libxc-stream.h", "libxl-stream.h", "live-update.h"]) {
    it(`${h} compiles as C11 (pedantic) and C++17`, () => {
      const src = `#include "${h}"\nint main(void) { return 0; }\n`;
      expect(build("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"], src)).toBe("");
      expect(build("g++", ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-x", "c++"], src)).toBe("");
    });
  }

  it("a header whose layout disagrees with its assertions does not compile", () => {
    const hvm = headers.find((x) => x.path === "hvm-save.h")?.text ?? "";
    const broken = hvm.replace("uint32_t pending_esr; /* @24 */", "uint64_t pending_esr; /* @24 */");
    expect(broken).not.toBe(hvm);
    writeFileSync(join(dir, "broken.h"), broken);
    expect(build("gcc", ["-std=c11"], `#include "broken.h"\n`)).toMatch(/sizeof\(struct hvm_hw_lapic\)/);
  });

  it("the big-endian accessors read host order (libxc image header version)", () => {
    const src = `#include "libxc-stream.h"
#include <string.h>
int main(void) {
  struct xc_image_header h;
  memset(&h, 0, sizeof h);
  xc_image_header_set_version(&h, 3u);
  const unsigned char *p = (const unsigned char *)&h.version;
  return (p[0] == 0 && p[3] == 3 && xc_image_header_get_version(&h) == 3u) ? 0 : 1;
}
`;
    const file = join(dir, "be.c");
    writeFileSync(file, src);
    execFileSync("gcc", ["-std=c11", "-Wall", "-Werror", "-I", dir, file, "-o", join(dir, "be")], { stdio: "pipe" });
    expect(() => execFileSync(join(dir, "be"))).not.toThrow();
  });
});
