import { api, session, ApiError } from "./api.js";
import { clear } from "./dom.js";
import * as tenants from "./views/tenants.js";
import * as tenant from "./views/tenant.js";
import * as drift from "./views/drift.js";
import * as pools from "./views/pools.js";
import * as migrations from "./views/migrations.js";
import * as audit from "./views/audit.js";

const routes = { tenants, tenant, drift, pools, migrations, audit };
const main = document.getElementById("main");
const signIn = document.getElementById("sign-in");
let cleanup = null;
// Each navigation has a number: a view that finishes rendering after the operator moved on is closed at once.
let generation = 0;

function showSignIn(message = "") {
  session.token = null;
  document.getElementById("nav").hidden = true;
  document.getElementById("who").hidden = true;
  document.body.dataset.role = "";
  clear(main, signIn);
  document.getElementById("sign-in-error").textContent = message;
  document.getElementById("token").focus();
}

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  if (!session.token) { showSignIn(); return; }
  const claims = session.claims;
  document.getElementById("nav").hidden = false;
  document.getElementById("who").hidden = false;
  document.getElementById("who-name").textContent = `${claims.subject ?? "operator"} · ${claims.role ?? "no role"}`;
  document.body.dataset.role = claims.role ?? "";
  const [name, ...rest] = (location.hash.replace(/^#\/?/, "") || "tenants").split("/");
  const view = routes[name] ?? tenants;
  for (const link of document.querySelectorAll("#nav a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#/${name === "tenant" ? "tenants" : name}`);
  }
  const mine = ++generation;
  const container = clear(main);
  const close = (await view.render(container, rest.map(decodeURIComponent))) ?? null;
  if (mine !== generation) { if (close) close(); return; }
  cleanup = close;
  main.focus({ preventScroll: true });
}

document.getElementById("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = document.getElementById("token").value.trim();
  session.token = token;
  try {
    await api("/api/tenants?limit=1");
    document.getElementById("token").value = "";
    if (!location.hash) location.hash = "#/tenants"; else route();
  } catch (error) {
    showSignIn(error instanceof ApiError ? error.message : String(error));
  }
});
document.getElementById("sign-out").addEventListener("click", () => { showSignIn(); location.hash = ""; });
window.addEventListener("mb:signed-out", () => showSignIn("The token was refused or has expired; sign in again."));
window.addEventListener("hashchange", route);
route();
