// The evidence behind each number (report/evidence.py writes the markup): a button holding the
// figure, and beside it a popover (the Popover API, so it opens in the top layer and nothing on the
// page moves). It opens on hover with a mouse, on keyboard focus and on a tap; a click or tap pins
// it open until a second one, Escape, or a click elsewhere. Set up once, by delegation on document.
(function () {
  var GAP = 6, MARGIN = 8;
  var open = null, pinned = false, leaving = null;

  function popoverOf(button) {
    return document.getElementById(button.getAttribute("aria-describedby"));
  }

  // Below the figure, or above it when there is more room there; never past the window's edges and
  // never over the figure itself (on a phone a tap's click would land on the popover). When neither
  // side holds it all, it scrolls in its own box (it is focusable for that: tabindex=0 in the markup).
  function place(button, pop) {
    var box = button.getBoundingClientRect();
    var width = Math.min(384, window.innerWidth - 2 * MARGIN);
    pop.style.width = width + "px";
    pop.style.maxHeight = "none";
    var below = window.innerHeight - box.bottom - GAP - MARGIN, above = box.top - GAP - MARGIN;
    var height = pop.offsetHeight;
    var under = height <= below || below >= above;
    var room = under ? below : above;
    pop.style.maxHeight = Math.max(room, 80) + "px";
    height = Math.min(height, Math.max(room, 80));
    pop.style.left = Math.max(MARGIN, Math.min(box.left, window.innerWidth - width - MARGIN)) + "px";
    pop.style.top = (under ? box.bottom + GAP : box.top - GAP - height) + "px";
  }

  function hide() {
    clearTimeout(leaving);
    if (open) {
      var pop = popoverOf(open);
      if (pop && pop.matches(":popover-open")) pop.hidePopover();
      open.setAttribute("aria-expanded", "false");
    }
    open = null;
    pinned = false;
  }

  function show(button) {
    clearTimeout(leaving);
    if (open === button) return;
    hide();
    var pop = popoverOf(button);
    if (!pop || !pop.showPopover) return;
    pop.showPopover();
    place(button, pop);
    button.setAttribute("aria-expanded", "true");
    open = button;
  }

  function buttonAt(target) {
    return target && target.closest ? target.closest(".evidence-value") : null;
  }

  document.addEventListener("pointerover", function (event) {
    if (event.pointerType !== "mouse") return;
    var button = buttonAt(event.target);
    if (button) show(button);
    else if (open && event.target.closest && event.target.closest(".evidence-pop")) clearTimeout(leaving);
  });
  document.addEventListener("pointerout", function (event) {
    if (event.pointerType !== "mouse" || !open || pinned) return;
    var to = event.relatedTarget;
    if (to && to.closest && (to.closest(".evidence-pop") || buttonAt(to) === open)) return;
    leaving = setTimeout(hide, 200); // time to move the pointer into the popover, to select its text
  });
  document.addEventListener("focusin", function (event) {
    var button = buttonAt(event.target);
    if (button) show(button);
  });
  document.addEventListener("focusout", function (event) {
    var to = event.relatedTarget;
    if (!open || pinned || (to && to.closest && to.closest(".evidence-pop"))) return;
    if (buttonAt(event.target) === open) hide();
  });
  document.addEventListener("click", function (event) {
    var button = buttonAt(event.target);
    if (button) {
      if (open === button && pinned) return hide();
      show(button);
      pinned = true;
    } else if (open && !(event.target.closest && event.target.closest(".evidence-pop"))) {
      hide();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) hide(); // focus stays on the figure; Tab moves on
  });
  window.addEventListener("scroll", function () { if (open) place(open, popoverOf(open)); }, { passive: true });
  window.addEventListener("resize", function () { if (open) place(open, popoverOf(open)); });
})();
