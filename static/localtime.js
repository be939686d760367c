// Times in the reader's own time zone: each <time class="local" datetime="..."> written by the
// server in UTC is shown in local time; its title keeps the UTC time. Without JavaScript, or
// for a time the browser cannot read, the UTC text stays as it is.
(function () {
  "use strict";
  const two = (n) => String(n).padStart(2, "0");
  function zoneName(date) {
    try {
      const parts = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(date);
      const zone = parts.find((p) => p.type === "timeZoneName");
      return zone ? " " + zone.value : "";
    } catch (e) {
      return "";
    }
  }
  function local(element) {
    const date = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(date.getTime())) return;
    const utc = element.textContent.trim();
    element.textContent =
      date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) + " " +
      two(date.getHours()) + ":" + two(date.getMinutes()) + zoneName(date);
    element.title = utc.endsWith("UTC") ? utc : utc + " UTC";
  }
  window.argmapLocalTime = local; // for times a script draws later (the overview)
  function run() {
    document.querySelectorAll("time.local[datetime]").forEach(local);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
