// The map: MapLibre GL JS (vendored), an optional raster basemap, a scale bar, a graticule
// with labels, the cursor's lat/lon and local metres, and a job's layers.
import { h, fill, num } from "./dom.js";
import { classColor, rampCss, sortieColorExpression } from "./colors.js";

let maplibre;
/** MapLibre's module (loaded once). */
export async function maplibreModule() {
  if (!maplibre) {
    maplibre = await import("../vendor/maplibre-gl/maplibre-gl.mjs");
    performance.mark("aw:maplibre");
  }
  return maplibre;
}

export const BACKGROUND = "#eef1ec";
const maps = (window.airworkMaps = window.airworkMaps || []);

/** A map in `container`: basemap tiles when configured, else a plain background. */
export async function createMap(container, config, statusEl) {
  const ml = await maplibreModule();
  const sources = {};
  const layers = [{ id: "background", type: "background", paint: { "background-color": BACKGROUND } }];
  const basemap = Boolean(config && config.basemap_url);
  if (basemap) {
    // MapLibre writes a source's attribution as HTML: the operator's text is escaped
    const credit = escapeHtml(config.basemap_attribution || "basemap");
    sources.basemap = { type: "raster", tiles: [config.basemap_url], tileSize: 256, attribution: credit };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  const map = new ml.Map({
    container,
    style: { version: 8, sources, layers },
    center: [0, 0],
    zoom: 1,
    attributionControl: false,
    fadeDuration: 0,
    maxPitch: 0,
  });
  map.addControl(new ml.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new ml.ScaleControl({ unit: "metric", maxWidth: 140 }), "bottom-right");
  if (basemap) map.addControl(new ml.AttributionControl({ compact: false }), "bottom-left");
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once("load", resolve)));
  performance.mark("aw:map-load");
  addGraticule(map, container);
  if (statusEl) trackCursor(map, statusEl);
  map.airwork = { origin: null };
  maps.push(map);
  return map;
}

// ------------------------------------------------------------------ graticule
const STEPS = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001];

function graticule(bounds) {
  const span = Math.max(bounds.getEast() - bounds.getWest(), bounds.getNorth() - bounds.getSouth());
  const step = STEPS.find((s) => span / s >= 3) || STEPS[STEPS.length - 1];
  const digits = Math.max(0, Math.ceil(-Math.log10(step)));
  const lines = [];
  const lons = [];
  const lats = [];
  const s = Math.max(-85, bounds.getSouth());
  const n = Math.min(85, bounds.getNorth());
  for (let x = Math.ceil(bounds.getWest() / step) * step; x <= bounds.getEast(); x += step) {
    lines.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[x, s], [x, n]] } });
    lons.push(x);
  }
  for (let y = Math.ceil(s / step) * step; y <= n; y += step) {
    lines.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[bounds.getWest(), y], [bounds.getEast(), y]] } });
    lats.push(y);
  }
  return { fc: { type: "FeatureCollection", features: lines }, lons, lats, digits };
}

function addGraticule(map, container) {
  map.addSource("graticule", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addLayer({ id: "graticule", type: "line", source: "graticule", paint: { "line-color": "#9aa5b1", "line-width": 0.6, "line-dasharray": [4, 3] } });
  const labels = h("div", { class: "gridlabels", "aria-hidden": "true" });
  container.append(labels);
  let pending = false;
  const update = () => {
    pending = false;
    const g = graticule(map.getBounds());
    map.getSource("graticule").setData(g.fc);
    const spans = [];
    const south = map.getBounds().getSouth();
    const west = map.getBounds().getWest();
    for (const x of g.lons) {
      const p = map.project([x, south]);
      spans.push(h("span", { style: { left: `${p.x + 2}px`, bottom: "2px" } }, `${Math.abs(x).toFixed(g.digits)}°${x < 0 ? "W" : "E"}`));
    }
    for (const y of g.lats) {
      const p = map.project([west, y]);
      spans.push(h("span", { style: { left: "2px", top: `${p.y - 14}px` } }, `${Math.abs(y).toFixed(g.digits)}°${y < 0 ? "S" : "N"}`));
    }
    fill(labels, spans);
  };
  const schedule = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(update);
    }
  };
  map.on("move", schedule);
  map.on("resize", schedule);
  update();
}

