// Runs the browser's static search (src/theme/static/js/static-search.js) over a built
// site's /search-index/ (or a language's) from disk, for every query of tests/relevance.yaml given as JSON on
// stdin. Prints one JSON line per query: {query, urls, bytes} (bytes: what a browser would
// have fetched for that first query, index files only).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// `base`: the index folder, `search-index/` or a language's `es/search-index/`.
const [, , siteDir, moduleFile, base = "search-index/"] = process.argv;
const { createStaticSearch } = await import(pathToFileURL(moduleFile).href);
const queries = JSON.parse(readFileSync(0, "utf8"));

for (const query of queries) {
  let bytes = 0;
  const fetchFile = async (url) => {
    const body = readFileSync(join(siteDir, url));
    bytes += body.length;
    return body;
  };
  const { search } = createStaticSearch(base, fetchFile);
  const response = await search(query, 10);
  console.log(JSON.stringify({ query, urls: response.hits.map((h) => h.url), bytes, hits: response.hits }));
}
