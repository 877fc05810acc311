import { api, session } from "../api.js";
import { h, clear, table, toast } from "../dom.js";

// The shared tier's pools with their occupancy; SuperAdmins drain and undrain them.
export async function render(container) {
  async function load() {
    try {
      const { json: report } = await api("/api/pools");
      clear(container, h("h1", {}, "Pools"),
        h("p", {}, `${report.poolsWithRoom} pools with room.`),
        table(["Pool", "Server", "State", "Occupancy", "Draining", ""], report.pools.map((p) => h("tr", { dataset: { pool: p.name } },
          h("td", {}, p.name), h("td", {}, p.server), h("td", {}, p.state + (p.error ? ` (${p.error})` : "")),
          h("td", {}, h("meter", { min: 0, max: p.capacity, value: p.tenants, "aria-label": `${p.tenants} of ${p.capacity}` }), ` ${p.tenants} / ${p.capacity}`),
          h("td", {}, p.draining ? "yes" : "no"),
          h("td", {}, session.canChange ? h("button", { type: "button", onclick: async () => {
            try { await api(`/api/pools/${encodeURIComponent(p.name)}/${p.draining ? "undrain" : "drain"}`, { method: "POST" }); }
            catch (error) { toast(error.message, "bad"); }
            await load();
          } }, p.draining ? "Undrain" : "Drain") : null)))),
        h("h2", {}, "Servers"),
        table(["Server", "Pools", "Max pools", "Tenants"], (report.servers ?? []).map((s) =>
          h("tr", {}, h("td", {}, s.name), h("td", {}, s.pools), h("td", {}, s.maxPools), h("td", {}, s.tenants)))));
    } catch (error) {
      clear(container, h("h1", {}, "Pools"), h("p", { class: "error", role: "alert" }, error.message));
    }
  }
  await load();
}
