// Shared by the fleet, server and application pages: sign-in (the dashboard's session cookie), DOM helpers that
// only ever set text (never innerHTML: every value comes from servers, agents and operators), and the fleet row.
(function () {
  "use strict";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function link(href, text, className) {
    const a = el("a", className, text);
    a.href = href;
    return a;
  }

  function serverHref(id) { return "server.html?id=" + encodeURIComponent(id); }
  function applicationHref(id) { return "application.html?id=" + encodeURIComponent(id); }

  function age(since) {
    if (!since) return "—";
    const seconds = Math.max(0, (Date.now() - Date.parse(since)) / 1000);
    if (seconds < 60) return "just now";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h";
    return Math.floor(seconds / 86400) + " d";
  }

  // "3 h ago", or "just now".
  function ago(since) {
    const a = age(since);
    return a === "just now" || a === "—" ? a : a + " ago";
  }

  function when(instant) {
    if (!instant) return "—";
    return new Date(instant).toISOString().replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
  }

  // ISO-8601 durations as the API writes them (PT72H, PT3H30M, P1D).
  function duration(iso) {
    if (!iso) return "—";
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
    if (!m) return iso;
    const seconds = (+(m[1] || 0)) * 86400 + (+(m[2] || 0)) * 3600 + (+(m[3] || 0)) * 60 + (+(m[4] || 0));
    if (seconds % 86400 === 0 && seconds >= 86400) return seconds / 86400 + " d";
    if (seconds % 3600 === 0 && seconds >= 3600) return seconds / 3600 + " h";
    if (seconds >= 60) return Math.round(seconds / 60) + " min";
    return seconds + " s";
  }

  function levelBadge(level) {
    return el("span", "level " + level, level);
  }

  function exposureBadge(exposure) {
    return el("span", "exposure " + (exposure || ""), exposure || "not assessed");
  }

  // Verified, unverified (with the reason, loud), or not yet known.
  function freshnessBadge(freshness) {
    if (!freshness || freshness.verified === null || freshness.verified === undefined) return el("span", "fresh unknown", "not yet known");
    if (freshness.verified) return el("span", "fresh verified", "verified");
    const badge = el("span", "fresh unverified", "unverified: " + (freshness.reason || "unknown reason"));
    if (freshness.detail) badge.title = freshness.detail;
    return badge;
  }

  function labelList(labels) {
    const span = el("span", "labels");
    Object.keys(labels || {}).sort().forEach((key) => span.append(el("span", "label", key + "=" + labels[key])));
    return span;
  }

  // One server as a table row: the fleet list and the application page show the same columns.
  function serverRow(s) {
    const tr = el("tr", s.restart ? s.restart.level : null);
    tr.dataset.serverId = s.serverId;

    const server = el("td");
    server.append(link(serverHref(s.serverId), s.serverId, "server"));
    if (s.hostname && s.hostname !== s.serverId) server.append(el("div", "host", s.hostname));

    const app = el("td");
    if (s.applicationId) app.append(link(applicationHref(s.applicationId), s.applicationId));
    else app.append("—");
    if (s.environment) app.append(el("div", "muted", s.environment));

    const restart = el("td");
    if (s.restart) {
      restart.append(levelBadge(s.restart.level), el("span", "score", s.restart.score));
      if (s.restart.kind === "SERVICES") restart.append(el("div", "muted", "services only"));
      if (s.restart.stale) restart.append(el("div", "stale", "stale"));
    } else {
      restart.append(el("span", "muted", "none pending"));
    }

    const pending = el("td", null, s.restart ? age(s.restart.requiredSince) : "—");
    if (s.restart && s.restart.requiredSince) pending.title = "since " + s.restart.requiredSince;

    const exposure = el("td");
    exposure.append(exposureBadge(s.exposure));

    const fresh = el("td");
    fresh.append(freshnessBadge(s.freshness));

    const check = el("td");
    if (s.lastCheck) {
      check.append(el("span", "outcome " + s.lastCheck.outcome, s.lastCheck.outcome), el("div", "muted", ago(s.lastCheck.checkedAt)));
      if (s.lastCheck.reason) check.append(el("div", "muted", s.lastCheck.reason));
    } else {
      check.append(el("span", "muted", "no check yet"));
    }

    const labels = el("td");
    labels.append(labelList(s.labels));

    tr.append(server, app, restart, pending, exposure, fresh, check, labels);
    return tr;
  }

  const SERVER_COLUMNS = ["Server", "Application", "Restart", "Pending", "Exposure", "Freshness", "Last check", "Labels"];

  function serverTable(servers, emptyText) {
    if (!servers.length) return el("p", "empty", emptyText);
    const table = el("table", "servers");
    const head = el("tr");
    SERVER_COLUMNS.forEach((c) => head.append(el("th", null, c)));
    const thead = el("thead");
    thead.append(head);
    const body = el("tbody");
    servers.forEach((s) => body.append(serverRow(s)));
    table.append(thead, body);
    return table;
  }

  function table(columns, rows) {
    const t = el("table");
    const head = el("tr");
    columns.forEach((c) => head.append(el("th", null, c)));
    const thead = el("thead");
    thead.append(head);
    const body = el("tbody");
    rows.forEach((cells) => {
      const tr = el("tr");
      cells.forEach((cell) => {
        const td = el("td");
        if (cell instanceof Node) td.append(cell); else td.textContent = cell === null || cell === undefined ? "—" : String(cell);
        tr.append(td);
      });
      body.append(tr);
    });
    t.append(thead, body);
    return t;
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
    if (response.status === 401) { showSignIn("Your session ended; sign in again."); throw new SignedOut(); }
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (ignored) { /* not problem+json */ }
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function SignedOut() { this.message = "signed out"; }

  // Sign-in, as on the dashboard: an API key into the HttpOnly session cookie, or SSO where configured.
  let render = null;
  let caller = null;

  function byId(id) { return document.getElementById(id); }

  function showSignIn(message) {
    caller = null;
    byId("main").hidden = true;
    byId("who").hidden = true;
    byId("signout").hidden = true;
    byId("signin-panel").hidden = false;
    const error = byId("signin-error");
    error.hidden = !message;
    error.textContent = message || "";
    byId("key").focus();
  }

  async function showPage(who) {
    caller = who;
    byId("signin-panel").hidden = true;
    byId("who").hidden = false;
    byId("who").textContent = "Signed in as " + who.name + " (" + who.roles.join(", ") + ")";
    byId("signout").hidden = false;
    const main = byId("main");
    main.hidden = false;
    try {
      await render(main);
      main.dataset.loaded = "true";
    } catch (e) {
      if (e instanceof SignedOut) return;
      main.replaceChildren(el("p", "error", "Could not load: " + e.message));
      main.dataset.loaded = "error";
    }
  }

  async function session(method, key) {
    const headers = { "Accept": "application/json" };
    if (key) headers["Authorization"] = "Bearer " + key;
    return fetch("api/session", { method: method, headers: headers, credentials: "same-origin" });
  }

  function start(renderPage) {
    render = renderPage;
    byId("signin").addEventListener("submit", async (event) => {
      event.preventDefault();
      const key = byId("key");
      const response = await session("POST", key.value.trim());
      key.value = "";
      if (response.ok) showPage(await response.json());
      else showSignIn(response.status === 401 ? "That key is not valid (unknown, expired or revoked)." : "Sign-in failed (" + response.status + ").");
    });
    byId("signout").addEventListener("click", async () => {
      await session("DELETE");
      showSignIn("Signed out.");
    });
    fetch("login/options", { headers: { "Accept": "application/json" } })
      .then((response) => response.ok ? response.json() : { oidc: false })
      .then((options) => {
        byId("sso").hidden = !options.oidc;
        if (options.plansUrl) document.querySelectorAll("a.plans-link").forEach((a) => { a.href = options.plansUrl; });
      })
      .catch(() => { byId("sso").hidden = true; });
    session("GET").then(async (response) => {
      if (response.ok) showPage(await response.json());
      else showSignIn(null);
    }).catch((e) => showSignIn("Could not reach the service: " + e.message));
  }

  function section(title, id) {
    const s = el("section", "panel");
    if (id) s.id = id;
    s.append(el("h2", null, title));
    return s;
  }

  window.RestartWatchPages = {
    el, link, serverHref, applicationHref, age, ago, when, duration, levelBadge, exposureBadge, freshnessBadge, labelList,
    serverRow, serverTable, table, getJson, start, section, caller: () => caller
  };
})();
