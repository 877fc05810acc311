import { h, clear, time, table } from "../dom.js";
import { cursorPages } from "../paging.js";

// The audit log: who did what, accepted, refused or broken off, newest first, filtered and paged by cursor.
export async function render(container) {
  const filters = { subject: "", action: "", tenantId: "", outcome: "" };
  const results = h("div", { id: "audit-results" });
  const pager = h("div", { class: "pager" });
  const pages = cursorPages({
    path: "/api/audit", filters, results, pager, labels: ["← Newer", "Older →"],
    show: (records) => table(["When", "Who", "Role", "Action", "Tenant / target", "Status", "Outcome", "Reason", "Request"], records.map((r) =>
      h("tr", { class: r.outcome }, h("td", {}, time(r.recordedAt)), h("td", {}, r.subject), h("td", {}, r.role ?? "–"), h("td", {}, r.action),
        h("td", {}, r.tenantId ?? r.target ?? "–"), h("td", {}, r.status), h("td", {}, r.outcome), h("td", {}, r.reason ?? ""),
        h("td", { class: "mono", title: r.requestId }, r.requestId.slice(0, 12))))),
  });
  const filterBy = (name, value) => { filters[name] = value; pages.restart(); };
  const field = (name, placeholder) => {
    const input = h("input", { id: `audit-${name}`, placeholder, "aria-label": placeholder, size: 16 });
    input.addEventListener("change", () => filterBy(name, input.value.trim()));
    return input;
  };
  const outcome = h("select", { id: "audit-outcome", "aria-label": "Outcome", onchange: (e) => filterBy("outcome", e.target.value) },
    ["", "accepted", "refused", "error"].map((v) => h("option", { value: v }, v || "any outcome")));

  clear(container, h("h1", {}, "Audit log"),
    h("div", { class: "filters" }, field("subject", "who (token subject)"), field("action", "action, e.g. SuspendTenant"), field("tenantId", "tenant id"), outcome),
    results, pager);
  await pages.load();
}
