// Live inbox: new tasks arrive as server-sent events and are put in their place in the list.
// Progressive enhancement only: without JavaScript the page works by reloading.
(function () {
  "use strict";
  var root = document.querySelector("[data-inbox-stream]");
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  if (!root || !window.EventSource) { return; }

  var status = document.getElementById("live-status");
  var source = new EventSource(root.getAttribute("data-inbox-stream"));

  function place(list, row) {
    var key = row.getAttribute("data-sort-key");
    var next = null;
    for (var i = 0; i < list.children.length; i++) {
      if (list.children[i].getAttribute("data-sort-key") > key) { next = list.children[i]; break; }
    }
    list.insertBefore(row, next);
  }

  source.addEventListener("task", function (event) {
    var task = JSON.parse(event.data);
    if (document.getElementById("task-" + task.id)) { return; }
    var list = document.getElementById(task.section + "-list");
    if (!list) { return; }
    var holder = document.createElement("template");
    holder.innerHTML = task.html.trim();
    var row = holder.content.firstElementChild;
    row.classList.add("app-task--new");
    place(list, row);
    var empty = document.getElementById(task.section + "-empty");
    if (empty) { empty.hidden = true; }
    var count = document.querySelector("[data-count-for='" + task.section + "']");
    if (count) { count.textContent = "(" + list.children.length + ")"; }
    if (status) { status.textContent = "New task: " + task.title; }
  });
})();
