// The claim form's helpers: subtype choices that follow the category, and keyboard shortcuts
// for the review bar. A static file (the CSP allows no inline script); the server still
// validates everything it receives.
(function () {
  "use strict";

  // --- Subtypes follow the chosen category -------------------------------------------------
  function filterSubtypes() {
    var subtype = document.querySelector("select[data-subtype-filter]");
    if (!subtype) return;
    var category = document.getElementById(subtype.getAttribute("data-subtype-filter"));
    if (!category) return;
    function apply() {
      var chosen = category.value;
      Array.prototype.forEach.call(subtype.options, function (option) {
        var owner = option.getAttribute("data-category");
        var show = !owner || !chosen || owner === chosen;
        option.hidden = !show;
        option.disabled = !show;
      });
      Array.prototype.forEach.call(subtype.querySelectorAll("optgroup"), function (group) {
        var visible = group.querySelector("option:not([hidden])");
        group.hidden = !visible;
      });
      var current = subtype.options[subtype.selectedIndex];
      if (current && current.hidden) subtype.value = "";
    }
    category.addEventListener("change", apply);
    apply();
  }

  // --- Review bar shortcuts -----------------------------------------------------------------
  function reviewKeys() {
    var bar = document.getElementById("review-bar");
    if (!bar) return;
    var reason = document.getElementById("review-reason");
    var other = document.getElementById("review-reason-other");
    var confirmUngraded = document.getElementById("review-confirm-ungraded");
    var credibility = document.getElementById("id_credibility");
    var rejecting = false;

    function button(key) {
      return bar.querySelector('[data-key="' + key + '"]');
    }
    function press(key) {
      var target = button(key);
      if (target) target.click();
    }
    function startReject() {
      if (reason.value && (reason.value !== "other" || other.value.trim())) {
        press("r");
        return;
      }
      rejecting = true;
      bar.classList.add("review-rejecting");
      reason.focus();
    }
    function chooseReason(digit) {
      var option = reason.querySelector('option[data-digit="' + digit + '"]');
      if (!option) return false;
      reason.value = option.value;
      if (option.value === "other") {
        other.focus();
        return true;
      }
      press("r");
      return true;
    }
    function grade(digit) {
      if (credibility) credibility.value = String(digit);
      if (confirmUngraded) confirmUngraded.checked = digit === 6;
      bar.setAttribute("data-graded", String(digit));
    }

    // Enter in the free-text reason rejects (elsewhere, Enter is "Approve & next").
    other.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        press("r");
      }
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      var typing = tag === "INPUT" || tag === "TEXTAREA" || (tag === "SELECT" && target !== reason);
      if (target && target.isContentEditable) typing = true;
      if (target === reason) {
        if (/^[1-9]$/.test(event.key)) {
          event.preventDefault();
          chooseReason(event.key);
        } else if (event.key === "Enter") {
          event.preventDefault();
          startReject();
        } else if (event.key === "Escape") {
          rejecting = false;
          bar.classList.remove("review-rejecting");
          reason.blur();
        }
        return;
      }
      if (typing) return;
      var key = event.key.toLowerCase();
      if (rejecting && /^[1-9]$/.test(key)) {
        event.preventDefault();
        chooseReason(key);
        return;
      }
      if (/^[1-6]$/.test(key)) {
        event.preventDefault();
        grade(parseInt(key, 10));
        return;
      }
      if (key === "n" || key === "a" || key === "s") {
        event.preventDefault();
        press(key);
      } else if (key === "r") {
        event.preventDefault();
        startReject();
      }
    });
  }

  function ready() {
    filterSubtypes();
    reviewKeys();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
