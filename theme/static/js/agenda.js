// The agenda for a parent: show one team's trainings (?team=ID), mark today, copy feed links.
// Without JavaScript the page shows every training and the feeds stay plain links.
document.addEventListener("DOMContentLoaded", function () {
  var team = new URLSearchParams(window.location.search).get("team") || "";
  var filter = document.querySelector(".team-filter");
  if (filter) {
    filter.hidden = false;
    filter.querySelectorAll("a").forEach(function (link) {
      if (link.dataset.team === team) link.setAttribute("aria-current", "true");
    });
  }
  document.querySelectorAll(".day").forEach(function (day) {
    var shown = 0;
    day.querySelectorAll(".training").forEach(function (item) {
      var hide = team !== "" && item.dataset.teams.split(" ").indexOf(team) < 0;
      item.hidden = hide;
      if (!hide) shown += 1;
    });
    day.hidden = shown === 0;
  });
  var now = new Date();
  var today = [now.getFullYear(), String(now.getMonth() + 1).padStart(2, "0"),
               String(now.getDate()).padStart(2, "0")].join("-");
  var current = document.querySelector('.day[data-day="' + today + '"]');
  if (current) current.classList.add("is-today");
  if (navigator.clipboard) {
    document.querySelectorAll(".copy-link").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.copy).then(function () {
          button.textContent = button.dataset.copied;
        });
      });
    });
  }
});
