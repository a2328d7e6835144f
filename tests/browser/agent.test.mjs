// Issue 18, "the support agent's ten seconds": the right number on the first screen, every
// link dials, the header and search in reach, the filter kept, print, no remarks about the
// source document. Run with theme.test.mjs by `npm test`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { VIEWPORTS, axe, launch, newContext, screenshot, startServer } from "./harness.mjs";

const PHONES = "/technical-support/phone-numbers/";
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

async function withPage(viewport, fn, options) {
  const ctx = await newContext(browser, viewport, options);
  try {
    const page = await ctx.context.newPage();
    await fn(page, ctx);
    assert.deepEqual(ctx.problems, [], "no console errors or failed requests");
  } finally {
    await ctx.context.close();
  }
}

/** Every page of every language, from the sitemap. */
async function allPages() {
  const xml = await (await fetch(server.url + "/sitemap.xml")).text();
  const urls = new Set();
  for (const m of xml.matchAll(/<loc>([^<]+)<\/loc>|href="([^"]+)"/g)) urls.add(new URL(m[1] || m[2]).pathname);
  return [...urls];
}

// What a valid number of each calling code looks like (national significant number lengths
// and, where the plan changed, the leading digits of today's plan).
const PLANS = {
  1: /^\d{10}$/, 51: /^\d{8,9}$/, 52: /^\d{10}$/, 54: /^\d{10}$/, 55: /^\d{10,11}$/, 56: /^\d{9}$/,
  57: /^(60\d{8}|3\d{9}|1800\d{7})$/, 58: /^\d{10}$/, 507: /^\d{7,8}$/, 593: /^(\d{8,9}|1800\d{6,7})$/,
};

