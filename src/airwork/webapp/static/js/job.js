// One job: its plan on a map, the sortie table, the battery charts, every export, checks.
import { api, ApiError, fileBlob } from "./api.js";
import { h, fill, num, duration, kv, saveBlob } from "./dom.js";
import { sortieColor } from "./colors.js";
import { batteryChart, sortieChart } from "./chart.js";
import { notFound } from "./app.js";
import { emptyMap, loadPlan, planMap, summaryPairs } from "./plan.js";
import { follow } from "./newjob.js";
import { checkPanel } from "./check.js";

function sortieTable(rows, kind, key, onSelect) {
  const liquid = rows.some((r) => r.liquid_l !== null && r.liquid_l !== undefined);
  const cols = [
    ["Sortie", (r) => [h("span", { class: "swatch", style: { background: sortieColor(key, r.sortie) } }), String(r.sortie)]],
    [kind === "delivery" ? "Drone" : "Station", (r) => r.drone || r.station || "–", "l"],
    ["Time", (r) => duration(r.time_s)],
    ["Dist. (km)", (r) => num(r.distance_m / 1000, 2)],
    ["Energy (Wh)", (r) => num(r.energy_wh, 0)],
    ["Batt. (%)", (r) => num(r.battery_pct, 1)],
    liquid ? ["Liquid (L)", (r) => num(r.liquid_l, 2)] : ["Payload (kg)", (r) => num(r.payload_kg, 2)],
  ];
  const trs = rows.map((r) => h("tr", { tabindex: "0", "aria-selected": "false", dataset: { sortie: r.sortie },
    onclick: () => onSelect(r.sortie, true),
    onkeydown: (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onSelect(r.sortie, true); }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const next = e.key === "ArrowDown" ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
        if (next) next.focus();
      }
    } }, cols.map(([, f, cls]) => h("td", { class: cls }, f(r)))));
  const table = h("table", { id: "sorties", "aria-label": "Sorties: press Enter on a row to show it on the map" },
    h("thead", {}, h("tr", {}, cols.map(([t, , cls]) => h("th", { scope: "col", class: cls }, t)))), h("tbody", {}, trs));
  return { box: h("div", { class: "tablebox" }, table), trs };
}

function filesList(job, files) {
  return h("ul", { class: "files", id: "files" }, files.map((f) => h("li", {},
    h("button", { type: "button", class: "linklike", dataset: { file: f.name }, "aria-label": `Download ${f.name}`,
      onclick: async () => saveBlob(await fileBlob(job.id, f.name), f.name) }, `⤓ ${f.name}`),
    h("span", { class: "hint" }, ` ${num(f.size / 1024, 1, "KiB")}`))));
}

function legsBySortie(fc) {
  const out = new Map();
  for (const f of fc.features) {
    const p = f.properties || {};
    if (p.role !== "leg") continue;
    if (!out.has(p.sortie)) out.set(p.sortie, []);
    out.get(p.sortie).push(p);
  }
  return out;
}

async function waitForJob(view, job) {
  const bar = h("progress", { class: "progress", max: 1, value: job.progress || 0 });
  const text = h("p", { class: "hint" });
  fill(view, h("section", { class: "page", "data-view": "job-progress" }, h("h1", {}, job.name), bar, text));
  const end = await follow(job.id, bar, text);
  if (end.status === "failed") fill(view, h("section", { class: "page" }, h("h1", {}, end.name), h("p", { class: "error", role: "alert" }, `The job failed: ${end.error || end.message}`)));
  return end;
}

