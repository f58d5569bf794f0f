// The Restart Watch dashboard: the prioritized list from the REST API, kept current by the live stream.
(function () {
  "use strict";

  // Restarts in the main table; unverified servers have their own section, the blind spots.
  const LIST_URL = "api/dashboard/notifications?size=200&kind=REBOOT&kind=SERVICE_RESTART";
  // Every open UNVERIFIED notification, snoozed or not: an operator must see every server nobody can vouch for.
  const BLIND_SPOTS_URL = "api/notifications?status=OPEN&kind=UNVERIFIED&size=500&page=";
  // Every open PLAN_HALTED notification: a halted plan waits for an operator.
  const HALTED_URL = "api/notifications?status=OPEN&kind=PLAN_HALTED&size=200&page=0";
  // A browser table stops being useful long before this; the count above it stays exact.
  const MAX_BLIND_SPOTS = 5000;
  const LEVELS = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
  const STREAM_URL = "api/notifications/stream";
  const MAX_TRANSITIONS = 30;
  // Snoozes end by the clock, not by an event: refresh now and then even when nothing is pushed.
  const PERIODIC_REFRESH_MS = 60000;
  const SNOOZE_CHOICES = [["PT1H", "1 hour"], ["PT8H", "8 hours"], ["P1D", "1 day"], ["P7D", "7 days"], ["P30D", "30 days"]];

  const rows = document.getElementById("rows");
  const empty = document.getElementById("empty");
  const summary = document.getElementById("summary");
  const blindRows = document.getElementById("blind-rows");
  const blindCount = document.getElementById("blind-count");
  const blindMore = document.getElementById("blind-more");
  const noBlindSpots = document.getElementById("no-blind-spots");
  const haltedSection = document.getElementById("halted-plans");
  const haltedRows = document.getElementById("halted-rows");
  const haltedCount = document.getElementById("halted-count");
  // plan-service's plans page (restartwatch.notification.plans-url, from login/options); a plan's page is beside it.
  let plansUrl = "http://127.0.0.1:8085/plans.html";
  const transitions = document.getElementById("transitions");
  const noTransitions = document.getElementById("no-transitions");
  const live = document.getElementById("live");
  const toast = document.getElementById("toast");
  const main = document.getElementById("main");
  const signinPanel = document.getElementById("signin-panel");
  const signinForm = document.getElementById("signin");
  const signinError = document.getElementById("signin-error");
  const keyInput = document.getElementById("key");
  const whoLabel = document.getElementById("who");
  const signoutButton = document.getElementById("signout");
  const sso = document.getElementById("sso");

  // Who is signed in; null until the session answers. Actions are only offered to operators.
  let caller = null;

  let flashServer = null;
  let refreshing = null;
  let blindSpotTotal = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function age(since) {
    if (!since) return "unknown";
    const seconds = Math.max(0, (Date.now() - Date.parse(since)) / 1000);
    if (seconds < 3600) return Math.floor(seconds / 60) + " min";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h";
    return Math.floor(seconds / 86400) + " d";
  }

  function durationMs(iso) {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?)?$/.exec(iso);
    return ((+(m[1] || 0)) * 24 + (+(m[2] || 0))) * 3600 * 1000;
  }

  function showToast(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(() => { toast.hidden = true; }, 5000);
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body)
    });
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (ignored) { /* not problem+json */ }
      throw new Error(detail);
    }
    return response.json();
  }

  function row(n) {
    const tr = el("tr", n.level);
    tr.dataset.serverId = n.serverId;
    tr.dataset.notificationId = n.id;

    const level = el("td");
    level.append(el("span", "level " + n.level, n.level), el("span", "score", String(n.score)));
    if (n.kind && n.kind !== "REBOOT") level.append(el("div", "badge " + n.kind, kindLabel(n.kind)));

    const server = el("td");
    server.append(el("div", "server", n.serverId));
    if (n.hostname && n.hostname !== n.serverId) server.append(el("div", "host", n.hostname));

    const app = el("td", null, n.applicationId || "—");
    if (n.environment) app.append(el("div", "muted", n.environment));

    const exposure = el("td");
    exposure.append(el("span", "exposure " + (n.exposure || ""), n.exposure || "unknown"));

    const pending = el("td", null, age(n.pendingSince));
    if (n.pendingSince) pending.title = "since " + n.pendingSince;

    const packages = el("td", "packages");
    if (n.kind === "SERVICE_RESTART") {
      packages.append(el("div", null, "Services: " + (n.services.length ? n.services.join(", ") : "not named")));
      if (n.packages.length) packages.append(el("div", "muted", n.packages.join(", ")));
    } else {
      packages.textContent = n.packages.length ? n.packages.join(", ") : "—";
    }

    tr.append(level, server, app, exposure, pending, packages, stateCell(n), actionsCell(n, true));
    if (flashServer === n.serverId) tr.classList.add("flash");
    return tr;
  }

  function kindLabel(kind) {
    return { SERVICE_RESTART: "services", UNVERIFIED: "unverified", PLAN_HALTED: "plan halted" }[kind] || "reboot";
  }

  function planHref(planId) {
    try {
      return new URL("plan.html?id=" + encodeURIComponent(planId), plansUrl).href;
    } catch (ignored) {
      return plansUrl;
    }
  }

  // One halted plan: the server it halted on, why, since when, and a link to the plan.
  function haltedRow(n) {
    const tr = el("tr", n.level);
    tr.dataset.serverId = n.serverId;
    tr.dataset.notificationId = n.id;

    const level = el("td");
    level.append(el("span", "level " + n.level, n.level), el("div", "badge PLAN_HALTED", kindLabel(n.kind)));

    const server = el("td");
    server.append(el("div", "server", n.serverId));
    if (n.hostname && n.hostname !== n.serverId) server.append(el("div", "host", n.hostname));

    const app = el("td", null, n.applicationId || "—");

    const reason = el("td");
    reason.append(el("div", "reason", n.reason || "UNKNOWN"));
    if (n.detail) reason.append(el("div", "muted", n.detail));

    const since = el("td", null, age(n.pendingSince) + " ago");
    if (n.pendingSince) since.title = "since " + n.pendingSince;

    const plan = el("td");
    if (n.planId) {
      const a = el("a", "plan-link", n.planId);
      a.href = planHref(n.planId);
      plan.append(a);
    } else {
      plan.textContent = "—";
    }

    tr.append(level, server, app, reason, since, plan, stateCell(n), actionsCell(n, false));
    if (flashServer === n.serverId) tr.classList.add("flash");
    return tr;
  }

  function renderHalted(halted) {
    haltedRows.replaceChildren(...halted.items.map(haltedRow));
    haltedCount.textContent = String(halted.total);
    haltedSection.hidden = halted.total === 0;
  }

  function stateCell(n) {
    const state = el("td", "state");
    if (n.acknowledged) {
      state.append(el("div", null, "✔ acknowledged by " + n.acknowledged.by));
      if (n.acknowledged.note) state.append(el("div", "muted", n.acknowledged.note));
    } else {
      state.append(el("div", "muted", "new"));
    }
    if (n.snoozedUntil && Date.parse(n.snoozedUntil) > Date.now()) state.append(el("div", "muted", "snoozed until " + n.snoozedUntil));
    return state;
  }

  function actionsCell(n, withSnooze) {
    const actions = el("td", "actions");
    const ack = el("button", "ack", n.acknowledged ? "Re-acknowledge" : "Acknowledge");
    ack.addEventListener("click", () => act(() => post("api/notifications/" + n.id + "/acknowledge", { note: null }),
      "Acknowledged " + n.serverId));
    const choice = el("select");
    choice.setAttribute("aria-label", "Snooze for");
    SNOOZE_CHOICES.forEach(([value, label]) => {
      const option = el("option", null, label);
      option.value = value;
      choice.append(option);
    });
    const snooze = el("button", null, "Snooze");
    snooze.addEventListener("click", () => {
      const until = new Date(Date.now() + durationMs(choice.value) - 60000).toISOString();
      act(() => post("api/notifications/" + n.id + "/snooze", { until: until, note: null }),
        "Snoozed " + n.serverId + " until " + until);
    });
    if (caller && caller.roles.includes("operator")) {
      actions.append(ack);
      if (withSnooze) actions.append(" ", choice, " ", snooze);
    }
    return actions;
  }

  // One blind spot: a server Restart Watch cannot vouch for, why, since when, and when it last could.
  function blindSpotRow(n) {
    const tr = el("tr", n.level);
    tr.dataset.serverId = n.serverId;
    tr.dataset.notificationId = n.id;
    if (n.snoozedUntil && Date.parse(n.snoozedUntil) > Date.now()) tr.classList.add("snoozed");

    const level = el("td");
    level.append(el("span", "level " + n.level, n.level), el("div", "badge UNVERIFIED", "unverified"));

    const server = el("td");
    server.append(el("div", "server", n.serverId));
    if (n.hostname && n.hostname !== n.serverId) server.append(el("div", "host", n.hostname));
    if (n.exposure) server.append(el("span", "exposure " + n.exposure, n.exposure));

    const app = el("td", null, n.applicationId || "—");
    if (n.environment) app.append(el("div", "muted", n.environment));

    const reason = el("td");
    reason.append(el("div", "reason", n.reason || "UNKNOWN"));
    if (n.detail) reason.append(el("div", "muted", n.detail));

    const since = el("td", null, age(n.pendingSince));
    if (n.pendingSince) since.title = "since " + n.pendingSince;

    const verified = el("td", null, n.lastVerifiedAt ? age(n.lastVerifiedAt) + " ago" : "never");
    if (n.lastVerifiedAt) verified.title = n.lastVerifiedAt;
    if (n.lastAttemptAt) verified.append(el("div", "muted", "last attempt " + age(n.lastAttemptAt) + " ago"));

    tr.append(level, server, app, reason, since, verified, stateCell(n), actionsCell(n, false));
    if (flashServer === n.serverId) tr.classList.add("flash");
    return tr;
  }

  // Highest level first, then the longest unverified.
  function blindSpotOrder(a, b) {
    return LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level)
      || Date.parse(a.pendingSince || 0) - Date.parse(b.pendingSince || 0)
      || a.serverId.localeCompare(b.serverId);
  }

  async function act(call, done) {
    try {
      await call();
      showToast(done);
      refresh();
    } catch (e) {
      showToast("Failed: " + e.message);
    }
  }

  function renderSummary(page) {
    summary.replaceChildren();
    const counts = {};
    page.items.forEach((n) => { counts[n.level] = (counts[n.level] || 0) + 1; });
    summary.append(el("span", null, page.total + " pending restart" + (page.total === 1 ? "" : "s") + " on the dashboard"));
    LEVELS.forEach((level) => {
      if (counts[level]) summary.append(el("span", "level " + level, counts[level] + " " + level));
    });
    if (page.total > page.items.length) summary.append(el("span", null, "(showing the first " + page.items.length + ")"));
    if (blindSpotTotal > 0) {
      summary.append(el("span", "blind", "· " + blindSpotTotal + " server" + (blindSpotTotal === 1 ? "" : "s") + " unverified (blind spots above)"));
    }
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(url.split("?")[0] + " answered " + response.status);
    return response.json();
  }

  // Page through every open UNVERIFIED notification (up to MAX_BLIND_SPOTS rows; the count is always exact).
  async function loadBlindSpots() {
    const items = [];
    let total = 0;
    for (let page = 0; ; page++) {
      const answer = await getJson(BLIND_SPOTS_URL + page);
      if (answer === null) return null;
      total = answer.total;
      items.push(...answer.items);
      if (answer.items.length === 0 || items.length >= total || items.length >= MAX_BLIND_SPOTS) break;
    }
    return { items: items, total: total };
  }

  function renderBlindSpots(spots) {
    blindSpotTotal = spots.total;
    spots.items.sort(blindSpotOrder);
    blindRows.replaceChildren(...spots.items.map(blindSpotRow));
    blindCount.textContent = String(spots.total);
    blindCount.classList.toggle("some", spots.total > 0);
    noBlindSpots.hidden = spots.total > 0;
    blindMore.hidden = spots.items.length >= spots.total;
    blindMore.textContent = "Showing " + spots.items.length + " of " + spots.total
      + "; all of them: GET /api/notifications?status=OPEN&kind=UNVERIFIED";
  }

  async function load() {
    const [page, spots, halted] = await Promise.all([getJson(LIST_URL), loadBlindSpots(), getJson(HALTED_URL)]);
    if (page === null || spots === null || halted === null) { showSignIn("Your session ended; sign in again."); return; }
    renderHalted(halted);
    renderBlindSpots(spots);
    rows.replaceChildren(...page.items.map(row));
    empty.hidden = page.items.length > 0;
    renderSummary(page);
    flashServer = null;
  }

  // Coalesces bursts of transitions into one reload, plus one more when a transition arrives during a load: that
  // load may have read the lists before the transition was committed.
  let refreshAgain = false;
  function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = load().catch((e) => showToast("Could not load: " + e.message)).finally(() => {
      refreshing = null;
      if (refreshAgain) {
        refreshAgain = false;
        refresh();
      }
    });
    return refreshing;
  }

  function addTransition(kind, t) {
    noTransitions.hidden = true;
    const item = el("li");
    item.dataset.serverId = t.serverId;
    item.dataset.notificationKind = t.notificationKind || "REBOOT";
    item.append(el("span", "kind " + kind, kind), el("strong", null, t.serverId));
    if (t.notificationKind && t.notificationKind !== "REBOOT") item.append(" ", el("span", "badge " + t.notificationKind, kindLabel(t.notificationKind)));
    if (t.level) item.append(" ", el("span", "level " + t.level, t.level));
    item.append(el("time", null, new Date().toLocaleTimeString()));
    transitions.prepend(item);
    while (transitions.children.length > MAX_TRANSITIONS) transitions.lastChild.remove();
  }

  let source = null;

  function connect() {
    // The session cookie goes with the stream: EventSource cannot send an Authorization header.
    source = new EventSource(STREAM_URL, { withCredentials: true });
    source.onopen = () => {
      live.textContent = "live";
      live.className = "live on";
      refresh(); // catch up with what happened while disconnected
    };
    source.onerror = () => {
      live.textContent = "reconnecting…";
      live.className = "live off";
      checkSession(); // a stream refused for want of credentials looks like any other error
    };
    ["opened", "escalated", "cleared", "acknowledged", "snoozed"].forEach((kind) => {
      source.addEventListener(kind, (event) => {
        const transition = JSON.parse(event.data);
        addTransition(kind, transition);
        flashServer = transition.serverId;
        refresh();
      });
    });
  }

  async function session(method, key) {
    const headers = { "Accept": "application/json" };
    if (key) headers["Authorization"] = "Bearer " + key;
    return fetch("api/session", { method: method, headers: headers, credentials: "same-origin" });
  }

  function showSignIn(message) {
    caller = null;
    if (source) { source.close(); source = null; }
    main.hidden = true;
    whoLabel.hidden = true;
    signoutButton.hidden = true;
    signinPanel.hidden = false;
    signinError.hidden = !message;
    signinError.textContent = message || "";
    live.textContent = "signed out";
    live.className = "live off";
    keyInput.focus();
  }

  let started = false;

  function showDashboard(who) {
    caller = who;
    signinPanel.hidden = true;
    main.hidden = false;
    whoLabel.hidden = false;
    whoLabel.textContent = "Signed in as " + who.name + " (" + who.roles.join(", ") + ")";
    signoutButton.hidden = false;
    refresh();
    if (!source) connect();
    if (!started) {
      started = true;
      setInterval(() => { if (caller) refresh(); }, PERIODIC_REFRESH_MS);
    }
  }

  async function checkSession() {
    const response = await session("GET");
    if (response.ok) {
      if (!caller) showDashboard(await response.json());
    } else if (response.status === 401) {
      showSignIn(caller ? "Your session ended; sign in again." : null);
    }
  }

  signinForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await session("POST", keyInput.value.trim());
    keyInput.value = "";
    if (response.ok) {
      showDashboard(await response.json());
    } else {
      let detail = response.status === 401 ? "That key is not valid (unknown, expired or revoked)." : "Sign-in failed (" + response.status + ").";
      showSignIn(detail);
    }
  });

  signoutButton.addEventListener("click", async () => {
    await session("DELETE");
    showSignIn("Signed out.");
  });

  // "Sign in with SSO" only where an OIDC provider is configured; the link starts its authorization-code flow.
  fetch("login/options", { headers: { "Accept": "application/json" } })
    .then((response) => response.ok ? response.json() : { oidc: false })
    .then((options) => {
      sso.hidden = !options.oidc;
      // plan-service's restart plans page, where a halted plan is resumed or cancelled.
      if (options.plansUrl) {
        plansUrl = options.plansUrl;
        document.querySelectorAll("a.plans-link").forEach((a) => { a.href = plansUrl; });
      }
    })
    .catch(() => { sso.hidden = true; });

  checkSession().catch((e) => showSignIn("Could not reach the service: " + e.message));
})();
