// The progress of an import (templates/imports/job.html): polls
// GET /api/v1/imports/{id} with the session cookie, moves the bar, and
// reloads the page for the outcome once the job is done or failed.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-job]");
  if (!box) return;
  var id = box.getAttribute("data-import-job");
  var bar = document.getElementById("import-bar");
  var rows = document.getElementById("import-rows");
  var stateText = document.getElementById("import-state");
  var template = rows ? rows.getAttribute("data-template") : "";
  function show(job) {
    if (job.rows_total > 0) {
      bar.max = job.rows_total;
      bar.value = job.rows_done;
      bar.textContent = job.rows_done;
    }
    if (rows && template) {
      rows.textContent = template
        .replace("{done}", job.rows_done.toLocaleString())
        .replace("{total}", job.rows_total.toLocaleString());
    }
    var label = stateText && stateText.getAttribute("data-state-" + job.state);
    if (label) stateText.textContent = label;
  }
  function poll() {
    fetch("/api/v1/imports/" + encodeURIComponent(id), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { setTimeout(poll, 2000); return; }
        show(job);
        if (job.state === "done" || job.state === "failed") {
          window.location.reload();
        } else {
          setTimeout(poll, 500);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();
