/* pretalx-static: the day grid's rooms. Rooms can be hidden (kept in the URL as ?hide=slug,slug), and while a
   filter is on, rooms with nothing left to show are dropped: the remaining columns close up. The day links keep
   the query string, so filters and hidden rooms carry over to the next day. Classic script, loaded after app.js
   by day pages only; without it the grid shows every room and nothing is lost. */
(() => {
  "use strict";
  const D = document;
  const grid = D.querySelector(".timetable");
  if (!grid) return;
  const ui = JSON.parse(D.getElementById("ui-strings").textContent);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => values[k]);
  const heads = [...grid.querySelectorAll(".room-head")];
  const slots = [...grid.querySelectorAll("li.slot")];
  const hidden = new Set((new URLSearchParams(location.search).get("hide") || "").split(",").filter(Boolean));

  const note = D.createElement("p");
  note.className = "hidden-rooms";
  note.setAttribute("role", "status");
  const noteText = D.createElement("span"), showAll = D.createElement("button");
  showAll.type = "button";
  showAll.textContent = ui.showRooms;
  const form = D.querySelector("form.filters");
  const refilter = () => { if (form) form.dispatchEvent(new Event("change")); else update(); };  // app.js unhides, then calls update
  showAll.addEventListener("click", () => { hidden.clear(); refilter(); });
  note.append(noteText, " ", showAll);
  grid.parentElement.before(note);

  for (const head of heads) {
    const button = D.createElement("button");
    button.type = "button";
    button.className = "room-hide";
    button.textContent = "×";
    button.setAttribute("aria-label", fill(ui.hideRoom, { room: head.textContent.trim() }));
    button.title = button.getAttribute("aria-label");
    button.addEventListener("click", () => { hidden.add(head.dataset.room); update(); });
    head.append(button);
  }

  const keepQuery = () => {  // app.js has already written the filters into the URL
    const query = new URLSearchParams(location.search);
    if (hidden.size) query.set("hide", [...hidden].sort().join(",")); else query.delete("hide");
    const text = query.toString();
    history.replaceState(null, "", (text ? `?${text}` : location.pathname) + location.hash);
    for (const link of D.querySelectorAll(".pager a")) link.search = text ? `?${text}` : "";
  };

  // columns: a room stays while it is not hidden and has a slot the filters show (with no filter on, every room
  // of the day has one); the columns kept are numbered afresh so that no empty column is left
  function update() {
    for (const slot of slots) if (hidden.has(slot.dataset.room)) slot.hidden = true;
    const shown = new Set(slots.filter((s) => !s.hidden).map((s) => s.dataset.room));
    const column = new Map();
    for (const head of heads) {
      const keep = !hidden.has(head.dataset.room) && shown.has(head.dataset.room);
      head.hidden = !keep;
      if (keep) column.set(head.dataset.room, column.size + 2);
      head.style.gridColumn = keep ? String(column.get(head.dataset.room)) : "";
    }
    for (const slot of slots) slot.style.gridColumnStart = column.get(slot.dataset.room) || "";
    grid.style.setProperty("--rooms", Math.max(column.size, 1));
    for (const group of grid.querySelectorAll(".hour-group")) group.hidden = !group.querySelector("li.slot:not([hidden])");
    const count = heads.filter((h) => hidden.has(h.dataset.room)).length;
    note.hidden = !count;
    noteText.textContent = fill(ui.hiddenRooms, { n: count });
    setTimeout(keepQuery);  // after app.js has put the filters into the URL
  }
  D.addEventListener("pretalx:filtered", update);
  form?.addEventListener("reset", () => hidden.clear());  // app.js then filters again
  update();
})();
