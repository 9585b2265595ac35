/* pretalx-static: the overview's "now and next", from the small sessions file (render/sessions.py). Runs after
   app.js, which lends the favourites, the clock in the chosen zone and the file's loader (self.pretalxStatic). */
(() => {
  "use strict";
  const api = self.pretalxStatic, nowBox = document.getElementById("now-next");
  if (!api || !nowBox) return;
  const { ui, el, fill, clock, pageLang } = api, favourites = api.codes;
  // "now and next" at any size of event (58 rooms at 39C3): your picks first, then a few of what is on (the latest
  // to start first) and what starts next, then a link to the day's timetable. The number of items is fixed per
  // layout (one line each on wide screens, two on phones), so the box never grows past the height style.css
  // reserves for it ("now and next"): filling it shifts nothing below.
  const wide = matchMedia("(min-width: 40rem)");
  const drawNowNext = (data, now) => {
    const [items, picksMax, nowMax] = wide.matches ? [8, 3, 3] : [5, 2, 2];
    const live = data.sessions.filter((s) => !s.x && s.end > now);
    const running = live.filter((s) => s.start <= now), upcoming = live.filter((s) => s.start > now);
    const picks = live.filter((s) => favourites.has(s.c)).slice(0, picksMax);
    const shown = new Set(picks);
    const onNow = running.filter((s) => !shown.has(s)).sort((a, b) => b.start - a.start)
      .slice(0, Math.min(nowMax, items - picks.length - 2));
    onNow.forEach((s) => shown.add(s));
    const next = upcoming.filter((s) => !shown.has(s)).slice(0, items - picks.length - onNow.length);
    const item = (s) => el("li", {},
      el("span", { className: "when", textContent: `${s.start <= now ? `${clock(s.start)}–${clock(s.end)}` : clock(s.start)} · ${data.rooms[s.r]} ` }),
      el("a", { href: s.href, textContent: s.t, dir: "auto", ...(s.l && s.l !== pageLang ? { lang: s.l } : {}) }));
    const parts = [];
    if (!live.length) parts.push(el("p", { textContent: ui.over }));
    if (picks.length) parts.push(el("h3", { textContent: ui.yourPicks }), el("ul", { className: "picks" }, ...picks.map(item)));
    if (live.length) {
      if (onNow.length || !running.length) {  // (all that runs may be among your picks, above)
        parts.push(el("h3", { textContent: ui.now }), onNow.length ? el("ul", {}, ...onNow.map(item))
          : el("p", { textContent: ui.nothingNow }));
      }
      if (next.length) parts.push(el("h3", { textContent: ui.next }), el("ul", {}, ...next.map(item)));
      const day = data.days[(running[0] || upcoming[0]).d];
      const more = running.length - running.filter((s) => shown.has(s)).length;
      parts.push(el("p", { className: "now-all" }, el("a", { href: new URL(day.u, api.sessionsBase).href,
        textContent: more > 0 ? fill(ui.moreNow, { n: more }) : ui.dayTimetable })));
    }
    // redrawn every 30 s: only when something changed, so a link that has the keyboard focus keeps it
    const text = parts.map((part) => part.textContent).join("\n");
    if (text !== nowBox.dataset.shown) nowBox.querySelector(".now-body").replaceChildren(...parts);
    nowBox.dataset.shown = text;
  };
  const draw = (now) => api.sessions().then((data) => drawNowNext(data, now), () => {});
  api.onTick(draw);
  wide.addEventListener("change", () => draw(Date.now()));
})();
