// The live map page: follow the map's event stream and patch the page from each change.
//
// The page loads the map once as JSON and applies each event's patch to that copy, then
// redraws only what changed: outline items, the selected node's card and lists, the heading.
// The diagram is the server's Graphviz drawing, fetched once per revision (ETag, 304): the
// server draws each change ahead, answers at once with the last drawing while the next is
// being made, and the stream's "drawn" event says when it is ready to fetch.
// A browser's tabs share one stream (browsers allow 6 connections per host over http): the
// tab holding a Web Lock opens it and passes each event on over a BroadcastChannel; when that
// tab closes, another takes the lock and the stream over. Where Web Locks are missing (not a
// secure context) the tabs elect that tab over the channel instead. The forms in the side
// panel keep whatever the user typed.
(function () {
  "use strict";
  const live = document.getElementById("live");
  const diagram = document.getElementById("diagram");
  const data = window.argmapModel;
  if (!live || !diagram || !data || !window.EventSource || !window.fetch) return;

  const mapId = live.dataset.map;
  const revisionText = document.getElementById("revision");
  const notice = document.getElementById("live-notice");
  const startRevision = Number(revisionText.dataset.revision);
  const selected = diagram.dataset.selected ? Number(diagram.dataset.selected) : null;
  const tab = newTab();
  const verbs = { "node.add": "added", "node.update": "edited", "node.delete": "deleted",
    "node.restore": "restored" };
  const commentVerbs = { "comment.add": "commented on a node", "comment.edit": "edited a comment",
    "comment.delete": "deleted a comment", "comment.resolve": "resolved a comment",
    "comment.reopen": "reopened a comment", "comment.restore": "brought back a comment" };
  const state = { noticed: startRevision, lastId: null, source: null, leader: false,
    me: null, keepalive: 15, heard: Date.now(), delay: 1000, timer: null, lastActor: "",
    selectedBy: null, noticeTimer: null, at: null, waiting: [], loading: false,
    drawn: diagram.querySelector(".svg-wrap[data-src]") ? 0 : startRevision, drawing: false, reloads: 0, release: null, kept: {},
    undrawn: new Set(), awaiting: false, awaitTimer: null, told: 0, drawnHeard: 0, shownTag: null };
  const channel = window.BroadcastChannel ? new BroadcastChannel("argmap-map-" + mapId) : null;
  // "locks": a Web Lock picks the tab holding the stream; "heartbeat": without Web Locks
  // (plain http on a school network is not a secure context) the tabs elect it themselves.
  const sharing = !channel ? "" : navigator.locks ? "locks" : "heartbeat";

  function newTab() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return (Math.random().toString(36).slice(2) + Date.now().toString(36)).slice(0, 40);
  }

  function path(end) {
    return new URL("/maps/" + mapId + "/" + end, window.location.href);
  }

  // --- The stream: this tab's own, or the leader tab's passed on -------------------------

  function streamUrl() {
    const url = path("events");
    url.searchParams.set("tab", tab);
    if (state.lastId !== null) url.searchParams.set("after", state.lastId);
    else url.searchParams.set("revision", startRevision);
    return url;
  }

  // Open (or reopen after a long drop) the stream from the last event seen.
  function open() {
    if (live.dataset.state === "gone") return;
    clearTimeout(state.timer);
    if (state.source) state.source.close();
    const source = new EventSource(streamUrl());
    state.source = source;
    for (const kind of ["hello", "change", "drawn", "presence", "ping", "gone"]) {
      source.addEventListener(kind, (event) => {
        const message = { kind: kind, data: event.data, id: event.lastEventId };
        if (kind === "hello" || kind === "presence") state.kept[kind] = message;
        if (channel) channel.postMessage(message);
        receive(message);
      });
    }
    source.addEventListener("open", () => { hear(); state.delay = 1000; setState("open"); });
    source.addEventListener("error", onError);
  }

  function setState(value) {
    if (live.dataset.state === "gone") return;
    live.dataset.state = value;
    if (channel && state.leader) channel.postMessage({ kind: "state", data: value });
  }

  function hear() {
    state.heard = Date.now();
  }

  // The browser retries by itself (with Last-Event-ID); when it gives up, retry by hand.
  function onError() {
    setState("reconnecting");
    if (state.source.readyState !== EventSource.CLOSED) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(open, state.delay);
    state.delay = Math.min(state.delay * 2, 15000);
  }

  // Become the tab that holds the stream, for as long as this tab is open.
  function lead() {
    navigator.locks.request("argmap-stream-" + mapId, () => new Promise((release) => {
      state.leader = true;
      state.release = release;
      open();
    }));
  }

  // A tab that opens later asks the leader who this browser is here, and who else is.
  function answer(message) {
    if (message.kind !== "ask") { receive(message); return; }
    if (!state.leader) return;
    if (sharing === "heartbeat") channel.postMessage({ kind: "leader", tab: tab });
    channel.postMessage({ kind: "state", data: live.dataset.state });
    for (const kept of Object.values(state.kept)) channel.postMessage(kept);
  }

  // Without Web Locks: the leader says so every second; a tab that hears no leader for
  // 2.5 s takes over; of two leaders, the one with the smaller tab id stays.
  function elect() {
    let heard = Date.now() - 1300;
    channel.addEventListener("message", (event) => {
      const message = event.data;
      if (message.kind === "resign" && !state.leader) heard = Date.now() - 2500 * Math.random();
      if (message.kind !== "leader" || message.tab === tab) return;
      if (!state.leader) heard = Date.now();
      else if (message.tab < tab) resign();
      else channel.postMessage({ kind: "leader", tab: tab });
    });
    setInterval(() => {
      if (state.leader) channel.postMessage({ kind: "leader", tab: tab });
      else if (Date.now() - heard > 2500 && live.dataset.state !== "gone") take();
    }, 1000);
  }

  function take() {
    state.leader = true;
    channel.postMessage({ kind: "leader", tab: tab });
    open();
  }

  function resign() {
    state.leader = false;
    if (state.source) state.source.close();
    state.source = null;
  }

  function receive(message) {
    hear();
    const handlers = { hello: onHello, change: onChange, drawn: onDrawn, presence: onPresence,
      gone: onGone };
    if (message.kind === "state") {
      if (live.dataset.state !== "gone") live.dataset.state = message.data;
      return;
    }
    if (!handlers[message.kind]) return;
    handlers[message.kind](JSON.parse(message.data || "{}"), message.id);
  }

  function onHello(info) {
    state.me = info.name;
    state.keepalive = info.keepalive;
    live.dataset.state = "open";
    stopAwaiting();  // a drawing may have been announced while the stream was down
    drawLater();
  }

  function onChange(info, id) {
    state.lastId = Number(id);
    state.lastActor = info.actor;
    if (selected !== null && info.node_id === selected) state.selectedBy = info.actor;
    if (info.revision > state.noticed && !String(info.action).startsWith("vote.")) {
      state.noticed = info.revision;
      say(describe(info));
    }
    // A change the drawing does not show (a vote, a comment): the drawing stands for it.
    if (info.drawn === false) state.undrawn.add(info.revision);
    // The server is drawing it already: wait for the stream's "drawn" instead of asking.
    else if (info.drawing && state.told < info.revision) await_();
    state.waiting.push(info);
    catchUp();
  }

  function person(name) {
    if (!name) return "Someone";
    return name === state.me ? "You" : name;
  }

  function describe(info) {
    let what = "changed the map";
    if (verbs[info.action]) what = verbs[info.action] + " a " + (info.kind || "node");
    else if (info.action === "link.add") what = "added a link";
    else if (info.action === "link.delete") what = "removed a link";
    else if (info.action === "map.update") what = "changed the map's title or description";
    else if (commentVerbs[info.action]) what = commentVerbs[info.action];
    const undo = info.undo_of ? " (undoing change #" + info.undo_of + ")" : "";
    return person(info.actor) + " " + what + undo + ".";
  }

  function say(text) {
    notice.textContent = text;
    clearTimeout(state.noticeTimer);
    state.noticeTimer = setTimeout(() => { notice.textContent = ""; }, 8000);
  }

  // --- The map's copy: loaded once, then patched; loaded again only after a gap ----------

  function load() {
    if (state.loading) return;
    state.loading = true;
    state.reloads += 1;
    fetch(new URL("/api/maps/" + mapId, window.location.href),
      { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then((model) => {
        state.loading = false;
        const first = state.at === null;
        state.at = data.index(model);
        if (!first || model.revision !== startRevision) redrawAll();
        else patched(true);  // the page's own revision: nothing to redraw, the copy is ready
        catchUp();
        drawLater();
      })
      .catch(() => { state.loading = false; setTimeout(load, 2000); });
  }

  // Apply the waiting events in revision order; a missing revision loads the map again.
  function catchUp() {
    if (state.at === null || state.loading) return;
    state.waiting.sort((a, b) => a.revision - b.revision);
    while (state.waiting.length) {
      const info = state.waiting[0];
      const revision = state.at.model.revision;
      if (info.revision <= revision) { state.waiting.shift(); continue; }
      if (info.revision !== revision + 1 || !info.patch) { state.waiting = []; load(); return; }
      state.waiting.shift();
      patch(info);
    }
  }

  function patch(info) {
    const before = state.at;
    const after = data.index(data.apply(before.model, info.patch, info.revision));
    state.at = after;
    const ids = data.affected(info.patch, before, after);
    const root = document.querySelector("#outline > ul.outline");
    if (!root || !data.patchOutline(root, ids, after, info.patch.deleted || [], selected)) {
      redrawOutline();
    }
    redrawPanel(ids, info.patch);
    heading();
    drawLater();
    patched(info.drawn !== false);
  }

  // Tell the page's other scripts (edit, votes, comments, standing) that the copy of the map
  // is ready or changed, and whether the change may alter what is drawn.
  function patched(drawn) {
    document.dispatchEvent(new CustomEvent("argmap:patched", { detail: { drawn: drawn } }));
  }

  function redrawAll() {
    redrawOutline();
    redrawPanel(null, null);
    heading();
    drawLater();
    patched(true);
  }

  function redrawOutline() {
    const box = document.getElementById("outline");
    box.replaceChildren(data.outline(state.at, selected));
  }

  // --- Heading and side panel --------------------------------------------------------------

  function heading() {
    const model = state.at.model;
    revisionText.dataset.revision = model.revision;
    const count = model.nodes.length;
    revisionText.textContent =
      "revision " + model.revision + " · " + count + (count === 1 ? " node" : " nodes");
    document.getElementById("map-title").textContent = model.title;
    document.title = model.title + " · argmap";
    let description = document.querySelector(".map-head .description");
    if (!model.description) { if (description) description.remove(); return; }
    if (!description) {
      description = document.createElement("p");
      description.className = "description";
      live.after(description);
    }
    description.textContent = model.description;
  }

  // The selected node's card and its links, as the model now has them.
  function redrawPanel(ids, change) {
    const at = state.at;
    if (selected !== null && (ids === null || ids.has(selected)
        || (change && (change.deleted || []).includes(selected)))) {
      showSelected(at.byId.get(selected));
    }
    if (selected !== null && at.byId.has(selected)) linkList(at);
  }

  function linkList(at) {
    const card = document.getElementById("links");
    if (!card) return;
    const mine = at.from.get(selected) || [];
    let list = card.querySelector("ul.plain");
    if (!mine.length) { if (list) list.remove(); return; }
    if (!list) {
      list = document.createElement("ul");
      list.className = "plain";
      card.querySelector("h3").after(list);
    }
    const token = document.querySelector('meta[name="csrf-token"]');
    list.replaceChildren(...mine.map((link) => {
      const item = document.createElement("li");
      const target = at.byId.get(link.to_id);
      item.append(link.relation + (link.undercut ? " (undercut)" : "") + " → "
        + data.truncate(target ? target.text : "", 50) + " ");
      const form = document.createElement("form");
      form.method = "post";
      form.action = "/maps/" + mapId + "/links/" + link.id + "/delete";
      form.className = "inline-form";
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "csrf_token";
      hidden.value = token ? token.content : "";
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "small";
      button.textContent = "Remove";
      form.append(hidden, button);
      item.append(form);
      return item;
    }));
  }

  // The selected node's card shows it as it is now; its forms keep what the user typed.
  function showSelected(node) {
    const card = document.getElementById("selected");
    if (!card) return;
    const who = person(state.selectedBy !== null ? state.selectedBy : state.lastActor);
    if (!node) {
      card.classList.add("gone");
      alertPanel("This node was deleted by " + who + " — your forms still have your text;"
        + " saving the edit will keep it for you to add again.");
      return;
    }
    card.classList.remove("gone");
    const parent = state.at.byId.get(node.parent_id);
    card.querySelector("h2").textContent = "Selected " + node.kind;
    card.querySelector(".node-text").textContent = node.text;
    card.querySelector(".hint").textContent = "version " + node.version
      + (parent ? " · about “" + data.truncate(parent.text, 50) + "”" : "");
    const author = document.getElementById("selected-author");
    if (author) {
      author.hidden = !node.author;
      author.querySelector(".author").textContent = node.author || "";
    }
    const form = document.querySelector('form[data-form="edit"]');
    const version = form && form.elements.version ? form.elements.version.value : null;
    if (version !== null && String(node.version) !== version) {
      alertPanel("This node was changed by " + who + " — your form still has your text;"
        + " saving will show both versions.");
    }
  }

  function alertPanel(text) {
    let box = document.getElementById("live-alert");
    if (!box) {
      box = document.createElement("p");
      box.id = "live-alert";
      box.className = "live-alert";
      box.setAttribute("role", "alert");
      document.getElementById("selected").after(box);
    }
    box.textContent = text;
  }

  // --- The diagram: the stored drawing of the newest revision, one fetch at a time ----------

  // The drawing shown stays the drawing of each later revision that changed nothing drawn.
  function drawnThrough() {
    while (state.undrawn.has(state.drawn + 1)) state.drawn += 1;
    for (const revision of state.undrawn) if (revision <= state.drawn) state.undrawn.delete(revision);
  }

  // The server answers at once: the drawing of the newest revision, or while that is being
  // drawn the last one, marked as updating; the page then waits for the stream's "drawn".
  function drawLater() {
    if (state.drawn > 0) drawnThrough();
    if (state.drawing || state.awaiting || state.at === null
        || state.at.model.revision <= state.drawn) return;
    if (document.hidden) return;  // a tab out of sight fetches the newest drawing when shown
    state.drawing = true;
    const wanted = state.at.model.revision;
    const url = path("diagram.svg");
    if (selected !== null) url.searchParams.set("node", selected);
    const canvas = window.argmapDiagram;
    if (canvas && canvas.direction) url.searchParams.set("direction", canvas.direction());
    url.searchParams.set("ready", "1");
    let updating = false;
    const heard = state.drawnHeard;  // "drawn" events so far: one during the fetch: ask again
    fetch(url, { cache: "no-cache", credentials: "same-origin",
      headers: { Accept: "image/svg+xml, application/json;q=0.9" } })
      .then((response) => {
        const revision = Number(response.headers.get("X-Argmap-Revision")) || wanted;
        updating = response.headers.get("X-Argmap-Updating") === "1";
        if (response.ok) return response.text().then((svg) => showDrawing(svg, response, revision));
        return response.json().then((answer) => showFailure(answer.error, wanted));
      })
      .then(() => {
        state.drawing = false;
        if (updating && state.drawnHeard === heard) await_();  // else a view was drawn meanwhile
        drawLater();
      })
      .catch(() => { state.drawing = false; setTimeout(drawLater, 2000); });
  }

  // Wait for the stream to say the next drawing is ready (or ask again after 10 s).
  function await_() {
    state.awaiting = true;
    clearTimeout(state.awaitTimer);
    state.awaitTimer = setTimeout(() => { stopAwaiting(); drawLater(); }, 10000);
  }

  function stopAwaiting() {
    state.awaiting = false;
    clearTimeout(state.awaitTimer);
  }

  // A drawing of this revision is ready: fetch it if the page shows an older one.
  function onDrawn(info) {
    state.told = Math.max(state.told, info.revision);
    state.drawnHeard += 1;  // counted, not compared: two views of one revision say the same
    if (info.revision <= state.drawn) return;
    stopAwaiting();
    drawLater();
  }

  function focusedNode() {
    const active = document.activeElement;
    const group = active && active.closest ? active.closest("#diagram g.node") : null;
    return group ? group.id : null;
  }

  // Swap in the new drawing, keeping the scroll positions, the selection and the focus.
  function showDrawing(svg, response, revision) {
    state.drawn = Math.max(state.drawn, revision);
    const tag = response.headers.get("ETag");
    if (tag && tag === state.shownTag) return;  // the same drawing again (a 304)
    state.shownTag = tag;
    const wrap = diagram.querySelector(".svg-wrap");
    const left = wrap.scrollLeft, top = wrap.scrollTop;
    const x = window.scrollX, y = window.scrollY;
    const focused = focusedNode();
    const canvas = window.argmapDiagram;
    const view = canvas && canvas.remember ? canvas.remember() : null;  // the canvas's view
    const start = svg.indexOf("<svg");
    wrap.innerHTML = start >= 0 ? svg.slice(start) : svg;
    notes(response.headers.get("X-Argmap-Shown"), null);
    if (canvas) canvas.prepare(view);
    wrap.scrollLeft = left;
    wrap.scrollTop = top;
    window.scrollTo(x, y);
    const again = focused && document.getElementById(focused);
    if (again) again.focus({ preventScroll: true });
  }

  function showFailure(message, revision) {
    state.drawn = Math.max(state.drawn, revision);
    state.shownTag = null;
    diagram.querySelector(".svg-wrap").replaceChildren();
    notes(null, message);
  }

  // The notes above the drawing: why there is none, or that it shows part of a big map.
  function notes(shown, failure) {
    for (const old of diagram.querySelectorAll(":scope > .error, #focus-note, :scope > .empty")) {
      old.remove();
    }
    const wrap = diagram.querySelector(".svg-wrap");
    const parts = (shown || "").split(" ");
    const note = document.createElement("p");
    if (failure) {
      note.className = "error";
      note.setAttribute("role", "alert");
      note.textContent = failure + " The outline below shows the whole map.";
      wrap.before(note);
    } else if (parts.length === 3) {
      note.className = "note";
      note.id = "focus-note";
      note.textContent = "This map has " + parts[1] + " nodes, too many to draw at once: the"
        + " diagram shows the " + parts[0] + " around the selected node. The outline lists them all.";
      wrap.before(note);
    }
    if (!state.at.model.nodes.length) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = "The map is empty. Add its first claim.";
      wrap.before(empty);
    }
  }

  // --- Presence, the end of access, and the page's life ----------------------------------

  function onPresence(info) {
    const list = document.getElementById("presence-list");
    list.replaceChildren(...info.people.map((p) => {
      const item = document.createElement("span");
      item.className = "person";
      item.textContent = p.name + (p.name === state.me ? " (you)" : "")
        + (p.pages > 1 ? " ×" + p.pages : "");
      return item;
    }));
    document.getElementById("presence").hidden = false;
  }

  // The map was deleted, or this person may no longer read it: stop for good and say why.
  function onGone(info) {
    if (state.source) state.source.close();
    clearTimeout(state.timer);
    live.dataset.state = "gone";
    say(info.message || "This map was deleted.");
    clearTimeout(state.noticeTimer);
  }

  // A connection that went quiet (no ping within 2.5 keep-alives) is reopened by hand.
  setInterval(() => {
    if (live.dataset.state === "gone" || !state.leader) return;
    if (Date.now() - state.heard > state.keepalive * 2500) { hear(); open(); }
  }, 5000);

  window.addEventListener("online", () => {
    if (state.leader && live.dataset.state !== "open") open();
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    if (sharing === "locks") lead(); else if (!sharing) open();
  });
  window.addEventListener("pagehide", () => {
    if (!state.leader) return;
    state.leader = !sharing;
    if (state.source) state.source.close();
    if (state.release) state.release();
    if (sharing === "heartbeat") channel.postMessage({ kind: "resign", tab: tab });
    const body = new FormData();
    body.append("tab", tab);
    const token = document.querySelector('meta[name="csrf-token"]');
    if (token) body.append("csrf_token", token.content);
    navigator.sendBeacon(path("presence/leave"), body);
  });

  // A teacher's background tabs of a big map do not each fetch and lay out every drawing.
  document.addEventListener("visibilitychange", () => { if (!document.hidden) drawLater(); });

  window.argmapLive = { state: state };
  load();
  if (sharing) {
    channel.addEventListener("message", (event) => {
      if (!state.leader || event.data.kind === "ask") answer(event.data);
    });
    live.dataset.state = "waiting";
    channel.postMessage({ kind: "ask" });
    if (sharing === "locks") lead(); else elect();
  } else {
    state.leader = true;
    open();
  }
})();
