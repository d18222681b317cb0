// Two plans of one site side by side: two maps and their summary columns.
import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { allPages, notFound } from "./app.js";
import { loadPlan, planMap, summaryPairs } from "./plan.js";
import { ApiError } from "./api.js";

function chooser(jobs, a, b) {
  const sel = (id, value, label) => h("div", {}, h("label", { for: id }, label),
    h("select", { id }, h("option", { value: "" }, "—"), jobs.map((j) => h("option", { value: j.id, selected: j.id === value }, `${j.name} · ${j.kind} · ${j.created_at.slice(0, 16).replace("T", " ")}`))));
  const left = sel("cmp-a", a, "Plan A");
  const right = sel("cmp-b", b, "Plan B");
  return h("form", { class: "card toolbar", onsubmit: (e) => {
    e.preventDefault();
    const x = left.querySelector("select").value;
    const y = right.querySelector("select").value;
    if (x && y) location.hash = `#/compare/${encodeURIComponent(x)}/${encodeURIComponent(y)}`;
  } }, left, right, h("button", { type: "submit", class: "primary", id: "compare-go" }, "Compare"));
}

function table(pa, pb) {
  const a = new Map(summaryPairs(pa.job, pa.sorties));
  const b = new Map(summaryPairs(pb.job, pb.sorties));
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return h("table", { id: "compare-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Figure"), h("th", { class: "l" }, `A: ${pa.job.name}`), h("th", { class: "l" }, `B: ${pb.job.name}`))),
    h("tbody", {}, keys.map((k) => h("tr", {}, h("td", {}, k), h("td", { class: "l" }, a.get(k) ?? "–"), h("td", { class: "l" }, b.get(k) ?? "–")))));
}

export async function compareView(view, a, b) {
  const jobs = (await allPages("/jobs?status=done")).items;
  const page = h("section", { class: "page", "data-view": "compare-pick" }, h("h1", {}, "Compare two plans"), chooser(jobs, a, b));
  if (!a || !b) {
    fill(view, page);
    return;
  }
  let pa;
  let pb;
  try {
    [pa, pb] = await Promise.all([loadPlan(a), loadPlan(b)]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return notFound("One of the two jobs");
    throw err;
  }
  const cols = [pa, pb].map((p, i) => {
    const wrap = h("div", { class: "mapwrap" });
    return { p, wrap, col: h("div", { class: "col" }, h("h2", { style: { margin: ".4rem .8rem" } }, `${i ? "B" : "A"}: ${p.job.name} (${p.job.kind}, ${p.sorties?.length ?? 0} sorties)`), wrap) };
  });
  const note = pa.job.site !== pb.job.site ? h("p", { class: "hint" }, "Note: the two plans are of different sites.") : null;
  fill(view, h("div", { class: "comparepage", "data-view": "compare" },
    h("div", { class: "compare" }, cols.map((c) => c.col)),
    h("div", { class: "page", style: { maxWidth: "none" } }, note, h("div", { class: "card" }, table(pa, pb)), chooser(jobs, a, b))));
  await Promise.all(cols.map((c) => (c.p.fc ? planMap(c.wrap, c.p, null, false) : null)));
}
