// Live inbox: the page asks every few seconds for tasks made since it was drawn, and puts each
// new one in its place in the list. A conditional request (If-None-Match) makes a poll with
// nothing new a bodiless 304. Progressive enhancement only: without JavaScript the page works
// by reloading.
(function () {
  "use strict";
  var root = document.querySelector("[data-inbox-updates]");
  if (!root || !window.fetch) { return; }

  var status = document.getElementById("live-status");
  var address = root.getAttribute("data-inbox-updates");
  var pause = 1000 * (parseFloat(root.getAttribute("data-poll-seconds")) || 5);
  var etag = null;

  function place(list, row) {
    var key = row.getAttribute("data-sort-key");
    var next = null;
    for (var i = 0; i < list.children.length; i++) {
      if (list.children[i].getAttribute("data-sort-key") > key) { next = list.children[i]; break; }
    }
    list.insertBefore(row, next);
  }

  function show(task) {
    if (document.getElementById("task-" + task.id)) { return; }
    var list = document.getElementById(task.section + "-list");
    if (!list) { return; }
    var holder = document.createElement("template");
    holder.innerHTML = task.html.trim();
    var row = holder.content.firstElementChild;
    place(list, row);
    var empty = document.getElementById(task.section + "-empty");
    if (empty) { empty.hidden = true; }
    var count = document.querySelector("[data-count-for='" + task.section + "']");
    if (count) { count.textContent = "(" + list.children.length + ")"; }
    if (status) { status.textContent = "New task: " + task.title; }
  }

  function poll() {
    if (document.hidden) { setTimeout(poll, pause); return; }  // no polls from a tab nobody sees
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    var wait = pause;
    fetch(address, { headers: headers, credentials: "same-origin", cache: "no-store" }).then(function (answer) {
      if (answer.status === 401) {
        wait = null;  // the session has ended: no more polls
        if (status) { status.textContent = "Your session has ended: reload the page to sign in again."; }
        return;
      }
      if (answer.status === 429) {
        wait = Math.max(pause, 1000 * (parseInt(answer.headers.get("Retry-After"), 10) || 0));
      }
      if (answer.status !== 200) { return; }
      etag = answer.headers.get("ETag");
      return answer.json().then(function (body) { body.tasks.forEach(show); });
    }).catch(function () { /* the network or the server: try again after the pause */ }).then(function () {
      if (wait !== null) { setTimeout(poll, wait); }
    });
  }

  setTimeout(poll, pause);
})();
