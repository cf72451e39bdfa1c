import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlPages } from "../../../codegen/doc/html.js";
import { ARTIFACTS, CHROMIUM, browserMissing } from "./browser.js";
import { repoProgram } from "./compile-schemas.js";

const program = repoProgram();
const pages = htmlPages(program);

describe("htmlPages (text)", () => {
  it("writes one self-contained page per schema: no script, no external URL", () => {
    expect(pages.map((p) => p.path).sort()).toEqual([
      "hvm-save.html",
      "libxc-stream.html",
      "libxl-stream.html",
      "live-update.html",
    ]);
    for (const p of pages) {
      expect(p.text).not.toMatch(/<script|<link |src="http|href="http|@import|url\(/);
    }
  });
});

const missing = browserMissing();

describe.skipIf(missing !== null)("htmlPages in headless Chromium", () => {
  let dir = "";
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lu-doc-html-"));
    for (const p of pages) writeFileSync(join(dir, p.path), p.text);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      requests.push(r.url());
      if (r.url().startsWith("file:")) void r.continue();
      else void r.abort();
    });
    await page.goto(pathToFileURL(join(dir, "live-update.html")).href, { waitUntil: "load" });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("loads with no console errors and no network request", async () => {
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file:"))).toEqual([]);
  });

  it("has a sidebar index of every struct, enum, flag set and stream, each pointing at its section", async () => {
    const schema = program.schemas.find((s) => s.file === "schema/live-update.lu");
    const names = [
      ...(schema?.streams ?? []),
      ...(schema?.structs ?? []),
      ...(schema?.enums ?? []),
      ...(schema?.flags ?? []),
    ].map((d) => d.name);
    const links = await page.$$eval("nav#index a[href^='#']", (as) =>
      as.map((a) => (a.getAttribute("href") ?? "").slice(1)),
    );
    expect(links).toEqual(names);
    const targets = await page.$$eval(
      "nav#index a[href^='#']",
      (as) => as.filter((a) => a.ownerDocument.getElementById((a.getAttribute("href") ?? "").slice(1)) === null).length,
    );
    expect(targets).toBe(0);
  });

  it("draws an SVG diagram per struct and per stream, whose boxes tell offset, size and type on hover", async () => {
    const svgs = await page.$$eval("svg.octets", (s) => s.length);
    const schema = program.schemas.find((s) => s.file === "schema/live-update.lu");
    expect(svgs).toBe((schema?.structs.length ?? 0) + (schema?.streams.length ?? 0));
    const titles = await page.$$eval("#diagram-lu_domain_info g.box", (gs) =>
      gs.map((g) => g.querySelector("title")?.textContent ?? ""),
    );
    expect(titles).toContain("page_shift: offset 4, size 2, u16 LE");
    expect(titles).toContain("type: offset 0, size 4, lu_domain_type (u32) LE");
    expect(titles).toContain("domain_handle: offset 8, size 16, u8[16]");
    const box = await page.$("#diagram-lu_domain_info g.box[data-field='page_shift'] rect");
    if (box === null) throw new Error("no page_shift box");
    const before = await box.evaluate((r) => r.ownerDocument.defaultView?.getComputedStyle(r).fill);
    await box.hover();
    const after = await box.evaluate((r) => r.ownerDocument.defaultView?.getComputedStyle(r).fill);
    expect(after).not.toBe(before);
  });

  it("saves a screenshot of the page as a test artifact", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = fileURLToPath(new URL("lu-doc-live-update.png", ARTIFACTS));
    const section = await page.$("#lu_domain_info");
    await section?.scrollIntoView();
    await page.screenshot({ path, type: "png" });
    const { statSync } = await import("node:fs");
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });

  it("links a field's type to its declaration, on the page and across pages", async () => {
    await page.click("#lu_domain_info table.fields a.ref[href='#lu_domain_type']");
    expect(new URL(page.url()).hash).toBe("#lu_domain_type");
    expect(await page.$eval("#lu_domain_type h3", (h) => h.textContent)).toBe("lu_domain_type");
    await Promise.all([
      page.waitForNavigation({ waitUntil: "load" }),
      page.click("#lu_stream a.ref[href='libxc-stream.html#xc_rhdr']"),
    ]);
    expect(page.url()).toMatch(/libxc-stream\.html#xc_rhdr$/);
    expect(await page.$eval("#xc_rhdr h3", (h) => h.textContent)).toBe("xc_rhdr");
    const rows = await page.$$eval("#xc_stream table.records tbody tr", (trs) => trs.length);
    expect(rows).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it("lists each stream's rules and links a stream in line to its declaration", async () => {
    await page.goto(pathToFileURL(join(dir, "libxc-stream.html")).href, { waitUntil: "load" });
    const rules = await page.$$eval("#xc_stream ul.rules li", (lis) => lis.map((li) => li.textContent ?? ""));
    const names = await page.$$eval("#xc_stream ul.rules li > strong", (s) => s.map((x) => x.textContent ?? ""));
    expect(names).toEqual([
      "File entry",
      "Requires",
      "Requires",
      "Requires",
      "Requires",
      "Order",
      "Longest body",
      "Payload",
    ]);
    expect(rules[0]).toContain(
      'a file is this stream when xc_image_header.marker is 0xFFFFFFFFFFFFFFFF and xc_image_header.id is "XENF"',
    );
    expect(rules).toHaveLength(names.length);
    await page.goto(pathToFileURL(join(dir, "libxl-stream.html")).href, { waitUntil: "load" });
    await Promise.all([
      page.waitForNavigation({ waitUntil: "load" }),
      page.click("#xl_stream ul.rules a.ref[href='libxc-stream.html#xc_stream']"),
    ]);
    expect(page.url()).toMatch(/libxc-stream\.html#xc_stream$/);
    expect(problems).toEqual([]);
  });

  it("states a struct's load rule next to its growth rule, the compat struct linked", async () => {
    await page.goto(`${pathToFileURL(join(dir, "hvm-save.html")).href}#hvm_hw_cpu`, { waitUntil: "load" });
    const load = await page.$eval("#hvm_hw_cpu p.load", (p) => p.textContent ?? "");
    expect(load).toMatch(
      /^Load: zero-extended \(load zero_extend from 1024 compat hvm_hw_cpu_compat\): a body of 1032 octets, or of an older size, 1024 octets/,
    );
    await page.click("#hvm_hw_cpu p.load a.ref[href='#hvm_hw_cpu_compat']");
    expect(new URL(page.url()).hash).toBe("#hvm_hw_cpu_compat");
    expect(problems).toEqual([]);
  });
});
