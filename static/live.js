// The live map page: follow the map's event stream, swap in the new diagram and outline
// after each change, show who is here. It never touches the forms in the side panel.
(function () {
  "use strict";
  const live = document.getElementById("live");
  const diagram = document.getElementById("diagram");
  if (!live || !diagram || !window.EventSource || !window.fetch) return;

  const mapId = live.dataset.map;
  const revisionText = document.getElementById("revision");
  const notice = document.getElementById("live-notice");
  const startRevision = Number(revisionText.dataset.revision);
  const selected = diagram.dataset.selected || null;
  const tab = newTab();
  const verbs = { "node.add": "added", "node.update": "edited", "node.delete": "deleted",
    "node.restore": "restored" };
  const state = { shown: startRevision, noticed: startRevision, lastId: null, source: null,
    me: null, keepalive: 15, heard: Date.now(), delay: 1000, timer: null, fetching: false,
    again: false, lastActor: "", selectedBy: null, noticeTimer: null };

  function newTab() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return (Math.random().toString(36).slice(2) + Date.now().toString(36)).slice(0, 40);
  }

  function path(end) {
    return new URL("/maps/" + mapId + "/" + end, window.location.href);
  }

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
    source.addEventListener("hello", onHello);
    source.addEventListener("change", onChange);
    source.addEventListener("presence", onPresence);
    source.addEventListener("ping", hear);
    source.addEventListener("gone", onGone);
    source.addEventListener("open", () => { hear(); state.delay = 1000; live.dataset.state = "open"; });
    source.addEventListener("error", onError);
  }

  function hear() {
    state.heard = Date.now();
  }

  // The browser retries by itself (with Last-Event-ID); when it gives up, retry by hand.
  function onError() {
    live.dataset.state = "reconnecting";
    if (state.source.readyState !== EventSource.CLOSED) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(open, state.delay);
    state.delay = Math.min(state.delay * 2, 15000);
  }

  function onHello(event) {
    hear();
    const data = JSON.parse(event.data);
    state.me = data.name;
    state.keepalive = data.keepalive;
    live.dataset.state = "open";
  }

  function onChange(event) {
    hear();
    state.lastId = Number(event.lastEventId);
    const info = JSON.parse(event.data);
    state.lastActor = info.actor;
    if (selected && String(info.node_id) === selected) state.selectedBy = info.actor;
    if (info.revision > state.noticed) {
      state.noticed = info.revision;
      say(describe(info));
    }
    if (info.revision > state.shown) refresh();
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
    const undo = info.undo_of ? " (undoing change #" + info.undo_of + ")" : "";
    return person(info.actor) + " " + what + undo + ".";
  }

  function say(text) {
    notice.textContent = text;
    clearTimeout(state.noticeTimer);
    state.noticeTimer = setTimeout(() => { notice.textContent = ""; }, 8000);
  }

  // Fetch the new diagram and outline; changes that arrive meanwhile cause one more fetch.
  function refresh() {
    if (live.dataset.state === "gone") return;
    if (state.fetching) { state.again = true; return; }
    state.fetching = true;
    const url = path("fragments");
    if (selected) url.searchParams.set("node", selected);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(apply)
      .catch(() => { setTimeout(refresh, 2000); })
      .finally(() => {
        state.fetching = false;
        if (state.again) { state.again = false; refresh(); }
      });
  }

  function focusedNode() {
    const active = document.activeElement;
    const group = active && active.closest ? active.closest("#diagram g.node") : null;
    return group ? group.id : null;
  }

  // Swap in the fragments, keeping the scroll positions, the selection and the focus.
  function apply(data) {
    if (data.revision < state.shown) return;
    state.shown = data.revision;
    const wrap = diagram.querySelector(".svg-wrap");
    const left = wrap ? wrap.scrollLeft : 0;
    const top = wrap ? wrap.scrollTop : 0;
    const x = window.scrollX, y = window.scrollY;
    const focused = focusedNode();
    diagram.innerHTML = data.diagram;
    document.getElementById("outline").innerHTML = data.outline;
    if (window.argmapDiagram) window.argmapDiagram.prepare();
    const fresh = diagram.querySelector(".svg-wrap");
    if (fresh) { fresh.scrollLeft = left; fresh.scrollTop = top; }
    window.scrollTo(x, y);
    const again = focused && document.getElementById(focused);
    if (again) again.focus({ preventScroll: true });
    revisionText.dataset.revision = data.revision;
    revisionText.textContent = "revision " + data.revision + " · " + data.count + " nodes";
    heading(data);
    if (selected) showSelected(data.node);
  }

  function heading(data) {
    document.getElementById("map-title").textContent = data.title;
    document.title = data.title + " · argmap";
    let description = document.querySelector(".map-head .description");
    if (!data.description) { if (description) description.remove(); return; }
    if (!description) {
      description = document.createElement("p");
      description.className = "description";
      live.after(description);
    }
    description.textContent = data.description;
  }

  function cut(text, width) {
    return text.length <= width ? text : text.slice(0, width - 1) + "…";
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
    card.querySelector("h2").textContent = "Selected " + node.kind;
    card.querySelector(".node-text").textContent = node.text;
    card.querySelector(".hint").textContent = "version " + node.version
      + (node.parent_text ? " · about “" + cut(node.parent_text, 50) + "”" : "");
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

  function onPresence(event) {
    hear();
    const people = JSON.parse(event.data).people;
    const list = document.getElementById("presence-list");
    list.replaceChildren(...people.map((p) => {
      const item = document.createElement("span");
      item.className = "person";
      item.textContent = p.name + (p.name === state.me ? " (you)" : "")
        + (p.pages > 1 ? " ×" + p.pages : "");
      return item;
    }));
    document.getElementById("presence").hidden = false;
  }

  // The map was deleted, or this person may no longer read it: stop for good and say why.
  function onGone(event) {
    state.source.close();
    clearTimeout(state.timer);
    live.dataset.state = "gone";
    const data = JSON.parse(event.data || "{}");
    say(data.message || "This map was deleted.");
    clearTimeout(state.noticeTimer);
  }

  // A connection that went quiet (no ping within 2.5 keep-alives) is reopened by hand.
  setInterval(() => {
    if (live.dataset.state === "gone") return;
    if (Date.now() - state.heard > state.keepalive * 2500) { hear(); open(); }
  }, 5000);

  window.addEventListener("online", () => { if (live.dataset.state !== "open") open(); });
  window.addEventListener("pageshow", (event) => { if (event.persisted) open(); });
  window.addEventListener("pagehide", () => {
    if (state.source) state.source.close();
    const body = new FormData();
    body.append("tab", tab);
    const token = document.querySelector('meta[name="csrf-token"]');
    if (token) body.append("csrf_token", token.content);
    navigator.sendBeacon(path("presence/leave"), body);
  });

  window.argmapLive = { state: state };
  open();
})();
