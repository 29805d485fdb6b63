// The planning board's moves: drag a show (or its end, by the grip at its
// right edge), or focus it and press Alt+arrow keys, to a room and a
// quarter-hour; the place is checked for conflicts
// (/board/shows/<uid>/check.json) before anything is moved. A draft or a direct
// booking is then moved with the show page's own form (CSRF token included);
// a confirmed show of a schedule opens its page with the move filled in, where
// the change request is raised. The page works without this script.
"use strict";

(function () {
  const table = document.querySelector("table.board[data-movable]");
  if (!table) return;
  const live = document.getElementById("board-live");
  // the path prefix the app is served under (studiocore serve --root-path), "" at the root
  const meta = document.querySelector('meta[name="studiocore-root"]');
  const root = meta ? meta.content : "";
  const dayStart = Date.parse(table.dataset.dayStart);
  const slotMs = Number(table.dataset.slotMinutes) * 60000;
  const rooms = Array.from(table.querySelectorAll("tbody tr[data-room]"))
    .map((tr) => tr.dataset.room)
    .filter((room, i, all) => all.indexOf(room) === i);
  let pending = null; // {cell, room, slot, extra}: where it would go, and how much longer

  function say(text) {
    live.textContent = text;
  }

  function place(cell, room, slot, extra) {
    const length = Date.parse(cell.dataset.end) - Date.parse(cell.dataset.start) + (extra || 0) * slotMs;
    const stays = slot === Number(cell.dataset.first); // its own start, to the second
    const start = stays ? new Date(Date.parse(cell.dataset.start)) : new Date(dayStart + slot * slotMs);
    return { room: room, start: start.toISOString(), end: new Date(start.getTime() + length).toISOString() };
  }

  async function check(cell, room, slot, extra) {
    const where = place(cell, room, slot, extra);
    const query = new URLSearchParams(where).toString();
    const answer = await fetch(`${root}/board/shows/${cell.dataset.show}/check.json?${query}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!answer.ok) return { ok: false, reason: "the check could not be made" };
    return answer.json();
  }

  function words(result) {
    if (!result.ok) return `Not possible: ${result.reason}`;
    if (result.free) return `${result.place}: free.`;
    const how = result.blocked ? "would be refused" : "would be flagged";
    return `${result.place}: ${how}. ${result.conflicts.map((c) => c.reason).join(" ")}`;
  }

  function submit(cell, room, slot, extra) {
    const where = place(cell, room, slot, extra);
    const uid = cell.dataset.show;
    if (cell.dataset.move === "request") {
      // a confirmed show of a schedule: its page, with the move to request
      const local = new URLSearchParams(where).toString();
      window.location.assign(`${root}/board/shows/${uid}?${local}`);
      return;
    }
    const token = document.querySelector('input[name="_csrf_token"]');
    const form = document.createElement("form");
    form.method = "post";
    form.action = `${root}/board/shows/${uid}/move`;
    for (const [name, value] of Object.entries({ ...where, _csrf_token: token ? token.value : "" })) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  }

  async function propose(cell, room, slot, commit, extra) {
    const result = await check(cell, room, slot, extra);
    say(words(result));
    if (!commit || !result.ok) return;
    const verb = cell.dataset.move === "request" ? "Request a move to" : "Move to";
    if (result.blocked && cell.dataset.move !== "draft") return; // the core would refuse it
    if (window.confirm(`${verb} ${words(result)}`)) submit(cell, room, slot, extra);
  }

  function slotAt(td, x) {
    const box = td.getBoundingClientRect();
    const span = td.colSpan || 1;
    const offset = Math.floor(((x - box.left) / box.width) * span);
    return Number(td.dataset.first) + Math.max(0, Math.min(span - 1, offset));
  }

  // -- the mouse -------------------------------------------------------------
  let dragged = null;
  let resizing = false; // dragging the grip: the end moves, not the show
  for (const cell of table.querySelectorAll("td[data-show]")) {
    if (cell.dataset.move === "none") continue;
    cell.draggable = true;
    const grip = document.createElement("span");
    grip.className = "grip";
    grip.draggable = true; // so that a drag started on it names it as its target
    grip.title = "Drag to change the end (or Alt+Shift+Left/Right)";
    grip.setAttribute("aria-hidden", "true");
    cell.appendChild(grip);
    cell.addEventListener("dragstart", (event) => {
      dragged = cell;
      resizing = event.target === grip;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", cell.dataset.show);
    });
  }
  table.addEventListener("dragover", (event) => {
    if (dragged && event.target.closest("tr[data-room] td[data-first]")) event.preventDefault();
  });
  table.addEventListener("drop", (event) => {
    const td = event.target.closest("tr[data-room] td[data-first]");
    if (!dragged || !td) return;
    event.preventDefault();
    const cell = dragged;
    dragged = null;
    const slot = slotAt(td, event.clientX);
    if (resizing) {
      // the end to the end of the slot dropped on, the show where it is
      const last = Number(cell.dataset.first) + Number(cell.colSpan || 1) - 1;
      const shortest = -(Number(cell.colSpan || 1) - 1);
      const extra = Math.max(shortest, slot - last);
      propose(cell, cell.parentElement.dataset.room, Number(cell.dataset.first), true, extra);
      return;
    }
    propose(cell, td.parentElement.dataset.room, slot, true);
  });

  // -- the keyboard ----------------------------------------------------------
  table.addEventListener("keydown", (event) => {
    const cell = event.target.closest("td[data-show]");
    if (!cell || cell.dataset.move === "none") return;
    if (event.key === "Escape" && pending) {
      pending = null;
      say("Left where it was.");
      return;
    }
    if (!event.altKey) return;
    const here = pending && pending.cell === cell
      ? pending
      : { cell: cell, room: cell.parentElement.dataset.room, slot: Number(cell.dataset.first), extra: 0 };
    const steps = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (event.key in steps) {
      event.preventDefault();
      const [rows, slots] = steps[event.key];
      const minimum = -(Number(cell.colSpan || 1) - 1); // at least a quarter-hour long
      pending = event.shiftKey && rows === 0 // Shift: the end moves, not the show
        ? { ...here, extra: Math.max(minimum, here.extra + slots) }
        : {
            ...here,
            room: rooms[Math.max(0, Math.min(rooms.length - 1, rooms.indexOf(here.room) + rows))],
            slot: Math.max(0, here.slot + slots),
          };
      propose(cell, pending.room, pending.slot, false, pending.extra);
    } else if (event.key === "Enter" && pending && pending.cell === cell) {
      event.preventDefault();
      propose(cell, pending.room, pending.slot, true, pending.extra);
    }
  });
})();
