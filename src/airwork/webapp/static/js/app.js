// The single-page app: hash routes, sign-in, the jobs list, and the other views.
import { api, ApiError, setToken, token } from "./api.js";
import { h, fill, duration } from "./dom.js";

performance.mark("aw:app");
const view = document.getElementById("view");
export const statusLine = document.getElementById("status");
let config = null;
let me = null;

/** The public configuration (basemap URL, version), asked once. */
export async function getConfig() {
  if (!config) config = await api("/config", { auth: false });
  return config;
}

/** The "not found" page (another organisation's job looks exactly like a missing one). */
export function notFound(what) {
  fill(view, h("section", { class: "page notfound", "data-view": "not-found" },
    h("h1", {}, "Not found"),
    h("p", {}, `${what} does not exist, or belongs to another organisation.`),
    h("p", {}, h("a", { href: "#/jobs" }, "Back to the jobs"))));
}

/** An error line for a failed request. */
export function errorLine(err) {
  return h("p", { class: "error", role: "alert" }, err instanceof ApiError ? `${err.message} (HTTP ${err.status})` : String(err.message || err));
}

// ------------------------------------------------------------------ sign-in
async function signedIn(newToken) {
  setToken(newToken);
  try {
    me = await api("/me");
  } catch (err) {
    setToken(null);
    throw err;
  }
  location.hash = "#/jobs";
}

function signIn() {
  const out = h("div", { "aria-live": "assertive" });
  const tokenInput = h("input", { id: "token", type: "password", autocomplete: "off", placeholder: "aw_…", required: true });
  const byToken = h("form", { class: "card", "aria-labelledby": "t-token",
    onsubmit: async (e) => {
      e.preventDefault();
      fill(out);
      try { await signedIn(tokenInput.value.trim()); } catch (err) { fill(out, errorLine(err.status === 401 ? new Error("this token is not valid") : err)); }
    } },
    h("h2", { id: "t-token" }, "With the organisation's token"),
    h("label", { for: "token" }, "API token ", h("span", { class: "hint" }, "(printed by airwork org create, or POST /api/v1/tokens)")),
    tokenInput, h("p", {}, h("button", { class: "primary", type: "submit" }, "Sign in with the token")));
  const org = h("input", { id: "login-org", autocomplete: "organization", required: true });
  const user = h("input", { id: "login-user", autocomplete: "username", required: true });
  const pass = h("input", { id: "login-password", type: "password", autocomplete: "current-password", required: true });
  const byPassword = h("form", { class: "card", "aria-labelledby": "t-login",
    onsubmit: async (e) => {
      e.preventDefault();
      fill(out);
      try {
        const r = await api("/login", { method: "POST", auth: false, json: { org: org.value.trim(), user: user.value.trim(), password: pass.value } });
        await signedIn(r.token);
      } catch (err) { fill(out, errorLine(err)); }
    } },
    h("h2", { id: "t-login" }, "With a user name and password"),
    h("label", { for: "login-org" }, "Organisation"), org,
    h("label", { for: "login-user" }, "User"), user,
    h("label", { for: "login-password" }, "Password"), pass,
    h("p", {}, h("button", { class: "primary", type: "submit" }, "Sign in")));
  fill(view, h("section", { class: "page", "data-view": "sign-in" },
    h("h1", {}, "Sign in to airwork"),
    h("p", { class: "hint" }, "Plan spraying, power-line inspection and delivery jobs on a map. The token stays in this tab only."),
    h("div", { class: "signin" }, byToken, byPassword), out));
  tokenInput.focus();
}

// ------------------------------------------------------------------ jobs list
/** Rows per page of the lists (sessionStorage "airwork.pageSize" overrides it). */
export const PAGE_SIZE = Number(sessionStorage.getItem("airwork.pageSize")) || 50;

function jobRow(j) {
  return h("tr", {},
    h("td", { class: "l" }, h("a", { href: `#/jobs/${encodeURIComponent(j.id)}` }, j.name)),
    h("td", { class: "l" }, j.kind), h("td", { class: "l" }, j.status),
    h("td", {}, `${Math.round((j.progress || 0) * 100)} %`),
    h("td", { class: "l" }, (j.created_at || "").replace("T", " ").slice(0, 19)),
    h("td", {}, j.started_at && j.finished_at ? duration((Date.parse(j.finished_at) - Date.parse(j.started_at)) / 1000) : "–"));
}

