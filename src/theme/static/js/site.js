/* helpcenter default theme: search dialog and page, country filter, feedback, theme toggle.
   Plain JavaScript, no dependencies. Everything here enhances HTML that works without it. */
(function () {
  "use strict";
  var doc = document;
  // The UI strings: js/strings.<lang>.<hash>.js, loaded before this script, sets them; a
  // template of its own may still carry them as <script type="application/json" id="hc-strings">.
  var S = window.hcStrings || {};
  if (!window.hcStrings) try { S = JSON.parse(doc.getElementById("hc-strings").textContent); } catch (e) { /* defaults */ }
  function str(key, n) { var s = S[key] || key; return n === undefined ? s : s.replace("{n}", n); }
  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function load(key, fallback) { try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; } }
  function save(key, value) { try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* not kept */ } }
  var isMac = /Mac|iPhone|iPad/.test((navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "");
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* ---------- Light / dark toggle (the saved choice is applied early by theme.js) ---------- */
  var root = doc.documentElement;
  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : { matches: false };
  function isDark() {
    var t = root.getAttribute("data-theme");
    return t ? t === "dark" : systemDark.matches;
  }
  $$("[data-theme-toggle]").forEach(function (button) {
    button.hidden = false;
    var sync = function () { button.setAttribute("aria-pressed", String(isDark())); };
    sync();
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        // Back to following the system when the choice matches it.
        if ((next === "dark") === systemDark.matches) localStorage.removeItem("hc-theme");
        else localStorage.setItem("hc-theme", next);
      } catch (e) { /* not remembered */ }
      sync();
    });
  });

  /* ---------- Menu (a <details>, works without this): close on Escape or a click elsewhere ---------- */
  var wide = window.matchMedia ? window.matchMedia("(min-width: 62rem)") : { matches: false };
  $$("[data-menu]").forEach(function (menu) {
    // Wide screens show its content always (CSS ::details-content); older browsers: open it.
    if (!(window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) && wide.matches) menu.open = true;
    doc.addEventListener("click", function (e) { if (menu.open && !wide.matches && !menu.contains(e.target)) menu.open = false; });
    menu.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open && !wide.matches) { menu.open = false; $("summary", menu).focus(); }
    });
  });

  /* ---------- The search shortcut as this keyboard has it; recently opened pages ---------- */
  if (isMac) $$(".search-trigger kbd").forEach(function (k) { k.textContent = str("js_search_shortcut_mac"); });
  var canonical = $('link[rel="canonical"]');
  var h1 = $("main h1");
  if (canonical && h1 && !$('meta[name="robots"][content="noindex"]')) {
    var here = location.pathname;
    var recent = load("hc-recent", []).filter(function (r) { return r && r.url !== here; });
    recent.unshift({ url: here, title: h1.textContent.trim() });
    save("hc-recent", recent.slice(0, 5));
  }

  /* ---------- Language switcher: the same page, and the same row or heading ---------- */
  doc.querySelectorAll("[data-language-switch] a").forEach(function (a) {
    a.addEventListener("click", function () {
      if (location.hash) a.href = a.href.split("#")[0] + location.hash;
    });
  });

  /* ---------- Search backends: tried in order until one answers ---------- */
  // Each backend: { name, search(query, signal) -> Promise<{query,total,took_ms,hits}> }.
  // The server's /api/search first; on a static host, the index written at build time
  // (static-search.js, loaded only when needed). A backend that failed is not asked again.
  var backends = [{
    name: "api",
    search: function (query, signal) {
      var lang = S.lang ? "&lang=" + encodeURIComponent(S.lang) : "";
      return fetch((S.base || "") + "/api/search?q=" + encodeURIComponent(query) + lang, {
        signal: signal, headers: { Accept: "application/json" }
      }).then(function (r) {
        var type = r.headers.get("content-type") || "";
        if (!r.ok || type.indexOf("json") < 0) throw new Error("search API: " + r.status);
        return r.json();
      });
    }
  }];
  var staticModule = doc.currentScript && doc.currentScript.getAttribute("data-static-search");
  if (staticModule) {
    var engine = null;
    backends.push({
      name: "static",
      search: function (query) {
        // Each language has its own static index, under its folder.
        engine = engine || import(staticModule).then(function (m) { return m.createStaticSearch((S.prefix || "") + "/search-index/"); });
        return engine.then(function (s) { return s.search(query, 20); });
      }
    });
  }
  window.helpcenterSearchBackends = backends;
  function runSearch(query, signal) {
    var i = 0;
    function next(err) {
      if (signal && signal.aborted) return Promise.reject(err || new Error("aborted"));
      while (i < backends.length && backends[i].failed) i++;
      if (i >= backends.length) return Promise.reject(err || new Error("no search backend"));
      var backend = backends[i++];
      return backend.search(query, signal).catch(function (e) {
        if (e && e.name === "AbortError") throw e;
        backend.failed = true;
        return next(e);
      });
    }
    // Hits name the site's paths (`/billing/`); a site under a base path links below it.
    return next().then(function (resp) {
      if (S.base && resp && resp.hits) resp.hits.forEach(function (hit) {
        if (hit.url && hit.url.charAt(0) === "/" && hit.url.charAt(1) !== "/") hit.url = S.base + hit.url;
      });
      return resp;
    });
  }

  /* ---------- Rendering results, grouped by kind ---------- */
  var KIND_GROUP = { contact: "contact", procedure: "procedure", role: "role", service: "service", page: "page", section: "page" };
  // Groups appear in the order of their best hit, so the top hit is always first.
  function groupHits(hits) {
    var groups = [], byKey = {};
    hits.forEach(function (hit) {
      var key = KIND_GROUP[hit.kind] || "page";
      if (!byKey[key]) { byKey[key] = { key: key, hits: [] }; groups.push(byKey[key]); }
      byKey[key].hits.push(hit);
    });
    return groups;
  }
  // The snippet is HTML-escaped by the server except for <mark>; allow exactly that and nothing else.
  function safeSnippet(html) {
    return String(html || "")
      .replace(/<mark>/g, "\u0001").replace(/<\/mark>/g, "\u0002")
      .replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/\u0001/g, "<mark>").replace(/\u0002/g, "</mark>");
  }
  function hitContent(node, hit) {
    node.appendChild(el("span", "search-hit-title", hit.title));
    if (hit.section) node.appendChild(el("span", "search-hit-section", hit.section));
    if (hit.snippet) {
      var snippet = el("span", "search-hit-snippet");
      snippet.innerHTML = safeSnippet(hit.snippet);
      node.appendChild(snippet);
    }
  }
  function countText(total) { return total === 1 ? str("js_search_result") : str("js_search_results", total); }

  /* ---------- Search dialog (Ctrl+K, Cmd+K, /) ---------- */
  // Built the first time search opens (without JavaScript the trigger is a link to the search
  // page); a template of its own may still have it in the page.
  var dialog = null, input = null, list = null, status = null;
  var options = [], active = -1, pending = null, timer = 0, lastQuery = null;
  function attrs(node, values) { for (var k in values) node.setAttribute(k, values[k]); return node; }
  function createDialog() {
    var d = attrs(el("dialog", "search-dialog"), { id: "search-dialog", "aria-label": str("search_label") });
    var box = el("div", "search-box");
    box.appendChild(attrs(el("label", "visually-hidden", str("search_label")), { "for": "search-dialog-input" }));
    box.appendChild(attrs(el("input"), {
      id: "search-dialog-input", type: "search", role: "combobox", "aria-expanded": "false",
      "aria-controls": "search-dialog-results", "aria-autocomplete": "list", autocomplete: "off",
      spellcheck: "false", placeholder: str("search_placeholder")
    }));
    var close = attrs(el("button", "search-close", "Esc"), { type: "button", "data-search-close": "" });
    close.appendChild(el("span", "visually-hidden", " " + str("js_close")));
    box.appendChild(close);
    d.appendChild(box);
    d.appendChild(attrs(el("p", "search-status"), { id: "search-dialog-status", role: "status" }));
    d.appendChild(attrs(el("div", "search-results"), { id: "search-dialog-results", role: "listbox", "aria-label": str("search") }));
    d.appendChild(el("p", "search-hint", str("js_search_hint")));
    doc.body.appendChild(d);
    return d;
  }

  function setActive(i) {
    if (!options.length) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
    active = (i + options.length) % options.length;
    options.forEach(function (o, j) { o.setAttribute("aria-selected", String(j === active)); });
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }
  function go(url) {
    if (dialog.open) dialog.close();
    var target = new URL(url, location.href);
    var words = (input && input.value.trim()) || "";
    if (target.pathname === location.pathname && target.hash) {
      highlight(words);
      if (location.hash === target.hash) revealTarget();
      else location.hash = target.hash;
    } else {
      // The page reached marks the words searched for (?hl=, read by highlight()).
      if (words) target.searchParams.set("hl", words);
      location.href = target.href;
    }
  }
  // `data-query` says which query the list answers (a later keystroke may still be on its way).
  function renderDialog(resp, q) {
    list.textContent = "";
    list.dataset.query = q;
    options = [];
    var n = 0;
    groupHits(resp.hits || []).forEach(function (group) {
      var g = el("ul", "search-group");
      g.setAttribute("role", "group");
      var titleId = "search-group-" + group.key;
      var title = el("li", "search-group-title", str("js_kind_" + group.key));
      title.id = titleId;
      title.setAttribute("role", "presentation");
      g.setAttribute("aria-labelledby", titleId);
      g.appendChild(title);
      group.hits.forEach(function (hit) {
        var o = el("li", "search-hit");
        o.id = "search-hit-" + (n++);
        o.setAttribute("role", "option");
        o.setAttribute("aria-selected", "false");
        o.dataset.url = hit.url;
        hitContent(o, hit);
        o.addEventListener("click", function () { go(hit.url); });
        o.addEventListener("mousemove", function () { if (active !== options.indexOf(o)) setActive(options.indexOf(o)); });
        g.appendChild(o);
        options.push(o);
      });
      list.appendChild(g);
    });
    input.setAttribute("aria-expanded", String(options.length > 0));
    setActive(0);
    status.textContent = options.length ? countText(resp.total || options.length) : str("js_search_no_results");
  }
  // The empty dialog offers the site's suggested searches and the pages opened lately.
  function renderStart() {
    var suggested = (S.js_search_suggestions || "").split("|").map(function (s) { return s.trim(); }).filter(Boolean);
    var recent = load("hc-recent", []).filter(function (r) { return r && r.url && r.url !== location.pathname; });
    var n = 0;
    [["suggested", suggested.map(function (s) { return { title: s, query: s }; })],
     ["recent", recent.map(function (r) { return { title: r.title, url: r.url }; })]].forEach(function (group) {
      if (!group[1].length) return;
      var g = el("ul", "search-group");
      g.setAttribute("role", "group");
      g.dataset.start = group[0];
      var title = el("li", "search-group-title", str("js_search_" + group[0]));
      title.id = "search-group-" + group[0];
      title.setAttribute("role", "presentation");
      g.setAttribute("aria-labelledby", title.id);
      g.appendChild(title);
      group[1].forEach(function (item) {
        var o = el("li", "search-hit");
        o.id = "search-hit-" + (n++);
        o.setAttribute("role", "option");
        o.setAttribute("aria-selected", "false");
        o.appendChild(el("span", "search-hit-title", item.title));
        if (item.url) o.dataset.url = item.url; else o.dataset.query = item.query;
        o.addEventListener("click", function () { pick(o); });
        g.appendChild(o);
        options.push(o);
      });
      list.appendChild(g);
    });
    if (options.length) input.setAttribute("aria-expanded", "true");
  }
  function pick(o) {
    if (o.dataset.query) { input.value = o.dataset.query; input.focus(); list.textContent = ""; options = []; query(input.value); }
    else go(o.dataset.url);
  }
  function query(q) {
    q = q.trim();
    if (q === lastQuery) return;
    lastQuery = q;
    if (pending) pending.abort();
    if (!q) {
      list.textContent = ""; options = []; setActive(-1);
      input.setAttribute("aria-expanded", "false");
      status.textContent = str("js_search_type");
      renderStart();
      return;
    }
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    runSearch(q, controller && controller.signal).then(function (resp) {
      if (pending !== controller) return;
      renderDialog(resp, q);
    }, function (err) {
      if (err && err.name === "AbortError") return;
      list.textContent = ""; options = []; setActive(-1);
      input.setAttribute("aria-expanded", "false");
      status.textContent = str("js_search_unavailable");
    });
  }
  var opener = null;
  function openSearch(text) {
    if (!dialog && !setUpDialog()) return;
    if (!dialog.open) {
      opener = doc.activeElement;
      dialog.showModal();
    }
    if (typeof text === "string") input.value = text;
    input.focus();
    lastQuery = null;
    query(input.value);
  }
  function setUpDialog() {
    if (!window.HTMLDialogElement) return false;
    dialog = $("#search-dialog") || createDialog();
    input = $("#search-dialog-input", dialog);
    list = $("#search-dialog-results", dialog);
    status = $("#search-dialog-status", dialog);
    input.addEventListener("input", function () {
      // The suggestions go as soon as the reader types: only results are offered then.
      if (list.querySelector("[data-start]")) { list.textContent = ""; options = []; setActive(-1); }
      clearTimeout(timer);
      timer = setTimeout(function () { query(input.value); }, 90);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter") {
        e.preventDefault();
        if (input.value.trim() !== lastQuery) {
          // Typed faster than the results came: search now, then open the first hit.
          clearTimeout(timer);
          var q = input.value.trim();
          runSearch(q).then(function (resp) {
            if (resp.hits && resp.hits.length) go(groupHits(resp.hits)[0].hits[0].url);
          }, function () { location.href = (S.prefix || "") + "/search/?q=" + encodeURIComponent(q); });
        } else if (active >= 0) pick(options[active]);
        else if (input.value.trim()) location.href = (S.prefix || "") + "/search/?q=" + encodeURIComponent(input.value.trim());
      }
    });
    $(".search-close", dialog).addEventListener("click", function () { dialog.close(); });
    // Give focus back now: the browser would only move it off the hidden input at the next frame.
    dialog.addEventListener("close", function () {
      if (opener && opener !== doc.body && doc.contains(opener) && opener.focus) opener.focus();
      else input.blur();
      opener = null;
    });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && active >= 0 && options[active] && input.value.trim() === lastQuery) {
        reportOpen(lastQuery, options[active].dataset.url, active + 1);
      }
    }, true);
    return true;
  }
  if (window.HTMLDialogElement) {
    $$("[data-search-open]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        openSearch();
      });
    });
    $$("[data-search-hero]").forEach(function (hero) {
      hero.addEventListener("input", function () {
        var text = hero.value;
        hero.value = "";
        openSearch(text);
      });
    });
    doc.addEventListener("keydown", function (e) {
      var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))
        && !(dialog && t === input && !dialog.open);
      if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey) {
        e.preventDefault();
        openSearch();
      } else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        openSearch();
      }
    });
  }

  /* ---------- /search/?q= page ---------- */
  var pageResults = $("[data-search-page]");
  if (pageResults) {
    var pageStatus = $("#search-page-status");
    var q = (new URLSearchParams(location.search).get("q") || "").trim();
    var box = $("#q");
    if (box && q) box.value = q;
    if (q) {
      doc.title = q + " · " + doc.title;
      pageStatus.textContent = str("js_search_loading");
      runSearch(q).then(function (resp) {
        pageResults.textContent = "";
        var hits = resp.hits || [];
        pageStatus.textContent = hits.length ? countText(resp.total || hits.length) : str("js_search_no_results");
        groupHits(hits).forEach(function (group) {
          var section = el("section");
          section.appendChild(el("h2", "", str("js_kind_" + group.key)));
          var ul = el("ul", "search-group");
          group.hits.forEach(function (hit) {
            var li = el("li");
            var a = el("a", "search-hit");
            var to = new URL(hit.url, location.href);
            to.searchParams.set("hl", q);
            a.href = to.pathname + to.search + to.hash;
            hitContent(a, hit);
            li.appendChild(a);
            ul.appendChild(li);
          });
          section.appendChild(ul);
          pageResults.appendChild(section);
        });
      }, function () { pageStatus.textContent = str("js_search_unavailable"); });
    }
  }
  /* ---------- Search insights: which result of a search a reader opened ---------- */
  // One beacon per open: the query, the language, the result and its place in the list; no
  // identifier of any kind. Only when the server answered the search (a static host has none).
  function reportOpen(q, url, position) {
    if (!q || !position || !navigator.sendBeacon || backends[0].failed) return;
    try {
      navigator.sendBeacon((S.base || "") + "/api/search/click",
        JSON.stringify({ q: q, lang: S.lang || null, url: url || null, position: position }));
    } catch (e) { /* never in the way of opening the result */ }
  }
  doc.addEventListener("click", function (e) {
    var hit = e.target && e.target.closest && e.target.closest(".search-hit");
    var box = hit && hit.closest("#search-dialog-results, [data-search-page]");
    if (!box) return;
    var q = box.id === "search-dialog-results" ? lastQuery : (new URLSearchParams(location.search).get("q") || "").trim();
    reportOpen(q, hit.dataset.url || hit.getAttribute("href"), $$(".search-hit", box).indexOf(hit) + 1);
  }, true);

  // On the 404 page, offer the words of the missing address as a search.
  if (doc.querySelector('meta[name="robots"][content="noindex"]') && !pageResults) {
    var missing = $("#q");
    if (missing && !missing.value) {
      missing.value = decodeURIComponent(location.pathname).replace(/\.html?$/, "").split(/[\/\-_.]+/).filter(Boolean).join(" ");
    }
  }

  /* ---------- The words searched for, marked on the page reached (?hl=) ---------- */
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function highlight(text) {
    $$("mark.hl").forEach(function (m) { m.replaceWith(doc.createTextNode(m.textContent)); });
    var scope = $("main .prose") || $("main");
    var words = fold(text || "").split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; });
    if (!scope || !words.length) return;
    var re = new RegExp("(" + words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")", "g");
    var walker = doc.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) { return n.parentNode.closest("mark, script, style, h1, .visually-hidden, .row-link") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT; }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var original = node.nodeValue, folded = fold(original);
      if (folded.length !== original.length) return;
      var parts = [], last = 0, m;
      re.lastIndex = 0;
      while ((m = re.exec(folded))) {
        if (m.index > last) parts.push(doc.createTextNode(original.slice(last, m.index)));
        parts.push(el("mark", "hl", original.slice(m.index, m.index + m[0].length)));
        last = m.index + m[0].length;
      }
      if (!parts.length) return;
      if (last < original.length) parts.push(doc.createTextNode(original.slice(last)));
      var frag = doc.createDocumentFragment();
      parts.forEach(function (p) { frag.appendChild(p); });
      node.parentNode.replaceChild(frag, node);
    });
  }
  var hl = new URLSearchParams(location.search).get("hl");
  if (hl && !pageResults) highlight(hl);

  /* ---------- Country filter: one select narrows every contact table on the page ---------- */
  var tables = $$("[data-contacts]");
  var rows = $$("[data-contacts] tbody tr");
  var codes = {};
  rows.forEach(function (tr) { (tr.dataset.countries || "").split(/\s+/).forEach(function (c) { if (c) codes[c] = true; }); });
  var codeList = Object.keys(codes);
  var select = null;
  if (codeList.length > 1) {
    var names = null;
    try { names = new Intl.DisplayNames([S.lang || root.lang || "en"], { type: "region" }); } catch (e) { /* codes only */ }
    var label = function (c) { try { return names ? names.of(c) : c; } catch (e) { return c; } };
    codeList.sort(function (a, b) { return label(a).localeCompare(label(b)); });
    var box2 = el("div", "country-filter");
    var lab = el("label", "", str("js_filter_label"));
    lab.htmlFor = "country-filter";
    select = el("select");
    select.id = "country-filter";
    var all = el("option", "", str("js_filter_all"));
    all.value = "";
    select.appendChild(all);
    codeList.forEach(function (c) {
      var o = el("option", "", label(c));
      o.value = c;
      select.appendChild(o);
    });
    var out = el("output");
    out.setAttribute("for", "country-filter");
    out.setAttribute("aria-live", "polite");
    box2.appendChild(lab); box2.appendChild(select); box2.appendChild(out);
    tables[0].parentNode.insertBefore(box2, tables[0]);
    var apply = function () {
      var c = select.value, shown = 0;
      rows.forEach(function (tr) {
        var show = !c || (" " + tr.dataset.countries + " ").indexOf(" " + c + " ") >= 0;
        tr.hidden = !show;
        if (show) shown++;
      });
      tables.forEach(function (t) {
        var any = $$("tbody tr", t).some(function (tr) { return !tr.hidden; });
        var msg = $(".filter-empty", t);
        if (!any && !msg) {
          msg = el("p", "filter-empty", str("js_filter_empty"));
          t.insertBefore(msg, $("table", t));
        }
        if (msg) msg.hidden = any;
        $("table", t).hidden = !any;
      });
      out.textContent = c ? (shown === 1 ? str("js_filter_status_one") : str("js_filter_status", shown)) : "";
    };
    // The choice is in the address (?country=BR, to share) and remembered for the next page.
    var choose = function (c, remember) {
      select.value = codes[c] ? c : "";
      apply();
      var url = new URL(location.href);
      if (select.value) url.searchParams.set("country", select.value); else url.searchParams.delete("country");
      history.replaceState(history.state, "", url.pathname + url.search + url.hash);
      if (remember) save("hc-country", select.value || null);
    };
    select.addEventListener("change", function () { choose(select.value, true); });
    var wanted = (new URLSearchParams(location.search).get("country") || "").toUpperCase();
    if (wanted) choose(wanted, true);
    else if (codes[load("hc-country", "")]) choose(load("hc-country", ""), false);
  }
  // Copy buttons for numbers and addresses, for mouse users (touch screens copy on a long
  // press); out of the tab order, so that each row keeps one tab stop per number.
  if (navigator.clipboard && window.matchMedia && matchMedia("(hover: hover) and (pointer: fine)").matches) {
    $$("[data-contacts] td > .tel, [data-contacts] td > .mail").forEach(function (a) {
      var text = a.textContent.trim();
      var wrap = el("span", "copyable");
      var b = el("button", "copy", str("js_copy"));
      b.type = "button";
      b.tabIndex = -1;
      var label = function (key) { b.textContent = str(key); b.setAttribute("aria-label", str(key) + " " + text); };
      label("js_copy");
      b.addEventListener("click", function () {
        navigator.clipboard.writeText(text).then(function () {
          label("js_copied");
          setTimeout(function () { label("js_copy"); }, 1500);
        }, function () { /* not allowed here */ });
      });
      a.parentNode.insertBefore(wrap, a);
      wrap.appendChild(a);
      wrap.appendChild(b);
    });
  }
  // Landing on a row (from search or a shared link): make sure it is visible and highlighted.
  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && doc.getElementById(id);
    if (!target) return;
    if (target.hidden && select) { select.value = ""; select.dispatchEvent(new Event("change")); }
    $$(".is-target").forEach(function (e) { e.classList.remove("is-target"); });
    if (target.tagName === "TR") target.classList.add("is-target");
    target.scrollIntoView({ block: "center", behavior: "instant" });
  }
  window.addEventListener("hashchange", revealTarget);
  if (location.hash) revealTarget();

  /* ---------- "Was this helpful?" ---------- */
  $$("[data-feedback]").forEach(function (form) {
    var section = form.closest(".feedback");
    if (new URLSearchParams(location.search).get("feedback") === "thanks") section.classList.add("is-sent");
    var error = $(".feedback-error", form);
    // With JavaScript the comment box comes after a "No": what was missing?
    var comment = $(".feedback-comment", form);
    var send = null;
    if (comment) {
      comment.hidden = true;
      send = el("button", "feedback-send", str("js_feedback_send"));
      send.type = "submit"; send.name = "helpful"; send.value = "false"; send.hidden = true;
      $(".feedback-buttons", form).appendChild(send);
    }
    var thanks = $(".feedback-thanks", section);
    thanks.tabIndex = -1;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var helpful = e.submitter ? e.submitter.value : "true";
      if (comment && comment.hidden && helpful === "false") {
        comment.hidden = false;
        $("label", comment).textContent = str("js_feedback_missing");
        $$(".feedback-buttons button", form).forEach(function (b) { b.hidden = b !== send; });
        send.hidden = false;
        $("textarea", comment).focus();
        return;
      }
      // Focus stays in the feedback area: on the thanks.
      var done = function () { section.classList.add("is-sent"); thanks.focus(); };
      if (form.elements.website.value) { done(); return; } // a bot filled the honeypot
      var buttons = $$("button", form);
      buttons.forEach(function (b) { b.disabled = true; });
      fetch(form.getAttribute("action"), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ page: form.elements.page.value, helpful: helpful === "true", comment: form.elements.comment.value })
      }).then(function (r) {
        if (!r.ok) throw new Error("feedback: " + r.status);
        error.hidden = true;
        done();
      }).catch(function () {
        error.textContent = str("js_feedback_error");
        error.hidden = false;
      }).then(function () { buttons.forEach(function (b) { b.disabled = false; }); });
    });
  });

  /* ---------- Handbook print button ---------- */
  $$("[data-print]").forEach(function (b) { b.hidden = false; b.addEventListener("click", function () { window.print(); }); });
})();
