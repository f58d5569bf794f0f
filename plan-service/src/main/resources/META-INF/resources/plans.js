// plans.html: preview a selection's waves, create a plan, and the list of plans with their actions.
(function () {
  "use strict";
  const P = window.RestartWatchPlans;
  const { el, link, when, badge, table, call, byId } = P;

  function selection() {
    const body = {};
    const application = byId("application").value.trim();
    const environment = byId("environment").value.trim();
    if (application) body.application = application;
    if (environment) body.environment = environment;
    if (byId("level").value) body.levels = [byId("level").value];
    if (byId("exposure").value) body.exposures = [byId("exposure").value];
    const label = byId("label").value.trim();
    if (label) {
      const at = label.indexOf("=");
      if (at < 1) throw new Error("A label filter is key=value");
      body.labels = {};
      body.labels[label.slice(0, at)] = label.slice(at + 1);
    }
    return body;
  }

  function restartCells(r) {
    const server = el("span");
    server.append(el("strong", null, r.serverId));
    const why = el("ul", "why");
    (r.why || []).forEach((line) => why.append(el("li", null, line)));
    server.append(why);
    return [String(r.rank), server, r.applicationId + (r.environment ? " / " + r.environment : ""), badge("level", r.level),
      badge("exposure", r.exposure), String(r.score)];
  }

  function showPreview(preview) {
    const out = byId("preview-result");
    out.replaceChildren();
    const restarts = preview.waves.reduce((n, w) => n + w.restarts.length, 0);
    out.append(el("p", "summary", restarts + " restart(s) in " + preview.waves.length + " wave(s); "
      + preview.unscheduled.length + " unscheduled; horizon " + when(preview.horizon)));
    preview.waves.forEach((wave) => {
      const div = el("div", "wave");
      div.dataset.wave = wave.number;
      div.append(el("h3", null, "Wave " + wave.number + " — " + when(wave.plannedAt)));
      div.append(table(["Rank", "Server", "Application", "Level", "Exposure", "Score"], wave.restarts.map(restartCells)));
      out.append(div);
    });
    if (preview.unscheduled.length) {
      out.append(el("h3", null, "Unscheduled"));
      out.append(table(["Server", "Application", "Reason", "Detail"], preview.unscheduled.map((u) =>
        [u.serverId, u.applicationId, badge("status", u.reason), u.detail])));
    }
    byId("create").disabled = restarts === 0 || !P.mayOperate();
  }

  async function doPreview(event) {
    if (event) event.preventDefault();
    const error = byId("selection-error");
    error.hidden = true;
    try {
      showPreview(await call("POST", "api/plans/preview", selection()));
      byId("preview-result").dataset.previewed = "true";
    } catch (e) {
      if (e instanceof P.SignedOut) return;
      error.hidden = false;
      error.textContent = e.message;
    }
  }

  async function doCreate() {
    const error = byId("selection-error");
    error.hidden = true;
    try {
      const plan = await call("POST", "api/plans", selection());
      window.location.href = "plan.html?id=" + encodeURIComponent(plan.planId);
    } catch (e) {
      if (e instanceof P.SignedOut) return;
      error.hidden = false;
      error.textContent = e.message;
    }
  }

  // The actions a plan's status allows (the API answers 409 to the others).
  const ACTIONS = {
    DRAFT: ["approve", "cancel"], RUNNING: ["pause", "cancel"], PAUSED: ["resume", "cancel"], HALTED: ["resume", "cancel"]
  };

  function actions(plan, after) {
    const div = el("div", "actions");
    if (!P.mayOperate()) return div;
    (ACTIONS[plan.status] || []).forEach((action) => {
      const button = el("button", action === "approve" ? "primary" : action === "cancel" ? "danger" : null, action);
      button.type = "button";
      button.dataset.action = action;
      button.addEventListener("click", async () => {
        if (action === "cancel" && !window.confirm("Cancel this plan? Restarts not yet begun are cancelled.")) return;
        button.disabled = true;
        try {
          await call("POST", "api/plans/" + encodeURIComponent(plan.planId) + "/" + action);
        } catch (e) {
          if (!(e instanceof P.SignedOut)) window.alert(e.message);
        }
        after();
      });
      div.append(button);
    });
    return div;
  }

  async function loadPlans() {
    const status = byId("status").value;
    const error = byId("plans-error");
    error.hidden = true;
    try {
      const page = await call("GET", "api/plans?size=100" + (status ? "&status=" + encodeURIComponent(status) : ""));
      const list = byId("plan-list");
      if (!page.items.length) {
        list.replaceChildren(el("p", "empty", "No plans" + (status ? " " + status : "") + "."));
        return;
      }
      list.replaceChildren(table(["Plan", "Application", "Status", "Wave", "Created", "Approved", "Actions"], page.items.map((p) => [
        link("plan.html?id=" + encodeURIComponent(p.planId), p.planId.slice(0, 8), "mono"),
        p.applicationId || "fleet selection",
        (() => { const s = el("span"); s.append(badge("status", p.status)); if (p.holdReason) s.append(" ", el("span", "hold", p.holdReason)); return s; })(),
        p.currentWave + " / " + p.waveCount,
        (p.auto ? "auto-plan" : p.createdBy) + ", " + when(p.createdAt),
        p.approvedBy ? p.approvedBy + ", " + when(p.approvedAt) : "—",
        actions(p, loadPlans)])));
    } catch (e) {
      if (e instanceof P.SignedOut) return;
      error.hidden = false;
      error.textContent = e.message;
    }
  }

  P.start(async () => {
    byId("selection").onsubmit = doPreview;
    byId("create").onclick = doCreate;
    byId("status").onchange = loadPlans;
    const application = new URLSearchParams(window.location.search).get("application");
    if (application) byId("application").value = application;
    await loadPlans();
  });
})();
