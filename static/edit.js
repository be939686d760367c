// Edit where you look: select a node in the outline or the diagram and act right there.
//
// The outline becomes a tree (arrow keys, aria-expanded); selecting a node shows its actions
// (add a pro or a con, edit the text, link it to a node found by its words, delete it) and
// each opens a field in place: in the outline, beside the node in the diagram, or in the
// side panel. Saves go through the JSON API; the page's live copy (static/live.js) brings the
// change to every page, this one included. Without this script the forms do the same.
(function () {
  "use strict";
  const outlineBox = document.getElementById("outline");
  const diagram = document.getElementById("diagram");
  const live = document.getElementById("live");
  if (!outlineBox || !diagram || !live || !window.fetch || !window.argmapPage) return;

  const mapId = live.dataset.map;
  const actions = document.getElementById("actions");
  const canEdit = Boolean(actions);
  const serverSelected = diagram.dataset.selected ? Number(diagram.dataset.selected) : null;
  const TEXT_MAX = 1000;
  const LABELS = { support: "pro", counter: "con" };
  const state = { current: serverSelected, editor: null, timer: null };

  // --- Small helpers -----------------------------------------------------------------------

  const el = window.argmapPage.el;
  const short = window.argmapPage.truncate;

  function model() {
    return window.argmapLive && window.argmapLive.state.at;
  }

  function item(id) {
    return document.getElementById("o-" + id);
  }

  function nodeText(id) {
    const at = model();
    if (at && at.byId.has(id)) return at.byId.get(id).text;
    const link = item(id) && item(id).querySelector(":scope > a");
    return link ? link.textContent : "";
  }

  function number(n) {
    return n.toLocaleString("en");
  }

  // One call to the JSON API; resolves to {ok, status, data}. What was typed stays in its field.
  function api(method, path, payload) {
    return window.argmapPage.api(mapId, method, path, payload).then((answer) => answer.status
      ? answer : { ok: false, status: 0,
        data: { error: "The server could not be reached: your text is kept, try again." } });
  }

  // --- The outline as a tree -----------------------------------------------------------------

  function root() {
    return outlineBox.querySelector(":scope > ul.outline");
  }

  // Roles and tab stops for items the server or a live patch drew; one item is the tab stop.
  function upgrade() {
    const list = root();
    if (!list) return;
    list.setAttribute("role", "tree");
    list.setAttribute("aria-label", "Outline");
    for (const li of list.querySelectorAll("li[data-node]:not([role])")) {
      li.setAttribute("role", "treeitem");
      li.tabIndex = -1;
      const group = li.querySelector(":scope > ul");
      if (group) group.setAttribute("role", "group");
      for (const link of li.querySelectorAll(":scope > a, :scope > .also > a")) link.tabIndex = -1;
    }
    for (const group of list.querySelectorAll("li[data-node] > ul:not([role])")) {
      group.setAttribute("role", "group");
    }
    for (const li of list.querySelectorAll("li[data-node]")) {
      const kids = li.querySelector(":scope > ul > li[data-node]");
      if (!kids) li.removeAttribute("aria-expanded");
      else if (!li.hasAttribute("aria-expanded")) li.setAttribute("aria-expanded", "true");
    }
    mark(state.current);
    const stop = item(state.current) || list.querySelector("li[data-node]");
    if (stop && !list.querySelector('li[tabindex="0"]')) stop.tabIndex = 0;
  }

  // The items a reader can reach now: not inside a closed branch.
  function visible() {
    const list = root();
    if (!list) return [];
    return Array.from(list.querySelectorAll("li[data-node]")).filter((li) => {
      const closed = li.parentElement.closest('li[aria-expanded="false"]');
      return !closed;
    });
  }

  function focusItem(li) {
    if (!li) return;
    for (const old of root().querySelectorAll('li[tabindex="0"]')) old.tabIndex = -1;
    li.tabIndex = 0;
    li.focus({ preventScroll: false });
  }

  function setOpen(li, open) {
    if (li.hasAttribute("aria-expanded")) li.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function onTreeKey(event) {
    const li = event.target.closest && event.target.closest("li[data-node]");
    if (!li || event.target !== li || event.altKey || event.ctrlKey || event.metaKey) return;
    const shown = visible();
    const at = shown.indexOf(li);
    const id = Number(li.dataset.node);
    const moves = {
      ArrowDown: () => shown[at + 1],
      ArrowUp: () => shown[at - 1],
      Home: () => shown[0],
      End: () => shown[shown.length - 1],
      ArrowRight: () => {
        if (li.getAttribute("aria-expanded") === "false") { setOpen(li, true); return li; }
        return li.querySelector(":scope > ul > li[data-node]");
      },
      ArrowLeft: () => {
        if (li.getAttribute("aria-expanded") === "true") { setOpen(li, false); return li; }
        return li.parentElement.closest("li[data-node]");
      },
    };
    if (moves[event.key]) {
      event.preventDefault();
      const next = moves[event.key]();
      if (next) { select(Number(next.dataset.node), "outline"); focusItem(next); }
      return;
    }
    if (act(event, id, "outline")) event.preventDefault();
  }

  // The keys that act on a node, from the outline or the diagram.
  function act(event, id, where) {
    if (event.key === "Escape") { close(); return true; }
    if (!canEdit) {
      if (event.key === "Enter") { open(id); return true; }
      return false;
    }
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const verbs = { Enter: "edit", F2: "edit", p: "support", "+": "support", c: "counter",
      "-": "counter", l: "link", Delete: "delete" };
    if (!verbs[key]) return false;
    if (id !== state.current) select(id, where);
    start(verbs[key], id, where);
    return true;
  }

  // A reader without an editor's role: selecting a node still loads its card.
  function open(id) {
    const url = new URL(window.location.href);
    url.searchParams.set("node", id);
    url.hash = "node-" + id;
    window.location.assign(url.toString());
  }

  // --- Selection ------------------------------------------------------------------------------

  function mark(id) {
    for (const old of outlineBox.querySelectorAll("li.selected, li[aria-selected]")) {
      old.classList.remove("selected");
      old.removeAttribute("aria-current");
      old.removeAttribute("aria-selected");
    }
    for (const g of diagram.querySelectorAll("g.node.selected")) g.classList.remove("selected");
    if (id === null) return;
    const li = item(id);
    if (li) {
      li.classList.add("selected");
      li.setAttribute("aria-current", "true");
      li.setAttribute("aria-selected", "true");
      const bar = toolbar();
      if (bar && bar.parentElement !== li) li.querySelector(":scope > a").after(bar);
    }
    const g = document.getElementById("node-" + id);
    if (g) g.classList.add("selected");
  }

  // The outline item's own row of action buttons (on a phone the outline is the editor).
  function toolbar() {
    if (!canEdit) return null;
    let bar = document.getElementById("outline-actions");
    if (!bar) {
      bar = actions.querySelector(".node-actions").cloneNode(true);
      bar.id = "outline-actions";
      for (const button of bar.querySelectorAll("button")) button.dataset.where = "outline";
    }
    return bar;
  }

  // Select a node in place; returns false when the page should load it instead (readers).
  function select(id, where) {
    if (!canEdit) return false;
    if (state.current === id && where === "diagram") {
      start("edit", id, "diagram");
      return true;
    }
    state.current = id;
    diagram.dataset.selected = id;
    mark(id);
    const url = new URL(window.location.href);
    url.searchParams.set("node", id);
    url.hash = "";
    window.history.replaceState(null, "", url.toString());
    panel(id);
    return true;
  }

  // The side panel: the node's actions; the full forms only for the node the page was built for.
  function panel(id) {
    actions.hidden = id === null;
    if (id === null) return;
    actions.querySelector("#actions-text").textContent = nodeText(id);
    const more = actions.querySelector("#actions-more");
    more.href = "/maps/" + mapId + "?node=" + id + "#node-" + id;
    for (const part of ["selected", "edit", "add-under", "links", "delete", "live-alert"]) {
      const card = document.getElementById(part);
      if (card) card.hidden = id !== serverSelected;
    }
  }

  // --- The field in place ---------------------------------------------------------------------

  // Start an action on a node: a field opens where the person is looking.
  function start(verb, id, where) {
    const editor = state.editor;
    if (editor && editor.typed() && !(editor.verb === verb && editor.id === id)) {
      editor.say("Save this first (Enter), or cancel it (Esc).");
      editor.focus();
      return;
    }
    close();
    const builders = { support: adding, counter: adding, edit: editing, link: linking,
      delete: deleting };
    state.editor = builders[verb](verb, id, where);
    place();
    state.editor.focus();
  }

  function close() {
    const editor = state.editor;
    if (!editor) return;
    state.editor = null;
    editor.box.remove();
    const back = editor.where === "diagram" ? document.getElementById("node-" + editor.id)
      : editor.where === "outline" ? item(editor.id) : null;
    if (back && document.contains(back)) {
      if (editor.where === "outline") focusItem(back); else back.focus();
    }
  }

  // Put the open field where it belongs (again, after a live patch redrew the outline).
  function place() {
    const editor = state.editor;
    if (!editor) return;
    // Moving the field, or a redraw that took it out of the page, takes the focus: give it back.
    const active = document.activeElement;
    const inside = editor.box.contains(active);
    const refocus = inside || (!editor.box.isConnected && (!active || active === document.body));
    const caret = inside && "selectionStart" in active ? [active.selectionStart, active.selectionEnd]
      : null;
    settle(editor);
    if (!refocus || editor.box.contains(document.activeElement)) return;
    const target = inside && editor.box.contains(active) ? active : editor.field;
    if (target) target.focus();
    if (caret && target === active) target.setSelectionRange(caret[0], caret[1]);
  }

  function settle(editor) {
    if (editor.where === "panel") { actions.append(editor.box); return; }
    if (editor.where === "diagram") { float(editor); return; }
    const li = item(editor.id);
    if (!li) { actions.hidden = false; editor.where = "panel"; actions.append(editor.box); return; }
    if (editor.verb === "support" || editor.verb === "counter") {
      let group = li.querySelector(":scope > ul");
      if (!group) {
        group = el("ul", { role: "group" });
        li.append(group);
        li.setAttribute("aria-expanded", "true");
      }
      li.setAttribute("aria-expanded", "true");
      if (group.lastElementChild !== editor.box) group.append(editor.box);
    } else if (li.nextElementSibling !== editor.box) {
      li.after(editor.box);
    }
  }

  // Beside the node in the diagram: below its drawn box, inside the diagram's frame.
  function float(editor) {
    const g = document.getElementById("node-" + editor.id);
    if (!editor.box.parentElement) diagram.append(editor.box);
    if (!g) return;
    const box = g.getBoundingClientRect();
    const frame = diagram.getBoundingClientRect();
    const width = Math.min(360, frame.width - 8);
    const left = Math.max(4, Math.min(box.left - frame.left, frame.width - width - 4));
    editor.box.style.left = left + "px";
    editor.box.style.top = Math.max(0, box.bottom - frame.top + 4) + "px";
    editor.box.style.width = width + "px";
  }

  // The parts every field has: a box, a heading, a message line, buttons.
  function frame(verb, id, where, heading) {
    const box = el(where === "outline" ? "li" : "div",
      { class: "inline-edit inline-" + verb, "data-for": id });
    if (where === "outline") box.setAttribute("role", "none");
    if (where === "diagram") box.classList.add("edit-pop");
    const form = el("form", { novalidate: "" });
    form.append(el("p", { class: "inline-heading" }, heading));
    const message = el("p", { class: "inline-message", role: "status", "aria-live": "polite" });
    box.append(form);
    const editor = { verb: verb, id: id, where: where, box: box, form: form,
      message: message, field: null, typed: () => false,
      focus: () => { if (editor.field) editor.field.focus(); },
      say: (text, bad) => {
        message.textContent = text;
        message.classList.toggle("error", Boolean(bad));
        message.setAttribute("role", bad ? "alert" : "status");
      } };
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(); }
    });
    return editor;
  }

  function buttons(editor, label) {
    const row = el("div", { class: "inline-buttons" });
    const save = el("button", { type: "submit" }, label);
    const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
    cancel.addEventListener("click", close);
    row.append(save, cancel);
    editor.form.append(row);
    editor.save = save;
    return row;
  }

  // A text box that saves on Enter (Shift+Enter for a new line) and counts its characters.
  function textBox(editor, value, label) {
    const field = el("textarea", { name: "text", rows: "2", "data-max": String(TEXT_MAX),
      "aria-label": label });
    field.value = value;
    editor.form.append(field);
    counter(field);
    editor.form.append(editor.message);
    editor.field = field;
    editor.typed = () => field.value.trim() !== "" && field.value !== value;
    field.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      editor.form.requestSubmit();
    });
    return field;
  }

  // Add a pro or a con under the node; after Enter the field stays open for the next one.
  function adding(verb, id, where) {
    const name = LABELS[verb];
    const editor = frame(verb, id, where, "New " + name + " for “" + short(nodeText(id), 60) + "”");
    const field = textBox(editor, "", "Text of the new " + name);
    editor.form.append(el("p", { class: "hint" },
      "Enter adds it and opens a field for the next " + name + " · Shift+Enter new line · Esc stops"));
    buttons(editor, "Add " + name);
    editor.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = field.value;
      editor.save.disabled = true;
      api("POST", "/nodes", { kind: verb, text: text, parent_id: id }).then((answer) => {
        editor.save.disabled = false;
        if (!answer.ok) { editor.say(answer.data.error || "Not added.", true); return; }
        shown(answer.data);
        if (field.value === text) field.value = "";
        field.dispatchEvent(new Event("input"));
        editor.say("Added “" + short(answer.data.text, 40) + "”. Type the next " + name
          + ", or Esc to stop.");
        place();
        field.focus();
      });
    });
    return editor;
  }

  // The new node in the outline at once, with the id the server gave it (the live patch that
  // follows redraws it exactly as the server would).
  function shown(node) {
    const parent = item(node.parent_id);
    if (!parent || item(node.id)) return;
    let group = parent.querySelector(":scope > ul");
    if (!group) { group = el("ul", { role: "group" }); parent.append(group); }
    parent.setAttribute("aria-expanded", "true");
    const rebuttal = node.kind === "counter" && parent.classList.contains("kind-counter");
    const role = rebuttal ? "Rebuttal" : window.argmapPage.kindLabels[node.kind];
    const li = el("li", { id: "o-" + node.id, class: "kind-" + node.kind,
      "data-node": node.id, role: "treeitem", tabindex: "-1" });
    li.append(el("span", { class: "badge badge-" + role.toLowerCase() }, role), " ");
    li.append(el("a", { href: "/maps/" + mapId + "?node=" + node.id + "#node-" + node.id,
      tabindex: "-1" }, node.text));
    const editorBox = state.editor && state.editor.box.parentElement === group
      ? state.editor.box : null;
    group.insertBefore(li, editorBox);
  }

  // Edit the node's text in place; a newer version shows both texts and keeps yours.
  function editing(verb, id, where) {
    const at = model();
    const node = at && at.byId.get(id);
    const editor = frame(verb, id, where, "Edit the text");
    const field = textBox(editor, nodeText(id), "Text of the node");
    editor.version = node ? node.version : null;
    const conflict = el("div", { class: "conflict", role: "alert", hidden: "" });
    editor.form.append(el("p", { class: "hint" }, "Enter saves · Shift+Enter new line · Esc cancels"));
    buttons(editor, "Save");
    editor.form.append(conflict);
    field.select();
    editor.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const payload = { text: field.value };
      if (editor.version !== null) payload.version = editor.version;
      editor.save.disabled = true;
      api("PATCH", "/nodes/" + id, payload).then((answer) => {
        editor.save.disabled = false;
        if (answer.status === 409 && answer.data.current) {
          clash(editor, conflict, answer.data, field.value);
          return;
        }
        if (!answer.ok) { editor.say(answer.data.error || "Not saved.", true); return; }
        const link = item(id) && item(id).querySelector(":scope > a");
        if (link) link.textContent = answer.data.text;
        if (id === state.current) actions.querySelector("#actions-text").textContent = answer.data.text;
        close();
      });
    });
    return editor;
  }

  function clash(editor, conflict, data, yours) {
    editor.version = data.current.version;
    conflict.replaceChildren(
      el("p", {}, "Someone changed this node while you were editing. Your text is kept in the"
        + " field: merge what you want and save again."),
      labelled("theirs", "Theirs now:", data.current.text),
      labelled("yours", "Yours:", yours));
    conflict.hidden = false;
    editor.say(data.error || "", true);
    editor.field.focus();
  }

  function labelled(name, label, text) {
    const line = el("p", { class: name });
    line.append(el("span", { class: "label" }, label), " ", el("span", { class: name + "-text" }, text));
    return line;
  }

  // Link the node to another found by typing part of its text.
  function linking(verb, id, where) {
    const editor = frame(verb, id, where, "Link “" + short(nodeText(id), 50) + "” to another node");
    const relation = el("select", { name: "relation", "aria-label": "How it relates" });
    for (const [value, label] of [["support", "also supports"], ["counter", "also objects to"],
      ["contradiction", "contradicts"]]) {
      relation.append(el("option", { value: value }, label));
    }
    const query = el("input", { type: "search", name: "q", autocomplete: "off", maxlength: "200",
      "aria-label": "Words of the other node", placeholder: "Type words of the other node" });
    const results = el("ul", { class: "picks", "aria-label": "Matching nodes" });
    editor.form.append(relation, query, editor.message, results);
    editor.field = query;
    editor.form.append(el("p", { class: "hint" }, "↓ to the matches · Enter links · Esc cancels"));
    const row = el("div", { class: "inline-buttons" });
    const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
    cancel.addEventListener("click", close);
    row.append(cancel);
    editor.form.append(row);
    editor.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const first = results.querySelector("button");
      if (first) first.click();
    });
    picker(query, results, id, editor.say, (target) =>
      api("POST", "/links", { from_id: id, to_id: target, relation: relation.value })
        .then((answer) => {
          if (!answer.ok) { editor.say(answer.data.error || "Not linked.", true); return; }
          close();
          note("Linked.");
        }));
    return editor;
  }

  // Live search by text (SQLite full-text search) with a button for each match.
  function picker(query, results, self, say, choose) {
    let asked = 0;
    query.addEventListener("input", () => {
      clearTimeout(state.timer);
      state.timer = setTimeout(() => {
        const words = query.value.trim();
        const mine = ++asked;
        if (!words) { results.replaceChildren(); return; }
        api("GET", "/search?limit=8&q=" + encodeURIComponent(words)).then((answer) => {
          if (mine !== asked) return;
          if (!answer.ok) { say(answer.data.error || "Search failed.", true); return; }
          const found = answer.data.results.filter((n) => n.id !== self);
          say(found.length ? found.length + " matching" : "No node matches: try other words.");
          results.replaceChildren(...found.map((n) => {
            const li = el("li");
            const button = el("button", { type: "button", "data-pick": n.id, class: "pick" },
              "#" + n.id + " " + short(n.text, 90));
            button.addEventListener("click", () => choose(n.id));
            li.append(button);
            return li;
          }));
        });
      }, 150);
    });
    query.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown") return;
      const first = results.querySelector("button");
      if (first) { event.preventDefault(); first.focus(); }
    });
    results.addEventListener("keydown", (event) => {
      const all = Array.from(results.querySelectorAll("button"));
      const at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : query).focus(); }
    });
  }

  // How many nodes stand below a node (they go with it when deleted with them).
  function below(id) {
    const at = model();
    if (!at) return item(id) ? item(id).querySelectorAll("li[data-node]").length : 0;
    let count = 0;
    const stack = [id];
    while (stack.length) {
      for (const kid of at.kids.get(stack.pop()) || []) { count += 1; stack.push(kid.id); }
    }
    return count;
  }

  // Delete the node, saying how many go with it; the nodes below can move up instead.
  function deleting(verb, id, where) {
    const count = below(id);
    const editor = frame(verb, id, where, "Delete “" + short(nodeText(id), 60) + "”?");
    const direct = model() ? (model().kids.get(id) || []).length : count;
    editor.form.append(el("p", { class: "inline-count" }, count === 0
      ? "No node stands below it."
      : number(count) + (count === 1 ? " node stands" : " nodes stand") + " below it."));
    editor.form.append(editor.message);
    const row = el("div", { class: "inline-buttons" });
    const choices = count === 0 ? [[null, "Delete it"]] : [
      ["delete", "Delete it and the " + number(count) + " below"],
      ["reattach", "Delete only it: move " + (direct === 1 ? "its 1 node" : "its " + number(direct) + " nodes") + " up"]];
    for (const [choice, label] of choices) {
      const button = el("button", { type: "button", class: choice === "reattach" ? "secondary" : "danger" }, label);
      button.addEventListener("click", () => remove(editor, id, choice));
      row.append(button);
    }
    const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
    cancel.addEventListener("click", close);
    row.append(cancel);
    editor.form.append(row);
    editor.field = row.querySelector("button");
    return editor;
  }

  function remove(editor, id, choice) {
    const at = model();
    const node = at && at.byId.get(id);
    const payload = { children: choice };
    if (node) payload.version = node.version;
    api("DELETE", "/nodes/" + id, payload).then((answer) => {
      if (!answer.ok) { editor.say(answer.data.error || "Not deleted.", true); return; }
      const gone = answer.data.deleted.length;
      const parent = node ? node.parent_id : null;
      state.editor = null;
      editor.box.remove();
      if (choice !== "delete" && item(id)) {
        const li = item(id);
        const kids = li.querySelector(":scope > ul");
        if (kids && parent === null) li.remove();
        else if (kids) { while (kids.firstChild) li.before(kids.firstChild); li.remove(); }
        else li.remove();
      } else if (item(id)) {
        item(id).remove();
      }
      note("Deleted " + (gone === 1 ? "1 node." : number(gone) + " nodes."));
      state.current = null;
      if (parent !== null && item(parent)) { select(parent, "outline"); focusItem(item(parent)); }
      else panel(null);
    });
  }

  function note(text) {
    const notice = document.getElementById("edit-status");
    if (notice) notice.textContent = text;
  }

  // --- Character counts on every text field of the page ---------------------------------------

  function counter(field) {
    const max = Number(field.dataset.max);
    if (!max || field.dataset.counted) return;
    field.dataset.counted = "1";
    const id = "count-" + Math.random().toString(36).slice(2, 9);
    const count = el("span", { class: "char-count", id: id });
    field.after(count);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + id : id);
    const update = () => {
      const used = Array.from(field.value).length;
      const over = used - max;
      count.textContent = number(used) + " / " + number(max)
        + (over > 0 ? ": " + number(over) + " too many, shorten it to save" : "");
      count.classList.toggle("over", over > 0);
      if (over > 0) field.setAttribute("aria-invalid", "true");
      else if (!field.classList.contains("invalid")) field.removeAttribute("aria-invalid");
    };
    field.addEventListener("input", update);
    update();
  }

  // --- Wiring ----------------------------------------------------------------------------------

  outlineBox.addEventListener("keydown", onTreeKey);
  outlineBox.addEventListener("click", (event) => {
    const link = event.target.closest("li[data-node] > a");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || !canEdit) return;
    event.preventDefault();
    const li = link.parentElement;
    select(Number(li.dataset.node), "outline");
    focusItem(li);
  });
  outlineBox.addEventListener("focusin", (event) => {
    const li = event.target.closest && event.target.closest("li[data-node]");
    if (li && event.target === li && root()) {
      for (const old of root().querySelectorAll('li[tabindex="0"]')) if (old !== li) old.tabIndex = -1;
      li.tabIndex = 0;
    }
  });
  diagram.addEventListener("keydown", (event) => {
    const g = event.target.closest && event.target.closest("g.node");
    if (!g || !g.id.startsWith("node-") || event.key === "Enter" || event.key === " ") return;
    if (act(event, Number(g.id.slice(5)), "diagram")) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-act]");
    if (!button || state.current === null) return;
    start(button.dataset.act, state.current, button.dataset.where || "panel");
  });
  document.addEventListener("argmap:patched", () => {
    upgrade();
    place();
    if (state.current !== null && actions && !actions.hidden) {
      actions.querySelector("#actions-text").textContent = nodeText(state.current);
    }
  });
  for (const field of document.querySelectorAll("[data-max]")) counter(field);
  // "All fields" loads the node's page; the address already names it, so load it again.
  const more = document.getElementById("actions-more");
  if (more) {
    more.addEventListener("click", (event) => {
      const target = new URL(more.href, window.location.href);
      if (target.search !== window.location.search) return;
      event.preventDefault();
      window.history.replaceState(null, "", target.toString());
      window.location.reload();
    });
  }
  if (canEdit) {
    const form = document.querySelector('form[data-form="link"]');
    if (form) enhanceLinkForm(form);
  }

  // The panel's link form: matches appear as you type and link at a click (still a plain
  // search form without this script).
  function enhanceLinkForm(form) {
    const query = form.elements.q;
    const results = el("ul", { class: "picks", "aria-label": "Matching nodes" });
    const message = el("p", { class: "inline-message", role: "status" });
    form.append(message, results);
    const from = Number(form.elements.node.value);
    const say = (text, bad) => { message.textContent = text; message.classList.toggle("error", Boolean(bad)); };
    picker(query, results, from, say, (target) =>
      api("POST", "/links", { from_id: from, to_id: target, relation: form.elements.relation.value })
        .then((answer) => {
          if (!answer.ok) { say(answer.data.error || "Not linked.", true); return; }
          query.value = "";
          results.replaceChildren();
          say("Linked.");
        }));
  }

  window.argmapEdit = { select: select, start: start, state: state };
  upgrade();
  if (canEdit && state.current !== null) panel(state.current);
})();
