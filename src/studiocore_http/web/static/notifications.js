// Live notifications for a signed-in page: the header's count goes up and a
// polite live region reads each new notification out; on the notifications
// page the new one is added at the top. No framework, no inline script (CSP).
(function () {
  "use strict";
  if (!window.EventSource) return;

  function ready(start) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }

  function bump(link) {
    var count = (parseInt(link.getAttribute("data-unread"), 10) || 0) + 1;
    link.setAttribute("data-unread", String(count));
    link.setAttribute("aria-label", "Notifications, " + count + " unread");
    var shown = link.querySelector(".count");
    if (!shown) {
      link.appendChild(document.createTextNode(" "));
      shown = document.createElement("span");
      shown.className = "count";
      link.appendChild(shown);
    }
    shown.textContent = "(" + count + ")";
  }

  // the path prefix the app is served under (studiocore serve --root-path), "" at the root
  var meta = document.querySelector('meta[name="studiocore-root"]');
  var ROOT = meta ? meta.getAttribute("content") || "" : "";

  var PAGES = {
    shows: ROOT + "/board/shows/",
    schedules: ROOT + "/schedules/",
    change_requests: ROOT + "/change-requests/"
  };

  function prepend(list, note) {
    var item = document.createElement("li");
    item.className = "notification unread";
    var tag = document.createElement("strong");
    tag.className = "tag";
    tag.textContent = "Unread";
    item.appendChild(tag);
    item.appendChild(document.createTextNode(" "));
    var base = PAGES[note.subject_type];
    var text = document.createElement(base ? "a" : "span");
    if (base) text.href = base + encodeURIComponent(note.subject_uid);
    text.textContent = note.text;
    item.appendChild(text);
    item.appendChild(document.createTextNode(" "));
    var when = document.createElement("time");
    when.setAttribute("datetime", note.created_at);
    when.textContent = "just now";
    item.appendChild(when);
    var token = document.querySelector('input[name="_csrf_token"]');
    if (token) {
      var form = document.createElement("form");
      form.method = "post";
      form.action = ROOT + "/notifications/" + encodeURIComponent(note.uid) + "/read";
      var field = token.cloneNode(false);
      form.appendChild(field);
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "quiet";
      button.textContent = "Mark read";
      button.setAttribute("aria-label", "Mark read: " + note.text);
      form.appendChild(button);
      item.appendChild(form);
    }
    list.insertBefore(item, list.firstChild);
    var empty = document.getElementById("no-notifications");
    if (empty) empty.remove();
  }

  ready(function () {
    var link = document.getElementById("nav-notifications");
    var live = document.getElementById("live-notifications");
    if (!link || !live) return;
    var source = new EventSource(ROOT + "/notifications/stream");
    source.addEventListener("notification", function (event) {
      var note;
      try { note = JSON.parse(event.data); } catch (e) { return; }
      bump(link);
      live.textContent = "New notification: " + note.text;
      var list = document.getElementById("notification-list");
      if (list) prepend(list, note);
    });
    window.addEventListener("pagehide", function () { source.close(); });
  });
})();