describe("issue 18: the support agent's ten seconds", () => {
  for (const viewport of VIEWPORTS) {
    test(`${viewport.width}px: the first number is on the first screen, in every language`, async () => {
      await withPage(viewport, async (page) => {
        for (const prefix of ["", "/es", "/pt"]) {
          await page.goto(server.url + prefix + PHONES);
          const first = await page.locator("main .tel").first().boundingBox();
          assert.ok(first && first.y + first.height <= viewport.height, `${prefix}${PHONES}: first number ends at ${first && first.y + first.height}px, the screen at ${viewport.height}px`);
          const filter = await page.locator("#country-filter").boundingBox();
          assert.ok(filter && filter.y < first.y, "the country filter comes before the numbers");
        }
        await screenshot(page, "agent-first-screen", viewport);
      });
    });

    test(`${viewport.width}px: the header stays in reach, and search with it`, async () => {
      await withPage(viewport, async (page) => {
        await page.goto(server.url + PHONES);
        const header = page.locator(".site-header");
        if (viewport.width < 500) {
          const { height } = await header.boundingBox();
          assert.ok(height <= 64, `header is ${height}px tall`);
        }
        await page.evaluate(() => scrollTo(0, 1500));
        await page.waitForFunction(() => scrollY > 1000);
        if (viewport.width < 500) {
          const box = await header.boundingBox();
          assert.ok(box.y >= -1 && box.y < 2, `header at y=${box.y} after scrolling`);
          await page.locator(".menu > summary").click();
          const link = page.locator(".sections a").first();
          await link.waitFor({ state: "visible" });
          assert.deepEqual(await axe(page), [], "axe with the menu open");
          await page.keyboard.press("Escape");
          await link.waitFor({ state: "hidden" });
        }
        await page.locator("[data-search-open]").click();
        await page.locator("#search-dialog-input").waitFor({ state: "visible" });
      });
    });
  }

  test("375px without JavaScript: the menu opens and lists the sections", async () => {
    await withPage(VIEWPORTS[0], async (page) => {
      await page.goto(server.url + PHONES);
      assert.equal(await page.locator(".sections a").first().isVisible(), false);
      await page.locator(".menu > summary").click();
      assert.ok(await page.locator(".sections a").first().isVisible());
      assert.ok(await page.locator("[data-language-switch] a[hreflang=es]").isVisible());
    }, { javaScriptEnabled: false });
  });

  test("every tel: link of every page dials a number valid in its country's plan", async () => {
    const wrong = [];
    let seen = 0;
    for (const path of await allPages()) {
      const html = await (await fetch(server.url + path)).text();
      for (const m of html.matchAll(/href="tel:([^"]*)"/g)) {
        seen++;
        const digits = m[1].replace(/^\+/, "");
        const code = Object.keys(PLANS).sort((a, b) => b.length - a.length).find((c) => digits.startsWith(c));
        if (!m[1].startsWith("+") || !code || !PLANS[code].test(digits.slice(code.length))) wrong.push(`${path}: tel:${m[1]}`);
      }
    }
    assert.ok(seen > 100, `${seen} tel: links`);
    assert.deepEqual([...new Set(wrong)], [], "tel: links that cannot connect");
    const html = await (await fetch(server.url + PHONES)).text();
    assert.match(html, /href="tel:\+528009991422">01-800-999-1422</, "Mexico's 01-800 number, as printed, dials +52 800");
    assert.match(html, /href="tel:\+576016119013">\+57\(1\)-611-9013</, "Bogotá's number, as printed, dials 601");
    assert.match(html, /<span class="tel">\+212-204-9306<\/span>/, "the +212 number is text, without a link");
  });

  test("no page speaks of the source document, in any language", async () => {
    const remarks = /the handbook does not|handbook prints|is listed as|does not list|does not give|el manual no|la guía no|o guia não|o manual não|source handbook/i;
    const found = [];
    for (const path of await allPages()) {
      const text = await (await fetch(server.url + path)).text();
      const m = text.match(remarks);
      if (m) found.push(`${path}: ${m[0]}`);
    }
    assert.deepEqual(found, []);
  });

  test("printed tables keep their cell padding and page margins", async () => {
    // An A4 page is about 700 CSS px wide between its margins: narrower than the tables' cards.
    await withPage({ width: 700, height: 1000 }, async (page) => {
      await page.emulateMedia({ media: "print" });
      await page.goto(server.url + PHONES);
      const cells = await page.locator(".contacts tbody td, .contacts tbody th").evaluateAll((cs) => cs.slice(0, 12).map((c) => {
        const s = getComputedStyle(c);
        return { display: s.display, left: parseFloat(s.paddingLeft), right: parseFloat(s.paddingRight) };
      }));
      for (const c of cells) {
        assert.equal(c.display, "table-cell");
        assert.ok(c.left >= 4 && c.right >= 4, `cell padding ${c.left}/${c.right}px`);
      }
      const pdf = await page.pdf({ format: "A4" });
      assert.ok(pdf.length > 10_000);
    });
  });

  test("the country filter is in the address, kept after a reload and on the next page", async () => {
    await withPage(VIEWPORTS[0], async (page) => {
      await page.goto(server.url + PHONES);
      await page.selectOption("#country-filter", "BR");
      await page.waitForURL((u) => u.searchParams.get("country") === "BR");
      assert.equal(await page.locator("#country-filter + output").textContent(), "1 row shown");
      await page.reload();
      assert.equal(await page.inputValue("#country-filter"), "BR");
      const shown = await page.locator("[data-contacts] tbody tr:visible").evaluateAll((trs) => trs.map((t) => t.dataset.countries));
      assert.ok(shown.length >= 1 && shown.every((c) => c.split(" ").includes("BR")), `rows shown: ${shown}`);
      await page.goto(server.url + "/billing/billing-customer-care/");
      assert.equal(await page.inputValue("#country-filter"), "BR", "remembered on the next page");
      assert.equal(new URL(page.url()).searchParams.get("country"), "BR");
      // A shared link wins over the remembered choice.
      await page.goto(server.url + PHONES + "?country=MX");
      assert.equal(await page.inputValue("#country-filter"), "MX");
      await page.goto(server.url + "/es" + PHONES + "?country=MX");
      assert.equal(await page.locator("#country-filter + output").textContent(), "1 fila visible");
      await page.selectOption("#country-filter", "");
      await page.waitForURL((u) => !u.searchParams.has("country"));
    });
  });

  test("landing on a row from search keeps the column headings in view and marks the words", async () => {
    await withPage(VIEWPORTS[1], async (page) => {
      await page.goto(server.url + "/");
      await page.locator("[data-search-open]").click();
      await page.keyboard.type("mexico phone");
      const first = page.locator("#search-dialog-results [role=option]").first();
      await first.waitFor();
      await page.waitForFunction(() => document.querySelector("#search-dialog-results [role=option]")?.dataset.url?.includes("#"));
      await Promise.all([page.waitForURL((u) => u.hash.length > 1), page.keyboard.press("Enter")]);
      const row = page.locator(":target");
      await row.waitFor();
      await page.waitForTimeout(400);
      const r = await row.boundingBox();
      const head = await page.locator(".contacts thead th").first().boundingBox();
      assert.ok(head.y >= 0 && head.y + head.height <= r.y + 1, `headings at ${head.y}, row at ${r.y}`);
      const marks = await page.locator("mark.hl").allTextContents();
      assert.ok(marks.some((m) => /m[eé]xico/i.test(m)), `marked: ${marks}`);
      await screenshot(page, "agent-row-landing", VIEWPORTS[1]);
    });
  });

  test("e-mail addresses do not break at 1280 px", async () => {
    await withPage(VIEWPORTS[1], async (page) => {
      await page.goto(server.url + "/billing/changing-billing-information/");
      const lines = await page.locator(".contacts .mail").evaluateAll((as) => as.map((a) => ({ text: a.textContent, lines: Math.round(a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight)) })));
      assert.ok(lines.length > 0);
      for (const l of lines) assert.ok(l.lines <= 1, `${l.text} takes ${l.lines} lines`);
    });
  });

  test("the row's # stays beside the location; numbers and addresses have copy buttons for the mouse", async () => {
    await withPage(VIEWPORTS[1], async (page, ctx) => {
      await ctx.context.grantPermissions(["clipboard-read", "clipboard-write"]);
      await page.goto(server.url + PHONES);
      const wrapped = await page.locator(".row-head").evaluateAll((hs) => hs.filter((h) => {
        const [where, link] = [h.querySelector(".where"), h.querySelector(".row-link")];
        return link.getBoundingClientRect().top > where.getBoundingClientRect().bottom - 2;
      }).length);
      assert.equal(wrapped, 0, "no # on a line of its own");
      const stops = await page.locator("#technical-support-brazil a, #technical-support-brazil button").evaluateAll((es) => es.filter((e) => e.tabIndex >= 0).length);
      assert.equal(stops, 2, "one tab stop per number");
      await page.locator("#technical-support-brazil").hover();
      await page.locator("#technical-support-brazil .copy").first().click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "0800-887-3333");
      assert.deepEqual(await axe(page), []);
    });
  });

  test("a No asks what was missing, and focus stays on the feedback", async () => {
    await withPage(VIEWPORTS[0], async (page) => {
      await page.goto(server.url + "/services/");
      assert.equal(await page.locator("#feedback-comment").isVisible(), false, "no comment box before the answer");
      await page.getByRole("button", { name: "No", exact: true }).click();
      await page.locator("#feedback-comment").waitFor({ state: "visible" });
      assert.ok(await page.evaluate(() => document.activeElement?.id === "feedback-comment"), "the comment box has focus");
      assert.match(await page.locator("label[for=feedback-comment]").textContent(), /missing/);
      await page.fill("#feedback-comment", "the page did not say which number to call on weekends");
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/feedback")),
        page.getByRole("button", { name: "Send", exact: true }).click(),
      ]);
      await page.locator(".feedback-thanks").waitFor({ state: "visible" });
      assert.ok(await page.evaluate(() => !!document.activeElement?.closest(".feedback")), "focus stays in the feedback area");
    });
  });

  test("the empty search offers suggestions and recently opened pages; ⌘K on a Mac", async () => {
    await withPage(VIEWPORTS[1], async (page) => {
      await page.goto(server.url + PHONES);
      await page.goto(server.url + "/billing/");
      await page.locator("[data-search-open]").click();
      const groups = page.locator("#search-dialog-results .search-group-title");
      await groups.first().waitFor();
      assert.deepEqual(await groups.allTextContents(), ["Try", "Recently opened"]);
      assert.ok((await page.locator("#search-dialog-results").textContent()).includes("Technical support phone numbers"));
      await page.locator("#search-dialog-results [role=option]").first().click();
      await page.locator("#search-dialog-results [role=option][data-url]").first().waitFor();
      assert.notEqual(await page.inputValue("#search-dialog-input"), "");
    });
    await withPage(VIEWPORTS[1], async (page) => {
      await page.addInitScript(() => {
        Object.defineProperty(navigator, "platform", { get: () => "MacIntel" });
        Object.defineProperty(navigator, "userAgentData", { get: () => undefined });
      });
      await page.goto(server.url + "/");
      assert.equal(await page.locator(".search-trigger kbd").textContent(), "⌘ K");
    });
  });

  test("the search placeholder fits at 375 px; the brand and the breadcrumb agree", async () => {
    await withPage(VIEWPORTS[0], async (page) => {
      await page.goto(server.url + "/");
      const fits = await page.locator("#hero-q").evaluate((i) => {
        const c = document.createElement("canvas").getContext("2d");
        const s = getComputedStyle(i);
        c.font = `${s.fontSize} ${s.fontFamily}`;
        return c.measureText(i.placeholder).width <= i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      });
      assert.ok(fits, "the placeholder is not cut off");
      await page.goto(server.url + PHONES);
      assert.equal((await page.locator(".breadcrumbs a").first().textContent()).trim(), (await page.locator(".brand span").textContent()).trim());
    });
  });
});