async function jobsList() {
  const box = h("section", { class: "page", "data-view": "jobs" }, h("h1", {}, "Jobs"), h("p", {}, "Loading…"));
  fill(view, box);
  const [jobs, sites] = await Promise.all([api(`/jobs?limit=${PAGE_SIZE}`), api("/sites?limit=1")]);
  const body = h("tbody", {}, jobs.items.map(jobRow));
  const shown = h("span", { class: "hint", id: "jobs-shown" });
  let offset = jobs.items.length;
  const more = h("button", { type: "button", id: "more-jobs" }, "Show older jobs");
  const update = (total) => {
    shown.textContent = `${offset} of ${total} job(s)`;
    more.hidden = offset >= total;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await api(`/jobs?limit=${PAGE_SIZE}&offset=${offset}`);
      body.append(...next.items.map(jobRow));
      offset += next.items.length;
      update(next.total);
    } finally { more.disabled = false; }
  });
  update(jobs.total);
  fill(box, h("h1", {}, "Jobs"),
    h("p", { class: "toolbar" }, h("a", { class: "button primary", href: "#/new" }, "New job"), h("a", { class: "button", href: "#/compare" }, "Compare two plans"),
      h("span", { class: "hint" }, `${jobs.total} job(s), ${sites.total} site(s)`)),
    jobs.items.length ? h("div", { class: "card" }, h("table", {}, h("thead", {}, h("tr", {}, ["Job", "Kind", "Status", "Progress", "Created (UTC)", "Planning time"].map((t, i) => h("th", { class: i < 3 || i === 4 ? "l" : "" }, t)))), body),
      h("p", {}, more, " ", shown))
      : h("p", {}, "No jobs yet: upload a site and plan one."));
}

/** Every item of a paged list (``/sites``, ``/jobs?status=done``), page after page. */
export async function allPages(path, most = 5000) {
  const sep = path.includes("?") ? "&" : "?";
  const items = [];
  for (;;) {
    const page = await api(`${path}${sep}limit=200&offset=${items.length}`);
    items.push(...page.items);
    if (!page.items.length || items.length >= page.total || items.length >= most) return { items, total: page.total };
  }
}

// ------------------------------------------------------------------ router
const ROUTES = [
  [/^#\/jobs\/([^/]+)$/, async (m) => (await import("./job.js")).jobView(view, decodeURIComponent(m[1]))],
  [/^#\/compare(?:\/([^/]*)(?:\/([^/]*))?)?$/, async (m) => (await import("./compare.js")).compareView(view, m[1] && decodeURIComponent(m[1]), m[2] && decodeURIComponent(m[2]))],
  [/^#\/new$/, async () => (await import("./newjob.js")).newJobView(view)],
  [/^#\/draw(?:\/([^/]+))?$/, async (m) => (await import("./draw.js")).drawView(view, m[1] ? decodeURIComponent(m[1]) : null)],
  [/^#\/jobs$/, jobsList],
];

async function route() {
  const hash = location.hash || "#/jobs";
  const nav = document.getElementById("nav");
  const out = document.getElementById("signout");
  if (!token()) {
    nav.hidden = out.hidden = true;
    document.getElementById("who").textContent = "";
    if (hash !== "#/signin") sessionStorage.setItem("airwork.next", hash);
    return signIn();
  }
  nav.hidden = out.hidden = false;
  for (const a of nav.querySelectorAll("a")) a.toggleAttribute("aria-current", hash.startsWith(a.getAttribute("href")));
  for (const a of nav.querySelectorAll("a[aria-current]")) a.setAttribute("aria-current", "page");
  try {
    // who is signed in, asked while the page loads (a 401 from either sends to sign-in)
    const who = me ? Promise.resolve(me) : api("/me");
    const found = ROUTES.find(([re]) => re.test(hash));
    const page = found ? found[1](hash.match(found[0])) : notFound(`The page ${hash.slice(1)}`);
    if (page && page.catch) page.catch(() => null); // awaited below; no "unhandled" meanwhile
    me = await who;
    document.getElementById("who").textContent = `${me.user?.name ?? ""} · ${me.org?.name ?? ""}`;
    await page;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setToken(null);
      me = null;
      return signIn();
    }
    fill(view, h("section", { class: "page" }, errorLine(err)));
  }
}

document.getElementById("signout").addEventListener("click", () => {
  setToken(null);
  me = null;
  location.hash = "#/signin";
});
window.addEventListener("hashchange", route);
// MapLibre (1.1 MB of JavaScript) is parsed while the first API answers come in
if (token()) import("./map.js").then((m) => m.maplibreModule()).catch(() => null);
route();
