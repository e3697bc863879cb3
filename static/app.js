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

    // Wide screens: the filter column is open beside the results; on a phone it stays a
    // closed drawer above them, so the first result is near the top.
    if (window.matchMedia("(min-width: 801px)").matches) {
      document.querySelectorAll("details.drawer").forEach(function (d) { d.open = true; });
      document.querySelectorAll(".filters details.facet").forEach(function (d) { d.open = true; });
    }

    // Changing 关键词/精确 re-runs the search that is on the page.
    document.querySelectorAll(".searchbar .mode input").forEach(function (r) {
      r.addEventListener("change", function () {
        var q = document.getElementById("q");
        if (q && q.value.trim()) r.form.submit();
      });
    });

    // A new 每页条数 keeps the first row on screen: page follows the size.
    document.querySelectorAll("form.pager-jump").forEach(function (f) {
      var size = f.querySelector("select[name=size]"), page = f.querySelector("input[name=page]");
      if (!size || !page) return;
      size.addEventListener("change", function () {
        var first = parseInt(f.getAttribute("data-first-row"), 10) || 1;
        page.value = Math.floor((first - 1) / parseInt(size.value, 10)) + 1;
      });
    });

    setUpTray();
  });

  // Ticks kept across pages (sessionStorage) and sent together to the Word export.
  var KEY = "policy-search.picked";
  function loadPicked() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function savePicked(ids) {
    try { sessionStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ }
  }
  function setUpTray() {
    var form = document.getElementById("pick");
    if (!form) return;
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=clause_id]"));
    var count = document.getElementById("tray-count");
    var msg = document.getElementById("tray-msg");
    var all = document.getElementById("pick-all"), clear = document.getElementById("pick-clear");
    var picked = loadPicked();
    boxes.forEach(function (b) { b.checked = picked.indexOf(b.value) >= 0; });
    function show() {
      count.textContent = picked.length ? "已选 " + picked.length + " 条（可跨页勾选）" : "可勾选条款导出 Word";
      clear.hidden = !picked.length;
      var allOn = boxes.length && boxes.every(function (b) { return b.checked; });
      all.textContent = allOn ? "取消全选本页" : "全选本页";
      if (picked.length) msg.hidden = true;
    }
    function set(b, on) {
      b.checked = on;
      var i = picked.indexOf(b.value);
      if (on && i < 0) picked.push(b.value);
      if (!on && i >= 0) picked.splice(i, 1);
    }
    boxes.forEach(function (b) {
      b.addEventListener("change", function () { set(b, b.checked); savePicked(picked); show(); });
    });
    all.hidden = !boxes.length;
    all.addEventListener("click", function () {
      var on = !boxes.every(function (b) { return b.checked; });
      boxes.forEach(function (b) { set(b, on); });
      savePicked(picked); show();
    });
    clear.addEventListener("click", function () {
      boxes.forEach(function (b) { b.checked = false; });
      picked = []; savePicked(picked); show();
    });
    form.addEventListener("submit", function (ev) {
      if (!picked.length) {
        ev.preventDefault();
        msg.textContent = "请先勾选要导出的条款（勾选条款下方的“选择”）";
        msg.hidden = false;
        return;
      }
      // ticks from other pages travel as hidden fields beside this page's boxes
      form.querySelectorAll("input.carried").forEach(function (i) { i.remove(); });
      var here = boxes.map(function (b) { return b.value; });
      picked.forEach(function (id) {
        if (here.indexOf(id) >= 0) return;
        var i = document.createElement("input");
        i.type = "hidden"; i.name = "clause_id"; i.value = id; i.className = "carried";
        form.appendChild(i);
      });
    });
    show();
  }

  // "/" focuses the search box (unless typing in a field already).
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    var q = document.getElementById("q");
    if (q) { ev.preventDefault(); q.focus(); q.select(); }
  });
})();
