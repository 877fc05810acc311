import { api, session } from "../api.js";
import { listen } from "../events.js";
import { h, clear, time, seconds, statusBadge, toast } from "../dom.js";

const TIERS = ["free", "demo", "professional", "enterprise"];

// One tenant: its record, its steps as they happen (the event stream from its first event), and the actions its
// state allows. Returns the function that closes the stream when the page is left.
export async function render(container, [tenantId]) {
  const details = h("dl", { class: "details", id: "tenant-details" });
  const actions = h("div", { class: "actions", id: "tenant-actions" });
  const live = h("span", { class: "live", id: "stream-state" }, "connecting…");
  const steps = h("tbody", { id: "steps" });
  const failure = h("div", { id: "failure", role: "alert" });
  let previous = null;
  let refresh;

  async function loadTenant() {
    try {
      const { json } = await api(`/api/tenants/${encodeURIComponent(tenantId)}`);
      showTenant(json);
    } catch (error) {
      clear(details, h("p", { class: "error", role: "alert" }, error.message));
    }
  }

  function showTenant(t) {
    const rows = [
      ["Status", statusBadge(t.status)], ["Company", t.companyName], ["Tier", t.subscriptionTier + (t.targetTier ? ` → ${t.targetTier}` : "")],
      ["Owner", t.ownerEmail], ["Deployment", [t.deploymentMode, t.platform, t.pool, t.namespace].filter(Boolean).join(" · ") || "–"],
      ["URL", t.tenantUrl ?? "–"], ["Schema version", t.schemaVersion ?? "–"], ["Requested", time(t.requestedAt)],
      ["Provisioned", time(t.provisionedAt)], ["Suspended", t.suspendedAt ? `${time(t.suspendedAt)} (${t.suspendReason ?? "no reason"})` : "–"],
    ];
    clear(details, rows.flatMap(([term, value]) => [h("dt", {}, term), h("dd", { dataset: { field: term.toLowerCase() } }, value)]));
    details.dataset.status = t.status;
    clear(failure, t.status === "Failed" || t.tierChangeError
      ? h("div", { class: "card failure" }, h("h2", {}, t.failedStep ? `Failed at ${t.failedStep}` : "Tier change rolled back"),
          h("p", { class: "error-text" }, t.failureReason ?? t.tierChangeError))
      : null);
    // Only a change of state redraws the buttons: a refresh must not wipe a reason the operator is typing.
    const key = `${t.status}|${t.subscriptionTier}`;
    if (actions.dataset.key !== key) {
      actions.dataset.key = key;
      clear(actions, session.canChange ? actionsFor(t) : null);
    }
  }

  // One change asked of the Gateway: its answer (or why it was refused) as a toast, then the record read again.
  async function perform(label, path, options = {}) {
    try {
      const { json } = await api(path, { method: "POST", wait: 30, ...options });
      toast(`${label}: ${json?.status ?? "sent"}`, "ok");
    } catch (error) {
      toast(`${label} refused: ${error.message}`, "bad");
    }
    await loadTenant();
  }

  function actionsFor(t) {
    const act = (label, path, options = {}) => h("button", { type: "button", dataset: { action: label.toLowerCase() }, onclick: (event) => {
      event.target.disabled = true;
      return perform(label, path, options);
    } }, label);
    const base = `/api/tenants/${encodeURIComponent(tenantId)}`;
    const list = [];
    if (t.status === "Failed") list.push(act("Retry", `${base}/retry`));
    if (t.status === "Active") {
      const reason = h("input", { id: "suspend-reason", placeholder: "reason (optional)", "aria-label": "Suspension reason", maxlength: 500 });
      list.push(h("span", { class: "group" }, reason, h("button", { type: "button", dataset: { action: "suspend" },
        onclick: () => perform("Suspend", `${base}/suspend`, { body: { reason: reason.value || null } }) }, "Suspend")));
      const tier = h("select", { id: "tier-select", "aria-label": "New tier" }, TIERS.filter((x) => x !== t.subscriptionTier).map((x) => h("option", { value: x }, x)));
      list.push(h("span", { class: "group" }, tier, h("button", { type: "button", dataset: { action: "tier" },
        onclick: () => perform("Tier change", `${base}/tier`, { wait: 5, body: { newTier: tier.value } }) }, "Change tier")));
    }
    if (t.status === "Suspended") list.push(act("Resume", `${base}/resume`));
    if (!["Deprovisioning", "Deprovisioned"].includes(t.status)) list.push(deprovisionButton(t, () => perform("Deprovision", base, { method: "DELETE" })));
    return list;
  }

  function addStep(event) {
    const failed = event.outcome === "failed";
    steps.append(h("tr", { class: failed ? "failed" : event.outcome, dataset: { step: event.step, outcome: event.outcome } },
      h("td", {}, time(event.timestamp)), h("td", {}, event.step),
      h("td", {}, h("span", { class: `badge outcome-${event.outcome}` }, event.outcome)),
      h("td", { class: "duration" }, previous ? seconds(previous, event.timestamp) : ""),
      h("td", { class: failed ? "error-text" : "" }, event.message)));
    previous = event.timestamp;
    clearTimeout(refresh);
    refresh = setTimeout(loadTenant, 200);
  }

  clear(container,
    h("p", {}, h("a", { href: "#/tenants" }, "← Tenants")),
    h("h1", {}, tenantId),
    details, failure, actions,
    h("h2", {}, "Steps ", live),
    h("table", { class: "steps" },
      h("thead", {}, h("tr", {}, ["When", "Step", "Outcome", "Took", "Message"].map((x) => h("th", { scope: "col" }, x)))), steps));
  await loadTenant();
  const stop = listen(`/api/events?tenantId=${encodeURIComponent(tenantId)}&from=start`, addStep, (state) => (live.textContent = state));
  return () => { stop(); clearTimeout(refresh); };
}

// Removing a shop deletes its data: the dialog names the tenant and goes ahead only once its id is typed.
function deprovisionButton(t, deprovision) {
  return h("button", { type: "button", class: "danger", dataset: { action: "deprovision" }, onclick: () => {
    const typed = h("input", { id: "confirm-id", autocomplete: "off", "aria-label": "Type the tenant id to confirm" });
    const go = h("button", { type: "submit", class: "danger", id: "confirm-deprovision", disabled: true }, "Deprovision");
    typed.addEventListener("input", () => (go.disabled = typed.value.trim() !== t.id));
    const dialog = h("dialog", { id: "deprovision-dialog", "aria-labelledby": "deprovision-title" },
      h("form", { method: "dialog" },
        h("h2", { id: "deprovision-title" }, `Deprovision ${t.companyName}?`),
        h("p", {}, `This removes ${t.id} (${t.companyName}) and everything it owns: its data cannot be brought back. Type `, h("code", {}, t.id), " to confirm."),
        typed,
        h("div", { class: "actions" }, h("button", { type: "button", class: "quiet", onclick: () => dialog.close() }, "Cancel"), go)));
    dialog.addEventListener("submit", async (event) => {
      event.preventDefault();
      dialog.close();
      dialog.remove();
      await deprovision();
    });
    document.body.append(dialog);
    dialog.showModal();
    typed.focus();
  } }, "Deprovision…");
}
