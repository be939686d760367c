// The page's copy of the map: patches from the live stream applied to it, and the outline
// drawn from it exactly as the server draws _outline.html (patched item by item).
(function () {
  "use strict";
  if (!window.argmapPage) return;
  const el = window.argmapPage.el;
  const truncate = window.argmapPage.truncate;
  const LABELS = window.argmapPage.kindLabels;
  const RELATIONS = { support: "also supports", counter: "also objects to",
    contradiction: "contradicts" };

  // Lookups over a model: nodes by id, children by parent (id order), links by source/target.
  function index(model) {
    const byId = new Map(), kids = new Map(), from = new Map(), to = new Map();
    for (const node of model.nodes) byId.set(node.id, node);
    for (const node of model.nodes) {
      const key = node.parent_id === null ? null : node.parent_id;
      if (!kids.has(key)) kids.set(key, []);
      kids.get(key).push(node);
    }
    for (const link of model.links) {
      if (!from.has(link.from_id)) from.set(link.from_id, []);
      from.get(link.from_id).push(link);
      if (!to.has(link.to_id)) to.set(link.to_id, []);
      to.get(link.to_id).push(link);
    }
    const talk = new Map();  // node id -> [comments, open ones] (the outline's marks)
    for (const comment of model.comments || []) {
      const said = talk.get(comment.node_id) || [0, 0];
      talk.set(comment.node_id, [said[0] + 1, said[1] + (comment.resolved ? 0 : 1)]);
    }
    return { model: model, byId: byId, kids: kids, from: from, to: to, talk: talk };
  }

  // Apply one event's patch (see argmap/patches.py); returns the new model.
  function apply(model, patch, revision) {
    const byId = new Map(model.nodes.map((n) => [n.id, n]));
    // Who wrote each node travels in patch.authors; an edit keeps the node's author, and a
    // restored node gets back the one it had (the page remembers authors of deleted nodes).
    const authors = Object.assign({}, model.authors || {}, patch.authors || {});
    for (const node of model.nodes) if (node.author) authors[node.id] = node.author;
    Object.assign(authors, patch.authors || {});
    for (const node of patch.nodes || []) {
      byId.set(node.id, Object.assign({}, node, { author: authors[node.id] || node.author || "" }));
    }
    for (const id of patch.deleted || []) byId.delete(id);
    const links = new Map(model.links.map((l) => [l.id, l]));
    for (const id of patch.unlinked || []) links.delete(id);
    for (const link of patch.links || []) links.set(link.id, link);
    const next = Object.assign({}, model, patch.map || {}, { revision: revision,
      authors: authors });
    // Votes (static/votes.js): counts and means by node, and this reader's own votes.
    next.votes = Object.assign({}, model.votes || {}, patch.votes || {});
    next.my_votes = Object.assign({}, model.my_votes || {}, patch.mine || {});
    for (const id of patch.deleted || []) { delete next.votes[id]; delete next.my_votes[id]; }
    next.nodes = Array.from(byId.values()).sort((a, b) => a.id - b.id);
    next.links = Array.from(links.values()).sort((a, b) =>
      a.from_id - b.from_id || a.to_id - b.to_id || a.id - b.id);
    // Comments: added or changed whole, removed by id, and gone with their nodes.
    const comments = new Map((model.comments || []).map((c) => [c.id, c]));
    for (const id of patch.uncommented || []) comments.delete(id);
    for (const comment of patch.comments || []) comments.set(comment.id, comment);
    next.comments = Array.from(comments.values()).filter((c) => byId.has(c.node_id))
      .sort((a, b) => a.id - b.id);
    return next;
  }

  // The outline items a patch may change: the nodes themselves, their children (roles),
  // their premise-group partners and the nodes linking to them, before and after.
  function affected(patch, before, after) {
    const ids = new Set();
    function touch(node, at) {
      if (!node) return;
      ids.add(node.id);
      for (const kid of at.kids.get(node.id) || []) ids.add(kid.id);
      for (const link of at.to.get(node.id) || []) ids.add(link.from_id);
      if (node.group === null) return;
      for (const sib of at.kids.get(node.parent_id) || []) {
        if (sib.group === node.group) ids.add(sib.id);
      }
    }
    for (const node of patch.nodes || []) {
      touch(before.byId.get(node.id), before);
      touch(after.byId.get(node.id), after);
    }
    for (const id of patch.deleted || []) touch(before.byId.get(id), before);
    for (const link of patch.links || []) ids.add(link.from_id);
    for (const id of Object.keys(patch.votes || {})) ids.add(Number(id));
    for (const comment of patch.comments || []) ids.add(comment.node_id);
    for (const id of patch.uncommented || []) {
      const comment = (before.model.comments || []).find((c) => c.id === id);
      if (comment) ids.add(comment.node_id);
    }
    for (const id of patch.unlinked || []) {
      const link = before.model.links.find((l) => l.id === id);
      if (link) ids.add(link.from_id);
    }
    return ids;
  }

  function role(node, at) {
    const parent = at.byId.get(node.parent_id);
    if (node.kind === "counter" && parent && parent.kind === "counter") return "Rebuttal";
    if (node.undercut && parent && parent.parent_id !== null) return "Undercut";
    return LABELS[node.kind];
  }

  function nodeUrl(mapId, id) {
    return "/maps/" + mapId + "?node=" + id + "#node-" + id;
  }

  // One outline item without its children, as _outline.html writes it.
  function shell(node, at, selected) {
    const mapId = at.model.id;
    const li = el("li", { id: "o-" + node.id,
      class: (selected === node.id ? "selected " : "") + "kind-" + node.kind,
      "data-node": node.id });
    if (selected === node.id) li.setAttribute("aria-current", "true");
    const label = role(node, at);
    li.append(el("span", { class: "badge badge-" + label.toLowerCase() }, label), " ");
    li.append(el("a", { href: nodeUrl(mapId, node.id) }, node.text));
    if (node.author) li.append(" ", el("span", { class: "author" }, "by " + node.author));
    const votes = window.argmapVotes ? window.argmapVotes.mark(at.model, node.id) : null;
    if (votes) li.append(" ", votes);
    const said = at.talk ? at.talk.get(node.id) : null;
    if (said) {
      const mark = el("span", { class: "comment-count" });
      mark.append(el("span", { "aria-hidden": "true" }, "💬"), " " + said[0],
        el("span", { class: "sr-only" }, " comment" + (said[0] !== 1 ? "s" : "") + ", "
          + said[1] + " open"));
      li.append(" ", mark);
    }
    const partners = node.group === null ? [] : (at.kids.get(node.parent_id) || []).filter(
      (k) => k.group === node.group && k.id !== node.id && k.kind === node.kind);
    if (partners.length) {
      li.append(" ", el("span", { class: "hint" }, "(together with "
        + partners.map((p) => "“" + truncate(p.text, 40) + "”").join(", ") + ")"));
    }
    if (node.quote) {
      const quote = el("blockquote", { class: "quote" }, "“" + node.quote + "”");
      if (node.source) quote.append(" ", el("cite", {}, node.source));
      li.append(quote);
    } else if (node.source) {
      li.append(el("cite", { class: "quote" }, node.source));
    }
    for (const link of at.from.get(node.id) || []) {
      const target = at.byId.get(link.to_id);
      if (!target) continue;
      const also = el("div", { class: "also" }, RELATIONS[link.relation]
        + (link.undercut ? " the inference of" : "") + ": ");
      also.append(el("a", { href: nodeUrl(mapId, target.id) }, truncate(target.text, 80)));
      li.append(also);
    }
    return li;
  }

  // An item with its children: existing child items are kept (moved), missing ones built.
  function item(node, at, selected, reuse) {
    const li = shell(node, at, selected);
    const kids = at.kids.get(node.id) || [];
    if (kids.length) {
      li.setAttribute("aria-expanded", "true");
      const group = el("ul");
      for (const kid of kids) {
        const old = reuse ? document.getElementById("o-" + kid.id) : null;
        group.append(old || item(kid, at, selected, reuse));
      }
      li.append(group);
    }
    return li;
  }

  // The whole outline, built from the model.
  // A long outline lays out only the items near the view (argmap.css); the size from which
  // it does is the server's (web.mappage.NEAR_VIEW_AT), on the page's diagram.
  function outline(at, selected) {
    const diagram = document.getElementById("diagram");
    const longAt = diagram ? Number(diagram.dataset.nearViewAt) : NaN;
    const list = el("ul", { class: at.byId.size >= longAt ? "outline long" : "outline" });
    for (const claim of at.kids.get(null) || []) list.append(item(claim, at, selected, false));
    return list;
  }

  function depth(node, at) {
    let count = 0;
    for (let n = node; n && n.parent_id !== null && count < 10000; count++) {
      n = at.byId.get(n.parent_id);
    }
    return count;
  }

  // The list an item belongs in (its parent's group list, made when missing).
  function container(node, root) {
    if (node.parent_id === null) return root;
    const parent = document.getElementById("o-" + node.parent_id);
    if (!parent) return null;
    let group = parent.querySelector(":scope > ul");
    if (!group) {
      group = el("ul");
      parent.append(group);
      parent.setAttribute("aria-expanded", "true");
    }
    return group;
  }

  // Redraw the items a patch touched; false when the outline must be drawn whole instead.
  function patchOutline(root, ids, after, deleted, selected) {
    const wanted = Array.from(ids).map((id) => after.byId.get(id)).filter(Boolean);
    wanted.sort((a, b) => depth(a, after) - depth(b, after) || a.id - b.id);
    for (const node of wanted) {
      const fresh = item(node, after, selected, true);
      const old = document.getElementById("o-" + node.id);
      const list = container(node, root);
      if (!list) return false;
      if (old) old.remove();
      const next = Array.from(list.children).find((li) => Number(li.dataset.node) > node.id);
      list.insertBefore(fresh, next || null);
    }
    for (const id of deleted) {
      const old = document.getElementById("o-" + id);
      if (!old) continue;
      const list = old.parentElement;
      old.remove();
      if (list && list !== root && !list.querySelector(":scope > li[data-node]")) {
        if (list.parentElement) list.parentElement.removeAttribute("aria-expanded");
        list.remove();
      }
    }
    return true;
  }

  window.argmapModel = { index: index, apply: apply, affected: affected, outline: outline,
    patchOutline: patchOutline, truncate: truncate };  // live.js cuts texts with it
})();
