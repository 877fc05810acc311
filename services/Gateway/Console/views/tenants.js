import { api, session } from "../api.js";
import { h, clear, time, statusBadge, toast, table } from "../dom.js";
import { cursorPages } from "../paging.js";

// The statuses a tenant list can be filtered by (the registry's TenantStatuses; tier-change phases are listed by the API docs).
const STATUSES = ["", "Provisioning", "Active", "Failed", "Suspended", "Suspending", "Resuming", "Compensating", "Deprovisioning", "Deprovisioned"];
const TIERS = ["", "free", "demo", "professional", "enterprise"];
const PAGE = 50;

// The tenants table: search, filters, keyset paging (Next follows X-Next-Cursor; Previous goes back the cursors seen),
// and a signup form for SuperAdmins.
export async function render(container) {
  const filters = { q: "", status: "", tier: "", pool: "" };
  const results = h("div", { id: "tenant-results" });
  const pager = h("div", { class: "pager" });
  const pages = cursorPages({
    path: "/api/tenants", filters, results, pager, limit: PAGE, labels: ["← Previous", "Next →"],
    show: (tenants) => table(["Tenant", "Company", "Tier", "Status", "Where", "Requested"], tenants.map((t) =>
      h("tr", {},
        h("td", {}, h("a", { href: `#/tenant/${encodeURIComponent(t.id)}` }, t.id)),
        h("td", {}, t.companyName), h("td", {}, t.subscriptionTier), h("td", {}, statusBadge(t.status)),
        h("td", {}, t.pool ?? t.platform ?? t.deploymentMode ?? "–"), h("td", {}, time(t.requestedAt)))), "No tenant matches."),
  });
  const filterBy = (name, value) => { filters[name] = value; pages.restart(); };

  const select = (name, values) => h("select", { name, id: `filter-${name}`, onchange: (e) => filterBy(name, e.target.value) },
    values.map((v) => h("option", { value: v }, v || `any ${name}`)));
  const search = h("input", { type: "search", id: "filter-q", placeholder: "Tenant id or company name", "aria-label": "Search tenants" });
  let timer;
  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => filterBy("q", search.value.trim()), 250); });
  const pool = h("input", { type: "text", id: "filter-pool", placeholder: "pool", "aria-label": "Filter by pool", size: 14 });
  pool.addEventListener("change", () => filterBy("pool", pool.value.trim()));

  clear(container,
    h("h1", {}, "Tenants"),
    session.canChange ? signupForm() : null,
    h("div", { class: "filters" }, search, select("status", STATUSES), select("tier", TIERS), pool),
    results, pager);
  await pages.load();
}

function signupForm() {
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "card inline", id: "signup-form" },
    h("h2", {}, "Sign a shop up"),
    h("label", { for: "signup-company" }, "Company"), h("input", { id: "signup-company", name: "companyName", required: true, maxlength: 100 }),
    h("label", { for: "signup-email" }, "Owner e-mail"), h("input", { id: "signup-email", name: "ownerEmail", type: "email", required: true }),
    h("label", { for: "signup-tier" }, "Tier"),
    h("select", { id: "signup-tier", name: "subscriptionTier" }, TIERS.slice(1).map((t) => h("option", { value: t }, t))),
    h("button", { type: "submit" }, "Sign up"), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const data = Object.fromEntries(new FormData(form));
    try {
      const { json } = await api("/api/provisioning/provision", { method: "POST", body: data });
      toast(`Signed up ${json.tenantId}. Admin password (shown once): ${json.adminPassword ?? "–"}`, "ok");
      location.hash = `#/tenant/${encodeURIComponent(json.tenantId)}`;
    } catch (e) {
      error.textContent = e.message;
    }
  });
  return form;
}
