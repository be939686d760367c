// The map page: click a node in the diagram to select it (static/canvas.js shows it), and the
// badges the other scripts lay over the drawing (pill).
(function () {
  "use strict";
  const diagram = document.getElementById("diagram");
  if (!diagram) return;
  const SVGNS = "http://www.w3.org/2000/svg";

  function nodeId(element) {
    const group = element.closest("g.node");
    if (!group || !group.id.startsWith("node-")) return null;
    return group.id.slice(5);
  }

  function select(id) {
    // With the page's editor (static/edit.js) a node is selected in place, without a load.
    if (window.argmapEdit && window.argmapEdit.select(Number(id), "diagram")) return;
    const url = new URL(window.location.href);
    url.searchParams.set("node", id);
    url.hash = "";  // the canvas (static/canvas.js) brings the node into view
    window.location.assign(url.toString());
  }

  function markSelected() {
    const selected = diagram.dataset.selected;
    diagram.querySelectorAll("g.node.selected").forEach((g) => g.classList.remove("selected"));
    const group = selected ? document.getElementById("node-" + selected) : null;
    if (group) group.classList.add("selected");
  }

  function prepare() {
    diagram.querySelectorAll("g.node").forEach((g) => {
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      const text = Array.from(g.querySelectorAll("text")).map((t) => t.textContent).join(" ");
      g.setAttribute("aria-label", "Select: " + text.replace(/\u00a0/g, " "));
      // Graphviz's own <title> ("n3") would be read as part of the button's text.
      // Its name ("n3", a junction's "g3_support_1") stays as data-name for the canvas.
      const title = g.querySelector(":scope > title");
      if (title) { g.dataset.name = title.textContent.trim(); title.remove(); }
    });
    markSelected();
  }

  // A rounded badge to lay over the drawing (never inside a node: a node is a button named by
  // its text): a group with `attrs` holding a rect `at` {x, y, width, height, rx} and `text`
  // centred in it, its baseline `at.drop` (4 by default) below the middle.
  function pill(attrs, at, text) {
    const group = document.createElementNS(SVGNS, "g");
    for (const [name, value] of Object.entries(attrs)) group.setAttribute(name, String(value));
    const rect = document.createElementNS(SVGNS, "rect");
    for (const name of ["x", "y", "width", "height", "rx"]) rect.setAttribute(name, String(at[name]));
    const label = document.createElementNS(SVGNS, "text");
    label.setAttribute("x", String(at.x + at.width / 2));
    label.setAttribute("y", String(at.y + at.height / 2 + (at.drop === undefined ? 4 : at.drop)));
    label.setAttribute("text-anchor", "middle");
    label.textContent = text;
    group.append(rect, label);
    return group;
  }

  diagram.addEventListener("click", (event) => {
    const id = nodeId(event.target);
    if (id) select(id);
  });
  diagram.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const id = nodeId(event.target);
    if (id) { event.preventDefault(); select(id); }
  });

  window.argmapDiagram = { prepare: prepare, pill: pill };
  prepare();
})();
