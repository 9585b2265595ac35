/* pretalx-static: "My schedule" on the sessions page: its picks as an .ics file, shared as a link and a QR code, and
   picks shared with this browser taken in (after asking). Runs after app.js, which keeps the favourites and lends
   them here (self.pretalxStatic); the QR code is drawn with the vendored static/qrcode.js, loaded on demand. */
(() => {
  "use strict";
  const api = self.pretalxStatic;
  if (!api) return;
  const D = document, { el, fill } = api, favourites = api.codes;
  const ui = { ...api.ui, ...JSON.parse(D.getElementById("picks-strings")?.textContent || "{}") };
  const params = new URLSearchParams(location.search);

  // "My schedule" links to itself with the codes (?picks=A,B), as text and as a QR code, so
  // picks move to another device; opening such a link asks before adding them (nothing changes unasked)
  const shareBox = D.querySelector(".share-picks");
  const shareUrl = () => {
    const url = new URL(location.pathname, location.href);
    url.search = `?mine=1&picks=${[...favourites].sort().map(encodeURIComponent).join(",")}`;
    return url.href;
  };
  let qrPromise = null;
  const loadQr = () => qrPromise ??= new Promise((resolve, reject) => {
    const script = el("script", { src: shareBox.dataset.qr });
    script.onload = () => resolve(window.qrcode);
    script.onerror = () => { qrPromise = null; reject(new Error("qrcode")); };
    D.head.append(script);
  });
  // the QR code of `text` as an SVG of dark modules on a light quiet zone of 4 modules (ISO/IEC 18004 §5.3.8),
  // light and dark fixed so scanners read it in dark mode too; byte mode, error correction M, smallest version
  const qrSvg = (qrcode, text) => {
    const qr = qrcode(0, "M");
    qr.addData(text, "Byte");
    qr.make();
    const n = qr.getModuleCount(), size = n + 8, ns = "http://www.w3.org/2000/svg";
    let path = "";
    for (let y = 0; y < n; y += 1) for (let x = 0; x < n; x += 1) if (qr.isDark(y, x)) path += `M${x + 4} ${y + 4}h1v1h-1z`;
    const svg = D.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", ui.qrLabel);
    svg.dataset.modules = n;
    const light = D.createElementNS(ns, "rect"), dark = D.createElementNS(ns, "path");
    Object.entries({ width: size, height: size, fill: "#fff" }).forEach(([k, v]) => light.setAttribute(k, v));
    dark.setAttribute("d", path);
    dark.setAttribute("fill", "#000");
    svg.append(light, dark);
    return svg;
  };
  const showShare = () => {
    if (!shareBox) return;
    shareBox.hidden = !favourites.size;
    if (!favourites.size) return;
    const url = shareUrl();
    const link = shareBox.querySelector("a.share-link");
    if (link.href === url) return;
    link.href = url;
    loadQr().then((qrcode) => { if (link.href === url) shareBox.querySelector(".qr").replaceChildren(qrSvg(qrcode, url)); },
      () => shareBox.querySelector(".qr").replaceChildren());
  };
  const offerPicks = () => {
    if (!params.has("picks")) return;
    const known = new Set([...D.querySelectorAll("li.slot[data-code]")].map((s) => s.dataset.code));
    const codes = [...new Set(params.get("picks").split(",").map((c) => c.trim()).filter(Boolean))];
    const offered = codes.filter((c) => known.has(c)), added = offered.filter((c) => !favourites.has(c));
    const unknown = codes.length - offered.length;  // a link made before the schedule changed
    const forget = () => {  // drop the offer from the address, so a reload does not ask again
      const query = new URLSearchParams(location.search);
      query.delete("picks");
      history.replaceState(null, "", `?${query}` + location.hash);
    };
    const box = el("section", { className: "picks-offer", role: "region", ariaLabel: ui.sharedPicks });
    if (offered.length) box.append(el("p", { textContent: added.length
      ? fill(ui.importPicks, { n: added.length, all: offered.length }) : ui.picksKnown }));
    if (unknown) box.append(el("p", { className: "picks-unknown", textContent: fill(ui.picksUnknown, { n: unknown }) }));
    if (added.length) {
      const answered = () => { forget(); box.remove(); };
      const yes = el("button", { type: "button", className: "import-picks", textContent: fill(ui.addPicks, { n: added.length }) });
      yes.addEventListener("click", () => {
        for (const c of added) favourites.add(c);
        api.changed(); answered();
      });
      const no = el("button", { type: "button", className: "ignore-picks", textContent: ui.ignorePicks });
      no.addEventListener("click", answered);
      box.append(el("p", {}, yes, " ", no));
    } else forget();  // nothing to ask: the box only informs
    D.querySelector("main h1").after(box);
  };
  // the favourites as an .ics file, built here from the small sessions file (render/sessions.py)
  const icsText = (value) => String(value).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
  const icsTime = (value) => new Date(value).toISOString().replace(/\.\d{3}/, "").replace(/[-:]/g, "");
  const icsFold = (line) => {  // RFC 5545: lines of at most 75 octets
    const out = [];
    let current = "", size = 0;
    for (const ch of line) {
      const n = new TextEncoder().encode(ch).length;
      if (size + n > (out.length ? 74 : 75)) { out.push(current); current = ""; size = 0; }
      current += ch; size += n;
    }
    out.push(current);
    return out.join("\r\n ");
  };
  const downloadFavourites = async () => {
    const data = await api.sessions();
    const stamp = icsTime(Date.now());
    const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pretalx-static//favourites//EN", "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH", `X-WR-CALNAME:${icsText(`${data.name}: ${ui.myCalendar}`)}`];
    for (const s of data.sessions.filter((s) => favourites.has(s.c))) {
      lines.push("BEGIN:VEVENT", `UID:${s.id}`, `DTSTAMP:${stamp}`,
        `DTSTART:${icsTime(s.start)}`, `DTEND:${icsTime(s.end)}`, `SUMMARY:${icsText(s.t)}`,
        `LOCATION:${icsText(data.rooms[s.r])}`);
      if (/^https?:/.test(api.sessionsBase.protocol)) lines.push(`URL:${s.href}`);
      if (s.x) lines.push("STATUS:CANCELLED");
      lines.push("END:VEVENT");
    }
    lines.push("END:VCALENDAR");
    const blob = new Blob([lines.map(icsFold).join("\r\n") + "\r\n"], { type: "text/calendar" });
    const link = el("a", { href: URL.createObjectURL(blob), download: `${data.event}-favourites.ics` });
    D.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  };
  for (const button of D.querySelectorAll("button.download-ics")) button.addEventListener("click", downloadFavourites);

  api.watch(showShare);
  offerPicks();
})();
