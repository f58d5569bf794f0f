// plan.html?id=: one plan, wave by wave, each restart's status and the plan's hold reason, live over SSE.
(function () {
  "use strict";
  const P = window.RestartWatchPlans;
  const { el, when, badge, table, call, byId } = P;
  const planId = new URLSearchParams(window.location.search).get("id");
  const ACTIONS = {
    DRAFT: ["approve", "cancel"], RUNNING: ["pause", "cancel"], PAUSED: ["resume", "cancel"], HALTED: ["resume", "cancel"]
  };

  function fact(dl, term, value) {
    dl.append(el("dt", null, term));
    const dd = el("dd");
    if (value instanceof Node) dd.append(value); else dd.textContent = value === null || value === undefined ? "—" : String(value);
    dl.append(dd);
  }

  function heading(plan) {
    const section = byId("plan-heading");
    section.replaceChildren();
    const title = el("h2");
    title.append("Plan " + plan.planId.slice(0, 8) + " ", badge("status", plan.status));
    title.id = "plan-status";
    title.dataset.status = plan.status;
    section.append(title);
    const dl = el("dl", "facts");
    fact(dl, "Application", plan.applicationId || "fleet selection");
    fact(dl, "Wave", plan.currentWave + " of " + plan.waveCount);
    if (plan.holdReason) {
      const hold = el("span", "hold", plan.holdReason);
      hold.id = "hold";
      const span = el("span");
      span.append(hold, plan.holdDetail ? " — " + plan.holdDetail : "");
      fact(dl, "Held", span);
    }
    if (plan.statusReason) fact(dl, "Note", plan.statusReason);
    fact(dl, "Created", (plan.auto ? "auto-plan" : plan.createdBy) + ", " + when(plan.createdAt));
    fact(dl, "Approved", plan.approvedBy ? plan.approvedBy + ", " + when(plan.approvedAt) : "not yet");
    if (plan.finishedAt) fact(dl, "Finished", when(plan.finishedAt));
    fact(dl, "Restarts", Object.keys(plan.counts).sort().map((s) => plan.counts[s] + " " + s).join(", "));
    section.append(dl);

    const actions = el("div", "actions");
    if (P.mayOperate()) {
      (ACTIONS[plan.status] || []).forEach((action) => {
        const button = el("button", action === "approve" ? "primary" : action === "cancel" ? "danger" : null, action);
        button.type = "button";
        button.dataset.action = action;
        button.addEventListener("click", async () => {
          if (action === "cancel" && !window.confirm("Cancel this plan? Restarts not yet begun are cancelled.")) return;
          button.disabled = true;
          try {
            show(await call("POST", "api/plans/" + encodeURIComponent(planId) + "/" + action));
          } catch (e) {
            if (!(e instanceof P.SignedOut)) window.alert(e.message);
          }
        });
        actions.append(button);
      });
    }
    section.append(actions);
  }

  function restartRow(r) {
    const server = el("span");
    server.append(el("strong", null, r.serverId));
    if (r.hostname && r.hostname !== r.serverId) server.append(el("div", "muted", r.hostname));
    const why = el("ul", "why");
    (r.why || []).forEach((line) => why.append(el("li", null, line)));
    server.append(why);
    const status = badge("status", r.status);
    status.dataset.serverId = r.serverId;
    status.classList.add("restart-status");
    const failure = r.failureReason ? r.failureReason + (r.failureDetail ? ": " + r.failureDetail : "") : "—";
    return [String(r.rank || "—"), server, badge("level", r.level), badge("exposure", r.exposure), status,
      r.releasedAt ? when(r.releasedAt) : "—",
      r.startedAt ? when(r.startedAt) + (r.executor ? " (" + r.executor + ")" : "") : "—",
      r.verifiedAt ? when(r.verifiedAt) : "—", failure];
  }

  function waves(plan) {
    const out = byId("waves");
    out.replaceChildren();
    plan.waves.forEach((wave) => {
      const section = el("section", "wave" + (wave.number === plan.currentWave ? " current" : ""));
      section.dataset.wave = wave.number;
      section.append(el("h2", null, "Wave " + wave.number + " — planned " + when(wave.plannedAt)));
      section.append(table(["Rank", "Server", "Level", "Exposure", "Status", "Released", "Started", "Verified", "Failure"],
        wave.restarts.map(restartRow)));
      out.append(section);
    });
    const unscheduled = byId("unscheduled-panel");
    unscheduled.hidden = !plan.unscheduled.length;
    unscheduled.replaceChildren(el("h2", null, "Not in this plan"),
      table(["Server", "Reason", "Detail"], plan.unscheduled.map((u) => [u.serverId, badge("status", u.reason), u.detail])));
  }

  function show(plan) {
    document.title = "Restart Watch — plan " + plan.planId.slice(0, 8) + " (" + plan.status + ")";
    heading(plan);
    waves(plan);
  }

  let source = null;

  function connect() {
    const live = byId("live");
    // The session cookie goes with the stream: EventSource cannot send an Authorization header.
    source = new EventSource("api/plans/" + encodeURIComponent(planId) + "/stream", { withCredentials: true });
    source.onopen = () => { live.textContent = "live"; live.className = "live on"; };
    source.onerror = () => { live.textContent = "reconnecting…"; live.className = "live off"; };
    source.addEventListener("plan", (event) => show(JSON.parse(event.data)));
  }

  P.start(async () => {
    if (!planId) throw new Error("No plan id in the address (plan.html?id=…)");
    show(await call("GET", "api/plans/" + encodeURIComponent(planId)));
    if (!source) connect();
  });
})();