// ------------------------------------------------------------------ cursor
/** Metres east/north of `origin` ([lon, lat]), locally flat. */
export function localMetres(origin, lngLat) {
  const k = Math.cos((origin[1] * Math.PI) / 180);
  return [(lngLat.lng - origin[0]) * 111320 * k, (lngLat.lat - origin[1]) * 110540];
}

function trackCursor(map, statusEl) {
  map.on("mousemove", (e) => {
    const { lng, lat } = e.lngLat;
    let text = `lat ${lat.toFixed(6)}°, lon ${lng.toFixed(6)}°`;
    if (map.airwork.origin) {
      const [x, y] = localMetres(map.airwork.origin, e.lngLat);
      text += ` · x ${num(x, 1, "m")}, y ${num(y, 1, "m")} from the site centre`;
    }
    statusEl.textContent = text;
  });
}

// ------------------------------------------------------------------ job layers
const AREA_STYLE = {
  field: ["#2e7d32", 0.12, "#2e7d32"],
  right_of_way: ["#1f78b4", 0.1, "#1f78b4"],
  no_spray: ["#e8a317", 0.3, "#8a5a00"],
  obstacle: ["#b3261e", 0.35, "#7a1a14"],
  no_fly: ["#6a3d9a", 0.25, "#6a3d9a"],
  geofence: ["#000000", 0.0, "#000000"],
  feature: ["#5f6b76", 0.08, "#5f6b76"], // a site stored before roles were kept
};

/** The bounding box [w, s, e, n] of a FeatureCollection's coordinates. */
export function bbox(fc) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      if (c[0] < b[0]) b[0] = c[0];
      if (c[1] < b[1]) b[1] = c[1];
      if (c[0] > b[2]) b[2] = c[0];
      if (c[1] > b[3]) b[3] = c[1];
    } else for (const x of c) walk(x);
  };
  for (const f of fc.features) if (f.geometry) walk(f.geometry.coordinates);
  return b;
}

/** The plan's single-photo points (tower vantage points; mission.geojson's "photo"
 * features). Distance-triggered imagery is the solid camera legs themselves. */
function photoPoints(fc) {
  const pts = fc.features.filter((f) => (f.properties || {}).role === "photo" && f.geometry && f.geometry.type === "Point");
  return { type: "FeatureCollection", features: pts.slice(0, 20000) };
}

/** The power lines: the "line" features, else each line's towers joined in seq order (as
 * mission.png draws them, airwork.plotting.map.conductor_paths). */
export function powerLines(fc) {
  const lines = fc.features.filter((f) => (f.properties || {}).role === "line" && f.geometry && /LineString$/.test(f.geometry.type));
  if (lines.length) return { type: "FeatureCollection", features: lines.map((f) => ({ type: "Feature", properties: {}, geometry: f.geometry })) };
  const byLine = new Map();
  for (const f of fc.features) {
    const p = f.properties || {};
    if (p.role !== "tower" || !f.geometry || f.geometry.type !== "Point" || p.seq === undefined || p.seq === null) continue;
    const key = String(p.line_id ?? "");
    if (!byLine.has(key)) byLine.set(key, []);
    byLine.get(key).push([Number(p.seq), f.geometry.coordinates]);
  }
  const features = [...byLine.values()].filter((t) => t.length >= 2).map((t) => ({
    type: "Feature", properties: {},
    geometry: { type: "LineString", coordinates: t.sort((a, b) => a[0] - b[0]).map(([, c]) => c) },
  }));
  return { type: "FeatureCollection", features };
}

function addAreas(map) {
  for (const [role, [color, opacity, outline]] of Object.entries(AREA_STYLE)) {
    const filter = ["all", ["==", ["get", "role"], role], ["==", ["geometry-type"], "Polygon"]];
    if (opacity > 0) map.addLayer({ id: `area-${role}`, type: "fill", source: "mission", filter, paint: { "fill-color": color, "fill-opacity": opacity } });
    const dash = role === "no_spray" || role === "geofence" ? { "line-dasharray": [3, 2] } : {};
    map.addLayer({ id: `edge-${role}`, type: "line", source: "mission", filter, paint: { "line-color": outline, "line-width": 1.5, ...dash } });
  }
}

