// The map page: click a node in the diagram to select it (static/canvas.js shows it).
(function () {
  "use strict";
  const diagram = document.getElementById("diagram");
  if (!diagram) return;

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

  diagram.addEventListener("click", (event) => {
    const id = nodeId(event.target);
    if (id) select(id);
  });
  diagram.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const id = nodeId(event.target);
    if (id) { event.preventDefault(); select(id); }
  });

  window.argmapDiagram = { prepare: prepare };
  prepare();
})();
