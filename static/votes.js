// Votes on the map page (argmap/votes.py): each node's mark ("★ 3.2 · 5 votes") in the
// outline and laid over the drawn diagram, the 0-4 buttons beside the selected outline item,
// the side panel's card kept in step, and the outline sorted strongest first on request.
// Counts and means come from the page's copy of the map (static/mapdata.js applies the
// stream's "votes" patches); a vote changes nothing drawn, so the drawing is never redrawn
// for it: the marks are laid over whichever drawing the page shows.
(function () {
  "use strict";
  const live = document.getElementById("live");
  const outlineBox = document.getElementById("outline");
  const diagram = document.getElementById("diagram");
  if (!live || !outlineBox || !window.argmapPage) return;
  const el = window.argmapPage.el;
  const mapId = live.dataset.map;
  const canVote = Boolean(document.getElementById("actions"));  // owners and editors
  const sorted = new URL(window.location.href).searchParams.get("sort") === "votes";
  const own = { votes: {}, mine: {} };  // until the page's copy of the map has loaded

  function model() {
    const at = window.argmapLive && window.argmapLive.state && window.argmapLive.state.at;
    return at ? at.model : null;
  }
  function tallies() {
    const m = model();
    return m && m.votes ? m.votes : own.votes;
  }
  function tallyOf(id) {
    const found = tallies()[id];
    return found && found.count ? found : null;
  }
  function mineOf(id) {
    const m = model();
    const found = (m && m.my_votes ? m.my_votes : own.mine)[id];
    return typeof found === "number" ? found : null;
  }

  function counted(count) {
    return count + (count === 1 ? " vote" : " votes");
  }
  function words(found) {
    return "★ " + found.mean.toFixed(1) + " · " + counted(found.count);
  }
  function spoken(found) {
    return "Strength " + found.mean.toFixed(1) + " of 4, from " + counted(found.count);
  }

  // The outline's mark, as templates/_votes.html writes it (static/mapdata.js asks for it).
  function mark(m, id) {
    const found = m && m.votes ? m.votes[id] : null;
    if (!found || !found.count) return null;
    const span = el("span", { class: "vote-mark", "data-count": found.count,
      "data-mean": found.mean });
    span.append(el("span", { "aria-hidden": "true" }, words(found)),
      el("span", { class: "sr-only" }, spoken(found)));
    return span;
  }

  // --- The marks over the diagram ---------------------------------------------------------

  function overlay() {
    const svg = diagram && diagram.querySelector(".svg-wrap svg");
    if (!svg) return;
    for (const old of svg.querySelectorAll("g.vote-badge")) old.remove();
    const wanted = [];  // every box read before any badge is added: one layout, not one each
    for (const id of Object.keys(tallies())) {  // the voted nodes only, not every drawn one
      const group = svg.querySelector("g.node#node-" + Number(id));
      const found = tallyOf(Number(id));
      if (group && found) wanted.push([group, found, group.getBBox()]);
    }
    for (const [group, found, box] of wanted) badge(group, found, box);
  }

  // A badge on the node's bottom-right corner (the top one holds the standing mark), right after
  // its group (hidden with it when folded).
  function badge(group, found, box) {
    const text = "★ " + found.mean.toFixed(1) + " · " + found.count;
    const width = 10 + 6.2 * text.length, height = 16;
    const x = box.x + box.width - width + 4, y = box.y + box.height - height / 2;
    group.after(window.argmapDiagram.pill(
      { class: "vote-badge", "data-for": group.id.slice(5), "aria-hidden": "true" },
      { x: x, y: y, width: width, height: height, rx: 8, drop: 3.5 }, text));
  }

  // --- Voting: the buttons beside the selected outline item, and the panel's card ----------

  function selected() {
    const id = diagram ? diagram.dataset.selected : null;
    return id ? Number(id) : null;
  }

  // Send a vote (a number) or take it back (null); the answer is the node's votes now.
  function vote(id, value, status) {
    status.textContent = "Saving…";
    const sent = window.argmapPage.api(mapId, value === null ? "DELETE" : "PUT",
      "/nodes/" + id + "/vote", value === null ? undefined : { value: value });
    return sent.then((answer) => {
      if (!answer.ok) { status.textContent = answer.data.error || "Not saved."; return; }
      remember(answer.data);
      status.textContent = answer.data.mine === null ? "Your vote was taken back."
        : "Your vote: " + answer.data.mine + ".";
      refresh();
    });
  }

  // The caller's answer. Its count and mean are kept only until the page's copy of the map has
  // loaded: after that the stream brings them, in order, and an answer that comes late (after
  // someone else's newer vote reached the page) must not put an older count back. The reader's
  // own vote is theirs alone, so it is kept at once.
  function remember(found) {
    const m = model();
    if (m) {
      (m.my_votes || (m.my_votes = {}))[found.node_id] = found.mine;
      return;
    }
    own.votes[found.node_id] = { count: found.count, mean: found.mean };
    own.mine[found.node_id] = found.mine;
  }

  function scale(id, where) {
    const box = el("div", { class: "vote-control", id: where + "-votes", role: "group",
      "aria-label": "Your vote on this node's strength, 0 none to 4 very strong" });
    box.dataset.node = id;
    box.append(el("span", { class: "vote-label", "aria-hidden": "true" }, "Strength:"));
    for (let v = 0; v <= 4; v++) {
      const button = el("button", { type: "button", class: "vote-button", "data-vote": v,
        "aria-label": "Vote " + v + " of 4" }, String(v));
      box.append(button);
    }
    box.append(el("button", { type: "button", class: "small votes-clear", "data-vote": "" },
      "Take back"));
    box.append(el("span", { class: "vote-status", role: "status" }));
    return box;
  }

  // Show the node's votes and the reader's own vote on a control (buttons pressed or not).
  function show(box, id) {
    const mine = mineOf(id);
    for (const button of box.querySelectorAll("button[data-vote]")) {
      const value = button.dataset.vote;
      if (value === "") { button.hidden = mine === null; continue; }
      button.setAttribute("aria-pressed", mine === Number(value) ? "true" : "false");
    }
  }

  function outlineControl() {
    const old = document.getElementById("outline-votes");
    const id = selected();
    if (!canVote || id === null) { if (old) old.remove(); return; }
    const li = document.getElementById("o-" + id);
    if (!li) { if (old) old.remove(); return; }
    const box = old && Number(old.dataset.node) === id ? old : scale(id, "outline");
    if (old && old !== box) old.remove();
    const kids = li.querySelector(":scope > ul");
    if (box.parentElement !== li || box.nextElementSibling !== kids) li.insertBefore(box, kids);
    show(box, id);
  }

  // The panel's card (server-drawn for the node the page was built for): its node's votes.
  function card() {
    const box = document.getElementById("votes");
    if (!box) return;
    const id = Number(box.dataset.node);
    box.hidden = selected() !== id;
    const summary = document.getElementById("votes-summary");
    const found = tallyOf(id);
    summary.replaceChildren(found ? mark({ votes: { [id]: found } }, id) : "No votes yet.");
    const mine = mineOf(id);
    for (const button of box.querySelectorAll("button[name='value']")) {
      button.setAttribute("aria-pressed", mine === Number(button.value) ? "true" : "false");
    }
    const clear = box.querySelector("button[name='clear']");
    if (clear) clear.hidden = mine === null;
    const said = document.getElementById("votes-mine");
    if (said) {
      said.textContent = mine === null ? "You have not voted on it." : "Your vote: " + mine + ".";
    }
  }

  // Strongest first among siblings, when the reader asked for it (?sort=votes).
  function sortOutline() {
    if (!sorted) return;
    const key = (li) => {
      const found = tallyOf(Number(li.dataset.node));
      return found ? [0, -found.mean, -found.count, Number(li.dataset.node)]
        : [1, 0, 0, Number(li.dataset.node)];
    };
    const lists = [outlineBox.querySelector(":scope > ul.outline"),
      ...outlineBox.querySelectorAll("li[data-node] > ul")];
    for (const list of lists) {
      if (!list) continue;
      const items = Array.from(list.children).filter((li) => li.matches("li[data-node]"));
      const order = items.slice().sort((a, b) => {
        const x = key(a), y = key(b);
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
        return 0;
      });
      if (order.some((li, i) => li !== items[i])) for (const li of order) list.append(li);
    }
  }

  function refresh() {
    sortOutline();
    outlineControl();
    card();
    overlay();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".vote-control button[data-vote]");
    if (!button) return;
    const box = button.closest(".vote-control");
    const value = button.dataset.vote === "" ? null : Number(button.dataset.vote);
    vote(Number(box.dataset.node), value, box.querySelector(".vote-status"));
  });
  // The panel's form goes through the API too (it still posts as a plain form without this).
  const form = document.getElementById("votes-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!button) return;
      event.preventDefault();
      const id = Number(document.getElementById("votes").dataset.node);
      const status = document.getElementById("votes-mine");
      vote(id, button.name === "clear" ? null : Number(button.value), status);
    });
  }

  document.addEventListener("argmap:patched", refresh);
  if (diagram) {
    new MutationObserver(refresh).observe(diagram, { attributes: true,
      attributeFilter: ["data-selected"] });
    const wrap = diagram.querySelector(".svg-wrap");
    if (wrap) new MutationObserver(overlay).observe(wrap, { childList: true });
  }

  // Until the page's copy of the map loads (static/live.js, one request for all of it), the
  // votes are read from the page itself: the outline's marks and the card's pressed button.
  function fromPage() {
    for (const span of outlineBox.querySelectorAll("li[data-node] > .vote-mark")) {
      own.votes[span.parentElement.dataset.node] = { count: Number(span.dataset.count),
        mean: Number(span.dataset.mean) };
    }
    const box = document.getElementById("votes");
    if (!box) return;
    const pressed = box.querySelector("button[name='value'][aria-pressed='true']");
    own.mine[box.dataset.node] = pressed ? Number(pressed.value) : null;
  }

  window.argmapVotes = { mark: mark, refresh: refresh };
  fromPage();
  refresh();
})();
