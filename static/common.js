// What the map page's scripts share: elements built with user text only as textContent,
// text cut as Jinja's truncate filter cuts it, and one call to the map's JSON API.
(function () {
  "use strict";
  const token = document.querySelector('meta[name="csrf-token"]');

  function el(tag, attrs, text) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) element.setAttribute(name, value);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // Jinja's truncate filter (leeway 5, cut at a space, "..."), on characters.
  function truncate(text, length) {
    const chars = Array.from(text);
    if (chars.length <= length + 5) return text;
    const cut = chars.slice(0, length - 3).join("");
    const space = cut.lastIndexOf(" ");
    return (space >= 0 ? cut.slice(0, space) : cut) + "...";
  }

  // One call to /api/maps/<mapId><path>; resolves to {ok, status, data}, never rejects
  // (status 0: the server could not be reached).
  function api(mapId, method, path, payload) {
    const headers = { Accept: "application/json", "X-CSRF-Token": token ? token.content : "" };
    const options = { method: method, headers: headers, credentials: "same-origin" };
    if (payload !== undefined && payload !== null) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(new URL("/api/maps/" + mapId + path, window.location.href), options)
      .then((response) => response.json().catch(() => ({}))
        .then((data) => ({ ok: response.ok, status: response.status, data: data })))
      .catch(() => ({ ok: false, status: 0,
        data: { error: "The server could not be reached: try again." } }));
  }

  // A node's kind as its badge says it (labels.KIND_LABELS on the server).
  const KIND_LABELS = { claim: "Claim", support: "Pro", counter: "Con" };

  window.argmapPage = { el: el, truncate: truncate, api: api, kindLabels: KIND_LABELS };
})();