function addLegs(map, key, kind) {
  const isLeg = ["==", ["get", "role"], "leg"];
  // the legs come merged (mapData): one feature per sortie and work/transit, "work" set
  const working = ["==", ["get", "work"], true];
  const color = sortieColorExpression(key);
  const wide = kind === "delivery" ? 2.2 : 1.2;
  map.addLayer({ id: "legs-transit", type: "line", source: "mission", filter: ["all", isLeg, ["!", working]], paint: { "line-color": color, "line-width": wide, "line-dasharray": [2, 1.5], "line-opacity": 0.85 } });
  map.addLayer({ id: "legs-work", type: "line", source: "mission", filter: ["all", isLeg, working], layout: { "line-cap": "round" }, paint: { "line-color": color, "line-width": 2.6 } });
  const none = ["==", ["get", "sortie"], -1];
  map.addLayer({ id: "legs-hover", type: "line", source: "mission", filter: none, paint: { "line-color": "#000", "line-width": 4, "line-opacity": 0.55 } });
  map.addLayer({ id: "legs-sel-casing", type: "line", source: "mission", filter: none, paint: { "line-color": "#000", "line-width": 6 } });
  map.addLayer({ id: "legs-sel", type: "line", source: "mission", filter: none, paint: { "line-color": "#fff", "line-width": 2.5 } });
}

