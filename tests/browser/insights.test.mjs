// The search-insights report (`helpcenter insights --html`) in a real browser (Debian's
// Chromium), from file://: no console error, no network request, no axe violation, its charts
// present. The data comes from a real `helpcenter serve`: searches, a reader opening a result
// through the theme (its sendBeacon), feedback. Alone: `node --test insights.test.mjs` after
// `cargo build`.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { axe, binary, launch, newContext, screenshots, startServer } from "./harness.mjs";

// The screenshot: tests/output/screenshots/insights-report.png, or INSIGHTS_SHOT (a path).
const SHOT = process.env.INSIGHTS_SHOT || join(screenshots, "insights-report.png");
let server, browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup?.();
});

async function get(path) {
  const r = await fetch(server.url + path);
  assert.equal(r.status, 200, path);
  return r.json();
}

test("the theme reports an opened result; the report opens from file:// clean, with its charts", async (t) => {
  if (server.external) return t.skip("needs its own server (HC_BASE_URL is set)");
  for (const q of ["billing", "billing", "brazil phone", "pasward", "pasward", "reset ana@example.com", "fatura"]) {
    await get(`/api/search?q=${encodeURIComponent(q)}`);
  }
  for (const [page, helpful, comment] of [
    ["/billing/", false, "Nothing about refunds"],
    ["/billing/", true, null],
    ["/technical-support/phone-numbers/", true, "Found the number"],
  ]) {
    const r = await fetch(server.url + "/api/feedback", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ page, helpful, comment }),
    });
    assert.equal(r.status, 201);
  }

  // A reader opens the first result of the search page: the theme sends a beacon.
  const ctx = await newContext(browser, { width: 1280, height: 800 });
  const page = await ctx.context.newPage();
  await page.goto(server.url + "/search/?q=invoice");
  const beacon = page.waitForRequest((r) => r.url().endsWith("/api/search/click") && r.method() === "POST");
  await page.locator("#search-page-results a.search-hit").first().click();
  const sent = JSON.parse((await beacon).postData());
  assert.equal(sent.q, "invoice");
  assert.equal(sent.position, 1);
  await page.waitForURL((u) => !u.pathname.startsWith("/search/"));
  // …and one opens the first hit of the search dialog with Enter.
  await page.goto(server.url + "/billing/");
  await page.locator("[data-theme-toggle]").waitFor(); // site.js has run
  await page.keyboard.press("Control+k");
  await page.locator("#search-dialog-input").pressSequentially("invoice", { delay: 20 });
  await page.locator("#search-dialog-results [role=option][aria-selected=true]").waitFor();
  const fromDialog = page.waitForRequest((r) => r.url().endsWith("/api/search/click") && r.method() === "POST");
  await page.keyboard.press("Enter");
  assert.deepEqual(JSON.parse((await fromDialog).postData()).position, 1);
  await page.waitForLoadState("load");
  assert.deepEqual(ctx.problems, [], "the site: no console errors or failed requests");
  await ctx.context.close();

  await server.stop(); // the recorder writes what it holds before the server exits
  const dir = join(server.dir, "report");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "insights.html");
  const json = JSON.parse(execFileSync(binary, ["insights", "--root", server.dir, "--db", server.db, "--format", "json", "--html", file], { encoding: "utf8" }));
  const invoice = json.top_queries.find((q) => q.query === "invoice");
  assert.ok(invoice, JSON.stringify(json.top_queries));
  assert.equal(invoice.clicks_by_position["1"], 2, JSON.stringify(invoice));
  const gap = json.no_results.find((q) => q.query === "pasward");
  assert.ok(gap && gap.searches === 2, JSON.stringify(json.no_results));
  assert.ok(json.top_queries.some((q) => q.query === "reset [email]"));

  const report = await newContext(browser, { width: 1280, height: 800 });
  const requests = [];
  const tab = await report.context.newPage();
  tab.on("request", (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await tab.goto(url);
  assert.equal(await tab.getAttribute("html", "lang"), "en");
  assert.ok((await tab.locator("svg[role=img]").count()) >= 4, "charts as inline SVG");
  for (const id of ["chart-days", "chart-zero-weeks", "chart-pages"]) {
    assert.ok(await tab.locator(`#${id} > title`).count(), `${id} has a title`);
    assert.ok(await tab.locator(`#${id} rect`).count() > 0, `${id} draws bars`);
  }
  assert.match(await tab.locator("body").innerText(), /pasward/);
  // Open every table alternative so that axe checks them too.
  await tab.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  const violations = await axe(tab);
  assert.deepEqual(violations, [], "axe on the report");
  assert.deepEqual(requests.filter((r) => r !== url), [], "no request but the file itself");
  assert.deepEqual(report.problems, [], "no console errors");
  mkdirSync(dirname(SHOT), { recursive: true });
  await tab.screenshot({ path: SHOT, fullPage: true });
  await report.context.close();
});