export async function jobView(view, jobId) {
  let plan;
  // the map starts (MapLibre, its workers, the style) while the plan downloads
  const wrap = h("div", { class: "mapwrap" });
  const side = h("aside", { class: "side", "aria-label": "Plan details" }, h("p", { class: "hint" }, "Loading the plan…"));
  const early = h("div", { class: "split", "data-view": "job-loading" }, wrap, side);
  fill(view, early);
  const ready = emptyMap(wrap, null);
  let fresh = true;
  try {
    plan = await loadPlan(jobId);
    if (plan.job.status !== "done") {
      if ((await waitForJob(view, plan.job)).status !== "done") return;
      fresh = false;
      plan = await loadPlan(jobId);
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return notFound(`The job ${jobId}`);
    throw err;
  }
  const { job, sorties } = plan;
  const filesLater = api(`/jobs/${encodeURIComponent(job.id)}/files`);
  if (!fresh) {
    wrap.replaceChildren();
    fill(view, early);
  }
  early.dataset.view = "job";
  let table = { trs: [] };
  // the mission goes to the map first (its worker tiles it while the panel is built)
  const { map, ctl } = await planMap(wrap, plan, (n) => select(n, false), true, fresh ? ready : null);
  const legs = legsBySortie(plan.fc);
  const chart = h("canvas", { class: "chart", id: "battery-chart", role: "img", "aria-label": "Battery used per sortie, in %" });
  const one = h("canvas", { class: "chart", id: "sortie-chart", role: "img", "aria-label": "Battery used along the selected sortie" });
  const oneTitle = h("h3", {}, "Battery along a sortie (select one)");
  let selected = null;
  let pick = () => null;
  const select = (n, fly) => {
    selected = n;
    for (const tr of table.trs) tr.setAttribute("aria-selected", String(Number(tr.dataset.sortie) === n));
    const row = table.trs.find((tr) => Number(tr.dataset.sortie) === n);
    if (row && !fly) row.scrollIntoView({ block: "nearest" });
    ctl.select(n);
    pick = batteryChart(chart, sorties, n);
    const r = sorties.find((x) => x.sortie === n);
    oneTitle.textContent = r ? `Sortie ${n}: ${duration(r.time_s)}, ${num(r.energy_wh, 0, "Wh")}, ${num(r.battery_pct, 1, "%")} of the battery` : oneTitle.textContent;
    sortieChart(one, legs.get(n) || [], sortieColor(plan.key, n));
    if (fly) {
      const pts = (legs.get(n) || []).length ? plan.fc.features.filter((f) => f.properties?.role === "leg" && f.properties.sortie === n).flatMap((f) => f.geometry.coordinates) : [];
      if (pts.length) {
        const xs = pts.map((p) => p[0]);
        const ys = pts.map((p) => p[1]);
        map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 60, duration: 300, maxZoom: 18 });
      }
    }
  };
  table = sortieTable(sorties, job.kind, plan.key, select);
  const files = await filesLater;
  chart.addEventListener("click", (e) => { const n = pick(e.offsetX); if (n) select(n, true); });
  const compare = h("a", { class: "button", href: `#/compare/${encodeURIComponent(job.id)}/` }, "Compare with another plan");
  const drones = [...new Set(sorties.map((r) => r.drone).filter(Boolean))];
  const byDrone = drones.length ? h("select", { id: "drone", "aria-label": "Show one drone's trips",
    onchange: (e) => {
      const list = sorties.filter((r) => r.drone === e.target.value).map((r) => r.sortie);
      for (const tr of table.trs) tr.setAttribute("aria-selected", String(list.includes(Number(tr.dataset.sortie))));
      ctl.selectMany(list);
    } }, h("option", { value: "" }, `Trips of a drone (${drones.length} drones)…`),
    drones.map((d) => h("option", { value: d }, `${d}: ${sorties.filter((r) => r.drone === d).length} trips`))) : null;
  fill(side, h("h2", {}, job.name), kv(summaryPairs(job, sorties)),
    h("p", { class: "toolbar" }, compare, byDrone),
    h("h3", {}, `Sorties (${sorties.length})`), table.box,
    h("h3", {}, "Battery per sortie"), chart, oneTitle, one,
    h("h3", {}, `Exports (${files.length})`), filesList(job, files),
    checkPanel(job, files, () => map));
  pick = batteryChart(chart, sorties, null);
  performance.mark("aw:panel");
  if (sorties.length) sortieChart(one, legs.get(sorties[0].sortie) || [], sortieColor(plan.key, sorties[0].sortie));
}
