// The default theme in a real browser (Debian's Chromium) against `helpcenter serve`:
// accessibility, search dialog, contact tables, feedback with and without JavaScript.
// Run by scripts/test; alone: `cd tests/browser && npm ci && npm test` after `cargo build`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { VIEWPORTS, axe, launch, newContext, screenshot, startServer, staticHost } from "./harness.mjs";

const PAGES = [
  ["home", "/"],
  ["service", "/services/"],
  ["contacts", "/technical-support/phone-numbers/"],
  ["search", "/search/?q=brazil"],
  ["handbook", "/handbook/"],
  ["404", "/no-such-page/"],
  ["home-es", "/es/"],
  ["contacts-es", "/es/technical-support/phone-numbers/"],
  ["search-es", "/es/search/?q=brasil"],
  ["home-pt", "/pt/"],
  ["contacts-pt", "/pt/technical-support/phone-numbers/"],
  ["procedure-pt", "/pt/technical-support/standard-changes/"],
  ["404-pt", "/pt/no-such-page/"],
];
const CONTACT_PAGES = ["/technical-support/phone-numbers/", "/contact-us/office-phone-numbers/", "/billing/billing-customer-care/"];
const PHONE = "0800-887-3333"; // Brazil's toll-free TSC number, as the handbook writes it

let server, browser;
const comments = { js: `with javascript ${Date.now()}`, nojs: `without javascript ${Date.now()}` };

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup?.();
});

/** A context for one test; fails the test on console errors or failed requests. */
async function withPage(viewport, fn, options) {
  const ctx = await newContext(browser, viewport, options);
  ctx.allow((text) => text.includes("/no-such-page/") || text.includes("status of 404"));
  try {
    const page = await ctx.context.newPage();
    await fn(page, ctx);
    assert.deepEqual(ctx.problems, [], "no console errors or failed requests");
  } finally {
    await ctx.context.close();
  }
}