function addPoints(map) {
  const pt = (role) => ["all", ["==", ["get", "role"], role], ["==", ["geometry-type"], "Point"]];
  map.addLayer({ id: "powerlines", type: "line", source: "powerlines", paint: { "line-color": "#555", "line-width": 1.5 } }, map.getLayer("legs-transit") ? "legs-transit" : undefined);
  map.addLayer({ id: "photos", type: "circle", source: "photos", minzoom: 13, paint: { "circle-radius": 2.2, "circle-color": "#fff", "circle-stroke-color": "#222", "circle-stroke-width": 0.8 } });
  map.addLayer({ id: "orders", type: "circle", source: "mission", filter: pt("order"), paint: { "circle-radius": 5, "circle-color": ["case", ["==", ["get", "served"], false], "#b3261e", "#ffffff"], "circle-stroke-color": "#000", "circle-stroke-width": 1.5 } });
  map.addLayer({ id: "towers", type: "circle", source: "mission", filter: pt("tower"), paint: { "circle-radius": 5, "circle-color": "#333", "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 } });
  map.addLayer({ id: "stations", type: "circle", source: "mission", filter: ["any", pt("station"), pt("hub")], paint: { "circle-radius": 7, "circle-color": "#ffffff", "circle-stroke-color": "#000", "circle-stroke-width": 3 } });
}

function nameMarkers(ml, map, fc) {
  const points = fc.features.filter((f) => f.geometry && f.geometry.type === "Point" && ["station", "hub", "tower"].includes((f.properties || {}).role));
  // the plan's own station points (with a `station` index) carry the site's name for each
  // station or hub, or "station N": label those, not the site's features at the same spot
  const planned = points.some((f) => Number.isInteger(f.properties.station));
  const named = planned ? points.filter((f) => f.properties.role === "tower" || Number.isInteger(f.properties.station)) : points;
  const anyNamed = named.some((f) => f.properties.role !== "tower" && (f.properties.name ?? f.properties.id) != null);
  let stationIndex = 0;
  for (const f of named.slice(0, 300)) {
    const p = f.properties;
    let name = p.name ?? p.id;
    if (name === undefined || name === null) {
      if (anyNamed && !planned) continue;
      name = p.role === "station" ? `station ${(p.station ?? stationIndex) + 1}` : p.role;
    }
    if (p.role === "station") stationIndex += 1;
    const el = h("div", { class: "marker-label", title: `${p.role}: ${name}` }, String(name));
    new ml.Marker({ element: el, anchor: "bottom" }).setLngLat(f.geometry.coordinates).addTo(map);
  }
}

const KEEP = ["role", "sortie", "spraying", "camera", "kind", "name", "id", "served", "station"];

/** Legend labels of (work legs, transit legs) for a kind of job (mission.png's words). */
function legLabels(kind) {
  if (kind === "delivery") return ["carrying parcels (solid)", "empty, take-off, return (dashed)"];
  if (kind === "spread") return ["spreading (solid)", "transit, spreader off (dashed)"];
  if (kind === "powerline" || kind === "survey") return ["camera on (solid)", "transit, camera off (dashed)"];
  return ["spraying (solid)", "transit, spray off (dashed)"];
}

/** Whether a leg is work (solid): spray or camera on; for a delivery, carrying parcels (as
 * mission.png draws them). */
function isWork(p, kind) {
  if (kind === "delivery") return Number(p.payload_kg) > 1e-9;
  return Boolean(p.spraying) || Boolean(p.camera);
}

/** What the map draws: the legs merged, one MultiLineString per sortie and work/transit
 * (legs that continue one another joined into one line), with only `role`, `sortie` and
 * `work`; the other features with only the properties the styles and labels read.  A plan's
 * tens of thousands of legs become twice its sorties in features (less for MapLibre's worker
 * to copy, tile and index, fewer line ends and dash restarts to draw). */
export function mapData(fc, kind) {
  const groups = new Map();
  const features = [];
  for (const f of fc.features) {
    const p = f.properties || {};
    const g = f.geometry;
    if (p.role === "leg" && g && (g.type === "LineString" || g.type === "MultiLineString")) {
      const work = isWork(p, kind);
      const key = `${p.sortie}|${work}`;
      let lines = groups.get(key);
      if (!lines) {
        lines = [];
        groups.set(key, lines);
        features.push({ type: "Feature", properties: { role: "leg", sortie: p.sortie, work }, geometry: { type: "MultiLineString", coordinates: lines } });
      }
      for (const c of g.type === "LineString" ? [g.coordinates] : g.coordinates) {
        if (!c.length) continue;
        const last = lines[lines.length - 1];
        const end = last && last[last.length - 1];
        if (end && end[0] === c[0][0] && end[1] === c[0][1]) for (let i = 1; i < c.length; i++) last.push(c[i]);
        else lines.push(c.slice());
      }
      continue;
    }
    if (p.role === "photo") continue; // drawn from their own source (photoPoints)
    const q = {};
    for (const k of KEEP) if (p[k] !== undefined) q[k] = p[k];
    features.push({ type: "Feature", properties: q, geometry: g });
  }
  return { type: "FeatureCollection", features };
}

/** Draw a job's mission.geojson; returns a controller to highlight and select sorties. */
export async function showMission(map, fc, { kind, key, onPick } = {}) {
  const ml = await maplibreModule();
  const [w, s, e, n] = bbox(fc);
  map.airwork.origin = [(w + e) / 2, (s + n) / 2];
  performance.mark("aw:source");
  map.addSource("mission", { type: "geojson", data: mapData(fc, kind), buffer: 16, tolerance: 1 });
  map.addSource("photos", { type: "geojson", data: photoPoints(fc) });
  map.addSource("powerlines", { type: "geojson", data: powerLines(fc) });
  addAreas(map);
  addLegs(map, key, kind);
  addPoints(map);
  nameMarkers(ml, map, fc);
  if (Number.isFinite(w)) map.fitBounds([[w, s], [e, n]], { padding: 30, duration: 0 });
  const filterFor = (n) => ["all", ["==", ["get", "role"], "leg"], ["==", ["get", "sortie"], n ?? -1]];
  const ctl = {
    hover(n) { map.setFilter("legs-hover", filterFor(n)); },
    select(n) {
      map.setFilter("legs-sel-casing", filterFor(n));
      map.setFilter("legs-sel", filterFor(n));
    },
    /** Highlight several sorties at once (a drone's trips). */
    selectMany(list) {
      const f = ["all", ["==", ["get", "role"], "leg"], ["in", ["get", "sortie"], ["literal", list]]];
      map.setFilter("legs-sel-casing", f);
      map.setFilter("legs-sel", f);
    },
  };
  for (const layer of ["legs-work", "legs-transit"]) {
    map.on("mousemove", layer, (ev) => {
      map.getCanvas().style.cursor = "pointer";
      ctl.hover(ev.features[0].properties.sortie);
    });
    map.on("mouseleave", layer, () => {
      map.getCanvas().style.cursor = "";
      ctl.hover(null);
    });
    map.on("click", layer, (ev) => onPick && onPick(ev.features[0].properties.sortie));
  }
  map.once("idle", () => {
    performance.mark("aw:idle");
    map.getContainer().dataset.renderedMs = String(Math.round(performance.now()));
    map.getContainer().dataset.rendered = "mission";
    map.getContainer().dataset.sorties = String(key.classOf.size);
  });
  return ctl;
}

/** Draw (or redraw) a site's features (GET /sites/{id} `features`, with their roles) on
 * `map`: its areas, stations, hubs, towers, orders and power lines, fitted to the view. */
export function showSite(map, fc) {
  const el = map.getContainer();
  const given = fc || { type: "FeatureCollection", features: [] };
  const data = { ...given, features: given.features.map((f) => (f.properties?.role ? f : { ...f, properties: { ...f.properties, role: "feature" } })) };
  if (map.getSource("mission")) {
    map.getSource("mission").setData(mapData(data));
    map.getSource("powerlines").setData(powerLines(data));
  } else {
    map.addSource("mission", { type: "geojson", data: mapData(data) });
    map.addSource("photos", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addSource("powerlines", { type: "geojson", data: powerLines(data) });
    addAreas(map);
    addPoints(map);
  }
  const [w, s, e, n] = bbox(data);
  map.resize(); // the page's layout may have changed the map's size since it was made
  const padding = { top: 24, bottom: 24, left: 24, right: 60 }; // clear of the zoom buttons
  if (Number.isFinite(w)) map.fitBounds([[w, s], [e, n]], { padding, duration: 0, maxZoom: 17 });
  el.dataset.rendered = "";
  map.once("idle", () => {
    el.dataset.features = String(data.features.length);
    el.dataset.rendered = "site";
  });
}

/** The legend: the sortie (or drone) colours, one entry each up to 12, else a colour bar;
 * work vs transit; areas and points. `key` is colors.js's colourKey of the sortie rows. */
export function legend(key, kind, open = true) {
  const line = (cls, label) => h("div", { class: "row" }, h("span", { class: cls }), label);
  const box = (color, label) => h("div", { class: "row" }, h("span", { class: "swatch", style: { background: color } }), label);
  const what = key.noun === "drone" ? `drones 1–${key.count} (by first trip)` : `sorties 1–${key.count} (by order)`;
  return h("details", { class: "legend", open, "aria-label": "Map legend" },
    h("summary", {}, h("strong", {}, `Legend: ${what}`)),
    ...(key.bar
      ? [h("div", { class: "ramp", style: { background: rampCss() } }),
        h("div", { class: "row", style: { justifyContent: "space-between" } }, h("span", {}, `first ${key.noun}`), h("span", {}, `last ${key.noun}`))]
      : key.names.map((n, i) => box(classColor(key, i), `${key.noun} ${n}`))),
    line("line", legLabels(kind)[0]),
    line("line dash", legLabels(kind)[1]),
    box(AREA_STYLE.field[0], "field"),
    kind === "powerline" ? box(AREA_STYLE.right_of_way[0], "right of way") : null,
    box(AREA_STYLE.no_spray[0], "no-spray zone"),
    box(AREA_STYLE.obstacle[0], "obstacle"),
    box(AREA_STYLE.no_fly[0], "no-fly zone"),
    h("div", { class: "row" }, h("span", { class: "swatch", style: { background: "transparent", border: "1.5px dashed #000" } }), "geofence"),
    h("div", { class: "row" }, h("span", { class: "swatch", style: { background: "#fff", border: "3px solid #000", borderRadius: "50%" } }), "station / hub (named)"),
    kind === "powerline" ? line("line power", "power line") : null,
    kind === "powerline" ? box("#333", "tower; small rings: vantage photo points") : null,
    kind === "delivery" ? box("#b3261e", "unserved order (white: served)") : null);
}

/** Text as HTML that shows it literally. */
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
