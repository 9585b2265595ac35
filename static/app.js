/* pretalx-static: search, filters, favourites, now and next, time zones. Plain JavaScript, no dependencies.
   Every page works without this file; it only adds to what the HTML already holds. */
(() => {
  "use strict";
  const D = document, body = D.body, page = body.dataset;
  const ui = JSON.parse(D.getElementById("ui-strings").textContent);
  const lang = page.locale || D.documentElement.lang;
  const eventTz = page.tz, localTz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const key = (name) => `pretalx-static:${page.event}:${name}`;
  const params = new URLSearchParams(location.search);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => values[k]);
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(D.createElement(tag), props);
    node.append(...children);
    return node;
  };

  // ---- storage (private windows and file:// may refuse it: then nothing is remembered)
  const load = (name, fallback) => {
    try { return JSON.parse(localStorage.getItem(key(name))) ?? fallback; } catch (e) { return fallback; }
  };
  const save = (name, value) => { try { localStorage.setItem(key(name), JSON.stringify(value)); } catch (e) { /* ignore */ } };

  // ---- the search index, a script loaded once on demand (fetch is refused on file://)
  let indexPromise = null;
  const indexBase = new URL(page.index, location.href);
  const loadIndex = () => indexPromise ??= new Promise((resolve, reject) => {
    const script = el("script", { src: page.index });
    script.onload = () => resolve(prepare(window.pretalxStaticIndex));
    script.onerror = () => { indexPromise = null; reject(new Error(ui.loadFailed)); };
    D.head.append(script);
  });
  const prepare = (index) => {
    for (const s of index.sessions) s.names = s.s.map((i) => index.speakers[i].n).join(", ");  // `s`: positions in speakers
    return index;
  };
  // the full-text engine (static/fulltext.js), loaded with the index on the first search, never before
  const engineSrc = new URL("fulltext.js", D.currentScript.src).href;
  let enginePromise = null;
  const loadEngine = () => enginePromise ??= new Promise((resolve, reject) => {
    const script = el("script", { src: engineSrc });
    script.onload = () => resolve(window.pretalxStaticFulltext);
    script.onerror = () => { enginePromise = null; reject(new Error(ui.loadFailed)); };
    D.head.append(script);
  });
  const href = (item) => new URL(item.u, indexBase).href;

  // ---- the small sessions file (render/sessions.py)
  let sessionsPromise = null;
  const sessionsBase = new URL(page.sessions, location.href);
  const loadSessions = () => sessionsPromise ??= new Promise((resolve, reject) => {
    const script = el("script", { src: page.sessions });
    script.onload = () => {
      const data = window.pretalxStaticSessions;
      for (const s of data.sessions) {  // minutes → ms
        s.start = s.b * 60000; s.end = (s.b + s.m) * 60000; s.href = new URL(s.u, sessionsBase).href;
      }
      resolve(data);
    };
    script.onerror = () => { sessionsPromise = null; reject(new Error(ui.loadFailed)); };
    D.head.append(script);
  });

  // ---- times: the event's zone or the visitor's
  let zone = load("tz", "event") === "local" ? localTz : eventTz;
  // an event known only by its UTC offset is named "UTC+05:30", which Intl does not take: shift, then show as UTC
  const inZone = (value, options) => {
    const fixed = /^UTC([+-])(\d\d):(\d\d)$/.exec(zone || "");
    const shift = fixed ? (fixed[1] === "-" ? -1 : 1) * (fixed[2] * 60 + Number(fixed[3])) * 60000 : 0;
    return [new Intl.DateTimeFormat(lang, { ...options, timeZone: fixed ? "UTC" : zone }),
      (v) => new Date(new Date(v).getTime() + shift)];
  };
  const clock = (value, parts = { hour: "2-digit", minute: "2-digit" }) => {
    const [format, at] = inZone(value, parts);
    return format.format(at(value));
  };
  const span = (s) => `${clock(s.b)}–${clock(s.e)}`;
  // mytime.js: dates, headings, print
  const script = D.currentScript.src;
  const dates = () => window.pretalxStaticDates?.({ original: zone === eventTz, inZone, lang, ui, eventTz, zone });
  const convertDates = () => dates() || zone === eventTz || D.head.append(el("script", { src: new URL("mytime.js", script), onload: dates }));
  const applyZone = () => {
    const original = zone === eventTz;
    for (const t of D.querySelectorAll("time[data-f=t]")) {
      t.dataset.text ??= t.textContent;
      t.textContent = original ? t.dataset.text : clock(t.getAttribute("datetime"));
    }
    convertDates();
    for (const line of D.querySelectorAll(".tz-line")) {
      line.dataset.text ??= line.textContent;
      line.textContent = line.dataset.text.split(eventTz).join(zone);
    }
  };
  const tzBox = D.querySelector("fieldset.tz");
  if (tzBox && !tzBox.hidden) {  // shown, with the two zones named, by the header's inline script (_chrome.html)
    for (const radio of tzBox.querySelectorAll("input")) {
      radio.checked = (radio.value === "local") === (zone === localTz);
      radio.addEventListener("change", () => {
        zone = radio.value === "local" ? localTz : eventTz;
        save("tz", radio.value);
        applyZone();
        tick();
      });
    }
  }
  if (zone !== eventTz) applyZone();

  // ---- phone header: the nav row shows this page
  const navRow = D.querySelector("header.site nav:not(.languages) ul"), navHere = navRow?.querySelector("[aria-current]");
  if (navHere) navRow.scrollLeft = navHere.offsetLeft - navRow.offsetLeft - 24;

  // ---- favourites, kept in this browser: named with the title, aria-pressed; ☆/★ and words, not only colour
  const favourites = new Set(load("favourites", []));
  const storeFavourites = () => save("favourites", [...favourites].sort());
  const favState = (on) => (on ? ui.inMySchedule : ui.addToMySchedule);
  const favButton = (code, title, state) => {
    const button = el("button", { type: "button", className: "fav" });
    button.dataset.code = code;
    button.setAttribute("aria-label", fill(ui.favouriteOf, { title }));
    if (state) button.setAttribute("aria-describedby", state.id);
    button.addEventListener("click", () => {
      if (favourites.has(code)) favourites.delete(code); else favourites.add(code);
      storeFavourites();
      showFavourites();
      applyFilters();
    });
    return button;
  };
  const showFavourites = () => {
    for (const b of D.querySelectorAll("button.fav")) {
      const on = favourites.has(b.dataset.code);
      b.setAttribute("aria-pressed", on);
      b.textContent = on ? "★" : "☆";
      b.title = favState(on);
      const state = b.getAttribute("aria-describedby");
      if (state) D.getElementById(state).textContent = favState(on);
    }
    for (const show of onFavourites) show();
  };
  for (const holder of D.querySelectorAll("[data-code]")) {
    const heading = holder.querySelector("h1");
    const title = (holder.querySelector("h1, .title")?.textContent || holder.dataset.code).trim();
    if (heading) {
      const state = el("span", { className: "fav-state", id: `fav-state-${holder.dataset.code}` });
      heading.after(el("p", { className: "fav-line" }, favButton(holder.dataset.code, title, state), " ", state));
    } else holder.append(favButton(holder.dataset.code, title));
  }
  for (const item of D.querySelectorAll("li.mine")) item.hidden = false;

  const onFavourites = [];  // picks.js (pretalxStatic.watch)

  // ---- filters: day, room, track, language, favourites; kept in the URL so a reload keeps them
  const form = D.querySelector("form.filters");
  const slots = [...D.querySelectorAll("li.slot")];
  const choice = () => Object.fromEntries([...(form?.elements || [])].filter((c) => c.name)
    .map((c) => [c.name, c.type === "checkbox" ? (c.checked ? "1" : "") : c.value]));
  function applyFilters() {
    if (!form) return;
    const f = choice();
    const active = Object.values(f).some(Boolean);
    let shown = 0, total = 0;
    for (const slot of slots) {
      const d = slot.dataset;
      if (!d.code) { slot.hidden = active; continue; }  // breaks only make sense in the full timetable
      total += 1;
      const ok = (!f.day || d.day === f.day) && (!f.room || d.room === f.room) && (!f.track || d.track === f.track)
        && (!f.lang || d.lang === f.lang) && (!f.mine || favourites.has(d.code));
      slot.hidden = !ok;
      if (ok) shown += 1;
    }
    for (const group of D.querySelectorAll(".day-group")) group.hidden = !group.querySelector("li.slot:not([hidden])");
    form.querySelector(".filter-status").textContent = f.mine && !favourites.size ? ui.noFavourites
      : active ? fill(ui.shown, { shown, total }) : "";
    for (const tools of D.querySelectorAll(".mine-tools")) tools.hidden = !f.mine;
    D.dispatchEvent(new Event("pretalx:filtered"));  // the day grid (daygrid.js) then drops empty and hidden rooms
  }
  const remember = () => {
    const query = new URLSearchParams(location.search);
    for (const [name, value] of Object.entries(choice())) {
      if (value) query.set(name, value); else query.delete(name);
    }
    const text = query.toString();
    history.replaceState(null, "", (text ? `?${text}` : location.pathname) + location.hash);
  };
  if (form) {
    form.hidden = false;
    for (const control of form.elements) {
      if (!control.name || !params.has(control.name)) continue;
      if (control.type === "checkbox") control.checked = params.get(control.name) === "1";
      else if ([...control.options].some((o) => o.value === params.get(control.name))) control.value = params.get(control.name);
    }
    form.addEventListener("change", () => { applyFilters(); remember(); });
    form.addEventListener("reset", () => setTimeout(() => { applyFilters(); remember(); }));
    form.addEventListener("submit", (e) => e.preventDefault());
    applyFilters();
  }
  showFavourites();

  // ---- search across all sessions and speakers: full text (static/fulltext.js), every result reachable,
  // the query kept in the URL (?q=) so a reload or a shared link shows the same results
  const box = D.getElementById("search-results"), input = D.getElementById("q");
  const PAGE = 50;  // results drawn at a time; "show more" draws the next ones
  // a session's title as speakers wrote it: its own direction, and its language where it is not the page's
  const pageLang = D.documentElement.lang;  // the page's locale (`lang` above is the tag dates are formatted with)
  const titleLink = (s) => el("a", { href: href(s), textContent: s.t, dir: "auto", ...(s.l && s.l !== pageLang ? { lang: s.l } : {}) });
  // when and where: the calendar date in the shown zone, the times, the room; each occurrence of a repeated session
  const when = (s) => `${clock(s.b, { weekday: "short", day: "numeric", month: "short" })} ${span(s)}, ${s.r}`;
  const sessionItem = (occurrences) => el("li", {}, titleLink(occurrences[0]),
    el("span", { className: "muted", textContent: ` ${[occurrences[0].names, occurrences.map(when).join("; ")].filter(Boolean).join(" · ")}` }));
  const speakerItem = (p) => el("li", {}, el("a", { href: href(p), textContent: p.n, dir: "auto" }));
  // a list that shows PAGE items and a button for the next PAGE, until all are shown
  const paged = (items, draw, className) => {
    const list = el("ul", { className });
    const more = el("button", { type: "button", className: "more" });
    const next = () => {
      const start = list.children.length;
      list.append(...items.slice(start, start + PAGE).map(draw));
      const left = items.length - list.children.length;
      more.hidden = left <= 0;
      more.textContent = fill(ui.more, { n: Math.min(left, PAGE), left });
      return list.children[start];
    };
    more.addEventListener("click", () => next()?.querySelector("a")?.focus());
    next();
    return [list, more];
  };
  const keepQuery = (text) => {
    const query = new URLSearchParams(location.search);
    if (text) query.set("q", text); else query.delete("q");
    const search = query.toString();
    history.replaceState(null, "", (search ? `?${search}` : location.pathname) + location.hash);
  };
  let searches = 0;  // a slower earlier search must not draw over a later one
  const draw = (text, parts) => {
    box.replaceChildren(...parts);
    box.hidden = !parts.length;
    box.dataset.query = text;  // what the results shown are for
  };
  const runSearch = async () => {
    const asked = ++searches, text = input.value.trim();
    keepQuery(text);
    if (!text) { draw(text, []); return; }
    let index, found;
    try {
      const [loadedIndex, engine] = await Promise.all([loadIndex(), loadEngine()]);
      index = loadedIndex;
      found = await engine.find(index, indexBase, text);
    } catch (e) {
      if (asked === searches) draw(text, [el("p", { role: "status", textContent: ui.loadFailed })]);
      return;
    }
    if (asked !== searches) return;
    if (!found.words.length) { draw(text, [el("p", { role: "status", textContent: ui.tooShort })]); return; }
    const byCode = new Map();  // a session once, with all its occurrences
    for (const s of index.sessions) if (byCode.has(s.c)) byCode.get(s.c).push(s); else byCode.set(s.c, [s]);
    const sessions = found.sessions.map((p) => byCode.get(index.sessions[p].c));
    const total = sessions.length + found.speakers.length;
    const parts = [el("p", { role: "status", textContent: total ? fill(ui.results, { n: total }) : ui.noResults })];
    if (sessions.length) parts.push(el("p", { className: "group", textContent: fill(ui.sessionsFound, { n: sessions.length }) }), ...paged(sessions, sessionItem, "found-sessions"));
    if (found.speakers.length) parts.push(el("p", { className: "group", textContent: fill(ui.speakersFound, { n: found.speakers.length }) }), ...paged(found.speakers, speakerItem, "found-speakers"));
    draw(text, parts);
  };
  if (input && box) {
    let timer = 0;
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
    input.addEventListener("keydown", (e) => { if (e.key === "Escape") { input.value = ""; runSearch(); } });
    input.form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); runSearch(); });
    if (params.get("q")) { input.value = params.get("q"); runSearch(); }
  }

  // ---- now: running sessions marked, the time line on the day grid, "now and next" on the overview
  const grid = D.querySelector(".timetable");
  const onTick = [];  // nownext.js (pretalxStatic.onTick)
  // the line is placed between the axis marks (half-hour ticks, compressed gaps) around `now`: rows are proportional
  // to time inside a stretch, so this lands on the minute; a gap row stands for its whole stretch
  const layer = grid && grid.appendChild(el("div", { className: "now-layer" }));
  layer?.setAttribute("aria-hidden", "true");
  const axisStart = grid ? Date.parse(grid.dataset.start) : NaN, axisEnd = grid ? Date.parse(grid.dataset.end) : NaN;
  const during = (now) => axisStart <= now && now < axisEnd;
  const nowTop = (now) => {  // px from the top of the timetable, or null outside the day or without the grid
    if (!grid || !during(now) || getComputedStyle(grid).display !== "grid") return null;
    const marks = [...grid.querySelectorAll(".tick[data-at], .gap[data-at]")]
      .map((m) => [Date.parse(m.dataset.at), m.offsetTop]);
    let i = 0;
    while (i + 1 < marks.length && marks[i + 1][0] <= now) i += 1;
    const [from, top] = marks[i];
    const [to, bottom] = i + 1 < marks.length ? marks[i + 1] : [axisEnd, grid.offsetHeight];
    return top + ((now - from) / (to - from)) * (bottom - top);
  };
  const drawLine = (now) => {
    if (!layer) return;
    const top = nowTop(now);
    let line = layer.querySelector(".now-line");
    if (top === null) { if (line) line.hidden = true; return; }
    line ??= layer.appendChild(el("div", { className: "now-line" }, el("span")));
    line.style.top = `${top - layer.offsetTop}px`;
    line.firstChild.textContent = clock(now);
    line.hidden = false;
  };
  // "Jump to now": the grid's own scroll box to the line (a third down the screen), or on a phone the list to the
  // first session not yet over; the page scrolls so that the grid fills the screen
  const jump = D.querySelector(".jump");
  const jumpToNow = () => {
    const now = Date.now(), top = nowTop(now), box = D.querySelector(".grid-scroll");
    if (top !== null) {
      box.scrollIntoView({ block: "start" });
      box.scrollTop = top - box.clientHeight / 3;
      return;
    }
    // the list is in start order: the hour heading that now falls under (sessions still running from earlier
    // hours are listed above it, under theirs)
    const groups = [...D.querySelectorAll(".hour-group:not([hidden])")];
    const group = groups.findLast((g) => Date.parse(g.querySelector("time").getAttribute("datetime")) <= now) || groups[0];
    if (!group) return;
    group.scrollIntoView({ block: "start" });
    group.querySelector(".hour-head").focus({ preventScroll: true });
  };
  jump?.querySelector("button").addEventListener("click", jumpToNow);
  // a running session says so in words, not only with its outline; one that is over is dimmed
  const markSlot = (slot, now) => {
    const live = Date.parse(slot.dataset.start) <= now && now < Date.parse(slot.dataset.end);
    slot.classList.toggle("live", live);
    slot.classList.toggle("past", Date.parse(slot.dataset.end) <= now);
    const tag = slot.querySelector(".live-tag");
    if (live && !tag) slot.querySelector(".when").after(el("span", { className: "live-tag", textContent: ui.live }));
    else if (!live && tag) tag.remove();
  };
  function tick() {
    const now = Date.now();
    for (const slot of slots) markSlot(slot, now);
    drawLine(now);
    if (jump) jump.hidden = !during(now);
    for (const draw of onTick) draw(now);
  }
  tick();
  setInterval(tick, 30000);
  addEventListener("resize", () => drawLine(Date.now()));

  // ---- lent to picks.js (sessions page) and nownext.js (overview), which run after this file
  self.pretalxStatic = {
    ui, el, fill, clock, pageLang, codes: favourites, sessions: loadSessions, sessionsBase,
    changed: () => { storeFavourites(); showFavourites(); applyFilters(); },
    watch: (show) => { onFavourites.push(show); show(); },
    onTick: (draw) => { onTick.push(draw); draw(Date.now()); },
  };
})();
