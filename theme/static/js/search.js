// Starts the Pagefind search box (searching for ?q= when given); when the index is missing
// (search is off), says so instead.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box) return;
  if (typeof PagefindUI !== "function") {
    box.hidden = true;
    document.getElementById("search-unavailable").hidden = false;
    return;
  }
  var ui = new PagefindUI({ element: "#search", showImages: false, showSubResults: true });
  // Pagefind's field has a placeholder but no label: give it one in the page's language.
  var input = box.querySelector("input");
  if (input) input.setAttribute("aria-label", box.dataset.label);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
