// The fleet list: filters and search in the page's own query string (bookmarkable), the list from GET /api/fleet/servers.
(function () {
  "use strict";
  const P = window.RestartWatchPages;
  const PAGE_SIZE = 50;
  const FILTERS = ["q", "application", "environment", "level", "exposure", "label"];

  function apiQuery(params) {
    const api = new URLSearchParams();
    FILTERS.forEach((name) => { const v = (params.get(name) || "").trim(); if (v) api.set(name, v); });
    if (params.get("unverified")) api.set("verified", "false");
    api.set("page", String(Math.max(0, parseInt(params.get("page") || "0", 10) || 0)));
    api.set("size", String(PAGE_SIZE));
    return api;
  }

  function fillForm(params) {
    FILTERS.forEach((name) => { document.getElementById(name).value = params.get(name) || ""; });
    document.getElementById("unverified").checked = !!params.get("unverified");
  }

  function pageLink(params, page, text) {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return P.link("fleet.html?" + next.toString(), text);
  }

  P.start(async () => {
    const params = new URLSearchParams(location.search);
    fillForm(params);
    const api = apiQuery(params);
    const page = await P.getJson("api/fleet/servers?" + api.toString());
    const summary = document.getElementById("summary");
    const pending = page.items.filter((s) => s.restart).length;
    const unverified = page.items.filter((s) => s.freshness && s.freshness.verified === false).length;
    summary.replaceChildren(P.el("span", null, page.total + " server" + (page.total === 1 ? "" : "s")),
      P.el("span", null, "on this page: " + pending + " pending, " + unverified + " unverified"));
    document.getElementById("results").replaceChildren(P.serverTable(page.items, "No server matches these filters."));
    const pager = document.getElementById("pager");
    pager.replaceChildren();
    const last = Math.max(0, Math.ceil(page.total / page.size) - 1);
    if (page.page > 0) pager.append(pageLink(params, page.page - 1, "← previous"));
    pager.append(P.el("span", "muted", "page " + (page.page + 1) + " of " + (last + 1)));
    if (page.page < last) pager.append(pageLink(params, page.page + 1, "next →"));
  });
})();