for (const viewport of VIEWPORTS) {
  describe(`${viewport.width}×${viewport.height}`, () => {
    for (const [name, path] of PAGES) {
      test(`${name} (${path}): no axe violations, no sideways scrolling, screenshot`, async () => {
        await withPage(viewport, async (page) => {
          const response = await page.goto(server.url + path);
          assert.equal(response.status(), name.startsWith("404") ? 404 : 200);
          if (name.startsWith("search")) await page.locator("#search-page-results .search-hit").first().waitFor();
          const violations = await axe(page);
          assert.deepEqual(violations, [], `axe on ${path}`);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(width <= viewport.width, `page is ${width}px wide at ${viewport.width}px`);
          await screenshot(page, name, viewport);
        });
      });
    }

    test("the language switcher keeps the page and the contact row", async () => {
      await withPage(viewport, async (page) => {
        await page.goto(server.url + "/technical-support/phone-numbers/#technical-support-brazil");
        assert.equal(await page.getAttribute("html", "lang"), "en");
        // On narrow screens the languages are in the menu.
        const menu = async () => { if (viewport.width < 992) await page.locator(".menu > summary").click(); };
        await menu();
        await page.locator("[data-language-switch] a[hreflang=es]").click();
        await page.waitForURL("**/es/technical-support/phone-numbers/#technical-support-brazil");
        assert.equal(await page.getAttribute("html", "lang"), "es");
        const row = page.locator("#technical-support-brazil");
        assert.match(await row.innerText(), /Brasil/);
        assert.ok(await row.evaluate((el) => el.matches(":target")), "the row is the target");
        const box = await row.boundingBox();
        assert.ok(box && box.y >= 0 && box.y < viewport.height, `row in view at y=${box?.y}`);
        await menu();
        await page.locator("[data-language-switch] a[hreflang=pt]").click();
        await page.waitForURL("**/pt/technical-support/phone-numbers/#technical-support-brazil");
        assert.equal(await page.getAttribute("html", "lang"), "pt");
        // The Spanish search asks in Spanish and lands on Spanish pages.
        await page.goto(server.url + "/es/");
        await page.locator("[data-search-open]").click();
        await page.keyboard.type("soporte brasil");
        const first = page.locator("#search-dialog-results [role=option]").first();
        await first.waitFor();
        assert.match(await first.getAttribute("data-url"), /^\/es\//);
      });
    });

    test("Ctrl+K, ⌘K and / open search; a phone number in any format finds its row; Enter lands on it", async () => {
      await withPage(viewport, async (page) => {
        await page.goto(server.url + "/billing/");
        await page.locator("[data-theme-toggle]").waitFor(); // site.js has run
        const dialog = page.locator("#search-dialog");
        const input = page.locator("#search-dialog-input");
        for (const keys of ["Control+k", "Meta+k", "/"]) {
          await page.keyboard.press(keys);
          await dialog.waitFor({ state: "visible", timeout: 5000 }).catch(async (e) => {
            const focus = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
            throw new Error(`${keys} did not open the search dialog (focus on ${focus}): ${e.message}`);
          });
          assert.ok(await input.evaluate((e) => e === document.activeElement), `${keys} focuses the search box`);
          await page.keyboard.press("Escape");
          await dialog.waitFor({ state: "hidden" });
        }
        let anchor = null;
        for (const typed of ["0800 887 3333", "08008873333", "0800-887-3333"]) {
          await page.keyboard.press("Control+k");
          await input.fill("");
          await input.pressSequentially(typed, { delay: 20 });
          const first = page.locator("#search-dialog-results [role=option]").first();
          await first.waitFor();
          // The list answers the whole number, not a prefix typed on the way.
          await page.waitForFunction((q) => document.querySelector("#search-dialog-results").dataset.query === q
            && document.querySelector("#search-dialog-results [role=option]"), typed);
          const url = await first.getAttribute("data-url");
          assert.match(url, /#/, `first hit for "${typed}" is a row: ${url}`);
          assert.equal(await first.getAttribute("aria-selected"), "true");
          anchor ??= url.split("#")[1];
          assert.equal(url.split("#")[1], anchor, `"${typed}" finds the same row first`);
          if (typed !== "0800-887-3333") { await page.keyboard.press("Escape"); continue; }
          await page.keyboard.press("ArrowDown");
          await page.keyboard.press("ArrowUp");
          await Promise.all([page.waitForURL((u) => u.hash === `#${anchor}`), page.keyboard.press("Enter")]);
        }
        const row = page.locator(`[id="${anchor}"]`);
        await row.waitFor();
        assert.equal(await row.evaluate((e) => e.tagName), "TR");
        assert.ok((await row.textContent()).includes(PHONE), "the row has the number");
        assert.ok(await row.evaluate((e) => e.matches(":target")), "the row is the :target");
        const background = await row.evaluate((e) => getComputedStyle(e).backgroundColor);
        assert.notEqual(background, "rgba(0, 0, 0, 0)", "the row is highlighted");
        await page.waitForFunction((id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return r.top >= 0 && r.bottom <= innerHeight;
        }, anchor, { timeout: 5000 });
      });
    });

    test("the country filter narrows every table; without it every row shows", async () => {
      await withPage(viewport, async (page) => {
        await page.goto(server.url + "/billing/billing-customer-care/");
        const rows = page.locator("[data-contacts] tbody tr");
        const total = await rows.count();
        assert.ok(total > 3);
        assert.equal(await page.locator("[data-contacts] tbody tr:visible").count(), total, "all rows before filtering");
        await page.selectOption("#country-filter", "BR");
        const visible = await page.locator("[data-contacts] tbody tr:visible").evaluateAll((trs) => trs.map((t) => t.dataset.countries));
        assert.ok(visible.length > 0 && visible.length < total, `${visible.length} of ${total} rows shown`);
        for (const countries of visible) assert.ok(countries.split(" ").includes("BR"), `shown row serves BR: ${countries}`);
        const tables = await page.locator("[data-contacts]").count();
        assert.ok(tables > 1, "the filter works across several tables");
        await page.selectOption("#country-filter", "");
        assert.equal(await page.locator("[data-contacts] tbody tr:visible").count(), total);
        // A link to a row the filter hides shows it again.
        await page.selectOption("#country-filter", "VE");
        const hidden = await page.locator("[data-contacts] tbody tr[hidden]").first().getAttribute("id");
        await page.evaluate((id) => { location.hash = id; }, hidden);
        await page.locator(`[id="${hidden}"]`).waitFor({ state: "visible" });
      });
      await withPage(viewport, async (page) => {
        await page.goto(server.url + "/billing/billing-customer-care/");
        assert.equal(await page.locator("#country-filter").count(), 0, "no filter without JavaScript");
        const rows = page.locator("[data-contacts] tbody tr");
        assert.equal(await page.locator("[data-contacts] tbody tr:visible").count(), await rows.count());
      }, { javaScriptEnabled: false });
    });

    test("tel: links are E.164, e-mails are mailto:, rows have links and big enough targets", async () => {
      await withPage(viewport, async (page) => {
        for (const path of CONTACT_PAGES) {
          await page.goto(server.url + path);
          const tels = await page.locator('a[href^="tel:"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")));
          assert.ok(tels.length > 0, `${path} has phone links`);
          for (const href of tels) assert.match(href, /^tel:\+\d+$/, `${path}: ${href}`);
          for (const href of await page.locator('a[href^="mailto:"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
            assert.match(href, /^mailto:[^@\s]+@[^@\s]+$/);
          }
          const rows = await page.locator("[data-contacts] tbody tr").evaluateAll((trs) => trs.map((tr) => ({
            id: tr.id, link: tr.querySelector(".row-link")?.getAttribute("href"),
          })));
          for (const r of rows) assert.equal(r.link, `#${r.id}`, "each row links to itself");
          const small = await page.locator("[data-contacts] a").evaluateAll((as) => as
            .map((a) => { const b = a.getBoundingClientRect(); return { text: a.textContent, w: b.width, h: b.height }; })
            .filter((b) => b.w < 24 || b.h < 24));
          assert.deepEqual(small, [], `${path}: tap targets at least 24×24`);
        }
      });
    });
  });
}

describe("search UI", () => {
  test("site.js builds the search dialog on first open, in the page's language, with its roles and labels", async () => {
    for (const [path, lang, label, hint] of [
      ["/billing/", "en", "Search the Help Center", /Enter to open/],
      ["/es/billing/", "es", "Buscar en el Centro de Ayuda", /Enter para abrir/],
      ["/pt/billing/", "pt", "Pesquisar na Central de Ajuda", /Enter/],
    ]) {
      await withPage(VIEWPORTS[1], async (page) => {
        await page.goto(server.url + path);
        await page.locator("[data-theme-toggle]").waitFor(); // site.js has run
        assert.equal(await page.evaluate(() => window.hcStrings && window.hcStrings.lang), lang, "the strings script is loaded");
        assert.equal(await page.locator("#hc-strings").count(), 0, "no strings in the page");
        assert.equal(await page.locator("#search-dialog").count(), 0, "no dialog before search opens");
        await page.locator("[data-search-open]").click();
        const dialog = page.locator("#search-dialog");
        await dialog.waitFor({ state: "visible" });
        assert.equal(await dialog.getAttribute("aria-label"), label);
        const input = page.locator("#search-dialog-input");
        assert.ok(await input.evaluate((e) => e === document.activeElement), "the search box has focus");
        for (const [name, value] of [["role", "combobox"], ["aria-controls", "search-dialog-results"], ["aria-autocomplete", "list"], ["aria-expanded", "false"]]) {
          if (name === "aria-expanded" && await page.locator("#search-dialog-results [role=option]").count()) continue;
          assert.equal(await input.getAttribute(name), value, name);
        }
        assert.equal(await page.locator('label[for="search-dialog-input"]').textContent(), label);
        assert.equal(await page.locator("#search-dialog-results").getAttribute("role"), "listbox");
        assert.equal(await page.locator("#search-dialog-status").getAttribute("role"), "status");
        assert.match(await page.locator("#search-dialog .search-hint").textContent(), hint);
        assert.equal(await page.locator("#search-dialog-status").textContent(), await page.evaluate(() => window.hcStrings.js_search_type));
        assert.deepEqual(await axe(page), [], "axe with the dialog open");
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "hidden" });
        assert.ok(await page.locator("[data-search-open]").evaluate((e) => e === document.activeElement), "focus goes back to the trigger");
        await page.keyboard.press("Control+k");
        await dialog.waitFor({ state: "visible" });
        assert.equal(await page.locator("#search-dialog").count(), 1, "one dialog, reused");
      });
    }
  });

  test("/search/?q= groups results by kind, with highlighted snippets", async () => {
    await withPage(VIEWPORTS[1], async (page) => {
      await page.goto(server.url + "/search/?q=brazil");
      await page.locator("#search-page-results .search-hit").first().waitFor();
      const groups = await page.locator("#search-page-results h2").allTextContents();
      assert.ok(groups.length >= 1);
      assert.equal(new Set(groups).size, groups.length, "each kind once");
      assert.ok(await page.locator("#search-page-results mark").count() > 0, "matches are marked");
      assert.equal(await page.locator("#q").inputValue(), "brazil");
      assert.equal(await page.locator("#search-page-results script, #search-page-results [onerror]").count(), 0);
    });
  });

  test("without the server, the static index answers; without either, search is unavailable", async () => {
    await withPage(VIEWPORTS[0], async (page, ctx) => {
      ctx.allow((text) => text.includes("/api/search") || text.includes("status of 404"));
      await page.route("**/api/search**", (route) => route.fulfill({ status: 404, contentType: "text/html", body: "<h1>Not found</h1>" }));
      await page.goto(server.url + "/");
      await page.keyboard.press("Control+k");
      await page.locator("#search-dialog-input").fill("0800 887 3333");
      const first = page.locator("#search-dialog-results [role=option]").first();
      await first.waitFor();
      assert.match(await first.getAttribute("data-url"), /#/, "static index finds the row");
    });
    await withPage(VIEWPORTS[0], async (page, ctx) => {
      ctx.allow((text) => text.includes("/api/search") || text.includes("/search-index/") || text.includes("status of 404"));
      await page.route(/\/(api\/search|search-index\/)/, (route) => route.fulfill({ status: 404, contentType: "text/html", body: "<h1>Not found</h1>" }));
      await page.goto(server.url + "/");
      await page.keyboard.press("Control+k");
      await page.locator("#search-dialog-input").fill("brazil");
      await page.locator("#search-dialog-status", { hasText: /unavailable/i }).waitFor();
    });
  });
});

describe("static hosting", () => {
  // The shards are stored gzip-compressed under .bin names: a host that sends them as they are
  // leaves the inflating to the script; one that adds Content-Encoding: gzip has the browser do it.
  for (const gzipNames of [false, true]) {
    test(`the static index answers on a plain host${gzipNames ? " that adds Content-Encoding: gzip" : ""}`, { skip: !!process.env.HC_BASE_URL && "external server" }, async () => {
      const host = await staticHost(join(server.dir, "public"), { gzipNames });
      try {
        await withPage(VIEWPORTS[1], async (page, ctx) => {
          ctx.allow((text) => text.includes("/api/search") || text.includes("status of 404"));
          const encodings = [];
          page.on("response", (r) => { if (r.url().endsWith(".bin")) encodings.push(r.headers()["content-encoding"] || "none"); });
          await page.goto(host.url + "/");
          await page.keyboard.press("Control+k");
          await page.locator("#search-dialog-input").fill("0800 887 3333");
          const first = page.locator("#search-dialog-results [role=option]").first();
          await first.waitFor();
          assert.match(await first.getAttribute("data-url"), /-brazil$/, "the Brazil row first");
          assert.ok(encodings.length > 0, "shards fetched");
          assert.ok(encodings.every((e) => e === (gzipNames ? "gzip" : "none")), encodings.join());
        });
      } finally {
        await host.close();
      }
    });
  }
});

describe("reading comfort", () => {
  test("the light/dark toggle is remembered across pages", async () => {
    await withPage(VIEWPORTS[1], async (page) => {
      await page.goto(server.url + "/");
      const toggle = page.locator("[data-theme-toggle]");
      assert.equal(await toggle.getAttribute("aria-pressed"), "false");
      const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await toggle.click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
      await page.goto(server.url + "/billing/");
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), light);
      assert.deepEqual(await axe(page), [], "dark mode passes axe too");
    }, { colorScheme: "light" });
  });

  test("discoverability: canonical, description, JSON-LD, sitemap, robots, feed, OpenSearch", async () => {
    await withPage(VIEWPORTS[1], async (page) => {
      await page.goto(server.url + "/technical-support/phone-numbers/");
      assert.match(await page.locator('link[rel="canonical"]').getAttribute("href"), /^https?:\/\/.+\/technical-support\/phone-numbers\/$/);
      assert.ok((await page.locator('meta[name="description"]').getAttribute("content")).length > 20);
      const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
      assert.equal(ld["@type"], "BreadcrumbList");
      assert.equal(ld.itemListElement.at(-1).name, await page.locator("h1").textContent());
      assert.equal(await page.locator("html").getAttribute("lang"), "en");
      for (const [path, needle] of [["/sitemap.xml", "<urlset"], ["/robots.txt", "Sitemap: "], ["/atom.xml", "<feed"], ["/opensearch.xml", "{searchTerms}"]]) {
        const r = await page.request.get(server.url + path);
        assert.equal(r.status(), 200, path);
        assert.ok((await r.text()).includes(needle), `${path} has ${needle}`);
      }
    });
  });

  test("the home page transfers under 100 KB compressed", async () => {
    await withPage(VIEWPORTS[0], async (page) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Network.enable");
      let bytes = 0;
      cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
      await page.goto(server.url + "/", { waitUntil: "networkidle" });
      console.log(`# home page transfer: ${(bytes / 1024).toFixed(1)} KB`);
      assert.ok(bytes > 1000 && bytes < 100 * 1024, `${bytes} bytes`);
    });
  });
});

