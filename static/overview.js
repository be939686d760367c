// The teacher's overview: drawn from GET /api/maps/<id>/overview, and drawn again (fetched at
// most once a second) whenever the map's event stream says the map changed. Every text from a
// person goes in with textContent, never as HTML.
(function () {
  "use strict";
  const root = document.getElementById("overview");
  if (!root || !window.fetch) return;
  const mapId = Number(root.dataset.map);
  const status = document.getElementById("ov-live");
  const GAP = 1000; // at most one fetch of the figures a second, however busy the map is
  const state = { last: 0, timer: null, busy: false, again: false, source: null, over: false };

  // --- Small builders --------------------------------------------------------------------

  function el(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined && text !== null) made.textContent = String(text);
    return made;
  }

  // "1 support", "2 supports": a count with its noun.
  function counted(count, noun) {
    return count + " " + noun + (count === 1 ? "" : "s");
  }

  function nodeHref(id) {
    return "/maps/" + mapId + "?node=" + Number(id) + "#node-" + Number(id);
  }

  function nodeLink(node) {
    const link = el("a", "ov-node", node.text);
    link.href = nodeHref(node.id);
    return link;
  }

  function about(node, into) {
    if (node.author) into.append(" ", el("span", "author", "by " + node.author));
    if (node.hidden) into.append(" ", el("span", "ov-hidden", "hidden from students"));
  }

  function when(stamp) {
    if (!stamp) return el("span", "hint", "not yet");
    const time = el("time", "local", stamp.slice(0, 16).replace("T", " ") + " UTC");
    time.setAttribute("datetime", stamp);
    if (window.argmapLocalTime) window.argmapLocalTime(time);
    return time;
  }

  function cell(row, label, content) {
    const td = el("td");
    td.dataset.label = label;
    if (content instanceof Node) td.appendChild(content);
    else td.textContent = String(content);
    row.appendChild(td);
    return td;
  }

  // Fill a section's list (or table body) with one element per item, or say it is empty.
  function fill(id, items, draw) {
    const section = document.getElementById(id);
    const list = section.querySelector("[data-list]");
    const count = section.querySelector("[data-count]");
    list.replaceChildren(...items.map(draw));
    section.querySelector("[data-empty]").hidden = items.length > 0;
    if (count) count.textContent = "(" + items.length + ")";
  }

  // --- The sections ----------------------------------------------------------------------

  function counter(node) {
    const li = el("li", node.hidden ? "ov-item hidden-node" : "ov-item");
    li.dataset.node = node.id;
    li.append(el("span", "ov-kind", node.undercut ? "Undercut" : "Counter"), " ", nodeLink(node));
    about(node, li);
    const against = el("span", "ov-against", "against ");
    const target = el("a", "", node.against);
    target.href = nodeHref(node.against_id);
    against.appendChild(target);
    li.append(" ", against);
    return li;
  }

  function claim(node) {
    const li = el("li", node.hidden ? "ov-item hidden-node" : "ov-item");
    li.dataset.node = node.id;
    li.append(el("span", "ov-kind", "Claim"), " ", nodeLink(node));
    about(node, li);
    return li;
  }

  // Pro and con as figures and as a bar of two patterns (solid for pro, hatched for con).
  function bar(pro, con) {
    const box = el("span", "ov-balance");
    const total = pro + con;
    const drawn = el("span", "ov-bar");
    drawn.setAttribute("aria-hidden", "true");
    if (total) {
      const forPart = el("span", "ov-pro");
      const againstPart = el("span", "ov-con");
      forPart.style.width = (100 * pro) / total + "%";
      againstPart.style.width = (100 * con) / total + "%";
      drawn.append(forPart, againstPart);
    }
    box.append(drawn, el("span", "ov-figures", pro + " pro · " + con + " con"));
    return box;
  }

  // One claim's row: the balance's columns are drawn here (a new figure, a vote mean say,
  // is one more cell here and one more key in overview.claim_figures on the server).
  // A vote summary in words: "★ 3.2 (5 votes)", or "no votes".
  function strength(summary) {
    if (!summary.count) return "no votes";
    return "★ " + summary.mean.toFixed(1) + " (" + counted(summary.count, "vote") + ")";
  }

  function balanceRow(node) {
    const row = el("tr", node.hidden ? "hidden-node" : "");
    row.dataset.node = node.id;
    const name = cell(row, "Claim", nodeLink(node));
    about(node, name);
    cell(row, "Directly", bar(node.direct.supports, node.direct.counters));
    const branch = node.branch;
    cell(row, "In its branch", counted(branch.supports, "support") + " · " +
      counted(branch.counters, "counter") + " (" + counted(branch.nodes, "node") + ")");
    const voted = node.votes;
    cell(row, "Votes", "claim " + strength(voted.claim) + " · pro " + strength(voted.supports) +
      " · con " + strength(voted.counters));
    return row;
  }

  function activity(row, figures) {
    cell(row, "Nodes added", figures.added);
    cell(row, "Edits", figures.edits);
    cell(row, "Deletions", figures.deletions);
    cell(row, "All changes", figures.changes);
    cell(row, "Last active", when(figures.last));
  }

  function personRow(person) {
    const row = el("tr");
    if (person.member_id !== null) row.dataset.member = person.member_id;
    const name = cell(row, "Person", person.name);
    if (person.role === "owner") name.append(" ", el("span", "hint", "(owner)"));
    else if (person.role === null && person.member_id !== null) name.append(" ", el("span", "hint", "(left the map)"));
    cell(row, "Team", person.team || "—");
    activity(row, person);
    return row;
  }

  function teamRow(team) {
    const row = el("tr", team.id === null ? "ov-no-team" : "");
    if (team.id !== null) row.dataset.team = team.id;
    const name = cell(row, "Team", team.name);
    if (team.side) name.append(" ", el("span", "hint", "(" + team.side + ")"));
    cell(row, "Members", team.members);
    activity(row, team);
    return row;
  }

  function change(item) {
    const li = el("li", item.hidden ? "ov-change hidden-node" : "ov-change");
    li.dataset.event = item.id;
    const what = el("p", "what");
    what.append(el("span", "who", item.actor || "Someone"), " ", el("span", "words", item.words));
    if (item.hidden) what.append(" ", el("span", "ov-hidden", "hidden from students"));
    li.appendChild(what);
    const text = item.new !== null ? item.new : item.old;
    if (text !== null && text !== undefined) {
      const line = el("p", "text");
      if (item.present && item.node_id !== null) {
        const link = el("a", "ov-node", text);
        link.href = nodeHref(item.node_id);
        line.appendChild(link);
      } else line.textContent = text;
      li.appendChild(line);
    } else if (item.present && item.node_id !== null) {
      const link = el("a", "ov-node", "show the node");
      link.href = nodeHref(item.node_id);
      li.appendChild(link);
    }
    const stamp = el("p", "hint");
    stamp.append("change #" + item.id + " · ", when(item.created_at));
    li.appendChild(stamp);
    return li;
  }

  function counts(figures) {
    const c = figures.counts;
    const parts = [counted(c.nodes, "node"), counted(c.claims, "claim"),
      counted(c.supports, "support"), counted(c.counters, "counter")];
    if (c.hidden) parts.push(c.hidden + " hidden from students");
    document.getElementById("ov-counts").textContent = parts.join(" · ");
  }

  function draw(figures) {
    document.getElementById("ov-title").textContent = figures.map.title;
    document.getElementById("ov-revision").textContent = "revision " + figures.map.revision;
    root.dataset.revision = figures.map.revision;
    counts(figures);
    fill("ov-unanswered", figures.unanswered, counter);
    fill("ov-unsupported", figures.unsupported, claim);
    fill("ov-balance", figures.balance, balanceRow);
    fill("ov-people", figures.people, personRow);
    fill("ov-teams", figures.teams, teamRow);
    fill("ov-latest", figures.latest, change);
  }

  // --- Fetching, at most once a second ---------------------------------------------------

  function say(text) {
    status.textContent = text;
  }

  function refresh() {
    if (state.over) return;
    if (state.busy) { state.again = true; return; }
    const wait = state.last + GAP - Date.now();
    if (wait > 0) {
      if (!state.timer) state.timer = setTimeout(() => { state.timer = null; refresh(); }, wait);
      return;
    }
    state.busy = true;
    state.last = Date.now();
    fetch("/api/maps/" + mapId + "/overview", { headers: { Accept: "application/json" },
      credentials: "same-origin", cache: "no-store" })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body: body })))
      .then((answer) => {
        if (!answer.ok) { end(answer.body.error || "The overview cannot be read any more."); return; }
        draw(answer.body);
        say("updated " + new Date().toLocaleTimeString() + "; updates by itself while the map changes");
      })
      .catch(() => say("could not reach the server; trying again when the map changes"))
      .finally(() => {
        state.busy = false;
        if (state.again) { state.again = false; refresh(); }
      });
  }

  function end(message) {
    state.over = true;
    if (state.source) state.source.close();
    say(message);
  }

  function listen() {
    if (!window.EventSource) { say("this browser cannot follow the map live: reload to update"); return; }
    const url = new URL("/maps/" + mapId + "/events", window.location.href);
    url.searchParams.set("revision", root.dataset.revision);
    const source = new EventSource(url);
    state.source = source;
    source.addEventListener("change", refresh);
    let hellos = 0; // after a reconnection something may have changed while the stream was down
    source.addEventListener("hello", () => { if (hellos++) refresh(); });
    source.addEventListener("gone", (event) => {
      let message = "This map is gone.";
      try { message = JSON.parse(event.data).message || message; } catch (e) { /* keep it */ }
      end(message);
    });
  }

  refresh();
  listen();
})();
