// One server: its pending restart with the score explanation, exposure facts and their sources, freshness, its
// notification and timeline, and its check history, from GET /api/fleet/servers/{id}.
(function () {
  "use strict";
  const P = window.RestartWatchPages;
  const el = P.el;

  function list(values) {
    return values && values.length ? values.join(", ") : "—";
  }

  function header(d) {
    const s = d.server;
    const box = el("section", "panel heading");
    const h = el("h2", "server-title", s.serverId);
    box.append(h);
    const facts = el("dl", "facts");
    const add = (term, value) => {
      facts.append(el("dt", null, term));
      const dd = el("dd");
      if (value instanceof Node) dd.append(value); else dd.textContent = value === null || value === undefined ? "—" : value;
      facts.append(dd);
    };
    add("Hostname", s.hostname);
    add("Application", s.applicationId ? P.link(P.applicationHref(s.applicationId), s.applicationId) : "—");
    add("Environment", s.environment);
    add("Checked by", s.probeKind);
    add("Labels", P.labelList(d.labels));
    add("Inventory", "revision " + d.revision + (d.changedAt ? ", changed " + P.when(d.changedAt) : ""));
    box.append(facts);
    return box;
  }

  function freshness(f) {
    const box = el("section", "panel freshness");
    box.id = "freshness";
    box.append(el("h2", null, "Freshness"));
    if (f.verified === false) {
      box.classList.add("unverified");
      box.append(el("p", "banner", "Unverified: Restart Watch cannot currently vouch for this server (" + (f.reason || "unknown reason") + ")."));
      if (f.detail) box.append(el("p", null, f.detail));
      box.append(el("p", "muted", "Last successful check " + (f.lastVerifiedAt ? P.when(f.lastVerifiedAt) + " (" + P.ago(f.lastVerifiedAt) + ")" : "never")
        + "; last attempt " + P.when(f.lastAttemptAt) + "; unverified after " + P.duration(f.maxSilence) + " of silence."));
    } else if (f.verified === true) {
      box.classList.add("verified");
      box.append(el("p", null, "Verified: last successful check " + P.when(f.lastVerifiedAt) + " (" + P.ago(f.lastVerifiedAt) + ")."));
    } else {
      box.append(el("p", "muted", "No freshness report for this server yet."));
    }
    return box;
  }

  function restart(d) {
    const box = P.section("Pending restart", "restart");
    const r = d.restart;
    if (!r) {
      box.append(el("p", "ok", "No restart pending."));
      return box;
    }
    const line = el("p", "restart-line");
    line.append(P.levelBadge(r.level), el("span", "score", "score " + r.score), " ",
      el("span", null, (r.kind === "SERVICES" ? "services to restart" : "reboot") + ", pending " + P.age(r.requiredSince)
        + (r.requiredSince ? " (since " + P.when(r.requiredSince) + ")" : "")));
    if (r.stale) line.append(" ", el("span", "stale", "stale"));
    box.append(line);
    const details = el("dl", "facts");
    const add = (term, value) => { details.append(el("dt", null, term), el("dd", null, value)); };
    add("Packages", list(r.packages));
    if (r.services && r.services.length) add("Services", list(r.services));
    if (r.livepatch) add("Livepatch", r.livepatch.tool + ": " + r.livepatch.state + (r.livepatch.covered ? " (covers the kernel update)" : ""));
    box.append(details);

    box.append(el("h3", null, "Why it scored " + r.score));
    const rows = d.explanation.map((f) => [f.name, f.detail, (f.contribution >= 0 ? "+" : "") + f.contribution]);
    const total = d.explanation.reduce((sum, f) => sum + f.contribution, 0);
    const t = P.table(["Factor", "Detail", "Points"], rows);
    t.classList.add("explanation");
    const foot = el("tfoot");
    const tr = el("tr");
    tr.append(el("td", null, "total"), el("td"), el("td", null, String(total)));
    foot.append(tr);
    t.append(foot);
    box.append(t);
    return box;
  }

  const KIND_LABELS = { REBOOT: "reboot", SERVICE_RESTART: "services", UNVERIFIED: "unverified", PLAN_HALTED: "plan halted" };

  function notification(d) {
    const box = P.section("Notifications", "notification");
    // At most one open notification per kind: a reboot, services to restart, unverified (a blind spot), a halted plan.
    d.notifications.forEach((n) => {
      const p = el("p");
      p.append(el("span", "kind " + n.kind.toLowerCase(), KIND_LABELS[n.kind] || n.kind), " ", P.levelBadge(n.level),
        " open since " + P.when(n.openedAt));
      if (n.acknowledgedBy) p.append(el("span", "muted", " · acknowledged by " + n.acknowledgedBy + " " + P.when(n.acknowledgedAt)));
      if (n.snoozedUntil && Date.parse(n.snoozedUntil) > Date.now()) p.append(el("span", "muted", " · snoozed until " + P.when(n.snoozedUntil)));
      box.append(p, el("pre", "message", n.message));
    });
    if (d.notifications.length) {
      const actions = el("p", "muted");
      actions.append("Acknowledge or snooze on the ", P.link("./", "dashboard"), ".");
      box.append(actions);
    } else {
      box.append(el("p", "muted", "No open notification."));
    }
    box.append(el("h3", null, "Timeline"));
    if (!d.timeline.length) {
      box.append(el("p", "muted", "Nothing has happened to this server's notifications yet."));
    } else {
      const ol = el("ol", "timeline");
      d.timeline.forEach((e) => {
        const li = el("li");
        li.append(el("span", "kind " + e.kind.toLowerCase(), e.kind.toLowerCase()));
        if (e.level) li.append(P.levelBadge(e.level));
        li.append(el("time", null, P.when(e.at)));
        if (e.actor) li.append(el("span", "muted", " by " + e.actor));
        if (e.note) li.append(el("span", "muted", " — " + e.note));
        ol.append(li);
      });
      box.append(ol);
    }
    return box;
  }

  function status(fact) {
    if (fact.status === "undeclared") {
      const s = el("span", "flag undeclared", "⚠ undeclared");
      s.title = "Listening on every interface, but no declared rule covers it";
      return s;
    }
    if (fact.status === "not-listening") return el("span", "flag not-listening", "declared, nothing listens");
    return el("span", "flag open", fact.status);
  }

  function exposure(d) {
    const box = P.section("Exposure", "exposure");
    const p = el("p");
    p.append("Classed ", P.exposureBadge(d.exposure),
      el("span", "muted", d.exposureFactsFrom === "declared"
        ? " · facts below are the declared open ports only (no assessment has weighed them yet)"
        : " · every fact priority-service weighed, with its source"));
    box.append(p);
    if (!d.exposureFacts.length) {
      box.append(el("p", "muted", "No open port declared or found."));
    } else {
      const rows = d.exposureFacts.map((f) => [f.port + "/" + f.protocol, el("span", "origin " + f.origin, f.origin), status(f),
        list(f.sources), f.exposure ? P.exposureBadge(f.exposure) : "—"]);
      const t = P.table(["Port", "Source of the fact", "Status", "Allowed from", "Classed"], rows);
      t.classList.add("exposure-facts");
      box.append(t);
    }
    if (d.discovered) {
      box.append(el("h3", null, "Found on the server (check of " + P.when(d.discoveredAt) + ")"));
      const sockets = d.discovered.listening.map((s) => s.protocol + " " + (s.address.indexOf(":") >= 0 ? "[" + s.address + "]" : s.address) + ":" + s.port);
      box.append(el("p", "mono", "Listening: " + list(sockets)));
      const fw = d.discovered.firewall;
      if (fw) {
        box.append(el("p", "mono", "Firewall (" + fw.source + ", inbound " + (fw.inboundFiltered ? "filtered" : "NOT filtered") + "): "
          + list(fw.allowed.map((a) => a.port + "/" + a.protocol + " from " + list(a.sources)))));
      } else {
        box.append(el("p", "muted", "No host firewall was readable."));
      }
    }
    return box;
  }

  function checks(d) {
    const box = P.section("Check history (newest first, last " + d.checks.length + ")", "checks");
    if (!d.checks.length) {
      box.append(el("p", "muted", "No check of this server yet."));
      return box;
    }
    const rows = d.checks.map((c) => {
      const extra = [];
      if (c.detectedBy && c.detectedBy.length) extra.push("detected by " + c.detectedBy.join(", "));
      if (c.services && c.services.length) extra.push("services: " + c.services.join(", "));
      if (c.livepatch) extra.push("livepatch " + c.livepatch.state);
      if (c.discovered) extra.push(c.discovered.listening.length + " listening sockets");
      return [P.when(c.checkedAt), c.trigger, el("span", "outcome " + c.outcome, c.outcome), c.reason, list(c.packages),
        c.bootId ? c.bootId.substring(0, 8) : null,
        c.runningKernel ? c.runningKernel + (c.installedKernel && c.installedKernel !== c.runningKernel ? " → " + c.installedKernel : "") : null,
        extra.join("; ") || null];
    });
    const t = P.table(["Checked", "Trigger", "Outcome", "Reason", "Packages", "Boot", "Kernel", "Also"], rows);
    t.classList.add("checks");
    box.append(t);
    return box;
  }

  P.start(async (main) => {
    const id = new URLSearchParams(location.search).get("id");
    if (!id) {
      main.replaceChildren(el("p", "error", "No server given: open this page from the fleet list."));
      return;
    }
    let d;
    try {
      d = await P.getJson("api/fleet/servers/" + encodeURIComponent(id));
    } catch (e) {
      if (e.status === 404) {
        main.replaceChildren(el("p", "error", "No server '" + id + "' (it may have been removed)."), P.link("fleet.html", "Back to the fleet"));
        return;
      }
      throw e;
    }
    document.title = "Restart Watch — " + d.server.serverId;
    document.getElementById("subtitle").textContent = "Server " + d.server.serverId;
    const grid = el("div", "columns");
    const left = el("div");
    const right = el("div");
    left.append(restart(d), exposure(d), checks(d));
    right.append(freshness(d.freshness), notification(d));
    grid.append(left, right);
    main.replaceChildren(header(d), grid);
  });
})();
