// The map page: click a node in the diagram to select it; keep the selection in view.
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
    const url = new URL(window.location.href);
    url.searchParams.set("node", id);
    url.hash = "node-" + id;
    window.location.assign(url.toString());
  }

  function markSelected() {
    const selected = diagram.dataset.selected;
    diagram.querySelectorAll("g.node.selected").forEach((g) => g.classList.remove("selected"));
    // Nothing selected: bring the first claim into view (a wide map opens on its corner).
    const group = selected
      ? document.getElementById("node-" + selected)
      : diagram.querySelector("g.node.kind-claim");
    if (!group) return;
    if (selected) group.classList.add("selected");
    const wrap = diagram.querySelector(".svg-wrap");
    const box = group.getBoundingClientRect();
    const frame = wrap.getBoundingClientRect();
    wrap.scrollLeft += box.left - frame.left - frame.width / 2 + box.width / 2;
    wrap.scrollTop += box.top - frame.top - frame.height / 2 + box.height / 2;
  }

  function prepare() {
    diagram.querySelectorAll("g.node").forEach((g) => {
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      const text = Array.from(g.querySelectorAll("text")).map((t) => t.textContent).join(" ");
      g.setAttribute("aria-label", "Select: " + text.replace(/\u00a0/g, " "));
      // Graphviz's own <title> ("n3") would be read as part of the button's text.
      const title = g.querySelector(":scope > title");
      if (title) title.remove();
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

  // "Fit to width" shrinks a wide diagram to the page; remembered in this browser.
  const fit = document.getElementById("fit-toggle");
  function setFit(on) {
    diagram.classList.toggle("fit", on);
    if (fit) fit.setAttribute("aria-pressed", on ? "true" : "false");
    try { window.localStorage.setItem("argmap-fit", on ? "1" : ""); } catch (e) { /* private mode */ }
  }
  if (fit) {
    fit.addEventListener("click", () => setFit(!diagram.classList.contains("fit")));
    let stored = "";
    try { stored = window.localStorage.getItem("argmap-fit") || ""; } catch (e) { stored = ""; }
    setFit(stored === "1");
  }

  window.argmapDiagram = { prepare: prepare };
  prepare();
})();
