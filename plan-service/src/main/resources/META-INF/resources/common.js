// Shared by the plan pages: sign-in (an API key into the HttpOnly session cookie, as on the dashboard), DOM helpers
// that only ever set text (never innerHTML: every value comes from servers and operators), JSON calls.
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

  function when(instant) {
    if (!instant) return "—";
    return new Date(instant).toISOString().replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
  }

  function badge(className, text) { return el("span", className + " " + (text || ""), text || "—"); }

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

  function SignedOut() { this.message = "signed out"; }

  async function call(method, url, body) {
    const options = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    if (response.status === 401) { showSignIn("Your session ended; sign in again."); throw new SignedOut(); }
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (ignored) { /* not problem+json */ }
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }

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
    // The way back to the dashboard, wherever it is deployed.
    fetch("pages/links", { headers: { "Accept": "application/json" } })
      .then((response) => response.ok ? response.json() : null)
      .then((links) => { if (links && links.dashboardUrl) byId("dashboard-link").href = links.dashboardUrl; })
      .catch(() => { /* keep the default link */ });
    session("GET").then(async (response) => {
      if (response.ok) showPage(await response.json());
      else showSignIn(null);
    }).catch((e) => showSignIn("Could not reach the service: " + e.message));
  }

  function mayOperate() { return !!caller && (caller.roles.includes("operator") || caller.roles.includes("admin")); }

  window.RestartWatchPlans = { el, link, when, badge, table, call, start, byId, mayOperate, SignedOut };
})();
