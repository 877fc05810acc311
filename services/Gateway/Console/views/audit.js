import { api } from "../api.js";
import { h, clear, time, table } from "../dom.js";

// The audit log: who did what, accepted or refused, newest first, filtered and paged by cursor.
export async function render(container) {
  const filters = { subject: "", action: "", tenantId: "", outcome: "" };
  let cursors = [null];
  const results = h("div", { id: "audit-results" });
  const pager = h("div", { class: "pager" });
  const field = (name, placeholder) => {
    const input = h("input", { id: `audit-${name}`, placeholder, "aria-label": placeholder, size: 16 });
    input.addEventListener("change", () => { filters[name] = input.value.trim(); cursors = [null]; load(); });
    return input;
  };
  const outcome = h("select", { id: "audit-outcome", "aria-label": "Outcome", onchange: (e) => { filters.outcome = e.target.value; cursors = [null]; load(); } },
    ["", "accepted", "refused"].map((v) => h("option", { value: v }, v || "any outcome")));

  async function load() {
    const query = new URLSearchParams({ limit: 50 });
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
    const after = cursors[cursors.length - 1];
    if (after) query.set("after", after);
    try {
      const { json, headers } = await api(`/api/audit?${query}`);
      const next = headers.get("X-Next-Cursor");
      clear(results, table(["When", "Who", "Role", "Action", "Tenant / target", "Status", "Outcome", "Reason", "Request"], json.map((r) =>
        h("tr", { class: r.outcome }, h("td", {}, time(r.recordedAt)), h("td", {}, r.subject), h("td", {}, r.role ?? "–"), h("td", {}, r.action),
          h("td", {}, r.tenantId ?? r.target ?? "–"), h("td", {}, r.status), h("td", {}, r.outcome), h("td", {}, r.reason ?? ""),
          h("td", { class: "mono", title: r.requestId }, r.requestId.slice(0, 12))))));
      clear(pager,
        h("button", { type: "button", disabled: cursors.length === 1, onclick: () => { cursors.pop(); load(); } }, "← Newer"),
        h("button", { type: "button", disabled: !next, onclick: () => { cursors.push(next); load(); } }, "Older →"));
    } catch (error) {
      clear(results, h("p", { class: "error", role: "alert" }, error.message));
    }
  }
  clear(container, h("h1", {}, "Audit log"),
    h("div", { class: "filters" }, field("subject", "who (token subject)"), field("action", "action, e.g. SuspendTenant"), field("tenantId", "tenant id"), outcome),
    results, pager);
  await load();
}
