// The review page: detail of a clicked fact, keyboard navigation, filters; on the served page
// also corrections. No library, no network but the page's own server (served page only).
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var T = JSON.parse(document.getElementById("texts").textContent);
  var text = document.getElementById("text");
  var detail = document.getElementById("detail");
  var facts = {};
  D.facts.forEach(function (f) { facts[f.id] = f; });
  var order = D.facts.slice().sort(function (a, b) { return a.start - b.start || b.end - a.end; })
    .map(function (f) { return f.id; });
  var current = null, finding = -1;
  var hiddenTypes = {};

  function marks(id) { return text.querySelectorAll('mark.f[data-f="' + CSS.escape(id) + '"]'); }
  function clear() {
    document.querySelectorAll("mark.sel, mark.rel").forEach(function (m) { m.classList.remove("sel", "rel"); });
  }
  function cell(table, label, value) {
    if (value === null || value === undefined || value === "" || value === false) return;
    var tr = table.insertRow(), th = document.createElement("th"), td = tr.insertCell();
    th.textContent = label; tr.insertBefore(th, td);
    if (value instanceof Node) td.appendChild(value); else td.textContent = String(value);
  }
  function factLink(id) {
    var f = facts[id], a = document.createElement("a");
    a.href = "#" + id; a.textContent = f ? id + " „" + f.text + "” = " + f.value : id;
    a.addEventListener("click", function (e) { e.preventDefault(); show(id, true); });
    return a;
  }
  function show(id, scroll) {
    var f = facts[id];
    if (!f) return;
    current = id;
    clear();
    var ms = marks(id);
    ms.forEach(function (m) { m.classList.add("sel"); });
    var total = f.part_of ? facts[f.part_of] : null;
    var rel = total ? [total.id].concat(total.parts) : f.parts;
    rel.forEach(function (r) { if (r !== id) marks(r).forEach(function (m) { m.classList.add("rel"); }); });
    document.getElementById("hint").hidden = true;
    document.getElementById("fact").hidden = false;
    document.getElementById("d-type").textContent = T.types[f.type] || f.type;
    document.getElementById("d-id").textContent = f.id;
    var t = document.getElementById("d-table");
    t.innerHTML = "";
    cell(t, T.value, f.value);
    cell(t, T.text, "„" + f.text + "”");
    cell(t, T.subject, f.subject);
    cell(t, T.label, f.label);
    if (total) cell(t, T.total, factLink(total.id));
    if (f.parts.length) {
      var ul = document.createElement("ul");
      f.parts.forEach(function (p) { var li = document.createElement("li"); li.appendChild(factLink(p)); ul.appendChild(li); });
      cell(t, T.parts, ul);
    }
    cell(t, T.indicator, f.indicator);
    cell(t, T.kind, f.kind && (T.kinds[f.kind] || f.kind));
    cell(t, T.approximate, f.approximate ? T.yes : null);
    cell(t, T.planned, f.planned ? T.yes : null);
    cell(t, T.subset, f.subset ? T.yes : null);
    cell(t, T.section, f.section || "—");
    cell(t, T.page, f.page);
    cell(t, T.line, f.line + ":" + f.col + " (" + f.start + "–" + f.end + ")");
    cell(t, T.rule, f.rule);
    cell(t, T.confidence, f.confidence === null ? null : Math.round(f.confidence * 100) + "%");
    cell(t, T.corrected, f.corrected === "add" ? T.added : f.corrected ? T.yes : null);
    detail.classList.add("open");
    if (scroll && ms.length) ms[0].scrollIntoView({block: "center", behavior: "smooth"});
    if (window.reviewEdit) window.reviewEdit(f);
  }
  function visible(id) { return !hiddenTypes[facts[id].type]; }
  function step(d) {
    var i = current === null ? (d > 0 ? -1 : order.length) : order.indexOf(current);
    for (var k = 0; k < order.length; k++) {
      i = (i + d + order.length) % order.length;
      if (visible(order[i])) { show(order[i], true); return; }
    }
  }
  function findingsVisible() {
    var list = document.getElementById("findings");
    if (!list) return [];
    return Array.prototype.filter.call(list.querySelectorAll("li.finding"), function (li) {
      return li.offsetParent !== null || !li.closest(".findings").classList.contains("hide-" + D.findings[+li.dataset.i].severity);
    });
  }
  function goFinding(i) {
    var x = D.findings[i];
    if (!x) return;
    finding = i;
    document.querySelectorAll(".finding.current").forEach(function (e) { e.classList.remove("current"); });
    var li = document.querySelector('li.finding[data-i="' + i + '"]');
    if (li) li.classList.add("current");
    var evs = text.querySelectorAll('.ev[data-x^="' + i + ':"]');
    document.querySelectorAll(".ev.flash").forEach(function (e) { e.classList.remove("flash"); });
    evs.forEach(function (e) { e.classList.add("flash"); });
    if (evs.length) evs[0].scrollIntoView({block: "center", behavior: "smooth"});
    if (x.facts && x.facts.length && facts[x.facts[0]]) show(x.facts[0], false);
    else closeDetail();           // a finding about no fact: the last fact's detail is not its
  }
  function nextFinding() {
    var vis = findingsVisible().map(function (li) { return +li.dataset.i; });
    if (!vis.length) return;
    var after = vis.filter(function (i) { return i > finding; });
    goFinding(after.length ? after[0] : vis[0]);
  }
  text.addEventListener("click", function (e) {
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed) return;
    var m = e.target.closest("mark.f");
    while (m && hiddenTypes[facts[m.dataset.f].type]) m = m.parentElement.closest("mark.f");
    if (m) show(m.dataset.f, false);
  });
  document.querySelectorAll(".ln").forEach(function (s) {
    var x = D.findings[+s.dataset.i];
    s.textContent = x && x.line !== null ? x.line : "";
  });
  document.querySelectorAll("a.goto").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); goFinding(+a.dataset.i); });
  });
  document.querySelectorAll("input.ftype").forEach(function (c) {
    c.addEventListener("change", function () {
      hiddenTypes[c.value] = !c.checked;
      text.classList.toggle("hide-" + c.value, !c.checked);
    });
  });
  document.querySelectorAll("input.fsev").forEach(function (c) {
    c.addEventListener("change", function () {
      text.classList.toggle("hide-" + c.value, !c.checked);
      var list = document.getElementById("findings");
      if (list) list.classList.toggle("hide-" + c.value, !c.checked);
    });
  });
  function closeDetail() {
    clear(); current = null; document.getElementById("fact").hidden = true;
    document.getElementById("hint").hidden = false; detail.classList.remove("open");
  }
  var close = document.getElementById("d-close");
  if (close) close.addEventListener("click", closeDetail);
  // a scanned page at its full size, over the page; Escape or a click closes it
  var zoom = document.getElementById("zoom"), zoomedFrom = null;
  function closeZoom() {
    zoom.hidden = true;
    if (zoomedFrom) zoomedFrom.focus();
  }
  document.querySelectorAll(".pages button.enlarge").forEach(function (b) {
    b.addEventListener("click", function () {
      zoom.querySelector("img").src = b.querySelector("img").src;
      zoom.querySelector("img").alt = b.querySelector("img").alt;
      zoomedFrom = b; zoom.hidden = false; zoom.focus();
    });
  });
  if (zoom) zoom.addEventListener("click", closeZoom);
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (zoom && !zoom.hidden) { if (e.key === "Escape") { closeZoom(); e.preventDefault(); } return; }
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") {
      if (e.key === "Escape") e.target.blur();   // out of the field: j, k, n and Escape work again
      return;
    }
    if (e.key === "j") { step(1); e.preventDefault(); }
    else if (e.key === "k") { step(-1); e.preventDefault(); }
    else if (e.key === "n") { nextFinding(); e.preventDefault(); }
    else if (e.key === "e" && current && document.getElementById("e-value")) {   // the open fact's form
      document.getElementById("e-value").focus(); document.getElementById("e-value").select(); e.preventDefault();
    }
    else if (e.key === "Escape" && close) close.click();
  });
  document.querySelectorAll(".clist li[data-f]").forEach(function (li) {
    li.addEventListener("click", function () { show(li.dataset.f, true); });
    li.addEventListener("keydown", function (e) { if (e.key === "Enter") show(li.dataset.f, true); });
  });
  window.review = {show: show, step: step, nextFinding: nextFinding, facts: facts};
  // characters start–end of the text (code points, as the record's offsets) as a DOM range
  function rangeAt(s, e) {
    var w = document.createTreeWalker(text, NodeFilter.SHOW_TEXT), n, last = null, pos = 0, r = null;
    while ((n = w.nextNode())) {
      var cps = Array.from(n.data), len = cps.length;
      if (!r && s <= pos + len) { r = document.createRange(); r.setStart(n, cps.slice(0, s - pos).join("").length); }
      if (r && e <= pos + len) { r.setEnd(n, cps.slice(0, e - pos).join("").length); return r; }
      pos += len;
      last = n;
    }
    if (r && last) r.setEnd(last, last.data.length);   // a span past the end: up to the end
    return r;
  }
  // words that are neither a fact nor a finding's evidence (a period, a heading): highlighted
  function showSpan(s, e) {
    var r = rangeAt(s, e);
    if (!r) return;
    // (a browser without highlights only scrolls there: a selection would fill the add form)
    if (window.CSS && CSS.highlights && window.Highlight) CSS.highlights.set("at", new Highlight(r));
    var el = r.startContainer.parentElement;
    if (el) el.scrollIntoView({block: "center"});
  }
  // "#xN": the Nth finding; "#f=ID": a fact; "#at=START-END": the finding whose evidence starts
  // there, else the smallest fact holding those characters, else those characters (the links of
  // the organisation page)
  function fromHash() {
    if (window.CSS && CSS.highlights) CSS.highlights.delete("at");
    var x = /^#x(\d+)$/.exec(location.hash);       // a finding by its place in the list
    if (x && D.findings[+x[1]]) { goFinding(+x[1]); return; }
    var h = /^#f=(.+)$/.exec(location.hash);
    if (h && facts[decodeURIComponent(h[1])]) { show(decodeURIComponent(h[1]), true); return; }
    var at = /^#at=(\d+)-(\d+)$/.exec(location.hash);
    if (!at) return;
    var s = +at[1], e = +at[2], best = null;
    for (var i = 0; i < D.findings.length; i++) {
      var ev = D.findings[i].evidence[0];
      if (ev && ev.start === s && ev.end === e) { goFinding(i); return; }
    }
    D.facts.forEach(function (f) {
      if (f.start <= s && e <= f.end && (!best || f.end - f.start < best.end - best.start)) best = f;
    });
    if (best) show(best.id, true);
    else showSpan(s, e);
  }
  window.addEventListener("hashchange", fromHash);

  // --- the served page: corrections -------------------------------------------------------
  var api = document.body.dataset.api;
  if (!api) { fromHash(); return; }
  var msg = document.getElementById("msg");
  function say(t, ok) {
    msg.textContent = t; msg.hidden = false; msg.classList.toggle("ok", !!ok);
    msg.scrollIntoView({block: "nearest"});
  }
  function post(body, then) {
    fetch(api, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
      .then(function (rj) {
        if (!rj[0].ok) { say(rj[1].error || String(rj[0].status)); return; }
        then(rj[1]);
      })
      .catch(function (e) { say(String(e)); });
  }
  var edit = document.getElementById("edit");
  function val(id) { return document.getElementById(id).value; }
  window.reviewEdit = function (f) {
    var q = f.type === "count" || f.type === "hours";
    edit.querySelectorAll(".q").forEach(function (l) { l.hidden = !q; });
    edit.querySelectorAll(".loc").forEach(function (l) { l.hidden = f.type !== "location"; });
    document.getElementById("e-value").value = Array.isArray(f.raw) ? f.raw.join("/") : String(f.raw);
    document.getElementById("e-subject").value = f.subject || "";
    document.getElementById("e-label").value = f.label || "";
    document.getElementById("e-part_of").value = f.part_of || "";
    if (f.kind) document.getElementById("e-kind").value = f.kind;
    document.getElementById("e-reason").value = "";
  };
  function reload(id) {
    // the fragment set without a hashchange (the page is about to load again, and opens there)
    history.replaceState(null, "", location.pathname + location.search + (id ? "#f=" + encodeURIComponent(id) : ""));
    location.reload();
  }
  edit.addEventListener("submit", function (e) {
    e.preventDefault();
    var f = facts[current];
    if (!f) return;
    var changes = {}, raw = Array.isArray(f.raw) ? f.raw.join("/") : String(f.raw);
    if (val("e-value") !== raw) changes.value = val("e-value");
    if (f.type === "count" || f.type === "hours") {
      if (val("e-subject") !== (f.subject || "")) changes.subject = val("e-subject");
      if (val("e-label") !== (f.label || "")) changes.label = val("e-label");
      if (val("e-part_of") !== (f.part_of || "")) changes.part_of = val("e-part_of") || null;
    }
    if (f.type === "location" && val("e-kind") !== f.kind) changes.kind = val("e-kind");
    // saved as it is, an OCR reading the audit asks to check is confirmed: its value is set
    if (!Object.keys(changes).length && D.findings.some(function (x) {
      return x.code === "low_confidence" && x.facts.indexOf(f.id) >= 0;
    })) changes.value = raw;
    post({action: "edit", fact: f.id, changes: changes, reason: val("e-reason") || null}, function () { reload(f.id); });
  });
  document.getElementById("e-delete").addEventListener("click", function () {
    var f = facts[current];
    if (!f || !window.confirm(T.confirm_delete)) return;
    post({action: "delete", fact: f.id, reason: val("e-reason") || null}, function () { reload(null); });
  });
  var picked = null;
  function offsetOf(node, off) {
    var r = document.createRange();
    r.setStart(text, 0);
    r.setEnd(node, off);
    return Array.from(r.toString()).length;     // code points, as the record's offsets
  }
  document.addEventListener("selectionchange", function () {
    var s = window.getSelection();
    if (!s || s.isCollapsed || !s.rangeCount) return;
    var r = s.getRangeAt(0);
    if (!text.contains(r.startContainer) || !text.contains(r.endContainer)) return;
    var start = offsetOf(r.startContainer, r.startOffset), end = offsetOf(r.endContainer, r.endOffset);
    var words = r.toString();
    if (end <= start || !words.trim()) return;
    pick(start, end, words);
  });
  // the words of a fact to add: picked by a selection, or found from what is typed
  function pick(start, end, words) {
    picked = {start: start, end: end, text: words};
    document.getElementById("a-text").textContent = words;
    document.getElementById("a-span").textContent = start + "–" + end;
    document.getElementById("a-save").disabled = document.getElementById("e-save") ? document.getElementById("e-save").disabled : false;
    var num = /\d+(?:[.,]\d+)?/.exec(words);
    if (num && !val("a-value")) document.getElementById("a-value").value = num[0];
  }
  // typed words, Enter: their next place in the text (any case, any white space between them);
  // Enter again goes on to the next one, round to the first
  var findFrom = 0, findLast = "";
  var find = document.getElementById("a-find");
  find.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();                          // not the form's submit
    var q = find.value.trim();
    if (!q) return;
    if (q !== findLast) { findFrom = 0; findLast = q; }
    var all = text.textContent;
    var re = new RegExp(q.split(/\s+/).map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("\\s+"), "giu");
    re.lastIndex = findFrom;
    var m = re.exec(all);
    if (!m && findFrom > 0) { re.lastIndex = 0; m = re.exec(all); }
    if (!m) { say(T.not_found.replace("{words}", q)); return; }
    findFrom = m.index + m[0].length;
    var start = Array.from(all.slice(0, m.index)).length;   // code points, as the record's offsets
    msg.hidden = true;
    pick(start, start + Array.from(m[0]).length, m[0]);
    showSpan(start, start + Array.from(m[0]).length);
  });
  document.getElementById("add").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!picked) { say(T.add_hint); return; }
    var body = {action: "add", add: {type: val("a-type"), start: picked.start, end: picked.end, text: picked.text,
                value: val("a-value")}, reason: val("a-reason") || null};
    if (val("a-subject")) body.add.subject = val("a-subject");
    post(body, function (j) { reload(j.fact || null); });
  });
  document.querySelectorAll(".clist button.undo").forEach(function (b) {
    b.addEventListener("click", function (e) {
      e.stopPropagation();                       // not the list item's "show the fact"
      if (!window.confirm(T.confirm_undo)) return;
      var li = b.closest("li");
      post({action: "undo", undoes: +b.dataset.c}, function () { reload(li.dataset.f || null); });
    });
    b.addEventListener("keydown", function (e) { e.stopPropagation(); });   // Enter: the button's, not the item's
  });
  var verify = document.getElementById("verify");
  verify.addEventListener("click", function () {
    post({action: verify.dataset.action}, function () { reload(current); });
  });
  fromHash();
})();
