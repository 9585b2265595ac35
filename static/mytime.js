/* pretalx-static, "my time" beyond clock times: app.js loads this once the visitor picks their own time zone.
   A slot's date (time[data-f=d]: data-at its start, data-day its conference day) becomes its calendar date in that
   zone, naming the conference day where the two differ, as pages do after midnight in the event's zone (the "night
   of" note: model.Conference.night_of); a day heading (time[data-f=day]) gives the dates its slots run over
   (data-from to data-to). Back in the event's zone, everything reads as the page was built. */
const tzNote = getComputedStyle(document.documentElement).getPropertyValue("--tz-note").trim();  // as built
window.pretalxStaticDates = ({ original, inZone, lang, ui, eventTz, zone }) => {
  // the time zone printed at the foot of every sheet (style.css, print)
  if (tzNote) document.documentElement.style.setProperty("--tz-note", tzNote.split(eventTz).join(zone));
  const SHORT = { weekday: "short", day: "numeric", month: "short", year: "numeric" };
  const LONG = { weekday: "long", day: "numeric", month: "long", year: "numeric" };
  const text = (value, options) => { const [format, at] = inZone(value, options); return format.format(at(value)); };
  const isoDate = (value) => {  // the calendar date in the chosen zone, "2025-12-28"
    const [format, at] = inZone(value, { year: "numeric", month: "2-digit", day: "2-digit" });
    const part = Object.fromEntries(format.formatToParts(at(value)).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day}`;
  };
  // a conference day ("2025-12-27") is a name in the schedule, not an instant: written as it is, in no zone
  const dayText = (day, options) => new Intl.DateTimeFormat(lang, { ...options, timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
  const note = (after, day, options) => {
    if (after.nextElementSibling?.classList.contains("day-note")) after.nextElementSibling.remove();
    if (!day) return;
    const span = document.createElement("span");
    span.className = "day-note";
    span.textContent = ` (${ui.conferenceDay.replace("{day}", dayText(day, options))})`;
    after.after(span);
  };
  if (!document.getElementById("day-note-style")) {  // here, not in style.css: only pages that convert dates need it
    const style = Object.assign(document.createElement("style"), { id: "day-note-style" });
    style.textContent = ".day-note { color: var(--muted); font-weight: 400; } :is(h1, h2) .day-note { display: block; font-size: 1rem; }";
    document.head.append(style);
  }
  for (const t of document.querySelectorAll("time[data-f=d][data-at], time[data-f=day][data-from]")) {
    const d = t.dataset;
    d.text ??= t.textContent;
    if (d.f === "d") {
      const night = t.nextElementSibling?.classList.contains("night") ? t.nextElementSibling : null;
      t.textContent = original ? d.text : text(d.at, SHORT);
      if (night) night.hidden = !original;
      note(night || t, !original && isoDate(d.at) !== d.day && d.day, SHORT);
    } else {
      const day = t.getAttribute("datetime"), last = Date.parse(d.to) - 1;
      const same = original || (isoDate(d.from) === day && isoDate(last) === day);
      const [format, at] = inZone(d.from, LONG);
      t.textContent = same ? d.text : format.formatRange(at(d.from), at(last));
      note(t, !same && day, LONG);
    }
  }
  document.body.dataset.datesShown = original ? "event" : "local";  // done (tests wait for it: this file loads late)
  return true;
};
