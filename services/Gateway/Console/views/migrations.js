import { api, session } from "../api.js";
import { h, clear, time, table, toast } from "../dom.js";

// Fleet schema rollouts: the newest with their progress; one rollout's tenants; start, pause, resume, abort.
export async function render(container, [id]) {
  let timer;
  let left = false;
  async function load() {
    if (left) return;
    try {
      const body = id ? await one(id) : await list();
      clear(container, body);
    } catch (error) {
      clear(container, h("h1", {}, "Migrations"), h("p", { class: "error", role: "alert" }, error.message));
    }
    // Progress moves while a rollout runs: look again every two seconds (not once the page is left).
    if (!left) timer = setTimeout(load, 2000);
  }

  async function list() {
    const { json } = await api("/api/fleet/migrations");
    return h("div", {}, h("h1", {}, "Migrations"), session.canChange ? startForm(load) : null,
      table(["Rollout", "Target", "State", "Progress", "Created"], json.map((r) => h("tr", {},
        h("td", {}, h("a", { href: `#/migrations/${r.id}` }, r.id.slice(0, 8))), h("td", {}, r.targetVersion), h("td", {}, r.state),
        h("td", {}, progress(r.counts)), h("td", {}, time(r.createdAt)))), "No rollout yet."));
  }

  async function one(rolloutId) {
    const { json: r } = await api(`/api/fleet/migrations/${encodeURIComponent(rolloutId)}`);
    const change = (action) => h("button", { type: "button", onclick: async () => {
      try { await api(`/api/fleet/migrations/${r.id}/${action}`, { method: "POST" }); } catch (error) { toast(error.message, "bad"); }
    } }, action[0].toUpperCase() + action.slice(1));
    return h("div", {}, h("p", {}, h("a", { href: "#/migrations" }, "← Migrations")),
      h("h1", {}, `Rollout to version ${r.targetVersion}`),
      h("p", {}, `${r.state}${r.stopReason ? ` — ${r.stopReason}` : ""}`), progress(r.counts),
      session.canChange ? h("div", { class: "actions" }, r.state === "Running" ? change("pause") : null, r.state === "Paused" ? change("resume") : null,
        ["Running", "Paused", "Stopped"].includes(r.state) ? change("abort") : null) : null,
      table(["Tenant", "Server", "State", "From → to", "Took", "Error"], r.tenants.map((t) => h("tr", {},
        h("td", {}, h("a", { href: `#/tenant/${encodeURIComponent(t.tenantId)}` }, t.tenantId)), h("td", {}, t.server), h("td", {}, t.state),
        h("td", {}, `${t.fromVersion ?? "?"} → ${t.version ?? "?"}`), h("td", {}, t.durationMs != null ? `${t.durationMs} ms` : ""),
        h("td", { class: "error-text" }, t.error ?? "")))));
  }

  await load();
  return () => { left = true; clearTimeout(timer); };
}

function progress(counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = (counts.Migrated ?? 0) + (counts.Skipped ?? 0);
  return h("span", { class: "progress" }, h("progress", { max: total || 1, value: done }),
    ` ${done} / ${total}${counts.Failed ? `, ${counts.Failed} failed` : ""}`);
}

function startForm(after) {
  const target = h("input", { id: "migration-target", type: "number", min: 1, placeholder: "newest", "aria-label": "Target version" });
  const form = h("form", { class: "card inline" }, h("h2", {}, "Start a rollout"), h("label", { for: "migration-target" }, "Target version"), target,
    h("button", { type: "submit" }, "Start"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("/api/fleet/migrations", { method: "POST", body: { targetVersion: target.value ? Number(target.value) : null } });
      toast("Rollout started", "ok");
    } catch (error) { toast(error.message, "bad"); }
    await after();
  });
  return form;
}
