// Comments on the map page: the selected node's thread drawn from the page's copy of the map
// (static/mapdata.js, patched live by static/live.js), its forms sent through the JSON API,
// and a mark with the number of comments over each node of the diagram. Without this script
// the forms of templates/_comments.html post and come back. User text only ever goes in as
// textContent.
(function () {
  "use strict";
  const box = document.getElementById("comments");
  const diagram = document.getElementById("diagram");
  if (!box || !diagram || !window.fetch || !window.argmapModel || !window.argmapPage) return;
  const el = window.argmapPage.el;
  const SVGNS = "http://www.w3.org/2000/svg";
  const mapId = box.dataset.map;
  const me = box.dataset.me ? Number(box.dataset.me) : null;
  const owner = box.dataset.owner === "1";
  const canComment = box.dataset.canComment === "1";
  const max = Number(box.dataset.commentMax) || 2000;
  const token = document.querySelector('meta[name="csrf-token"]');

  function model() {
    const live = window.argmapLive;
    return live && live.state && live.state.at ? live.state.at : null;
  }

  function selected() {
    const id = diagram.dataset.selected || box.dataset.node;
    return id ? Number(id) : null;
  }

  function csrf() {
    return el("input", { type: "hidden", name: "csrf_token", value: token ? token.content : "" });
  }

  function stamp(text) {
    return text ? text.slice(0, 16).replace("T", " ") + " UTC" : "";
  }

  // --- The thread ---------------------------------------------------------------------------

  function actionForm(comment, nodeId, what, label) {
    const form = el("form", { method: "post", class: "inline-form",
      action: "/maps/" + mapId + "/comments/" + comment.id + "/" + what });
    form.append(csrf(), el("input", { type: "hidden", name: "node_id", value: nodeId }),
      el("button", { type: "submit", class: "small", "data-do": what }, label));
    return form;
  }

  function editForm(comment, nodeId, draft) {
    const details = el("details", { class: "comment-edit" });
    if (draft !== undefined) details.open = true;
    details.append(el("summary", {}, "Edit"));
    const form = el("form", { method: "post", "data-form": "comment-edit",
      action: "/maps/" + mapId + "/comments/" + comment.id });
    const label = el("label", {}, "Comment ");
    const area = el("textarea", { name: "body", rows: "3", "data-max": max, required: "" });
    area.value = draft !== undefined ? draft : comment.body;
    label.append(area);
    form.append(csrf(), el("input", { type: "hidden", name: "node_id", value: nodeId }), label,
      el("button", { type: "submit" }, "Save comment"));
    details.append(form);
    return details;
  }

  function item(comment, node, draft) {
    const li = el("li", { class: "comment" + (comment.resolved ? " resolved" : ""),
      id: "comment-" + comment.id, "data-comment": comment.id });
    const head = el("p", { class: "comment-head" });
    head.append(el("span", { class: "comment-author" }, comment.author || "Someone"), " · ",
      el("time", { datetime: comment.created_at, class: "local" }, stamp(comment.created_at)));
    if (comment.edited_at) head.append(" · ", el("span", { class: "comment-edited" }, "edited"));
    if (comment.resolved) {
      head.append(" · ", el("span", { class: "comment-state" },
        "Resolved" + (comment.resolved_by ? " by " + comment.resolved_by : "")));
    }
    li.append(head, el("p", { class: "comment-body" }, comment.body));
    if (!canComment) return li;
    const actions = el("div", { class: "comment-actions" });
    const mine = me !== null && comment.member_id === me;
    if (mine) actions.append(editForm(comment, node.id, draft));
    if (owner || mine) actions.append(actionForm(comment, node.id, "delete", "Delete"));
    if (owner || (me !== null && node.author_member === me)) {
      const what = comment.resolved ? "reopen" : "resolve";
      actions.append(actionForm(comment, node.id, what, comment.resolved ? "Reopen" : "Resolve"));
    }
    li.append(actions);
    return li;
  }

  // The edit forms open now, with what was typed in them (a redraw keeps them).
  function drafts() {
    const kept = {};
    for (const open of box.querySelectorAll("li[data-comment] details.comment-edit[open]")) {
      kept[open.closest("li").dataset.comment] = open.querySelector("textarea").value;
    }
    return kept;
  }

  function addForm(nodeId) {
    let form = box.querySelector('form[data-form="comment"]');
    if (!canComment) return;
    if (!form) {
      form = el("form", { method: "post", "data-form": "comment" });
      const label = el("label", {}, "Your comment ");
      label.append(el("span", { class: "hint" }, "(1–" + max.toLocaleString("en") + " characters)"),
        el("textarea", { name: "body", rows: "3", "data-max": max, required: "" }));
      form.append(csrf(), label, el("button", { type: "submit" }, "Comment"));
      box.append(form);
    }
    form.action = "/maps/" + mapId + "/nodes/" + nodeId + "/comments";
  }

  function draw() {
    const at = model();
    const nodeId = selected();
    if (!at || nodeId === null) return;
    const node = at.byId.get(nodeId);
    box.hidden = !node;
    if (!node) return;
    box.dataset.node = nodeId;
    const kept = drafts();
    const thread = (at.model.comments || []).filter((c) => c.node_id === nodeId);
    box.querySelector(".comment-list").replaceChildren(
      ...thread.map((c) => item(c, node, kept[c.id])));
    box.querySelector(".comment-total").textContent = "(" + thread.length + ")";
    box.querySelector(".comment-none").hidden = thread.length > 0;
    addForm(nodeId);
  }

  // --- Sending: the JSON API, errors shown with the text kept -------------------------------

  function say(message) {
    const place = box.querySelector(".comment-error");
    if (!message) { place.replaceChildren(); return; }
    place.replaceChildren(el("p", { class: "error", role: "alert" }, message));
  }

  function send(method, path, body) {
    return window.argmapPage.api(mapId, method, path, body).then((answer) => {
      if (!answer.ok) throw new Error(answer.data.error || "Not sent (HTTP " + answer.status + ").");
      return answer.data;
    });
  }

  box.addEventListener("submit", (event) => {
    const form = event.target;
    if (!model()) return;  // the page's copy is not here yet: let the form post
    event.preventDefault();
    const li = form.closest("li[data-comment]");
    const area = form.querySelector("textarea");
    let done;
    if (form.dataset.form === "comment") {
      done = send("POST", "/nodes/" + selected() + "/comments", { body: area.value })
        .then(() => { area.value = ""; });
    } else if (form.dataset.form === "comment-edit") {
      done = send("PATCH", "/comments/" + li.dataset.comment, { body: area.value })
        .then(() => { form.closest("details").open = false; });
    } else {
      const what = form.querySelector("button").dataset.do;
      const url = "/comments/" + li.dataset.comment + (what === "delete" ? "" : "/" + what);
      done = send(what === "delete" ? "DELETE" : "POST", url, null);
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    done.then(() => say(""), (error) => say(error.message))
      .finally(() => { button.disabled = false; });
  });

  // --- Marks over the diagram: how many comments each node has (not in the drawing) --------

  function marks() {
    const at = model();
    const graph = diagram.querySelector(".svg-wrap svg g.graph");
    if (!at || !graph) return;
    let layer = graph.querySelector(":scope > g.comment-layer");
    if (!layer) {
      layer = document.createElementNS(SVGNS, "g");
      layer.setAttribute("class", "comment-layer");
      layer.setAttribute("aria-hidden", "true");
      graph.append(layer);
    }
    layer.replaceChildren();
    const made = document.createDocumentFragment();  // added at the end: one layout, not one each
    for (const [id, said] of at.talk || []) {
      const group = graph.querySelector("#node-" + id);
      if (!group) continue;
      const b = (group.querySelector("polygon, path") || group).getBBox();
      made.append(window.argmapDiagram.pill(
        { class: "comment-mark" + (said[1] ? "" : " all-resolved"), "data-node": id },
        { x: b.x - 4, y: b.y - 8, width: 30, height: 16, rx: 4 }, "💬" + said[0]));
    }
    layer.append(made);
  }

  let shownNode = selected();
  function refresh() {
    if (selected() !== shownNode) { shownNode = selected(); say(""); }  // another node's thread
    draw();
    marks();
  }

  document.addEventListener("argmap:patched", refresh);
  new MutationObserver(refresh).observe(diagram, { attributes: true,
    attributeFilter: ["data-selected"] });
  const wrap = diagram.querySelector(".svg-wrap");
  if (wrap) {
    new MutationObserver(() => {
      if (!wrap.querySelector("g.comment-layer")) marks();
    }).observe(wrap, { childList: true });
  }
})();
