// Check an export of a job (POST /api/v1/checks) against airspace and obstacles the user
// gives, and show every finding as a marker with its reason, beside the zones and obstacles
// given (GeoJSON files are read in the page and drawn; other formats are listed).
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
        const given = await readGiven([...airspace.files], [...obstacles.files]);
        show(report, given);
      } catch (err) { fill(out, errorLine(err)); } finally { go.disabled = false; }
    } },
    h("h3", { id: "t-check" }, "Check an export"),
    h("label", { for: "check-mission" }, "Mission"), which,
    h("label", { for: "check-airspace" }, "No-fly zones, geofences ", h("span", { class: "hint" }, "(optional)")), airspace,
    h("label", { for: "check-obstacles" }, "Tall obstacles ", h("span", { class: "hint" }, "(optional, height_m)")), obstacles,
    h("label", { for: "check-wind" }, "Wind (m/s)"), wind, h("p", {}, go), out);

  async function show(report, given) {
    const ml = await maplibreModule();
    for (const m of markers.splice(0)) m.remove();
    const v = report.violations || [];
    const map = getMap();
    if (map) drawGiven(map, given);
    for (const x of v.slice(0, 300)) {
      if (!map || x.lon_deg === undefined || x.lon_deg === null) continue;
      const reason = `${x.kind}: ${x.message}`;
      const at = [x.lon_deg, x.lat_deg];
      const popup = new ml.Popup({ offset: 12, focusAfterOpen: false }).setDOMContent(h("div", { class: "popup-check" }, reason));
      const toggle = (ev) => {
        if (ev.type === "keydown" && ev.key !== "Enter" && ev.key !== " ") return;
        ev.preventDefault();
        ev.stopPropagation();
        if (popup.isOpen()) popup.remove();
        else popup.setLngLat(at).addTo(map);
      };
      const el = h("div", { class: "marker-check", role: "button", tabindex: 0, title: reason, "aria-label": reason, onclick: toggle, onkeydown: toggle }, "!");
      markers.push(new ml.Marker({ element: el }).setLngLat(at).addTo(map));
      markers.push(popup);
    }
    const sortie = (report.sorties || [])[0];
    fill(out,
      h("p", { class: report.ok ? "" : "error", dataset: { ok: String(report.ok), violations: String(v.length) } },
        report.ok ? "OK: no finding." : `${v.length} finding(s): ${Object.entries(report.violation_counts || {}).map(([k, n]) => `${n} ${k}`).join(", ")}`),
      sortie ? h("p", { class: "hint" }, `${num(sortie.flight_time_s / 60, 1, "min")}, ${num(sortie.energy_wh, 0, "Wh")} of ${num(sortie.budget_wh, 0, "Wh")} budget; max ${num(sortie.max_agl_m, 1, "m")} AGL; ${report.terrain}`) : null,
      v.length ? h("ol", { class: "hint" }, v.slice(0, 50).map((x) => h("li", {}, `sortie ${x.sortie ?? "–"}, item ${x.item ?? "–"}: ${x.message}`))) : null,
      given.drawn ? h("p", { class: "hint", id: "check-drawn" }, `On the map: ${given.drawn} zone(s) and obstacle(s) from ${given.files.filter((f) => f.drawn).map((f) => f.name).join(", ")}.`) : null,
      given.files.some((f) => !f.drawn) ? h("p", { class: "hint", id: "check-listed" }, `Checked but not drawn (only GeoJSON is drawn in the page): ${given.files.filter((f) => !f.drawn).map((f) => f.name).join(", ")}.`) : null);
  }
}

// the job map's colours of these roles (map.js), dashed here: given for the check, not the site's
const ZONE_COLOR = { no_fly: "#6a3d9a", geofence: "#000000", obstacle: "#b3261e" };

/** The zones and obstacles given for a check, read in the page: GeoJSON files parsed (each
 * feature tagged with what it was given as), others only named. */
async function readGiven(airspace, obstacles) {
  const features = [];
  const files = [];
  for (const [list, as] of [[airspace, "no_fly"], [obstacles, "obstacle"]]) {
    for (const f of list) {
      let drawn = 0;
      if (/\.(geo)?json$/i.test(f.name)) {
        try {
          const data = JSON.parse(await f.text());
          const items = data.type === "FeatureCollection" ? data.features || [] : data.type === "Feature" ? [data] : [{ type: "Feature", properties: {}, geometry: data }];
          for (const x of items) {
            if (!x || !x.geometry || !x.geometry.type) continue;
            const role = String((x.properties || {}).role || "").toLowerCase().replace(/[- ]/g, "_");
            const given = as === "no_fly" && /fence|inclusion|keep_in/.test(role) ? "geofence" : as;
            features.push({ type: "Feature", properties: { given, name: String((x.properties || {}).name ?? "") }, geometry: x.geometry });
            drawn += 1;
          }
        } catch {
          drawn = 0;
        }
      }
      files.push({ name: f.name, drawn: drawn > 0 });
    }
  }
  return { fc: { type: "FeatureCollection", features }, files, drawn: features.length };
}

/** Draw the given zones under the finding markers, and say so in the legend. */
function drawGiven(map, given) {
  if (map.getSource("check-given")) map.getSource("check-given").setData(given.fc);
  else {
    map.addSource("check-given", { type: "geojson", data: given.fc });
    const color = ["match", ["get", "given"], "geofence", ZONE_COLOR.geofence, "obstacle", ZONE_COLOR.obstacle, ZONE_COLOR.no_fly];
    const area = ["in", ["geometry-type"], ["literal", ["Polygon", "MultiPolygon"]]];
    map.addLayer({ id: "check-given-fill", type: "fill", source: "check-given", filter: area, paint: { "fill-color": color, "fill-opacity": 0.18 } });
    map.addLayer({ id: "check-given-line", type: "line", source: "check-given", filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": color, "line-width": 2.5, "line-dasharray": [3, 2] } });
    map.addLayer({ id: "check-given-pt", type: "circle", source: "check-given", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 7, "circle-color": color, "circle-opacity": 0.5, "circle-stroke-width": 2, "circle-stroke-color": color } });
  }
  const el = map.getContainer();
  el.dataset.checkGiven = String(given.drawn);
  const legend = el.parentElement && el.parentElement.querySelector(".legend");
  if (!legend) return;
  const old = legend.querySelector("[data-legend=check]");
  if (old) old.remove();
  if (!given.drawn && !given.files.length) return;
  const swatch = (color) => h("span", { class: "swatch", style: { background: `${color}33`, border: `2px dashed ${color}` } });
  legend.append(h("div", { dataset: { legend: "check" } },
    h("div", { class: "row" }, swatch(ZONE_COLOR.no_fly), "zone given for the check"),
    given.fc.features.some((f) => f.properties.given === "obstacle") ? h("div", { class: "row" }, swatch(ZONE_COLOR.obstacle), "obstacle given for the check") : null,
    h("div", { class: "row" }, h("span", { class: "marker-check legend-dot", style: { width: "14px", height: "14px", lineHeight: "10px", fontSize: "9px" } }, "!"), "finding (hover or click: its reason)")));
}
