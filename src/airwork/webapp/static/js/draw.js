// Draw a site on the map: click to add the vertices of fields, obstacles, no-spray and
// no-fly zones, or points for stations, hubs, orders and towers; the result is a GeoJSON
// FeatureCollection with the "role" property the readers expect, uploaded as a site file.
import { api } from "./api.js";
import { h, fill, num } from "./dom.js";
import { createMap } from "./map.js";
import { errorLine, getConfig, statusLine } from "./app.js";

const AREAS = ["field", "obstacle", "no_spray", "no_fly", "right_of_way"];
const POINTS = ["station", "hub", "order", "tower"];

export async function drawView(view) {
  const features = [];
  let vertices = [];
  const role = h("select", { id: "draw-role" }, [...AREAS, ...POINTS].map((r) => h("option", { value: r }, r)));
  const name = h("input", { id: "draw-name", placeholder: "optional" });
  const height = h("input", { id: "draw-height", type: "number", min: 0, step: "any", value: 20 });
  const lat = h("input", { id: "draw-lat", type: "number", step: "any", value: 48.0 });
  const lon = h("input", { id: "draw-lon", type: "number", step: "any", value: 11.0 });
  const list = h("ol", { class: "hint", id: "draw-list", "aria-live": "polite" });
  const out = h("div");
  const wrap = h("div", { class: "mapwrap" });
  const el = h("div", { class: "map", role: "application", "aria-label": "Drawing map: click to add vertices" });
  wrap.append(el);
  const props = () => {
    const p = { role: role.value };
    if (name.value.trim()) p.name = name.value.trim();
    if (role.value === "obstacle" || role.value === "tower") p.height_m = Number(height.value) || 20;
    if (role.value === "order") p.id = p.name || `O${features.length + 1}`;
    if (role.value === "hub") { p.id = p.name || `H${features.length + 1}`; p.drone_count = 2; }
    return p;
  };
  const fc = () => ({ type: "FeatureCollection", features: vertices.length ? [...features, { type: "Feature", properties: { role: "draft" }, geometry: { type: "LineString", coordinates: vertices } }] : features });
  const render = () => {
    map.getSource("drawn").setData(fc());
    fill(list, features.map((f) => h("li", {}, `${f.properties.role}${f.properties.name ? ` "${f.properties.name}"` : ""} (${f.geometry.type}${f.geometry.type === "Polygon" ? `, ${f.geometry.coordinates[0].length - 1} vertices` : ""})`)),
      vertices.length ? h("li", {}, `drawing: ${vertices.length} vertices`) : null);
  };
  const finish = () => {
    if (vertices.length >= 3) features.push({ type: "Feature", properties: props(), geometry: { type: "Polygon", coordinates: [[...vertices, vertices[0]]] } });
    vertices = [];
    render();
  };
  const upload = async () => {
    fill(out);
    if (!features.length) return fill(out, h("p", { class: "error" }, "Draw at least one feature."));
    const data = new FormData();
    data.append("file", new Blob([JSON.stringify({ type: "FeatureCollection", features })], { type: "application/geo+json" }), "drawn.geojson");
    data.append("name", "drawn site");
    try {
      const site = await api("/sites", { method: "POST", form: data });
      fill(out, h("p", {}, `Uploaded site ${site.name} (${Object.entries(site.summary?.features || {}).map(([k, v]) => `${v} ${k}`).join(", ")}${site.summary?.field_area_ha ? `, ${num(site.summary.field_area_ha, 2, "ha")}` : ""}). `, h("a", { href: "#/new" }, "Plan a job on it")));
    } catch (err) { fill(out, errorLine(err)); }
  };
  const side = h("aside", { class: "side", "aria-label": "Drawing tools" },
    h("h2", {}, "Draw a site"),
    h("p", { class: "hint" }, "Pick a role, click the map to add vertices (areas) or a point; finish an area with the button or Enter."),
    h("label", { for: "draw-role" }, "Role"), role, h("label", { for: "draw-name" }, "Name"), name,
    h("label", { for: "draw-height" }, "Height (m, obstacles and towers)"), height,
    h("p", { class: "toolbar" }, h("button", { type: "button", onclick: finish }, "Finish the area"),
      h("button", { type: "button", onclick: () => { vertices = []; features.pop(); render(); } }, "Undo"),
      h("button", { type: "button", class: "primary", onclick: upload }, "Upload as a site")),
    list, out,
    h("h3", {}, "Go to"), h("div", { class: "formgrid" }, h("div", {}, h("label", { for: "draw-lat" }, "Latitude (°)"), lat), h("div", {}, h("label", { for: "draw-lon" }, "Longitude (°)"), lon)),
    h("p", {}, h("button", { type: "button", onclick: () => map.jumpTo({ center: [Number(lon.value), Number(lat.value)], zoom: 16 }) }, "Go")));
  fill(view, h("div", { class: "split", "data-view": "draw" }, wrap, side));
  const map = await createMap(el, await getConfig(), statusLine);
  map.airwork.origin = [Number(lon.value), Number(lat.value)];
  map.jumpTo({ center: map.airwork.origin, zoom: 15 });
  map.doubleClickZoom.disable();
  map.addSource("drawn", { type: "geojson", data: fc() });
  map.addLayer({ id: "drawn-fill", type: "fill", source: "drawn", filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#2a788e", "fill-opacity": 0.25 } });
  map.addLayer({ id: "drawn-line", type: "line", source: "drawn", paint: { "line-color": "#16202c", "line-width": 2 } });
  map.addLayer({ id: "drawn-pt", type: "circle", source: "drawn", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 6, "circle-color": "#fff", "circle-stroke-width": 3, "circle-stroke-color": "#000" } });
  map.on("click", (e) => {
    const c = [e.lngLat.lng, e.lngLat.lat];
    if (POINTS.includes(role.value)) features.push({ type: "Feature", properties: props(), geometry: { type: "Point", coordinates: c } });
    else vertices.push(c);
    render();
  });
  map.on("dblclick", finish);
  view.addEventListener("keydown", (e) => { if (e.key === "Enter" && e.target === el.querySelector("canvas")) finish(); });
}
