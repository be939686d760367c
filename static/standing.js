// Where the debate stands, as the map page shows it:
//
// 1. Which claims stand, on demand: a switch (remembered per map in this browser) lays a mark
//    over each drawn node (✓ in, ✗ out, ? undecided: a sign and a word, not colour alone) and
//    beside each outline item, with the one-line reason from GET /api/maps/<id>/acceptability.
//    The marks sit in a layer of their own above the nodes, placed from each node's box and
//    hidden with a folded node (static/canvas.js); a new drawing (static/live.js, the direction switch) gets them
//    again, and a new revision of the page's copy of the map (the "argmap:patched" event)
//    fetches the labels again: debounced, one request at a time, older answers dropped.
// 2. "Is this the same as ...?": while a person types a new node (the field in place of
//    static/edit.js, the add forms of the side panel) up to five existing nodes that share
//    most of its words show under the field, each with "Open" and, for a pro or con,
//    "Link to this instead": a link from that node to the intended parent, with the relation
//    of the pro or con, instead of a new node. What was typed stays in the field.
(function () {
  "use strict";
  const live = document.getElementById("live");
  const diagram = document.getElementById("diagram");
  if (!live || !diagram || !window.fetch || !window.argmapPage) return;
  const mapId = live.dataset.map;
  const SVGNS = "http://www.w3.org/2000/svg";
  const bar = document.getElementById("standing-bar");
  // Each label's sign, word and name, from argmap/labels.py (STANDING_LABELS).
  const MARKS = bar && bar.dataset.labels ? JSON.parse(bar.dataset.labels) : {};
  const WAIT = 250;  // ms after the last change (typing, or a burst of live events)
  const MIN_CHARS = 3;
  const el = window.argmapPage.el;
  const short = window.argmapPage.truncate;

  function api(method, path, payload) {
    return window.argmapPage.api(mapId, method, path, payload);
  }

  // The reason without its leading "out: " (the mark says that already).
  function because(why) {
    const colon = why.indexOf(": ");
    return colon >= 0 ? why.slice(colon + 2) : why;
  }

  // --- 1. Which claims stand ------------------------------------------------------------------

  const toggle = document.getElementById("standing-toggle");
  const status = document.getElementById("standing-status");
  const legend = document.getElementById("legend-standing");
  const KEY = "argmap-standing-" + mapId;
  const stand = { on: false, labels: null, why: null, revision: -1, asking: false,
    again: false, timer: null, pinned: null };
  const tip = el("div", { class: "standing-tip", id: "standing-tip", role: "tooltip" });
  tip.hidden = true;
  diagram.append(tip);

  function revisionNow() {
    const text = document.getElementById("revision");
    return text ? Number(text.dataset.revision) : 0;
  }

  // Ask again soon: after a burst of changes, once.
  function want(delay) {
    if (!stand.on) return;
    clearTimeout(stand.timer);
    stand.timer = setTimeout(ask, delay === undefined ? WAIT : delay);
  }

  function ask() {
    if (!stand.on) return;
    if (stand.asking) { stand.again = true; return; }
    stand.asking = true;
    stand.again = false;
    api("GET", "/acceptability").then((answer) => {
      stand.asking = false;
      if (!answer.ok) {
        say(answer.data.error || "Which claims stand could not be loaded.");
        if (answer.status === 0 || answer.status >= 500) want(3000);
        return;
      }
      if (answer.data.revision >= stand.revision) {
        stand.revision = answer.data.revision;
        stand.labels = answer.data.labels;
        stand.why = answer.data.why;
        draw();
      }
      if (stand.again || revisionNow() > stand.revision) want(0);
    });
  }

  function say(text) {
    if (status && status.textContent !== text) status.textContent = text;
  }

  // "2 in, 1 out, 0 undecided.": how many nodes have each label.
  function counts() {
    const found = {};
    for (const label of Object.keys(MARKS)) found[label] = 0;
    for (const label of Object.values(stand.labels || {})) found[label] += 1;
    return Object.entries(MARKS).map(([label, look]) => found[label] + " " + look.word)
      .join(", ") + ".";
  }

  function draw() {
    drawDiagram();
    drawOutline();
    if (!stand.on || !stand.labels) return;
    say(counts());  // said (politely) only when the counts change, not at every revision
  }

  // A mark at the top right corner of each drawn node, in a layer of its own above the nodes
  // (not inside a node: the node is a button named by its text). The layer is aria-hidden:
  // each node is described by its mark's title instead.
  function drawDiagram() {
    hideTip();
    for (const old of diagram.querySelectorAll("g.standing-layer")) old.remove();
    for (const g of diagram.querySelectorAll("g.node[aria-describedby]")) {
      const mine = g.getAttribute("aria-describedby").split(" ")
        .filter((id) => id && !id.startsWith("standing-why-"));
      if (mine.length) g.setAttribute("aria-describedby", mine.join(" "));
      else g.removeAttribute("aria-describedby");
    }
    const graph = diagram.querySelector(".svg-wrap svg g.graph");
    if (!stand.on || !stand.labels || !graph) return;
    const layer = document.createElementNS(SVGNS, "g");
    layer.setAttribute("class", "standing-layer");
    layer.setAttribute("aria-hidden", "true");
    for (const g of graph.querySelectorAll("g.node[id^='node-']")) {
      const id = g.id.slice(5);
      const label = stand.labels[id];
      if (!label) continue;
      const mark = diagramMark(g, id, label, stand.why[id]);
      if (!mark) continue;
      layer.append(mark);
      const described = g.getAttribute("aria-describedby");
      g.setAttribute("aria-describedby", (described ? described + " " : "") + "standing-why-" + id);
    }
    graph.append(layer);
    follow();
  }

  // A folded node's mark is hidden with it (static/canvas.js marks folded nodes "hid").
  function follow() {
    for (const mark of diagram.querySelectorAll("g.standing-layer > g.standing-mark")) {
      const g = document.getElementById("node-" + mark.dataset.node);
      const away = !g || g.classList.contains("hid");
      if (mark.classList.contains("hid") !== away) mark.classList.toggle("hid", away);
    }
  }

  function markFor(id) {
    return diagram.querySelector("g.standing-layer > g.standing-mark[data-node='" + id + "']");
  }

  function diagramMark(g, id, label, why) {
    const shape = g.querySelector("polygon, path");
    if (!shape) return null;
    const box = shape.getBBox();
    const look = MARKS[label];
    const text = look.sign + " " + look.word;
    const w = 6 + 6.2 * text.length, h = 16;
    // Above the box's top right corner: clear of the text and of the fold toggle (static/
    // canvas.js puts it at the middle of a side).
    const x = box.x + box.width - w - 2, y = box.y - h + 5;
    const mark = window.argmapDiagram.pill(
      { class: "standing-mark standing-" + label + " panzoom-exclude", "data-node": id },
      { x: x, y: y, width: w, height: h, rx: 3, drop: 3.5 }, text);
    const title = document.createElementNS(SVGNS, "title");
    title.id = "standing-why-" + id;
    title.textContent = look.name + ": " + because(why);
    mark.prepend(title);
    return mark;
  }

  // In the outline: the mark after the kind badge, the reason on a line of its own.
  function drawOutline() {
    const box = document.getElementById("outline");
    if (!box) return;
    for (const li of box.querySelectorAll("li[data-node]")) outlineMark(li);
  }

  function outlineMark(li) {
    const id = li.dataset.node;
    const label = stand.on && stand.labels ? stand.labels[id] : null;
    let mark = li.querySelector(":scope > .standing-mark");
    let line = li.querySelector(":scope > .standing-why");
    if (!label) {
      if (mark) mark.remove();
      if (line) line.remove();
      return;
    }
    const look = MARKS[label], why = because(stand.why[id]);
    const key = label + "\n" + why;
    if (mark && mark.dataset.key === key && line) return;
    if (!mark) {
      mark = el("span");
      const badge = li.querySelector(":scope > .badge");
      if (badge) badge.after(mark); else li.prepend(mark);
    }
    mark.className = "standing-mark standing-" + label;
    mark.dataset.key = key;
    mark.title = look.name + ": " + why;
    mark.textContent = look.sign + " " + look.word;
    if (!line) {
      line = el("span", { class: "standing-why" });
      const group = li.querySelector(":scope > ul");
      li.insertBefore(line, group);
    }
    line.className = "standing-why standing-" + label;
    line.textContent = look.name + ": " + why;
  }

  // The visible tooltip over the diagram: on hover, on a node's focus, on a tap on the mark.
  function showTip(id, anchor) {
    if (!stand.on || !stand.labels || !stand.labels[id]) { hideTip(); return; }
    const label = stand.labels[id];
    tip.className = "standing-tip standing-" + label;
    tip.replaceChildren(el("strong", {}, MARKS[label].sign + " " + MARKS[label].name),
      " " + because(stand.why[id]));
    tip.dataset.node = id;
    tip.hidden = false;
    const frame = diagram.getBoundingClientRect();
    const at = anchor.getBoundingClientRect();
    const width = Math.min(320, frame.width - 8);
    tip.style.width = width + "px";
    tip.style.left = Math.max(4, Math.min(at.left - frame.left, frame.width - width - 4)) + "px";
    tip.style.top = Math.max(0, at.bottom - frame.top + 4) + "px";
  }

  function hideTip() {
    tip.hidden = true;
    stand.pinned = null;
  }

  function markOf(target) {
    return target && target.closest ? target.closest("g.standing-mark") : null;
  }

  diagram.addEventListener("pointerover", (event) => {
    const mark = markOf(event.target);
    if (mark) showTip(mark.dataset.node, mark);
  });
  diagram.addEventListener("pointerout", (event) => {
    const mark = markOf(event.target);
    if (mark && !mark.contains(event.relatedTarget) && stand.pinned === null) hideTip();
  });
  // A tap or click on a mark shows (or hides) its reason and does not select the node.
  diagram.addEventListener("click", (event) => {
    const mark = markOf(event.target);
    if (!mark) {
      if (stand.pinned !== null && !tip.contains(event.target)) hideTip();
      return;
    }
    event.stopPropagation();
    event.preventDefault();
    const id = mark.dataset.node;
    if (stand.pinned === id && !tip.hidden) { hideTip(); return; }
    showTip(id, mark);
    stand.pinned = id;
  }, true);
  diagram.addEventListener("focusin", (event) => {
    const g = event.target.closest && event.target.closest("g.node[id^='node-']");
    const mark = g && markFor(g.id.slice(5));
    if (mark) showTip(mark.dataset.node, mark);
  });
  diagram.addEventListener("focusout", (event) => {
    if (!diagram.contains(event.relatedTarget) || !markOf(event.relatedTarget)) {
      if (stand.pinned === null) hideTip();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !tip.hidden) hideTip();
  });
  // Moving the drawing leaves the tip behind: it goes.
  const moving = diagram.querySelector(".svg-wrap");
  if (moving) moving.addEventListener("panzoomchange", () => { if (!tip.hidden) hideTip(); });

  function setOn(on, remember) {
    stand.on = on;
    if (toggle) toggle.checked = on;
    if (legend) legend.hidden = !on;
    diagram.classList.toggle("standing-on", on);
    if (remember) {
      try {
        if (on) window.localStorage.setItem(KEY, "1"); else window.localStorage.removeItem(KEY);
      } catch (e) { /* private browsing: not remembered */ }
    }
    if (!on) { clearTimeout(stand.timer); say(""); draw(); return; }
    if (stand.labels && stand.revision >= revisionNow()) draw();
    else { say("Finding which claims stand…"); want(0); }
  }

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  if (toggle) {
    document.getElementById("standing-switch").hidden = false;
    toggle.addEventListener("change", () => setOn(toggle.checked, true));
    setOn(remembered(), false);
  }

  // A new revision of the page's copy: the outline was patched (marks for new items now,
  // with the labels known), then the labels of the new revision, unless nothing drawn
  // changed (a vote, a comment): those change no label.
  document.addEventListener("argmap:patched", (event) => {
    if (!stand.on) return;
    drawOutline();
    if (event.detail && event.detail.drawn === false) return;
    if (revisionNow() > stand.revision) want();
  });
  // A new drawing (live.js or canvas.js put a new SVG in the stage): marks again. A fold
  // (a node's class): its marks follow.
  const stage = diagram.querySelector(".svg-wrap");
  if (stage && window.MutationObserver) {
    new MutationObserver((records) => {
      if (!stand.on) return;
      if (records.some((r) => r.type === "childList" && r.target === stage)) drawDiagram();
      else if (records.some((r) => r.type === "attributes" && r.target.matches("g.node"))) follow();
    }).observe(stage, { childList: true, subtree: true, attributes: true,
      attributeFilter: ["class"] });
  }

  // --- 2. "Is this the same as ...?" -----------------------------------------------------------

  const KIND_WORDS = { support: "pro", counter: "con" };
  const hints = new WeakMap();  // field -> its hint box and request state

  // What the field adds: under which node, as what (read when needed: the radio may change).
  function intent(field) {
    const box = field.closest(".inline-edit");
    if (box && (box.classList.contains("inline-support") || box.classList.contains("inline-counter"))) {
      return { parent: Number(box.dataset.for),
        kind: box.classList.contains("inline-support") ? "support" : "counter", undercut: false };
    }
    const form = field.form;
    if (!form) return null;
    if (form.dataset.form === "add" && form.elements.parent_id) {
      const kind = form.querySelector("input[name=kind]:checked");
      const undercut = form.querySelector("input[name=undercut]");
      return { parent: Number(form.elements.parent_id.value),
        kind: kind ? kind.value : "support", undercut: Boolean(undercut && undercut.checked) };
    }
    if (form.dataset.form === "claim") return { parent: null, kind: "claim", undercut: false };
    return null;
  }

  function hintBox(field) {
    let found = hints.get(field);
    if (found && found.box.isConnected) return found;
    const box = el("div", { class: "similar" });
    const line = el("p", { class: "similar-say", role: "status", "aria-live": "polite" });
    const list = el("ul", { class: "similar-list", "aria-label": "Existing nodes like yours" });
    const message = el("p", { class: "similar-message", role: "status", "aria-live": "polite" });
    box.append(line, list, message);
    // After the field's character count; outside a <label>: its buttons are no part of it.
    const label = field.closest("label");
    const after = label || (field.nextElementSibling && field.nextElementSibling.matches(".char-count")
      ? field.nextElementSibling : field);
    after.after(box);
    found = Object.assign(found || { timer: null, asking: false, again: false, shown: "" },
      { box: box, line: line, list: list, message: message });
    hints.set(field, found);
    return found;
  }

  function typed(field) {
    return field.value.trim();
  }

  function schedule(field) {
    const hint = hintBox(field);
    clearTimeout(hint.timer);
    if (Array.from(typed(field)).length < MIN_CHARS) { clearHints(hint); return; }
    hint.timer = setTimeout(() => lookUp(field), WAIT);
  }

  function clearHints(hint) {
    hint.shown = "";
    hint.list.replaceChildren();
    if (hint.line.textContent) hint.line.textContent = "";
    hint.box.classList.remove("has-hints");
  }

  // One request at a time per field; an answer for text no longer in the field is dropped.
  function lookUp(field) {
    const hint = hintBox(field);
    const text = typed(field);
    if (Array.from(text).length < MIN_CHARS) { clearHints(hint); return; }
    if (text === hint.shown) return;
    if (hint.asking) { hint.again = true; return; }
    hint.asking = true;
    hint.again = false;
    api("GET", "/similar?text=" + encodeURIComponent(text.slice(0, 1000))).then((answer) => {
      hint.asking = false;
      if (answer.ok && typed(field) === text) showHints(field, hint, text, answer.data.results);
      if (hint.again) lookUp(field);
    });
  }

  function showHints(field, hint, text, results) {
    hint.shown = text;
    const wanted = intent(field);
    if (!results.length) { clearHints(hint); hint.shown = text; return; }
    const say = results.length === 1 ? "1 existing node says something like this:"
      : results.length + " existing nodes say something like this:";
    if (hint.line.textContent !== say) hint.line.textContent = say;
    hint.box.classList.add("has-hints");
    hint.list.replaceChildren(...results.map((node) => hintItem(field, hint, node, wanted)));
  }

  function hintItem(field, hint, node, wanted) {
    const li = el("li", { class: "similar-item", "data-node": node.id });
    const words = el("p", { class: "similar-text" });
    const badge = window.argmapPage.kindLabels[node.kind];
    words.append(el("span", { class: "badge badge-" + badge.toLowerCase() }, badge), " ",
      el("span", { class: "similar-words" }, short(node.text, 160)));
    li.append(words);
    const row = el("div", { class: "similar-buttons" });
    const open = el("a", { href: "/maps/" + mapId + "?node=" + node.id + "#node-" + node.id,
      target: "_blank", rel: "noopener", class: "similar-open",
      "aria-label": "Open “" + short(node.text, 60) + "” in a new tab" }, "Open ↗");
    row.append(open);
    if (wanted && wanted.parent !== null && node.id === wanted.parent) {
      row.append(el("span", { class: "hint" }, "the node you are answering"));
    } else if (wanted && wanted.parent !== null) {
      const kind = KIND_WORDS[wanted.kind] || "pro";
      const button = el("button", { type: "button", class: "similar-link",
        "aria-label": "Link to this instead: “" + short(node.text, 60) + "” as a " + kind
          + ", not your text as a new node" }, "Link to this instead");
      button.addEventListener("click", () => linkInstead(field, hint, node, button));
      row.append(button);
    }
    li.append(row);
    return li;
  }

  // A link from the existing node to the intended parent, with the pro's or con's relation.
  function linkInstead(field, hint, node, button) {
    const wanted = intent(field);
    if (!wanted || wanted.parent === null) return;
    const relation = wanted.kind === "counter" ? "counter" : "support";
    button.disabled = true;
    const payload = { from_id: node.id, to_id: wanted.parent, relation: relation };
    if (wanted.undercut) payload.undercut = true;
    api("POST", "/links", payload).then((answer) => {
      hint.message.classList.toggle("error", !answer.ok);
      if (!answer.ok) {
        button.disabled = false;
        hint.message.textContent = (answer.data.error || "Not linked.") + " Your text is kept.";
        return;
      }
      button.textContent = "Linked ✓";
      hint.message.textContent = "Linked: “" + short(node.text, 60) + "” now "
        + (relation === "counter" ? "objects to" : "supports") + " it; nothing new was added."
        + " Your text is still in the field: clear it, or add it anyway.";
    });
  }

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!field.matches || !field.matches("textarea[name=text]") || !intent(field)) return;
    schedule(field);
  });
})();
