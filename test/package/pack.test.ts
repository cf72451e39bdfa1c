/**
 * Embedding: pack lu-codec exactly as npm would publish it, install the tarball into a scratch
 * project, and use a generated accessor class and the runtime from there, type-checked under strict.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "lu-pack-"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("npm pack → install → import", () => {
  it("a scratch TypeScript project can use the generated classes and the runtime", () => {
    // `npm pack` runs `prepare`, which builds dist/ from the current sources.
    run(npm, ["pack", "--silent", "--pack-destination", scratch], repo);
    const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();

    writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
    run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, tarball ?? "")], scratch);

    writeFileSync(
      join(scratch, "main.ts"),
      [
        'import { ContiguousSource } from "lu-codec/runtime";',
        'import { LuDomainInfo, LU_DOMAIN_TYPE } from "lu-codec/generated";',
        "const src = new ContiguousSource(new ArrayBuffer(LuDomainInfo.SIZE));",
        "const info = LuDomainInfo.at(src, 0);",
        "info.type = LU_DOMAIN_TYPE.x86_hvm;",
        "info.domainId = 7;",
        "info.maxVcpus = 4;",
        "const n: number = info.domainId;",
        "console.log(JSON.stringify({ type: info.type, domainId: n, maxVcpus: info.maxVcpus, size: LuDomainInfo.SIZE }));",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: false,
          outDir: "out",
          skipLibCheck: false,
          types: [],
        },
        files: ["main.ts"],
      }),
    );
    run(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], scratch);
    const out = JSON.parse(run(process.execPath, [join(scratch, "out/main.js")], scratch)) as Record<string, number>;
    expect(out).toEqual({ type: 2, domainId: 7, maxVcpus: 4, size: 48 });
  }, 180_000);
});
