// A done job's plan: its mission.geojson, sortie table and summary, drawn on a map.
import { api } from "./api.js";
import { h, num } from "./dom.js";
import { createMap, showMission, legend } from "./map.js";
import { getConfig, statusLine } from "./app.js";
import { colourKey } from "./colors.js";

/** The job, its mission.geojson and its sortie table (404s propagate). */
export async function loadPlan(jobId) {
  const id = encodeURIComponent(jobId);
  // all at once (a job that is not done answers 404/409 for the other two: ignored)
  const later = (p) => p.then((v) => ({ v }), (e) => ({ e }));
  const [job, fc, table] = await Promise.all([
    api(`/jobs/${id}`),
    later(api(`/jobs/${id}/files/mission.geojson`, { raw: true }).then((r) => r.json())),
    later(api(`/jobs/${id}/sorties`)),
  ]);
  performance.mark("aw:data");
  if (job.status !== "done") return { job };
  if (fc.e || table.e) throw fc.e || table.e;
  return { job, fc: fc.v, sorties: table.v.sorties, key: colourKey(table.v.sorties) };
}

/** A map of the plan in `wrap` (which gets the map, legend and graticule labels). */
export async function planMap(wrap, plan, onPick, legendOpen = true, ready = null) {
  const map = await (ready || emptyMap(wrap, plan.job));
  wrap.append(legend(plan.key, plan.job.kind, legendOpen));
  const ctl = await showMission(map, plan.fc, { kind: plan.job.kind, key: plan.key, onPick });
  return { map, ctl };
}

/** An empty map in `wrap` (made while the plan downloads). */
export async function emptyMap(wrap, job) {
  const el = h("div", { class: "map", role: "region", "aria-label": `Map of ${job ? job.name : "the job"}` });
  wrap.append(el);
  return createMap(el, await getConfig(), statusLine);
}

const UNITS = [
  [/_ha_per_h$/, "ha/h", 2], [/_l_per_ha$/, "L/ha", 1], [/_kg_per_ha$/, "kg/ha", 1], [/_ha$/, "ha", 2],
  [/_l$/, "L", 1], [/_kg$/, "kg", 2], [/_km$/, "km", 2], [/_m$/, "m", 1], [/_mps$/, "m/s", 1], [/_wh$/, "Wh", 0],
  [/_s$/, "s", 0], [/_h$/, "h", 2], [/_deg$/, "°", 1], [/_fraction$|_share$/, "%", 1], [/_pct$/, "%", 1],
];
const WORD_SUFFIX = /_fraction$|_share$/;  // words of the name, not only its unit

/** A figure's label: its name without the unit suffix the value now shows. */
function label(key) {
  const unit = UNITS.find(([re]) => re.test(key));
  const bare = unit && !WORD_SUFFIX.test(key) ? key.replace(unit[0], "") : key;
  return (bare || key).replace(/_/g, " ");
}

function pretty(key, value) {
  if (typeof value !== "number") return String(value);
  for (const [re, unit, digits] of UNITS) {
    if (re.test(key)) {
      if (unit === "%" && !key.endsWith("_pct")) return num(value * 100, digits, "%");
      if (unit === "s" && value >= 600) return num(value / 3600, 2, "h");
      return num(value, digits, unit);
    }
  }
  return Number.isInteger(value) ? String(value) : num(value, 3);
}

/** The summary's scalar figures, with units, as [label, text] pairs. */
export function summaryPairs(job, sorties) {
  const s = job.summary || {};
  const skip = new Set(["job", "kind", "name", "aircraft", "sorties", "autopilot", "autopilot_profile", "angle_convention", "altitude_reference"]);
  const pairs = [["Kind", job.kind], ["Aircraft", (job.request?.aircraft || []).join(", ") || s.aircraft], ["Sorties", String(sorties.length)]];
  if (s.air) pairs.push(["Air", `${num(s.air.density_kgpm3, 3, "kg/m³")} (ground ${num(s.air.elevation_m, 0, "m")}, ${num(s.air.temperature_c, 1, "°C")})`]);
  for (const [k, v] of Object.entries(s)) {
    if (skip.has(k) || v === null || typeof v === "object" || typeof v === "boolean") continue;
    if (pairs.length >= 18) break;
    pairs.push([label(k), pretty(k, v)]);
  }
  return pairs;
}
