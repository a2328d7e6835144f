// Bytes a browser fetches for a first search on a static host: Pagefind (on Hugo's output)
// versus helpcenter's static index, for the same queries. Usage:
//   node bench/first-query-bytes.mjs HUGO_PUBLIC HELPCENTER_PUBLIC "query" ["query" …]
// Pagefind runs its own pagefind.js under Node with fetch served from disk; helpcenter runs
// src/theme/static/js/static-search.js (the built-in theme's) the same way. Both load their top 5 results' data.
// Pagefind's index files are stored compressed, and so are helpcenter's shards (gzip, sent as
// they are); its meta.json and script are counted raw and gzipped (what a static host sends).
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { pathToFileURL, fileURLToPath } from "node:url";

const [, , hugoPublic, ourPublic, ...queries] = process.argv;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

async function pagefindBytes(query) {
  let bytes = 0;
  globalThis.fetch = async (url) => {
    const path = join(hugoPublic, new URL(url).pathname);
    const body = readFileSync(path);
    bytes += body.length;
    return new Response(body);
  };
  bytes += readFileSync(join(hugoPublic, "pagefind/pagefind.js")).length;
  const pagefind = await import(pathToFileURL(join(hugoPublic, "pagefind/pagefind.js")).href + `?q=${encodeURIComponent(query)}`);
  await pagefind.options({ basePath: "http://localhost/pagefind/" });
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
  return { bytes, results: search.results.length, top: data.map((d) => d.url) };
}

async function ourBytes(query) {
  let raw = 0;
  let gz = 0;
  const script = readFileSync(join(root, "src/theme/static/js/static-search.js"));
  raw += script.length;
  gz += gzipSync(script).length;
  const { createStaticSearch } = await import(pathToFileURL(join(root, "src/theme/static/js/static-search.js")).href);
  const fetchFile = async (url) => {
    const body = readFileSync(join(ourPublic, url));
    raw += body.length;
    // A gzip-compressed shard goes over the wire as it is.
    gz += body[0] === 0x1f && body[1] === 0x8b ? body.length : gzipSync(body).length;
    return body;
  };
  const { search } = createStaticSearch("search-index/", fetchFile);
  const response = await search(query, 5);
  return { raw, gz, results: response.total, top: response.hits.map((h) => h.url) };
}

console.log("| query | Pagefind bytes | helpcenter bytes (gzip) | helpcenter bytes (no host compression) | ratio (gzip) |");
console.log("|---|---|---|---|---|");
for (const query of queries) {
  const pf = await pagefindBytes(query);
  const ours = await ourBytes(query);
  console.log(`| ${query} | ${pf.bytes} | ${ours.gz} | ${ours.raw} | ${(ours.gz / pf.bytes).toFixed(2)} |`);
}
