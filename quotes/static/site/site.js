// Enhancements only: every page works without this file.
// "Copy citation": the button is hidden until this script can make it work.
document.addEventListener("DOMContentLoaded", () => {
  // A page that answers with problems starts at their summary (GOV.UK's error summary).
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
  foldFiltersOnPhones();
  for (const button of document.querySelectorAll("button.copy[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent.trim();
      const status = button.parentElement.querySelector(".copy-status");
      try {
        await navigator.clipboard.writeText(text);
        if (status) status.textContent = "Citation copied.";
      } catch {
        if (status) status.textContent = "Could not copy: select the text instead.";
      }
    });
  }
});
// An htmx swap replaces the form and results: when the element that had focus went with
// them, move focus to the result count (announced as a status), not to the page's start.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target.id !== "search-page") return;
  foldFiltersOnPhones();
  announce();
  if (document.activeElement && document.activeElement !== document.body) return;
  const count = document.getElementById("result-count") || document.querySelector(".error-summary");
  if (count) {
    count.setAttribute("tabindex", "-1");
    count.focus();
  }
});
// Back and Forward restore htmx's snapshot of <body> only: put the feed link in <head>
// back in step with the search restored (its URL is on #search-page).
document.addEventListener("htmx:historyRestore", () => {
  const restored = document.getElementById("search-page");
  const link = document.getElementById("feed-link");
  if (restored && link && restored.dataset.feedUrl) link.href = restored.dataset.feedUrl;
});
// The swapped-in count is a new element, which screen readers do not announce: say it
// in the live region that stays in the page (#search-status, outside #search-page).
function announce() {
  const status = document.getElementById("search-status");
  if (!status) return;
  const count = document.getElementById("result-count");
  const summary = document.querySelector(".error-summary h2");
  status.textContent = count ? count.textContent.trim() : summary ? summary.textContent.trim() : "";
}
// On a narrow screen the open filters (a search opens them, so that a reader without
// this script sees what is applied) and the counts above the results would push the
// results a dozen fields down: fold both once there are results to read. The chips still
// show what is applied; each summary reopens its panel. Problems keep the filters open,
// beside the field at fault.
function foldFiltersOnPhones() {
  if (!window.matchMedia("(max-width: 47.99rem)").matches) return;
  if (document.querySelector(".error-summary") || !document.getElementById("result-count")) return;
  for (const panel of document.querySelectorAll("details.filters, details.facet-panel")) {
    panel.open = false;
  }
}
