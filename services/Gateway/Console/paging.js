import { api } from "./api.js";
import { h, clear } from "./dom.js";

// A list the Gateway pages by cursor (X-Next-Cursor), with filters: the cursors seen so far are kept, so "back"
// returns to exactly the page before, and a changed filter starts again at the first page. show(rows) draws a page.
export function cursorPages({ path, filters, results, pager, show, labels: [back, forward], limit = 50 }) {
  let cursors = [null];

  async function load() {
    const query = new URLSearchParams({ limit });
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
    const after = cursors[cursors.length - 1];
    if (after) query.set("after", after);
    try {
      const { json, headers } = await api(`${path}?${query}`);
      const next = headers.get("X-Next-Cursor");
      clear(results, show(json));
      clear(pager,
        h("button", { type: "button", disabled: cursors.length === 1, onclick: () => { cursors.pop(); load(); } }, back),
        h("span", {}, `page ${cursors.length}`),
        h("button", { type: "button", id: "next-page", disabled: !next, onclick: () => { cursors.push(next); load(); } }, forward));
    } catch (error) {
      clear(results, h("p", { class: "error", role: "alert" }, error.message));
    }
  }

  return {
    load,
    // A filter changed: from the first page again.
    restart() { cursors = [null]; return load(); },
  };
}
