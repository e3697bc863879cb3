// Enhancements only: every feature works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text; ta.setAttribute("readonly", ""); ta.style.position = "fixed"; ta.style.opacity = "0";
    document.body.appendChild(ta); ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }

  function copied(btn, ok) {
    var old = btn.textContent;
    btn.textContent = ok ? "已复制" : "复制失败，请手动复制";
    btn.classList.toggle("done", ok);
    setTimeout(function () { btn.textContent = old; btn.classList.remove("done"); }, 2000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".copy-cite").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var text = btn.getAttribute("data-citation");
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(function () { copied(btn, true); },
            function () { copied(btn, fallbackCopy(text)); });
        } else {
          copied(btn, fallbackCopy(text));
        }
      });
    });

    // Mark the clause named in the URL fragment (the server marks ?clause=…, CSS marks :target).
    function markTarget() {
      var id = decodeURIComponent(location.hash.slice(1));
      if (!id) return;
      var el = document.getElementById(id);
      if (el && el.classList.contains("clause")) {
        document.querySelectorAll(".clause.is-target").forEach(function (c) { c.classList.remove("is-target"); });
        el.classList.add("is-target");
      }
    }
    markTarget();
    window.addEventListener("hashchange", markTarget);

    // Wide screens: open all filter groups (narrow screens keep them folded above results).
    if (window.matchMedia("(min-width: 801px)").matches) {
      document.querySelectorAll(".filters > details.facet").forEach(function (d) { d.open = true; });
    }
  });

  // "/" focuses the search box (unless typing in a field already).
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    var q = document.getElementById("q");
    if (q) { ev.preventDefault(); q.focus(); q.select(); }
  });
})();
