// The Gateway's API with the signed-in operator's token. The token lives in sessionStorage: this tab only, gone when
// it closes.
const KEY = "mechanicbuddy.token";

export const session = {
  get token() { return sessionStorage.getItem(KEY); },
  set token(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
  // Read from the token's payload for display and for hiding buttons; the Gateway decides what is allowed.
  get claims() {
    try {
      const payload = this.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const json = JSON.parse(atob(payload));
      const roleKey = Object.keys(json).find((k) => k === "role" || k.endsWith("/role"));
      return { subject: json.sub, role: [].concat(json[roleKey] ?? [])[0], expires: json.exp ? new Date(json.exp * 1000) : null };
    } catch { return { subject: null, role: null, expires: null }; }
  },
  get canChange() { return this.claims.role === "SuperAdmin"; },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

// A problem's title, detail and each invalid field, as one sentence list.
function describe(status, problem) {
  if (!problem) return `The Gateway answered ${status}.`;
  const parts = [problem.title, problem.detail].filter(Boolean);
  for (const [field, messages] of Object.entries(problem.errors ?? {})) parts.push(`${field}: ${[].concat(messages).join(" ")}`);
  return parts.join(" — ") || `The Gateway answered ${status}.`;
}

export async function api(path, { method = "GET", body, wait } = {}) {
  const headers = { Accept: "application/json", Authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (wait) headers.Prefer = `wait=${wait}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { title: "The Gateway did not answer", detail: String(error.message ?? error) });
  }
  const text = await response.text();
  const json = text ? safeParse(text) : null;
  if (response.status === 401) window.dispatchEvent(new CustomEvent("mb:signed-out"));
  if (!response.ok) throw new ApiError(response.status, json);
  return { json, headers: response.headers, status: response.status };
}

function safeParse(text) {
  try { return JSON.parse(text); } catch { return null; }
}
