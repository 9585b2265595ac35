/* Registers the site's service worker (sites built with --offline). The script tag says where
   sw.js is, relative to the page, in data-sw; the worker's scope is the site's root. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || location.protocol === "file:") return;
  var controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    // the first worker taking over changes nothing visible; a newer build's worker does: show it
    if (controlled) location.reload();
    controlled = true;
  });
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.getAttribute("data-sw")).catch(function (error) {
      console.warn("offline copy unavailable:", error);
    });
  });
})();
