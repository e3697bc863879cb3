// Document reader, enhancements only: the page works without this file (marks and their
// count are server-rendered, the 目录 is a plain list of links).
(function () {
  "use strict";
  var WIDE = "(min-width: 1100px)";

  function start() {
    // 目录: beside the text on wide screens (open), folded at the top on a phone
    var toc = document.querySelector(".toc details");
    if (toc && !window.matchMedia(WIDE).matches) {
      toc.open = false;
      // on a phone the 目录 folds again once a part is chosen, out of the reader's way
      toc.addEventListener("click", function (ev) {
        if (ev.target.closest("a") && !window.matchMedia(WIDE).matches) toc.open = false;
      });
    }
    markTocPosition();
    hitNavigation();
  }

  // 第 n/N 处 with 上一处/下一处 between the marked search words
  function hitNavigation() {
    var nav = document.querySelector(".hit-nav");
    if (!nav) return;
    var marks = Array.prototype.slice.call(document.querySelectorAll(".doc-body mark"));
    var pos = nav.querySelector(".hit-pos");
    var prev = nav.querySelector(".hit-prev"), next = nav.querySelector(".hit-next");
    if (!marks.length || !prev || !next || !pos) return;
    var current = -1;

    function show(i, scroll) {
      if (current >= 0) {
        marks[current].classList.remove("current");
        marks[current].removeAttribute("aria-current");
      }
      current = (i + marks.length) % marks.length;
      var m = marks[current];
      m.classList.add("current");
      m.setAttribute("aria-current", "true");
      pos.textContent = "第 " + (current + 1) + "/" + marks.length + " 处";
      if (scroll) m.scrollIntoView({ block: "center" });
    }

    prev.hidden = false;
    next.hidden = false;
    prev.addEventListener("click", function () { show(current < 0 ? marks.length - 1 : current - 1, true); });
    next.addEventListener("click", function () { show(current + 1, true); });
    // opened from a search hit: count from the first mark of that clause
    var target = document.querySelector(".clause.is-target");
    if (target) {
      var first = target.querySelector("mark");
      if (first) show(marks.indexOf(first), false);
    }
  }

  // the 目录 entry of the part being read is bold (aria-current) as the reader scrolls
  function markTocPosition() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    links.forEach(function (a) { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
    var heads = Object.keys(byId).map(function (id) { return document.getElementById(id); })
      .filter(Boolean);
    var seen = new IntersectionObserver(function () {
      var top = null;
      heads.forEach(function (h) { if (h.getBoundingClientRect().top < window.innerHeight * 0.3) top = h; });
      links.forEach(function (a) { a.removeAttribute("aria-current"); });
      if (top) byId[top.id].setAttribute("aria-current", "location");
    }, { rootMargin: "0px 0px -70% 0px" });
    heads.forEach(function (h) { seen.observe(h); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
