// Every page: on a phone the filter form starts folded so the figures come first (the page
// renders it open; without scripts it stays open). A form with an error stays open. Widening
// the window past the phone width opens it again (its summary is hidden there).
(function () {
  "use strict";

  var phone = window.matchMedia("(max-width: 700px)");

  function fold() {
    var folds = document.querySelectorAll("details.filters-fold");
    for (var i = 0; i < folds.length; i++) {
      if (!phone.matches) folds[i].open = true;
      else if (!folds[i].hasAttribute("data-errors")) folds[i].open = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fold);
  } else {
    fold();
  }
  if (phone.addEventListener) phone.addEventListener("change", fold);
})();
