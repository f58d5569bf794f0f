// One application: its servers, its pending, stale and unverified restarts, and its priority policy, from
// GET /api/fleet/applications/{id}.
(function () {
  "use strict";
  const P = window.RestartWatchPages;
  const el = P.el;

  function counts(d) {
    const box = el("section", "panel heading");
    box.append(el("h2", "server-title", d.applicationId));
    const line = el("div", "summary");
    line.append(el("span", "count", d.serverCount + " server" + (d.serverCount === 1 ? "" : "s")),
      el("span", "count" + (d.pending.length ? " warn" : ""), d.pending.length + " pending"),
      el("span", "count" + (d.stale.length ? " bad" : ""), d.stale.length + " stale"),
      el("span", "count" + (d.unverified.length ? " bad" : ""), d.unverified.length + " unverified"));
    if (d.environments.length) line.append(el("span", "muted", "environments: " + d.environments.join(", ")));
    line.append(P.link("fleet.html?application=" + encodeURIComponent(d.applicationId), "filter the fleet list →"));
    box.append(line);
    return box;
  }

  function policy(p) {
    const box = P.section("Priority policy", "policy");
    if (p.source === "defaults") {
      box.append(el("p", null, "defaults: this application has no policy of its own; priority-service's default thresholds and package weights apply."));
      if (!p.staleAfter) return box; // never published: the values are not known here
    }
    const dl = el("dl", "facts");
    const add = (term, value) => { dl.append(el("dt", null, term), el("dd", null, value)); };
    add("Stale after", P.duration(p.staleAfter));
    add("Critical after", P.duration(p.criticalAfter));
    add("Multiplier", "× " + p.multiplier);
    add("Changed", P.when(p.changedAt));
    box.append(dl);
    const weights = Object.keys(p.packageWeights || {}).sort().map((name) => [name, p.packageWeights[name]]);
    if (weights.length) box.append(el("h3", null, "Package weights"), P.table(["Package", "Weight"], weights));
    return box;
  }

  function listSection(title, id, servers, emptyText) {
    const box = P.section(title, id);
    box.append(P.serverTable(servers, emptyText));
    return box;
  }

  P.start(async (main) => {
    const id = new URLSearchParams(location.search).get("id");
    if (!id) {
      main.replaceChildren(el("p", "error", "No application given: open this page from the fleet list."));
      return;
    }
    let d;
    try {
      d = await P.getJson("api/fleet/applications/" + encodeURIComponent(id));
    } catch (e) {
      if (e.status === 404) {
        main.replaceChildren(el("p", "error", "No application '" + id + "'."), P.link("fleet.html", "Back to the fleet"));
        return;
      }
      throw e;
    }
    document.title = "Restart Watch — " + d.applicationId;
    document.getElementById("subtitle").textContent = "Application " + d.applicationId;
    const all = listSection("All servers" + (d.servers.length < d.serverCount ? " (first " + d.servers.length + ")" : ""), "servers",
      d.servers, "No servers registered.");
    main.replaceChildren(counts(d),
      listSection("Stale restarts: pending past the policy's stale threshold", "stale", d.stale, "No stale restart."),
      listSection("Unverified: Restart Watch cannot vouch for these", "unverified", d.unverified, "Every server is verified."),
      listSection("Pending restarts", "pending", d.pending, "No pending restart."),
      policy(d.policy), all);
  });
})();
