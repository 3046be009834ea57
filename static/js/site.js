/* The analysts' site: small progressive enhancements. Everything works without this file;
   htmx (served from django-htmx's static files) does the requests. No inline script, no
   eval: the page runs under a strict Content Security Policy. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // What-if: clicking a seat (or Enter or Space on a focused seat) cycles that member's
  // choice in the what-if form: as recorded, yes, no, abstain. The form's change event
  // makes htmx fetch the panel for the new choices.
  var CYCLE = ["", "yes", "no", "abstain"];
  var refocus = null;

  function cycle(seat) {
    var code = seat.getAttribute("data-member");
    var select = document.querySelector('#whatif-form select[name="' + code + '"]');
    if (!select) return;
    var next = CYCLE[(CYCLE.indexOf(select.value) + 1) % CYCLE.length];
    select.value = next;
    refocus = code;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var seat = event.target.closest && event.target.closest("[data-whatif]");
    if (seat) cycle(seat);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var seat = event.target.closest && event.target.closest("[data-whatif]");
    if (!seat) return;
    event.preventDefault();
    cycle(seat);
  });

  // After the panel is swapped, put the keyboard focus back on the seat that was used.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!refocus || !event.detail.target || event.detail.target.id !== "panel") return;
    var seat = event.detail.target.querySelector('[data-member="' + refocus + '"][data-whatif]');
    refocus = null;
    if (seat) seat.focus();
  });

  // Mark the live region busy while a panel request runs, so screen readers wait.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var panel = document.getElementById("panel");
    if (panel && event.detail.target === panel) panel.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function () {
    var panel = document.getElementById("panel");
    if (panel) panel.removeAttribute("aria-busy");
  });
})();
