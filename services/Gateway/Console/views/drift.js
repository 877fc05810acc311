import { api } from "../api.js";
import { h, clear, time, table } from "../dom.js";

// The drift check: what the registry says against what the infrastructure has.
export async function render(container) {
  const result = h("div", { id: "drift-result" });
  const versions = h("input", { type: "checkbox", id: "drift-versions" });
  async function check() {
    clear(result, h("p", {}, "Checking…"));
    try {
      const { json: r } = await api(`/api/drift${versions.checked ? "?versions=true" : ""}`);
      const findings = [["missing", r.missing], ["orphaned", r.orphaned], ["version", r.versionMismatches ?? []]]
        .flatMap(([kind, list]) => list.map((f) => h("tr", {}, h("td", {}, kind), h("td", {}, f.tenantId), h("td", {}, f.status ?? "–"),
          h("td", {}, f.kind), h("td", {}, f.location), h("td", {}, f.detail ?? ""))));
      clear(result,
        h("p", { class: r.clean ? "ok-text" : "error-text", id: "drift-summary" },
          `${r.clean ? "Clean" : "Drift found"}: ${r.tenantsChecked} tenants checked at ${time(r.checkedAt)}; ${r.inProgress.length} in progress (not judged).`),
        r.unreachable.length ? h("p", { class: "error-text" }, `Unreachable (report incomplete): ${r.unreachable.join(", ")}`) : null,
        table(["Finding", "Tenant", "Status", "Kind", "Where", "Detail"], findings, "No findings."));
    } catch (error) {
      clear(result, h("p", { class: "error", role: "alert" }, error.message));
    }
  }
  clear(container, h("h1", {}, "Drift"),
    h("div", { class: "filters" }, h("button", { type: "button", id: "run-drift", onclick: check }, "Check now"),
      h("label", { class: "check" }, versions, " also compare every shop's schema version (slower)")),
    result);
  await check();
}
