// helpcenter live reload: reload on rebuild, show build errors until fixed.
(function () {
  "use strict";
  var box = null;
  function overlay(text) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "helpcenter-build-error";
      box.setAttribute("role", "alert");
      Object.assign(box.style, {
        position: "fixed", inset: "0", zIndex: "2147483647", margin: "0", padding: "2rem",
        overflow: "auto", background: "rgba(24, 24, 27, 0.96)", color: "#fca5a5",
        font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace", whiteSpace: "pre-wrap"
      });
      document.body.appendChild(box);
    }
    box.textContent = "Build failed: still showing the last good version.\n\n" + text;
  }
  var events = new EventSource("/__livereload");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("build-error", function (e) { overlay(e.data); });
})();
