// Shared set-up of the browser tests: the server under test, Chromium, axe, screenshots, and
// a watch on console errors and failed requests.
import { spawn, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
export const screenshots = join(repo, "tests/output/screenshots");
export const binary = process.env.HELPCENTER_BIN
  || join(process.env.CARGO_TARGET_DIR ? resolve(repo, process.env.CARGO_TARGET_DIR) : join(repo, "target"), "debug/helpcenter");
export const VIEWPORTS = [{ width: 375, height: 812 }, { width: 1280, height: 800 }];
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** `helpcenter serve` on a temporary copy of the sample site, or HC_BASE_URL when set. */
export async function startServer() {
  if (process.env.HC_BASE_URL) return { url: process.env.HC_BASE_URL.replace(/\/$/, ""), external: true, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), "helpcenter-browser-"));
  for (const part of ["site.toml", "content", "themes"]) cpSync(join(repo, part), join(dir, part), { recursive: true });
  const db = join(dir, "feedback.sqlite3");
  const child = spawn(binary, ["serve", "--root", dir, "--port", "0", "--no-watch", "--feedback-db", db], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const url = await new Promise((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`no "Serving" line after 120 s\n${out}\n${stderr}`)), 120_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^Serving .* at (http:\/\/127\.0\.0\.1:\d+)\/$/m);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); fail(new Error(`helpcenter serve exited with ${code}\n${out}\n${stderr}`)); });
  });
  child.removeAllListeners("exit");
  const exited = new Promise((ok) => child.on("exit", ok));
  return {
    url, dir, db, external: false,
    /** Stop the server (SIGTERM, as an operator would) and wait for it to exit. */
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
    /** The feedback the server stored, read back through the CLI after it stopped. */
    feedbackRows() {
      const json = execFileSync(binary, ["feedback", "export", "--db", db, "--format", "json"], { encoding: "utf8" });
      return JSON.parse(json);
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

const TYPES = { html: "text/html; charset=utf-8", js: "text/javascript", css: "text/css", json: "application/json", svg: "image/svg+xml" };

/**
 * A plain static host over a built site's `public/` (no /api/search): files as they are, with
 * `application/octet-stream` for unknown names. `gzipNames`: also send the static index's
 * `.bin` shards with `Content-Encoding: gzip`, as hosts do that guess encodings from content.
 * Resolves to `{url, close}`.
 */
export async function staticHost(publicDir, { gzipNames = false } = {}) {
  const server = createServer((req, res) => {
    let path = join(publicDir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    try {
      if (statSync(path).isDirectory()) path = join(path, "index.html");
      const body = readFileSync(path);
      const ext = path.split(".").pop();
      const headers = { "content-type": TYPES[ext] || "application/octet-stream" };
      if (gzipNames && ext === "bin") headers["content-encoding"] = "gzip";
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/html" }).end("<h1>Not found</h1>");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * A browser context whose pages record console errors, uncaught exceptions and failed
 * requests into `problems`; `allow(fn)` marks expected ones (the 404 page's own status).
 */
export async function newContext(browser, viewport, options = {}) {
  const context = await browser.newContext({ viewport, ...options });
  const problems = [];
  const allowed = [];
  const ok = (text) => allowed.some((fn) => fn(text));
  context.on("page", (page) => watch(page));
  function watch(page) {
    page.on("console", (m) => { if (m.type() === "error" && !ok(m.text())) problems.push(`console: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
    page.on("requestfailed", (r) => {
      const why = r.failure()?.errorText || "";
      // A navigation that replaces a page still loading cancels its requests: not a failure.
      if (why.includes("ERR_ABORTED")) return;
      if (!ok(r.url())) problems.push(`request failed: ${r.url()} ${why}`);
    });
    page.on("response", (r) => { if (r.status() >= 400 && !ok(r.url())) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  }
  return { context, problems, allow: (fn) => allowed.push(fn) };
}

export async function axe(page) {
  // Evaluated over the DevTools protocol: the site's CSP (rightly) refuses injected <script> tags.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(`${axeSource}\n;0`);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], resultTypes: ["violations"] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n    ")}`);
}

export async function screenshot(page, name, viewport) {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name}-${viewport.width}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
