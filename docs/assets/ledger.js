// The claims ledger: sortable by any column (tablesort, wired the way Material's "Data tables"
// page shows) and filterable by verdict with a row of toggle buttons. document$ fires on every
// page load, including Material's instant navigation, so each ledger table is set up once.
document$.subscribe(function () {
  // Material's search overlay is a dialog without a name; screen readers announce it by this one.
  var search = document.querySelector(".md-search");
  if (search && !search.getAttribute("aria-label")) search.setAttribute("aria-label", "Search");
  document.querySelectorAll(".ledger table").forEach(function (table) {
    if (table.dataset.ledgerReady) return;
    table.dataset.ledgerReady = "1";
    new Tablesort(table);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var verdictOf = function (row) {
      var badge = row.querySelector(".verdict");
      return badge ? badge.textContent.trim() : "";
    };
    var verdicts = [];
    rows.forEach(function (row) {
      var verdict = verdictOf(row);
      if (verdict && verdicts.indexOf(verdict) < 0) verdicts.push(verdict);
    });
    var group = document.createElement("div");
    group.className = "ledger-filter";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Show claims by verdict");
    var status = document.createElement("p");
    status.className = "ledger-filter__status";
    status.setAttribute("aria-live", "polite");
    var buttons = [];
    var show = function (chosen) {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = chosen === "all" || verdictOf(row) === chosen;
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.verdict === chosen));
      });
      status.textContent = shown + " of " + rows.length + " claims shown";
    };
    ["all"].concat(verdicts).forEach(function (verdict) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button ledger-filter__button";
      button.dataset.verdict = verdict;
      button.textContent = verdict === "all" ? "all verdicts" : verdict;
      button.addEventListener("click", function () { show(verdict); });
      buttons.push(button);
      group.appendChild(button);
    });
    var box = table.closest(".md-typeset__scrollwrap") || table;
    box.parentNode.insertBefore(group, box);
    box.parentNode.insertBefore(status, box);
    show("all");
  });
});
