// The map page's diagram as a canvas: select a node by clicking it; pan by dragging, zoom
// with the wheel, a pinch, the buttons or the keys + - 0 1 (@panzoom/panzoom does the
// moving); fold branches (here and in the outline), show one branch alone, an overview to
// drag, and the reader's direction. The view, folds and direction are kept per map in this
// browser (localStorage) and across new drawings (static/live.js calls remember/prepare).
//
// Folding hides the folded nodes' SVG groups in the drawing the page has: measured on a
// 2,000-node map, hiding a branch takes milliseconds while a drawing of its own per folded
// set would cost a Graphviz run each (about a second at that size) and a stored drawing per
// reader's set (see README, "Big maps").
(function () {
  "use strict";
  const diagram = document.getElementById("diagram");
  if (!diagram) return;
  const SVGNS = "http://www.w3.org/2000/svg";
  const COLOURS = { claim: "#0072B2", support: "#009E73", counter: "#D55E00",
    rebuttal: "#CC79A7" };
  const mapId = diagram.dataset.map;
  const selected = diagram.dataset.selected ? Number(diagram.dataset.selected) : null;
  const view = document.getElementById("canvas-view");
  const stage = diagram.querySelector(".svg-wrap");
  const tools = document.getElementById("canvas-tools");
  const status = document.getElementById("canvas-status");
  const KEY = "argmap-canvas-" + mapId;

  // Selecting and labelling nodes is static/map.js's; its prepare runs on each drawing.
  const base = window.argmapDiagram;
  function label() {
    if (base && base.prepare) base.prepare();
  }

  // Without the pan/zoom library the drawing scrolls in its box, as before.
  if (!window.Panzoom || !base || !view || !stage || !tools) return;

  // --- What this browser keeps for this map ----------------------------------------------

  function stored() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {}; } catch (e) {
      return {};
    }
  }
  const kept = stored();
  const state = {
    direction: kept.direction === "bt" ? "bt" : "rl",
    folded: new Set(Array.isArray(kept.folded) ? kept.folded.map(Number) : []),
    alone: typeof kept.alone === "number" ? kept.alone : null,
    layout: new Map(), junctions: new Map(), edges: [], hidden: new Set(), near: new Set(),
    saveTimer: null,
    moved: false, down: null, frame: 0,
  };

  function keep() {
    clearTimeout(state.saveTimer);
    state.saveTimer = null;
    const c = centre();
    const value = { scale: pz.getScale(), cx: c.x, cy: c.y, direction: state.direction,
      folded: Array.from(state.folded), alone: state.alone };
    try { window.localStorage.setItem(KEY, JSON.stringify(value)); } catch (e) { /* private */ }
  }

  // Moving writes the view 200 ms after it stops; leaving the page writes it at once.
  function save() {
    clearTimeout(state.saveTimer);
    state.saveTimer = setTimeout(keep, 200);
  }
  window.addEventListener("pagehide", () => { if (state.saveTimer) keep(); });

  // --- Pan and zoom -------------------------------------------------------------------------

  diagram.classList.add("canvas");
  tools.hidden = false;
  view.setAttribute("tabindex", "0");
  view.setAttribute("aria-label", "Diagram: drag to move, + and - to zoom, 0 to fit");
  const pz = window.Panzoom(stage, {
    canvas: true, minScale: 0.02, maxScale: 4, step: 0.25, cursor: "grab",
    handleStartEvent: (event) => event.preventDefault(),
  });

  function half() {
    return { x: stage.offsetWidth / 2, y: stage.offsetHeight / 2 };
  }

  // The stage point at the middle of the box. Panzoom draws `scale(s) translate(t)` about
  // the stage's centre o: a stage point p shows at o + s * (p + t - o).
  function centre() {
    const s = pz.getScale(), t = pz.getPan(), o = half();
    return { x: (view.clientWidth / 2 - o.x) / s + o.x - t.x,
      y: (view.clientHeight / 2 - o.y) / s + o.y - t.y };
  }

  // Show the stage point p in the middle of the box at scale s.
  function look(p, s) {
    const scale = Math.min(4, Math.max(0.02, s));
    const o = half();
    pz.zoom(scale, { animate: false, force: true });
    pz.pan((view.clientWidth / 2 - o.x) / scale + o.x - p.x,
      (view.clientHeight / 2 - o.y) / scale + o.y - p.y, { animate: false, force: true });
    changed();
  }

  function zoomBy(factor) {
    look(centre(), pz.getScale() * factor);
  }

  // The box around what is shown (every node not folded away), in stage points.
  function shownBounds() {
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (const [id, r] of state.layout) {
      if (state.hidden.has(id)) continue;
      left = Math.min(left, r.x); top = Math.min(top, r.y);
      right = Math.max(right, r.x + r.w); bottom = Math.max(bottom, r.y + r.h);
    }
    if (left === Infinity) return { x: 0, y: 0, w: stage.offsetWidth, h: stage.offsetHeight };
    return { x: left, y: top, w: right - left, h: bottom - top };
  }

  function fit() {
    const b = shownBounds();
    const s = Math.min(view.clientWidth / (b.w + 24), view.clientHeight / (b.h + 24), 1.5);
    look({ x: b.x + b.w / 2, y: b.y + b.h / 2 }, s);
  }

  // A node's box on the screen, relative to the box's top-left corner.
  function onScreen(r) {
    const s = pz.getScale(), t = pz.getPan(), o = half();
    return { x: o.x + s * (r.x + t.x - o.x), y: o.y + s * (r.y + t.y - o.y),
      w: r.w * s, h: r.h * s };
  }

  // Bring a node into the box (panning only, inside the canvas), unless it is there already.
  function reveal(id) {
    const r = state.layout.get(id);
    if (!r || state.hidden.has(id)) return;
    const at = onScreen(r);
    const inside = at.x >= 0 && at.y >= 0 && at.x + at.w <= view.clientWidth
      && at.y + at.h <= view.clientHeight;
    if (!inside) look({ x: r.x + r.w / 2, y: r.y + r.h / 2 }, Math.max(pz.getScale(), 0.5));
  }

  // A first view: the whole map if its text stays readable, else the thesis at a readable size.
  function firstView() {
    fit();
    if (pz.getScale() >= 0.45) return;
    const thesis = selected !== null && state.layout.has(selected) ? selected
      : firstClaim();
    const r = state.layout.get(thesis);
    if (r) look({ x: r.x + r.w / 2, y: r.y + r.h / 2 }, 0.75);
  }

  function firstClaim() {
    const g = stage.querySelector("g.node.kind-claim:not(.hid)");
    return g ? Number(g.id.slice(5)) : null;
  }

  function changed() {
    if (state.frame) return;
    state.frame = window.requestAnimationFrame(() => {
      state.frame = 0;
      nearText();
      drawOverview();
    });
    save();
  }

  // --- On a big drawing, the text of the nodes near the view only ---------------------------
  //
  // Laying out the nodes' lines of text is most of what a browser spends on a new drawing:
  // measured in Chromium on a 2,000-node map, 1.5 s of layout with the text against 0.2 s
  // without. From FAR_TEXT_AT nodes, a node's text is laid out (class "near", canvas.css)
  // only while the node stands in the view or half a view around it, at a scale where text
  // can be read; the nodes keep their names (aria-label), and a printout shows every text.
  // FAR_TEXT_AT is the server's (web.mappage.NEAR_VIEW_AT), given on the page.
  const FAR_TEXT_AT = Number(diagram.dataset.nearViewAt) || Infinity, READABLE = 0.3;

  // Before a new drawing's first layout: does it show text near the view only?
  function sparseText() {
    const big = stage.querySelectorAll("g.node").length >= FAR_TEXT_AT;
    if (diagram.classList.contains("far-text") !== big) diagram.classList.toggle("far-text", big);
    state.near = new Set();  // a new drawing's nodes are not marked yet
  }

  function nearText() {
    if (!diagram.classList.contains("far-text")) return;
    const s = pz.getScale(), want = new Set();
    if (s >= READABLE) {
      const c = centre(), w = view.clientWidth / s, h = view.clientHeight / s;
      for (const [id, r] of state.layout) {
        if (r.x < c.x + w && r.x + r.w > c.x - w && r.y < c.y + h && r.y + r.h > c.y - h) want.add(id);
      }
    }
    for (const id of state.near) {
      const r = state.layout.get(id);
      if (!want.has(id) && r) r.el.classList.remove("near");
    }
    for (const id of want) if (!state.near.has(id)) state.layout.get(id).el.classList.add("near");
    state.near = want;
  }

  stage.addEventListener("panzoomchange", changed);
  view.addEventListener("wheel", pz.zoomWithWheel, { passive: false });
  // The browser may scroll the box to an anchor (#node-7): the canvas moves only by panning.
  view.addEventListener("scroll", () => { view.scrollLeft = 0; view.scrollTop = 0; });

  // A drag is not a click: a node dragged on is not selected.
  view.addEventListener("pointerdown", (event) => {
    state.down = { x: event.clientX, y: event.clientY };
    state.moved = false;
  }, true);
  document.addEventListener("pointermove", (event) => {
    if (state.down && Math.hypot(event.clientX - state.down.x, event.clientY - state.down.y) > 6) {
      state.moved = true;
    }
  }, { passive: true });
  document.addEventListener("pointerup", () => { state.down = null; }, { passive: true });
  view.addEventListener("click", (event) => {
    if (!state.moved) return;
    state.moved = false;
    event.stopPropagation();
    event.preventDefault();
  }, true);

  const PAN = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  view.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = { "+": () => zoomBy(1.25), "=": () => zoomBy(1.25), "-": () => zoomBy(0.8),
      "_": () => zoomBy(0.8), "0": fit, "1": () => look(centre(), 1) };
    let act = actions[event.key];
    if (!act && PAN[event.key] && event.target === view) {
      const [dx, dy] = PAN[event.key];
      act = () => {
        const c = centre(), s = pz.getScale();
        look({ x: c.x - dx * 80 / s, y: c.y - dy * 80 / s }, s);
      };
    }
    if (!act) return;
    event.preventDefault();
    act();
  });

  function button(id, action) {
    const element = document.getElementById(id);
    if (element) element.addEventListener("click", action);
    return element;
  }
  button("zoom-in", () => zoomBy(1.25));
  button("zoom-out", () => zoomBy(0.8));
  button("zoom-fit", fit);
  button("zoom-one", () => look(centre(), 1));
  const directionButton = button("direction-toggle", () => {
    state.direction = state.direction === "rl" ? "bt" : "rl";
    save();
    redraw(true);
  });
  const foldButton = button("fold-selected", () => { if (selected !== null) toggleFold(selected); });
  const aloneButton = button("branch-alone", () => {
    state.alone = state.alone === selected ? null : selected;
    apply();
    fit();
  });
  const unfoldButton = button("unfold-all", () => { state.folded.clear(); apply(); });
  const wholeButton = button("whole-map", () => { state.alone = null; apply(); fit(); });

  // --- The drawing: measured once, then folds hide parts of it ----------------------------

  // Change the page only where it differs: each write would make the browser restyle.
  function attr(element, name, value) {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  function words(element, value) {
    if (element.textContent !== value) element.textContent = value;
  }

  function title(g) {
    if (g.dataset.name) return g.dataset.name;  // map.js moved a node's <title> here
    const t = g.querySelector("title");
    return t ? t.textContent.trim() : "";
  }

  // Every node's box in stage points, the junctions and the edges with their ends.
  function measure() {
    state.layout = new Map();
    state.junctions = new Map();
    state.edges = [];
    // The scale the page shows now (panzoom applies a change at the next frame).
    const origin = stage.getBoundingClientRect();
    const s = origin.width / Math.max(1, stage.offsetWidth) || pz.getScale();
    for (const g of stage.querySelectorAll("g.node")) {
      const name = title(g);
      if (!/^n\d+$/.test(name)) { state.junctions.set(name, { el: g, into: [], out: [] }); continue; }
      const r = g.getBoundingClientRect();
      const kind = g.classList.contains("role-rebuttal") ? "rebuttal"
        : (Array.from(g.classList).find((c) => c.startsWith("kind-")) || "kind-claim").slice(5);
      state.layout.set(Number(name.slice(1)), { el: g, kind: kind,
        x: (r.left - origin.left) / s, y: (r.top - origin.top) / s, w: r.width / s, h: r.height / s });
    }
    for (const g of stage.querySelectorAll("g.edge")) {
      const ends = title(g).split("->");
      if (ends.length !== 2) continue;
      state.edges.push({ el: g, from: ends[0], to: ends[1] });
      if (state.junctions.has(ends[1])) state.junctions.get(ends[1]).into.push(ends[0]);
      if (state.junctions.has(ends[0])) state.junctions.get(ends[0]).out.push(ends[1]);
    }
  }

  // A node's children: from the page's copy of the map (static/mapdata.js), else the outline.
  function kidsOf() {
    const live = window.argmapLive && window.argmapLive.state.at;
    if (live) return (id) => (live.kids.get(id) || []).map((n) => n.id);
    return (id) => Array.from(document.querySelectorAll("#o-" + id + " > ul > li[data-node]"))
      .map((li) => Number(li.dataset.node));
  }

  function below(id, kids) {
    const found = new Set();
    const todo = [id];
    while (todo.length) {
      for (const kid of kids(todo.pop())) {
        if (!found.has(kid)) { found.add(kid); todo.push(kid); }
      }
    }
    return found;
  }

  // How many nodes stand under each node, counted once per change (memo over the tree).
  function sizes(kids) {
    const memo = new Map();
    function size(id) {
      if (memo.has(id)) return memo.get(id);
      memo.set(id, 0);  // a cycle (never in a map) counts nothing
      let total = 0;
      for (const kid of kids(id)) total += 1 + size(kid);
      memo.set(id, total);
      return total;
    }
    return size;
  }

  function hiddenNodes(kids) {
    const hidden = new Set();
    for (const id of state.folded) for (const n of below(id, kids)) hidden.add(n);
    if (state.alone !== null) {
      const keep = below(state.alone, kids);
      keep.add(state.alone);
      for (const id of state.layout.keys()) if (!keep.has(id)) hidden.add(id);
    }
    return hidden;
  }

  // Hide what the folds and "branch alone" leave out, in the drawing and the outline.
  function apply() {
    const kids = kidsOf();
    state.hidden = hiddenNodes(kids);
    const gone = (name) => {
      if (/^n\d+$/.test(name)) return state.hidden.has(Number(name.slice(1)));
      const j = state.junctions.get(name);
      return !!j && (j.out.some(gone) || (j.into.length > 0 && j.into.every(gone)));
    };
    const hide = (el, value) => {
      if (el.classList.contains("hid") !== value) el.classList.toggle("hid", value);
    };
    for (const [id, r] of state.layout) hide(r.el, state.hidden.has(id));
    for (const [name, j] of state.junctions) hide(j.el, gone(name));
    for (const e of state.edges) hide(e.el, gone(e.from) || gone(e.to));
    const size = sizes(kids);
    toggles(size);
    outline(size);
    controls(kids);
    changed();
  }

  function toggleFold(id) {
    if (state.folded.has(id)) state.folded.delete(id); else state.folded.add(id);
    apply();
  }

  // A toggle beside each node with reasons, where they hang: "−" folds, "+N" unfolds. The
  // toggles stand in a layer of their own, not inside the node (itself a button).
  function toggles(size) {
    const graph = stage.querySelector("g.graph");
    if (!graph) return;
    let layer = graph.querySelector(":scope > g.fold-layer");
    if (!layer) {
      layer = document.createElementNS(SVGNS, "g");
      layer.setAttribute("class", "fold-layer");
      graph.append(layer);
    }
    const made = new Map(Array.from(layer.children, (t) => [Number(t.dataset.node), t]));
    // Read every new toggle's box before adding any: a read after a write lays the page out
    // again, once per toggle (a second at 2,000 nodes).
    const wanted = [], unwanted = [];
    for (const [id, r] of state.layout) {
      const count = size(id);
      const t = made.get(id);
      if (!count) { if (t) unwanted.push(t); continue; }
      wanted.push({ id: id, count: count, t: t, box: t ? null : toggleBox(r.el) });
    }
    for (const t of unwanted) t.remove();
    const fresh = document.createDocumentFragment();
    for (const want of wanted) {
      const t = want.t || fresh.appendChild(makeToggle(want.box, want.id));
      const folded = state.folded.has(want.id), count = want.count;
      const away = state.hidden.has(want.id);
      if (t.classList.contains("hid") !== away) t.classList.toggle("hid", away);
      if (t.classList.contains("folded") !== folded) t.classList.toggle("folded", folded);
      attr(t, "aria-expanded", folded ? "false" : "true");
      attr(t, "aria-label", (folded ? "Unfold " : "Fold ") + count
        + (count === 1 ? " node" : " nodes") + " under this one");
      words(t.lastChild, folded ? "+" + count : "−");
    }
    layer.append(fresh);
  }

  // Where a node's toggle stands: on its right edge (on its top edge when drawn bottom-up).
  function toggleBox(group) {
    const b = (group.querySelector("polygon, path") || group).getBBox();
    const w = 26, h = 16;
    return state.direction === "bt"
      ? { x: b.x + b.width / 2 - w / 2, y: b.y - h / 2, width: w, height: h, rx: 8 }
      : { x: b.x + b.width - w / 2, y: b.y + b.height / 2 - h / 2, width: w, height: h, rx: 8 };
  }

  function makeToggle(box, id) {
    return base.pill({ class: "fold-toggle panzoom-exclude", tabindex: "0", role: "button",
      "data-node": id }, box, "");
  }

  function foldTarget(event) {
    const t = event.target.closest ? event.target.closest("g.fold-toggle") : null;
    return t ? Number(t.dataset.node) : null;
  }
  view.addEventListener("click", (event) => {
    const id = foldTarget(event);
    if (id === null) return;
    event.stopPropagation();
    toggleFold(id);
  }, true);
  view.addEventListener("keydown", (event) => {
    const id = foldTarget(event);
    if (id === null || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    event.stopPropagation();
    toggleFold(id);
  }, true);

  // The tool buttons and the line that says what is folded.
  function controls(kids) {
    const hasKids = selected !== null && kids(selected).length > 0;
    foldButton.disabled = !hasKids;
    foldButton.textContent = selected !== null && state.folded.has(selected) ? "Unfold" : "Fold";
    foldButton.setAttribute("aria-pressed", state.folded.has(selected) ? "true" : "false");
    aloneButton.disabled = selected === null || !state.layout.has(selected);
    aloneButton.setAttribute("aria-pressed", state.alone === selected ? "true" : "false");
    unfoldButton.hidden = state.folded.size === 0;
    wholeButton.hidden = state.alone === null;
    directionButton.setAttribute("aria-pressed", state.direction === "bt" ? "true" : "false");
    const parts = [];
    if (state.alone !== null) parts.push("Showing one branch.");
    const folded = Array.from(state.folded).filter((id) => kids(id).length);
    if (folded.length) {
      parts.push(folded.length + (folded.length === 1 ? " branch" : " branches") + " folded.");
    }
    status.textContent = parts.join(" ");
  }

  // --- The outline: a fold button before each item with reasons, a count when folded ------

  const outlineBox = document.getElementById("outline");
  let outlinePending = false;
  const watcher = !window.MutationObserver ? null : new MutationObserver(() => {
    if (outlinePending) return;
    outlinePending = true;
    window.requestAnimationFrame(() => { outlinePending = false; outline(sizes(kidsOf())); });
  });

  function outline(size) {
    if (!outlineBox) return;
    if (watcher) watcher.disconnect();
    for (const li of outlineBox.querySelectorAll("li[data-node]")) {
      const id = Number(li.dataset.node);
      const group = li.querySelector(":scope > ul");
      let fold = li.querySelector(":scope > button.fold");
      let badge = li.querySelector(":scope > .fold-badge");
      if (!group) {
        if (fold) fold.remove();
        if (badge) badge.remove();
        continue;
      }
      const folded = state.folded.has(id);
      const count = size(id);
      if (!fold) {  // right before the kind badge, its arrow drawn by canvas.css: no text
        fold = document.createElement("button");
        fold.type = "button";
        fold.className = "fold";
        li.insertBefore(fold, li.querySelector(":scope > .badge") || li.firstChild);
      }
      attr(fold, "aria-expanded", folded ? "false" : "true");
      attr(fold, "aria-label", (folded ? "Unfold " : "Fold ") + count
        + (count === 1 ? " node" : " nodes"));
      if (group.hidden !== folded) group.hidden = folded;
      if (folded && !badge) {
        badge = document.createElement("span");
        badge.className = "fold-badge";
        const link = li.querySelector(":scope > a");
        if (link) link.after(badge); else group.before(badge);
      }
      if (!folded && badge) badge.remove();
      if (folded) words(badge, count + " folded");
    }
    if (watcher) watcher.observe(outlineBox, { childList: true, subtree: true });
  }

  if (outlineBox) {
    outlineBox.addEventListener("click", (event) => {
      const fold = event.target.closest("button.fold");
      if (!fold) return;
      toggleFold(Number(fold.closest("li[data-node]").dataset.node));
    });
  }

  // --- The overview ------------------------------------------------------------------------

  const overview = document.createElement("div");
  overview.className = "minimap panzoom-exclude";
  overview.setAttribute("aria-hidden", "true");
  const sketch = document.createElement("canvas");
  overview.append(sketch);
  view.append(overview);

  function overviewScale() {
    const room = view.clientWidth < 500 ? [110, 80] : [180, 120];
    return Math.min(room[0] / Math.max(1, stage.offsetWidth), room[1] / Math.max(1, stage.offsetHeight));
  }

  function drawOverview() {
    const m = overviewScale();
    const width = Math.max(20, Math.round(stage.offsetWidth * m));
    const height = Math.max(20, Math.round(stage.offsetHeight * m));
    if (sketch.width !== width) sketch.width = width;
    if (sketch.height !== height) sketch.height = height;
    const pen = sketch.getContext("2d");
    pen.clearRect(0, 0, width, height);
    for (const [id, r] of state.layout) {
      if (state.hidden.has(id)) continue;
      pen.fillStyle = COLOURS[r.kind] || "#555";
      pen.fillRect(r.x * m, r.y * m, Math.max(1, r.w * m), Math.max(1, r.h * m));
    }
    const s = pz.getScale(), c = centre();
    const w = view.clientWidth / s, h = view.clientHeight / s;
    pen.strokeStyle = "#000";
    pen.lineWidth = 1.5;
    pen.strokeRect((c.x - w / 2) * m, (c.y - h / 2) * m, w * m, h * m);
  }

  function follow(event) {
    const box = sketch.getBoundingClientRect(), m = overviewScale();
    look({ x: (event.clientX - box.left) / m, y: (event.clientY - box.top) / m }, pz.getScale());
  }
  overview.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    event.stopPropagation();
    overview.setPointerCapture(event.pointerId);
    overview.dataset.dragging = "1";
    follow(event);
  });
  overview.addEventListener("pointermove", (event) => {
    if (overview.dataset.dragging) follow(event);
  });
  overview.addEventListener("pointerup", () => { delete overview.dataset.dragging; });
  overview.addEventListener("click", (event) => event.stopPropagation());

  // --- New drawings: another revision (live.js) or the other direction ---------------------

  function shownDirection() {
    const g = stage.querySelector("g.graph");
    return g && g.classList.contains("dir-bt") ? "bt" : "rl";
  }

  // What to keep of the view before a new drawing replaces this one: the node nearest the
  // middle, where it shows, and the scale; null while no drawing was shown (a big map's
  // drawing comes by URL after the page).
  function remember() {
    if (!state.layout.size) return null;
    const c = centre();
    let best = null, distance = Infinity;
    for (const [id, r] of state.layout) {
      if (state.hidden.has(id)) continue;
      const d = Math.hypot(r.x + r.w / 2 - c.x, r.y + r.h / 2 - c.y);
      if (d < distance) { best = { id: id, x: r.x + r.w / 2, y: r.y + r.h / 2 }; distance = d; }
    }
    return { centre: c, scale: pz.getScale(), anchor: best, direction: shownDirection() };
  }

  // Take in a drawing now in the stage; `keep` (from remember) holds the view where it was.
  function prepare(keep) {
    const first = !state.layout.size;
    label();
    sparseText();
    measure();
    apply();
    if (!keep && first) restore();  // the first drawing the page shows: its first view
    if (keep && keep.direction === shownDirection()) {
      const now = keep.anchor && state.layout.get(keep.anchor.id);
      const c = keep.centre;
      if (now) {
        look({ x: c.x + now.x + now.w / 2 - keep.anchor.x, y: c.y + now.y + now.h / 2 - keep.anchor.y },
          keep.scale);
      } else {
        look(c, keep.scale);
      }
    }
    nearText();
    if (shownDirection() !== state.direction) redraw(false);
  }

  function redraw(refit) {
    const url = new URL("/maps/" + mapId + "/diagram.svg", window.location.href);
    if (selected !== null) url.searchParams.set("node", selected);
    url.searchParams.set("direction", state.direction);
    diagram.classList.add("loading");
    fetch(url, { credentials: "same-origin", headers: { Accept: "image/svg+xml" } })
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then((svg) => {
        if (url.searchParams.get("direction") !== state.direction) return;
        const start = svg.indexOf("<svg");
        stage.innerHTML = start >= 0 ? svg.slice(start) : svg;
        diagram.dataset.direction = state.direction;
        diagram.classList.remove("loading");
        prepare(null);
        if (refit) firstView(); else restore();
      })
      .catch(() => {
        diagram.classList.remove("loading");
        status.textContent = "The diagram could not be drawn that way just now: try again.";
      });
  }

  // A selected node is never folded away: the folds above it open, "branch alone" ends
  // if it stands outside that branch (its ancestors read from the outline's nesting).
  function unhide(id) {
    if (!state.hidden.has(id)) return;
    const item = document.getElementById("o-" + id);
    for (let up = item && item.parentElement.closest("li[data-node]"); up;
      up = up.parentElement.closest("li[data-node]")) {
      state.folded.delete(Number(up.dataset.node));
      if (state.alone === Number(up.dataset.node)) return apply();
    }
    if (state.alone !== null && state.alone !== id) state.alone = null;
    apply();
  }

  // The view this browser kept for the map, or a first view; the selection brought in.
  function restore() {
    if (!state.layout.size) return;  // nothing drawn yet: no view to place or keep
    if (selected !== null) unhide(selected);
    const saved = stored();
    if (typeof saved.scale === "number" && typeof saved.cx === "number") {
      look({ x: saved.cx, y: saved.cy }, saved.scale);
    } else {
      firstView();
    }
    if (selected !== null) reveal(selected);
  }

  // An address ending in #node-7 may have scrolled the page: the canvas shows the node.
  function settlePage() {
    if (!/^#node-\d+$/.test(window.location.hash)) return;
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    window.scrollTo(0, 0);
  }

  window.argmapDiagram = { pill: base.pill, prepare: prepare, remember: remember,
    direction: () => state.direction, fit: fit, look: look, centre: centre,
    scale: () => pz.getScale(), hidden: () => state.hidden };
  settlePage();
  if (shownDirection() !== state.direction) {
    diagram.classList.add("loading");
    redraw(false);
  } else {
    prepare(null);
    // Panzoom pans to its start on a timeout of its own: the kept view goes after it.
    setTimeout(restore, 0);
  }
})();
