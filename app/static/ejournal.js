/* Behaviours the pages declare with data attributes, so that no page needs an inline
   script or an on… attribute: the Content-Security-Policy allows only our own files
   and scripts carrying the request's nonce.
   data-autosubmit          a select or input that sends its form when changed;
   data-autosubmit="pair"   … whose value «group:subject» fills the form's fields first;
   data-confirm="text"      a form (on submit) or a button or link (on click) that asks first;
   data-print               a button that prints the page;
   data-check-all="css"     a checkbox that ticks or clears every box the selector finds.
   Every same-origin fetch that writes (POST, PUT, PATCH, DELETE) carries the page's CSRF
   token (<meta name="csrf-token">) as the header X-CSRFToken: the server refuses a write
   without it, the REST API's too (app/csrf.py). */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && window.fetch) {
    var plainFetch = window.fetch.bind(window);
    window.fetch = function (resource, init) {
      init = init || {};
      var method = (init.method || (resource && resource.method) || "GET").toUpperCase();
      var url = new URL(typeof resource === "string" ? resource : resource.url, window.location.href);
      if (["POST", "PUT", "PATCH", "DELETE"].indexOf(method) !== -1 && url.origin === window.location.origin) {
        var headers = new Headers(init.headers || (resource && resource.headers) || {});
        if (!headers.has("X-CSRFToken")) { headers.set("X-CSRFToken", meta.getAttribute("content")); }
        init = Object.assign({}, init, {headers: headers});
      }
      return plainFetch(resource, init);
    };
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute("data-check-all")) {
      document.querySelectorAll(el.getAttribute("data-check-all")).forEach(function (box) {
        box.checked = el.checked;
      });
    }
    if (!el.hasAttribute("data-autosubmit") || !el.form) { return; }
    if (el.getAttribute("data-autosubmit") === "pair") {
      var parts = el.value.split(":");
      el.form.elements.group.value = parts[0];
      el.form.elements.subject.value = parts[1];
    }
    el.form.submit();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm], [data-print]") : null;
    if (!el || el.tagName === "FORM") { return; }
    if (el.hasAttribute("data-print")) {
      window.print();
      return;
    }
    if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
}());
