// Check an export of a job (POST /api/v1/checks) against airspace and obstacles the user
// gives, and show every finding as a marker with its reason.
import { api, fileBlob } from "./api.js";
import { h, fill, num } from "./dom.js";
import { maplibreModule } from "./map.js";
import { errorLine } from "./app.js";

function craftOf(job) {
  const first = (job.request?.aircraft || [])[0] || "";
  const name = first.split(/[:@]/)[0];
  return name && !name.includes("/") ? name : "";
}

export function checkPanel(job, files, getMap) {
  const missions = files.map((f) => f.name).filter((n) => /\.(plan|waypoints)$/.test(n) || n === "mission.geojson");
  const which = h("select", { id: "check-mission" }, missions.map((n) => h("option", { value: n }, n)));
  const airspace = h("input", { id: "check-airspace", type: "file", multiple: true, accept: ".geojson,.json,.kml,.kmz,.gpkg,.fgb,.wkt,.csv,.zip" });
  const obstacles = h("input", { id: "check-obstacles", type: "file", multiple: true, accept: ".geojson,.json,.kml,.kmz,.gpkg,.fgb,.wkt,.csv,.zip" });
  const wind = h("input", { id: "check-wind", type: "number", min: 0, max: 60, step: "any", value: 0 });
  const out = h("div", { id: "check-result", "aria-live": "polite" });
  const markers = [];
  const go = h("button", { type: "submit", class: "primary", id: "check" }, "Check");
  return h("form", { class: "card", "aria-labelledby": "t-check",
    onsubmit: async (e) => {
      e.preventDefault();
      fill(out, h("p", { class: "hint" }, "Checking…"));
      go.disabled = true;
      try {
        const data = new FormData();
        data.append("mission", await fileBlob(job.id, which.value), which.value);
        for (const f of airspace.files) data.append("airspace", f, f.name);
        for (const f of obstacles.files) data.append("obstacles", f, f.name);
        if (craftOf(job)) data.append("aircraft", craftOf(job));
        data.append("wind_mps", String(Number(wind.value) || 0));
        const report = await api("/checks", { method: "POST", form: data });
        show(report);
      } catch (err) { fill(out, errorLine(err)); } finally { go.disabled = false; }
    } },
    h("h3", { id: "t-check" }, "Check an export"),
    h("label", { for: "check-mission" }, "Mission"), which,
    h("label", { for: "check-airspace" }, "No-fly zones, geofences ", h("span", { class: "hint" }, "(optional)")), airspace,
    h("label", { for: "check-obstacles" }, "Tall obstacles ", h("span", { class: "hint" }, "(optional, height_m)")), obstacles,
    h("label", { for: "check-wind" }, "Wind (m/s)"), wind, h("p", {}, go), out);

  async function show(report) {
    const ml = await maplibreModule();
    for (const m of markers.splice(0)) m.remove();
    const v = report.violations || [];
    const map = getMap();
    for (const x of v.slice(0, 300)) {
      if (!map || x.lon_deg === undefined || x.lon_deg === null) continue;
      const el = h("div", { class: "marker-check", role: "img", title: `${x.kind}: ${x.message}`, "aria-label": `${x.kind}: ${x.message}` }, "!");
      markers.push(new ml.Marker({ element: el }).setLngLat([x.lon_deg, x.lat_deg]).addTo(map));
    }
    const sortie = (report.sorties || [])[0];
    fill(out,
      h("p", { class: report.ok ? "" : "error", dataset: { ok: String(report.ok), violations: String(v.length) } },
        report.ok ? "OK: no finding." : `${v.length} finding(s): ${Object.entries(report.violation_counts || {}).map(([k, n]) => `${n} ${k}`).join(", ")}`),
      sortie ? h("p", { class: "hint" }, `${num(sortie.flight_time_s / 60, 1, "min")}, ${num(sortie.energy_wh, 0, "Wh")} of ${num(sortie.budget_wh, 0, "Wh")} budget; max ${num(sortie.max_agl_m, 1, "m")} AGL; ${report.terrain}`) : null,
      v.length ? h("ol", { class: "hint" }, v.slice(0, 50).map((x) => h("li", {}, `sortie ${x.sortie ?? "–"}, item ${x.item ?? "–"}: ${x.message}`))) : null);
  }
}
