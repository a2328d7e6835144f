// Search without a server: queries the static index written at build time under
// /search-index/ (see src/search/static_index.rs for the format). Answers with the same JSON
// shape as /api/search, so the search UI does not care which one answered.
// Works in the browser and in Node (tests pass their own fetchFile: a URL to a Response or
// to the file's bytes). Reads format 1 (plain JSON shards) and 2 (gzip-compressed .bin shards).

const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const words = (s) => fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const lightStem = (w) => (w.length > 4 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : null);
const shardKey = (t) => Array.from(t).slice(0, 3).join("");
const MIN_PHONE_DIGITS = 4;

function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

// Phone-like runs: digit groups separated by spaces, - . ( ) or a leading +.
// "(11) 3957-2288" gives 1139572288 and its trailing groups 39572288, 2288.
function digitRuns(query) {
  const runs = [];
  const re = /(?<![\p{L}\d/:])\+?\(?\d[\d\s.()-]*\d(?![\p{L}\d/:])|(?<![\p{L}\d/:])\d{4,}(?![\p{L}\d/:])/gu;
  for (const m of query.matchAll(re)) {
    const groups = m[0].match(/\d+/g);
    const total = groups.join("").length;
    if (total < MIN_PHONE_DIGITS || (groups.length > 1 && total < 6)) continue;
    const candidates = [];
    for (let i = 0; i < groups.length; i++) {
      const tail = groups.slice(i).join("");
      if (tail.length >= MIN_PHONE_DIGITS) candidates.push(tail);
    }
    const whole = groups.join("").replace(/^0+/, "");
    if (whole.length >= MIN_PHONE_DIGITS) candidates.push(whole);
    runs.push({ text: m[0], candidates });
  }
  return runs;
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Mark the excerpt's words that a query word (or its prefix/stem) matched.
function snippet(text, matched) {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = fold(m[0]);
    const hit = matched.some((q) => w === q || (q.length >= 3 && w.startsWith(q)) || lightStem(w) === q);
    if (!hit) continue;
    out += escapeHtml(text.slice(last, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

// A file's JSON. Shards are stored gzip-compressed; a host that sends them with
// `Content-Encoding: gzip` has the browser decompress them already, so look before inflating.
async function readJson(body) {
  let bytes = body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return JSON.parse(new TextDecoder().decode(bytes));
}

// Format 2's postings (gaps from the previous document, `-gap, weight` unless the weight is 1)
// as format 1's flat [doc, weight, doc, weight, …].
function flatPostings(list) {
  const flat = [];
  let doc = -1;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x > 0) flat.push((doc += x), 1);
    else flat.push((doc -= x), list[++i]);
  }
  return flat;
}

// Format 2's rows: a url starting with # continues the previous row's page, a section of 0
// repeats the previous row's.
function expandRows(rows) {
  let page = "", section = "";
  return rows.map(([kind, title, url, sec, excerpt]) => {
    if (url.startsWith("#")) url = page + url;
    if (sec === 0) sec = section;
    page = url.split("#")[0];
    section = sec;
    return [kind, title, url, sec, excerpt];
  });
}

export function createStaticSearch(base = "/search-index/", fetchFile = defaultFetch) {
  const cache = new Map();
  const load = (path, decode = (x) => x) => {
    if (!cache.has(path)) cache.set(path, Promise.resolve(fetchFile(base + path)).then(readJson).then(decode));
    return cache.get(path);
  };
  const v2 = (meta) => meta.v >= 2;
  const ext = (meta) => (v2(meta) ? "bin" : "json");
  const shard = async (meta, term) => load(`t/${fnv1a(shardKey(term)) % meta.s}.${ext(meta)}`);
  // A term's postings as [doc, weight, …], decoded once.
  const decoded = new WeakMap();
  const postingsOf = (meta, terms, term) => {
    const list = Object.hasOwn(terms, term) ? terms[term] : undefined;
    if (!list || !v2(meta)) return list;
    let memo = decoded.get(terms);
    if (!memo) decoded.set(terms, (memo = new Map()));
    if (!memo.has(term)) memo.set(term, flatPostings(list));
    return memo.get(term);
  };

  // Documents holding every word of a phrase, scored by its weakest word.
  async function phraseScores(meta, phrase) {
    let scores = null;
    for (const term of phrase) {
      const list = postingsOf(meta, await shard(meta, term), term) || [];
      const idf = Math.log(1 + meta.n / Math.max(1, list.length / 2));
      const next = new Map();
      for (let i = 0; i < list.length; i += 2) {
        const s = list[i + 1] * idf;
        if (scores === null || scores.has(list[i])) next.set(list[i], Math.min(s, scores ? scores.get(list[i]) : s));
      }
      scores = next;
    }
    return scores || new Map();
  }

  async function search(query, limit = 10) {
    const started = performance.now();
    const empty = { query, total: 0, took_ms: 0, hits: [] };
    if (!query || !query.trim()) return empty;
    const meta = await load("meta.json");

    // Each query "word" is a list of alternatives: [term, weight, prefix?].
    const parts = [];
    let rest = query;
    for (const run of digitRuns(query)) {
      const alts = run.candidates.map((t, i) => [t, i === run.candidates.length - 1 ? 0.9 : 1, false]);
      // The start of a number ("0800 887") finds the numbers it begins, as the server does.
      if (run.candidates.length) alts.push([run.candidates[0], 0.6, true]);
      parts.push({ show: run.candidates, alts });
      rest = rest.replace(run.text, " ");
    }
    const qwords = words(rest).slice(0, 12);
    const typing = !/\s$/.test(query);
    qwords.forEach((w, i) => {
      const alts = [[w, 1, false]];
      const stem = lightStem(w);
      if (stem) alts.push([stem, 1, false]);
      if (i === qwords.length - 1 && typing && w.length >= 3) alts.push([w, 0.6, true]);
      for (const group of meta.syn) {
        if (!group.includes(w)) continue;
        for (const other of group) {
          if (other === w) continue;
          const phrase = words(other);
          // A multi-word synonym ("data center") counts where all its words are.
          if (phrase.length === 1) alts.push([phrase[0], 0.9, false]);
          else if (phrase.length > 1) alts.push([phrase, 0.8, false]);
        }
      }
      parts.push({ show: [w, stem].filter(Boolean), alts });
    });
    if (!parts.length) return empty;

    const scores = new Map();
    for (const part of parts) {
      const best = new Map();
      for (const [term, factor, prefix] of part.alts) {
        if (Array.isArray(term)) {
          for (const [doc, s] of await phraseScores(meta, term)) {
            if (s * factor > (best.get(doc) || 0)) best.set(doc, s * factor);
          }
          continue;
        }
        const postings = await shard(meta, term);
        const terms = prefix ? Object.keys(postings).filter((t) => t.startsWith(term) && t !== term) : [term];
        for (const t of terms) {
          const list = postingsOf(meta, postings, t);
          if (!list) continue;
          const idf = Math.log(1 + meta.n / (list.length / 2));
          for (let i = 0; i < list.length; i += 2) {
            const s = list[i + 1] * idf * factor;
            if (s > (best.get(list[i]) || 0)) best.set(list[i], s);
          }
        }
      }
      for (const [doc, s] of best) {
        const entry = scores.get(doc) || { score: 0, parts: 0 };
        entry.score += s;
        entry.parts += 1;
        scores.set(doc, entry);
      }
    }
    // Only a country (and generic contact words, "chile phone"): the primary contact rows
    // (the site's `home_contacts` table) first, as the server ranks them.
    const cn = meta.cn || [], nd = meta.nd || [];
    const onlyCountry = parts.length === qwords.length && qwords.some((w) => cn.includes(w))
      && qwords.every((w) => cn.includes(w) || nd.includes(w));
    const primary = new Set();
    if (onlyCountry) {
      const list = postingsOf(meta, await shard(meta, "*primary"), "*primary") || [];
      for (let i = 0; i < list.length; i += 2) primary.add(list[i]);
    }
    const ranked = [...scores.entries()]
      .map(([doc, e]) => [doc, e.score * (e.parts / parts.length) ** 2 * (primary.has(doc) && e.parts === parts.length ? 2.5 : 1)])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const top = ranked.slice(0, Math.max(0, Math.min(limit, 50)));
    const matched = parts.flatMap((p) => p.show);
    const hits = await Promise.all(
      top.map(async ([doc, score]) => {
        const chunk = await load(`d/${Math.floor(doc / meta.c)}.${ext(meta)}`, v2(meta) ? expandRows : undefined);
        const [kind, title, url, section, excerpt] = chunk[doc % meta.c];
        return { title, url, kind, section, snippet: snippet(excerpt, matched), score: Math.round(score * 1000) / 1000 };
      }),
    );
    return { query, total: ranked.length, took_ms: performance.now() - started, hits };
  }

  return { search };
}

async function defaultFetch(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response;
}
