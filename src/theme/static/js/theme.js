/* Runs before the first paint (loaded without defer): apply the reader's saved light/dark
   choice so the page never flashes the other scheme. The toggle itself is in site.js. */
try {
  var saved = localStorage.getItem("hc-theme");
  if (saved === "dark" || saved === "light") document.documentElement.setAttribute("data-theme", saved);
} catch (e) { /* storage blocked: follow the system */ }
