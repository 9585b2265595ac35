/* Registers the site's service worker (sites built with --offline). The script tag says where
   sw.js is, relative to the page, in data-sw; the worker's scope is the site's root. Once the page has
   loaded and the browser is idle, it tells the worker, which then saves the rest of this page's language
   in the background (sw.js). */
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
  function whenIdle(then) {
    if ("requestIdleCallback" in window) window.requestIdleCallback(then, { timeout: 5000 });
    else window.setTimeout(then, 1000);
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.getAttribute("data-sw")).catch(function (error) {
      console.warn("offline copy unavailable:", error);
    });
    navigator.serviceWorker.ready.then(function (registration) {
      whenIdle(function () {
        // the browser's data saver, as the page sees it (a worker's own navigator may not say)
        var connection = navigator.connection;
        var saveData = Boolean(connection && connection.saveData);
        if (registration.active) registration.active.postMessage({ loaded: true, saveData: saveData });
      });
    });
  });
})();
