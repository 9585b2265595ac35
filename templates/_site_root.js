/* The 404 page of a site built without --base-url. GitHub Pages (like most hosts) serves 404.html at any missing
   path, /repo/en/talk/GONE/, where its links, written relative to the site's root, point nowhere. This finds the
   root and makes every link absolute against it. It is inline because it cannot load a file before it knows where
   the site is; the page is styled without it (an inline copy of the stylesheet) and readable without JavaScript.
   The root is, in this order: the folder of 404.html when it is asked for by name; the folder holding the first
   path segment that is one of the site's top-level folders (data-folders: the locales, "static"), known at once,
   so a base element lets the head's stylesheets and scripts load; else the deepest folder of the path that answers
   404.html (asked for in parallel), after which the stylesheets and scripts that failed are loaded again. */
(function () {
  "use strict";
  var D = document, script = D.currentScript;
  var folders = JSON.parse(script.getAttribute("data-folders"));
  var page = script.getAttribute("data-page");
  var segments = location.pathname.split("/");  // "/repo/en/talk/GONE/" → "", repo, en, talk, GONE, ""
  var ATTRIBUTES = ["href", "src", "action", "data-index", "data-talks", "data-sw"];

  if (segments[segments.length - 1] === page) return;  // 404.html itself: its links are right as written

  // every relative link of the page, now absolute (a fragment, "#main", stays on this page)
  var absolutise = function (root) {
    var changed = [];
    D.querySelectorAll("[" + ATTRIBUTES.join("],[") + "]").forEach(function (element) {
      ATTRIBUTES.forEach(function (name) {
        var value = element.getAttribute(name);
        if (value === null || value.charAt(0) === "#" || element.tagName === "BASE") return;
        var url = new URL(value, root).href;
        if (url !== new URL(value, location.href).href) changed.push(element);
        element.setAttribute(name, url);
      });
    });
    return changed;
  };
  var whenParsed = function (then) {  // "interactive" comes before deferred scripts run: they see absolute links
    if (D.readyState !== "loading") then();
    else D.addEventListener("readystatechange", function once() {
      D.removeEventListener("readystatechange", once);
      then();
    });
  };

  var depth = -1;
  for (var i = 1; i < segments.length - 1 && depth < 0; i++) if (folders.indexOf(segments[i]) >= 0) depth = i;
  if (depth > 0) {
    var root = location.origin + segments.slice(0, depth).join("/") + "/";
    var base = D.createElement("base");  // until the page is parsed: the head's files load from the root
    base.href = root;
    D.head.appendChild(base);
    whenParsed(function () {
      absolutise(root);
      base.remove();  // a base element would send the skip link "#main" to the root's page
    });
    return;
  }

  var candidates = [];
  for (var k = segments.length - 1; k >= 1; k--) candidates.push(segments.slice(0, k).join("/") + "/");
  Promise.all(candidates.map(function (folder) {
    return fetch(folder + page, { method: "HEAD", cache: "no-store" })
      .then(function (response) { return response.ok; }, function () { return false; });
  })).then(function (found) {
    var at = found.indexOf(true);
    if (at < 0) return;
    var root = location.origin + candidates[at];
    whenParsed(function () {
      absolutise(root).forEach(function (element) {
        if (element.tagName === "SCRIPT") {  // it failed at the wrong address: once more, from the right one
          var again = D.createElement("script");
          Array.prototype.forEach.call(element.attributes, function (a) { again.setAttribute(a.name, a.value); });
          element.replaceWith(again);
        }
      });
    });
  });
})();
