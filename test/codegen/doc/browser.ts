/**
 * Test helper: headless Chromium from the system (Debian's `chromium`), driven by puppeteer-core,
 * which downloads no browser. Absent outside CI, tests skip with a printed reason; under CI=true a
 * missing browser fails (.ci/run installs it).
 */
import { existsSync } from "node:fs";

export const CHROMIUM = process.env["LU_CHROMIUM"] ?? "/usr/bin/chromium";

/** Null when the browser is there; otherwise why the browser tests cannot run. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set LU_CHROMIUM)`;
  if (process.env["CI"] === "true") throw new Error(`CI=true and ${reason}`);
  process.stdout.write(`skipping browser tests: ${reason}\n`);
  return reason;
}

/** Where tests leave screenshots: test-artifacts/ at the repo root (ignored by git). */
export const ARTIFACTS = new URL("../../../test-artifacts/", import.meta.url);