describe("was this helpful?", () => {
  const page_ = "/billing/changing-billing-information/";
  test("with JavaScript: posted as JSON, thanked inline", async () => {
    await withPage(VIEWPORTS[0], async (page) => {
      await page.goto(server.url + page_);
      // "No" asks what was missing first; "Send" posts the answer with the comment.
      await page.getByRole("button", { name: "No", exact: true }).click();
      await page.fill("#feedback-comment", comments.js);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/feedback")),
        page.getByRole("button", { name: "Send", exact: true }).click(),
      ]);
      assert.ok(response.ok(), `feedback answered ${response.status()}`);
      assert.equal(response.request().headers()["content-type"], "application/json");
      assert.equal(new URL(page.url()).pathname, page_, "no navigation");
      await page.locator(".feedback-thanks").waitFor({ state: "visible" });
      assert.ok(!(await page.locator(".feedback-form").isVisible()));
    });
  });

  test("without JavaScript: a form post, redirected back with thanks", async () => {
    await withPage(VIEWPORTS[1], async (page) => {
      await page.goto(server.url + page_);
      await page.fill("#feedback-comment", comments.nojs);
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get("feedback") === "thanks"),
        page.getByRole("button", { name: "Yes", exact: true }).click(),
      ]);
      assert.equal(new URL(page.url()).pathname, page_);
      await page.locator(".feedback-thanks").waitFor({ state: "visible" });
      assert.ok(!(await page.locator(".feedback-form").isVisible()));
    }, { javaScriptEnabled: false });
  });

  test("both answers are in the SQLite database", { skip: !!process.env.HC_BASE_URL && "external server" }, async () => {
    await server.stop();
    const rows = server.feedbackRows();
    const js = rows.find((r) => r.comment === comments.js);
    const nojs = rows.find((r) => r.comment === comments.nojs);
    assert.ok(js, `JSON post stored: ${JSON.stringify(rows)}`);
    assert.ok(nojs, `form post stored: ${JSON.stringify(rows)}`);
    assert.equal(js.page, page_);
    assert.equal(js.helpful, false);
    assert.equal(nojs.page, page_);
    assert.equal(nojs.helpful, true);
  });
});
