// A background import's page (templates/transfer/job.html) follows the job without reloading:
// it fetches itself every two seconds and swaps in the job's part until the job has finished.
// Without JavaScript a refresh inside <noscript> reloads the whole page instead.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || !window.fetch || !window.DOMParser) { return; }
  function poll() {
    if (box.getAttribute("data-finished") === "1") { return; }
    window.fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-job");
        if (fresh) {
          box.replaceWith(fresh);
          box = fresh;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
