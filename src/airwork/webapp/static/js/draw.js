// Draw a site on the map and edit it: click to add the vertices of fields, obstacles,
// no-spray and no-fly zones and power lines, or points for stations, hubs, orders and
// towers; select a shape (on the map or in the list) to drag its vertices, insert one (click
// a midpoint), delete one (double-click it, or the button), rename it, change its role or
// delete it. The result is a GeoJSON FeatureCollection with the "role" property the readers
// expect, uploaded as a site file. Areas take the job map's colours (map.js).
import { api } from "./api.js";
import { h, fill, num } from "./dom.js";
import { bbox, createMap, maplibreModule } from "./map.js";
import { errorLine, getConfig, statusLine } from "./app.js";

const AREAS = ["field", "obstacle", "no_spray", "no_fly", "geofence", "right_of_way"];
const LINES = ["line"];
const POINTS = ["station", "hub", "order", "tower"];
const TALL = ["obstacle", "tower", "line"];
const GEOMETRY = (role) => (AREAS.includes(role) ? "Polygon" : LINES.includes(role) ? "LineString" : "Point");
const ROLES_OF = { Polygon: AREAS, LineString: LINES, Point: POINTS };
const MIN_VERTICES = { Polygon: 3, LineString: 2, Point: 1 };
const LABEL = { line: "power line", no_spray: "no-spray zone", no_fly: "no-fly zone", right_of_way: "right of way" };
const HANDLE_PX = 7;
const HISTORY = 200; // changes kept for undo

/** The properties the readers expect of a role (src/airwork/site/roles.py). */
function propsFor(role, name, height, serial) {
  const p = { role };
  if (name) p.name = name;
  if (TALL.includes(role)) p.height_m = Number(height) > 0 ? Number(height) : 20;
  if (role === "order") p.id = name || `O${serial}`;
  if (role === "hub") { p.id = name || `H${serial}`; p.drone_count = 2; }
  if (role === "line") p.line_id = name || `L${serial}`;
  return p;
}

/** A drawn shape as GeoJSON (polygons are kept as open rings while editing). */
function geojson(f, extra = {}) {
  // a stored site's holes are kept as they came (the tool edits outer rings only)
  const coordinates = f.type === "Polygon" ? [[...f.coords, f.coords[0]], ...(f.holes || [])] : f.type === "LineString" ? f.coords : f.coords[0];
  return { type: "Feature", properties: { ...f.properties, ...extra }, geometry: { type: f.type, coordinates } };
}

/** One line describing a shape (text only). */
function describe(f) {
  const p = f.properties;
  const what = LABEL[p.role] || p.role;
  const name = p.name ? ` "${p.name}"` : "";
  return f.type === "Point" ? `${what}${name}` : `${what}${name} (${f.coords.length} vertices)`;
}

/** Drop a vertex equal to the one before it (the clicks of a double-click). */
function dedupe(coords) {
  return coords.filter((c, i) => i === 0 || c[0] !== coords[i - 1][0] || c[1] !== coords[i - 1][1]);
}

/** A stored site's features (GET /sites/{id} `features`) as drawable shapes: polygons by
 * their outer ring, their holes kept as they are (not editable here), lines, points; and
 * how many holes were kept and features left out. */
export function shapesOf(fc) {
  const shapes = [];
  let holes = 0;
  let skipped = 0;
  for (const f of fc?.features || []) {
    const g = f.geometry;
    const props = { ...(f.properties || {}) };
    if (!props.role || !g) { skipped += 1; continue; }
    if (g.type === "Polygon") {
      holes += g.coordinates.length - 1;
      shapes.push({ type: "Polygon", coords: dedupe(g.coordinates[0].slice(0, -1)), holes: g.coordinates.slice(1), properties: props });
    } else if (g.type === "LineString") shapes.push({ type: "LineString", coords: g.coordinates, properties: props });
    else if (g.type === "Point") shapes.push({ type: "Point", coords: [g.coordinates], properties: props });
    else skipped += 1;
  }
  return { shapes, holes, skipped };
}

export async function drawView(view, siteId = null) {
  const features = []; // {type, coords, properties}
  let draft = []; // the vertices of the shape being drawn
  let selected = -1; // index into features
  let vertex = -1; // selected vertex of the selected shape
  let mode = "add";
  let serial = 0;
  let drag = null;
  let swallowClick = false;
  const labels = [];
  const past = []; // snapshots before each change: {features, serial}
  const future = []; // snapshots undone, for redo
  let lastChange = null; // a change that merges into the one before (typing a name)
  let map = null;
  let ml = null;
  let baseName = null; // the stored site being edited, if any

  const role = h("select", { id: "draw-role" }, [...AREAS, ...LINES, ...POINTS].map((r) => h("option", { value: r }, LABEL[r] || r)));
  const name = h("input", { id: "draw-name", placeholder: "optional" });
  const height = h("input", { id: "draw-height", type: "number", min: 0, step: "any", value: 20 });
  const lat = h("input", { id: "draw-lat", type: "number", step: "any", value: 48.0 });
  const lon = h("input", { id: "draw-lon", type: "number", step: "any", value: 11.0 });
  const list = h("ul", { class: "drawlist", id: "draw-list", "aria-label": "Drawn shapes (Enter selects, Delete deletes)" });
  const message = h("p", { class: "hint", id: "draw-message", "aria-live": "polite" });
  const out = h("div", { id: "draw-out" });
  const editor = h("div", { id: "draw-editor" });
  const wrap = h("div", { class: "mapwrap" });
  const el = h("div", { class: "map", role: "application", "aria-label": "Drawing map: click to add vertices, or select a shape to edit it" });
  wrap.append(el);
  const addBtn = h("button", { type: "button", id: "draw-mode-add", "aria-pressed": "true", onclick: () => setMode("add") }, "Add shapes");
  const selBtn = h("button", { type: "button", id: "draw-mode-select", "aria-pressed": "false", onclick: () => setMode("select") }, "Select and edit");
  const say = (text, bad = false) => { message.className = bad ? "error" : "hint"; message.textContent = text; };

  // ---------------------------------------------------------------- undo and redo
  function remember(merge = null) {
    if (merge !== null && merge === lastChange) return;
    lastChange = merge;
    past.push({ features: structuredClone(features), serial });
    if (past.length > HISTORY) past.shift();
    future.length = 0;
  }

  function travel(from, to, done) {
    if (!from.length) return say(`Nothing to ${done === "Undid" ? "undo" : "redo"}.`);
    to.push({ features: structuredClone(features), serial });
    const state = from.pop();
    features.splice(0, features.length, ...state.features);
    serial = state.serial;
    lastChange = null;
    say(`${done} the last change (${features.length} shape${features.length === 1 ? "" : "s"}).`);
    select(selected < features.length ? selected : -1);
  }

  function undo() {
    if (draft.length) { draft.pop(); say("Removed the last vertex of the shape being drawn."); return render(); }
    travel(past, future, "Undid");
  }

  const redo = () => travel(future, past, "Redid");

  function setMode(m) {
    mode = m;
    addBtn.setAttribute("aria-pressed", String(m === "add"));
    selBtn.setAttribute("aria-pressed", String(m === "select"));
    if (m === "select" && draft.length) cancelDraft();
    el.dataset.mode = m;
  }

  function select(i, v = -1) {
    selected = i;
    vertex = i >= 0 ? v : -1;
    render();
  }

  function cancelDraft() {
    draft = [];
    say("Drawing cancelled.");
    render();
  }

  function finish() {
    const type = GEOMETRY(role.value);
    if (type === "Point") return;
    const coords = dedupe(draft);
    if (coords.length < MIN_VERTICES[type]) {
      if (draft.length) say(`A ${type === "Polygon" ? "polygon needs at least 3" : "line needs at least 2"} vertices.`, true);
      return;
    }
    remember();
    serial += 1;
    features.push({ type, coords, properties: propsFor(role.value, name.value.trim(), height.value, serial) });
    draft = [];
    say("");
    select(features.length - 1);
  }

  function addAt(c) {
    const type = GEOMETRY(role.value);
    if (type === "Point") {
      remember();
      serial += 1;
      features.push({ type, coords: [c], properties: propsFor(role.value, name.value.trim(), height.value, serial) });
      select(features.length - 1);
    } else {
      if (!draft.length) selected = -1;
      draft.push(c);
      render();
    }
  }

  function removeShape(i) {
    if (i < 0 || i >= features.length) return;
    const gone = describe(features[i]);
    remember();
    features.splice(i, 1);
    say(`Deleted ${gone}.`);
    select(-1);
  }

  function removeVertex(i, v) {
    const f = features[i];
    if (!f || v < 0 || v >= f.coords.length) return;
    if (f.coords.length <= MIN_VERTICES[f.type]) {
      say(f.type === "Point" ? "A point has one vertex: delete the shape instead." : `A ${f.type === "Polygon" ? "polygon keeps at least 3" : "line keeps at least 2"} vertices: delete the shape instead.`, true);
      return;
    }
    remember();
    f.coords.splice(v, 1);
    say(`Deleted vertex ${v + 1} of ${describe(f)}.`);
    select(i, -1);
  }

  function setRole(i, r) {
    const f = features[i];
    const old = f.properties;
    remember();
    f.properties = propsFor(r, old.name || "", old.height_m ?? height.value, serial);
    if (old.id && !old.name && (r === "order" || r === "hub")) f.properties.id = old.id;
    render();
  }

  function rename(i, text) {
    const f = features[i];
    const keepId = f.properties.id && f.properties.id !== f.properties.name ? f.properties.id : null;
    remember(`name ${i}`);
    f.properties = propsFor(f.properties.role, text.trim(), f.properties.height_m ?? height.value, serial);
    if (keepId && !text.trim()) f.properties.id = keepId;
    renderMap();
    renderList();
    const title = editor.querySelector("#t-sel");
    if (title) title.textContent = `Selected: ${describe(f)}`;
  }

  // ---------------------------------------------------------------- rendering
  function renderList() {
    const items = features.map((f, i) => h("li", {
      tabindex: 0,
      "aria-selected": String(i === selected),
      dataset: { index: String(i), role: f.properties.role },
      onclick: () => { setMode("select"); select(i); },
      onkeydown: (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); setMode("select"); select(i); focusItem(i); }
        else if (e.key === "Delete" || e.key === "Backspace") { e.preventDefault(); removeShape(i); focusItem(Math.min(i, features.length - 1)); }
        else if (e.key === "ArrowDown") { e.preventDefault(); focusItem(i + 1); }
        else if (e.key === "ArrowUp") { e.preventDefault(); focusItem(i - 1); }
      },
    }, describe(f)));
    fill(list, items, draft.length ? h("li", { class: "draft", dataset: { draft: String(draft.length) } }, `drawing: ${draft.length} vertices (Enter or double-click finishes, Escape cancels)`) : null);
  }

  function focusItem(i) {
    const li = list.querySelector(`li[data-index="${Math.max(0, i)}"]`);
    if (li) li.focus();
  }

  function renderEditor() {
    const f = features[selected];
    if (!f) return fill(editor);
    const i = selected;
    const p = f.properties;
    const roleSel = h("select", { id: "draw-sel-role", onchange: (e) => setRole(i, e.target.value) },
      ROLES_OF[f.type].map((r) => h("option", { value: r, selected: r === p.role }, LABEL[r] || r)));
    const nameIn = h("input", { id: "draw-sel-name", value: p.name || "", oninput: (e) => rename(i, e.target.value) });
    const tall = TALL.includes(p.role);
    const heightIn = tall ? h("input", { id: "draw-sel-height", type: "number", min: 0, step: "any", value: p.height_m,
      onchange: (e) => { if (Number(e.target.value) > 0) { remember(); p.height_m = Number(e.target.value); renderList(); } } }) : null;
    fill(editor, h("section", { class: "card editor", "aria-labelledby": "t-sel" },
      h("h3", { id: "t-sel" }, `Selected: ${describe(f)}`),
      f.type === "Point" ? h("p", { class: "hint" }, "Drag the point to move it.")
        : h("p", { class: "hint" }, "Drag a vertex to move it; click a small midpoint to insert one; double-click a vertex to delete it."),
      h("div", { class: "formgrid" },
        h("div", {}, h("label", { for: "draw-sel-role" }, "Role"), roleSel),
        h("div", {}, h("label", { for: "draw-sel-name" }, "Name"), nameIn),
        tall ? h("div", {}, h("label", { for: "draw-sel-height" }, "Height (m)"), heightIn) : null),
      h("p", { class: "toolbar" },
        f.type !== "Point" ? h("button", { type: "button", id: "draw-del-vertex", disabled: vertex < 0, onclick: () => removeVertex(i, vertex) },
          vertex >= 0 ? `Delete vertex ${vertex + 1}` : "Delete vertex (select one)") : null,
        h("button", { type: "button", id: "draw-del-shape", onclick: () => removeShape(i) }, "Delete the shape"),
        h("button", { type: "button", onclick: () => select(-1) }, "Done"))));
  }

  function handles() {
    const f = features[selected];
    const out = [];
    if (!f) return { type: "FeatureCollection", features: out };
    f.coords.forEach((c, v) => out.push({ type: "Feature", properties: { h: "vertex", v, sel: v === vertex }, geometry: { type: "Point", coordinates: c } }));
    if (f.type !== "Point") {
      const n = f.coords.length;
      const pairs = f.type === "Polygon" ? n : n - 1;
      for (let v = 0; v < pairs; v++) {
        const a = f.coords[v];
        const b = f.coords[(v + 1) % n];
        out.push({ type: "Feature", properties: { h: "mid", v }, geometry: { type: "Point", coordinates: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] } });
      }
    }
    return { type: "FeatureCollection", features: out };
  }

  function renderMap() {
    if (!map) return;
    const shown = features.map((f, i) => geojson(f, { _i: i, _sel: i === selected }));
    if (draft.length) shown.push({ type: "Feature", properties: { role: "draft" }, geometry: draft.length > 1 ? { type: "LineString", coordinates: draft } : { type: "Point", coordinates: draft[0] } });
    map.getSource("drawn").setData({ type: "FeatureCollection", features: shown });
    map.getSource("handles").setData(handles());
    for (const m of labels.splice(0)) m.remove();
    features.forEach((f) => {
      const p = f.properties;
      if (!p.name || f.type === "Polygon") return;
      const label = h("div", { class: "marker-label", title: `${LABEL[p.role] || p.role}: ${p.name}` }, p.name);
      labels.push(new ml.Marker({ element: label, anchor: "bottom" }).setLngLat(f.coords[0]).addTo(map));
    });
    el.dataset.shapes = String(features.length);
    el.dataset.selected = String(selected);
  }

  function render() {
    renderMap();
    renderList();
    renderEditor();
  }

  // ---------------------------------------------------------------- upload
  function problem() {
    if (draft.length) return "Finish the shape being drawn (Enter) or cancel it (Escape) first.";
    if (!features.length) return "Draw at least one feature.";
    for (const f of features) {
      if (f.coords.length < MIN_VERTICES[f.type]) return `${describe(f)}: a ${f.type === "Polygon" ? "polygon needs at least 3" : "line needs at least 2"} vertices.`;
    }
    const ids = features.filter((f) => f.properties.id).map((f) => `${f.properties.role}:${f.properties.id}`);
    const twice = ids.find((x, k) => ids.indexOf(x) !== k);
    if (twice) return `Two ${twice.split(":")[0]}s are named "${twice.split(":").slice(1).join(":")}": give each its own name.`;
    return null;
  }

  const upload = async () => {
    fill(out);
    const bad = problem();
    if (bad) return fill(out, h("p", { class: "error", role: "alert" }, bad));
    const data = new FormData();
    const fc = { type: "FeatureCollection", features: features.map((f) => geojson(f)) };
    data.append("file", new Blob([JSON.stringify(fc)], { type: "application/geo+json" }), "drawn.geojson");
    data.append("name", baseName ? `${baseName} (edited)` : "drawn site");
    try {
      const site = await api("/sites", { method: "POST", form: data });
      fill(out, h("p", { dataset: { site: site.id } }, `Uploaded site ${site.name} (${Object.entries(site.summary?.features || {}).map(([k, v]) => `${v} ${k}`).join(", ")}${site.summary?.field_area_ha ? `, ${num(site.summary.field_area_ha, 2, "ha")}` : ""}). `, h("a", { href: "#/new" }, "Plan a job on it")));
    } catch (err) { fill(out, errorLine(err)); }
  };

  const side = h("aside", { class: "side", "aria-label": "Drawing tools" },
    h("h2", {}, "Draw a site"),
    h("p", { class: "toolbar", role: "group", "aria-label": "Clicking the map" }, addBtn, selBtn),
    h("p", { class: "hint" }, "Add: pick a role, click the map to add vertices (areas, power lines) or a point; finish with the button, Enter or a double-click; Escape cancels. Select: click a shape (or pick it in the list) to edit it."),
    h("div", { class: "formgrid" },
      h("div", {}, h("label", { for: "draw-role" }, "Role"), role),
      h("div", {}, h("label", { for: "draw-name" }, "Name"), name),
      h("div", {}, h("label", { for: "draw-height" }, "Height (m, obstacles, towers, lines)"), height)),
    h("p", { class: "toolbar" }, h("button", { type: "button", onclick: finish }, "Finish the shape"),
      h("button", { type: "button", id: "draw-undo", title: "Undo (Ctrl+Z)", onclick: undo }, "Undo"),
      h("button", { type: "button", id: "draw-redo", title: "Redo (Ctrl+Shift+Z or Ctrl+Y)", onclick: redo }, "Redo"),
      h("button", { type: "button", class: "primary", id: "draw-upload", onclick: upload }, "Upload as a site")),
    message, out,
    h("h3", { id: "t-draw-list" }, "Drawn shapes"), list, editor,
    h("h3", {}, "Go to"), h("div", { class: "formgrid" }, h("div", {}, h("label", { for: "draw-lat" }, "Latitude (°)"), lat), h("div", {}, h("label", { for: "draw-lon" }, "Longitude (°)"), lon)),
    h("p", {}, h("button", { type: "button", onclick: () => map.jumpTo({ center: [Number(lon.value), Number(lat.value)], zoom: 16 }) }, "Go")));
  fill(view, h("div", { class: "split", "data-view": "draw" }, wrap, side));
  view.querySelector("[data-view=draw]").addEventListener("keydown", (e) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(e.target.tagName);
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && !typing && (key === "z" || key === "y")) {
      e.preventDefault();
      if (key === "y" || e.shiftKey) redo();
      else undo();
    } else if (e.key === "Escape") {
      if (draft.length) cancelDraft();
      else if (selected >= 0) select(-1);
    } else if (e.key === "Enter" && e.target === el.querySelector("canvas")) finish();
  });
  renderList();

  ml = await maplibreModule();
  map = await createMap(el, await getConfig(), statusLine);
  map.airwork.origin = [Number(lon.value), Number(lat.value)];
  map.jumpTo({ center: map.airwork.origin, zoom: 15 });
  map.doubleClickZoom.disable();
  map.addSource("drawn", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addSource("handles", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  const isSel = ["==", ["get", "_sel"], true];
  map.addLayer({ id: "drawn-fill", type: "fill", source: "drawn", filter: ["==", ["geometry-type"], "Polygon"],
    paint: { "fill-color": ["match", ["get", "role"], "field", "#2e7d32", "right_of_way", "#1f78b4", "no_spray", "#e8a317", "no_fly", "#6a3d9a", "obstacle", "#b3261e", "geofence", "#000000", "#888"], "fill-opacity": ["case", isSel, 0.4, 0.25] } });
  map.addLayer({ id: "drawn-line", type: "line", source: "drawn", filter: ["!=", ["geometry-type"], "Point"],
    paint: { "line-color": ["case", isSel, "#ff9f1c", ["==", ["get", "role"], "line"], "#5b2a86", "#16202c"], "line-width": ["case", isSel, 4, ["==", ["get", "role"], "line"], 3, 2], "line-dasharray": ["case", ["==", ["get", "role"], "draft"], ["literal", [2, 1]], ["literal", [1, 0]]] } });
  map.addLayer({ id: "drawn-pt", type: "circle", source: "drawn", filter: ["==", ["geometry-type"], "Point"],
    paint: { "circle-radius": 6, "circle-color": ["case", ["==", ["get", "role"], "tower"], "#333", "#fff"], "circle-stroke-width": 3, "circle-stroke-color": ["case", isSel, "#ff9f1c", "#000"] } });
  map.addLayer({ id: "handles-mid", type: "circle", source: "handles", filter: ["==", ["get", "h"], "mid"],
    paint: { "circle-radius": 4, "circle-color": "#fff", "circle-opacity": 0.85, "circle-stroke-width": 1, "circle-stroke-color": "#0b57d0" } });
  map.addLayer({ id: "handles-vertex", type: "circle", source: "handles", filter: ["==", ["get", "h"], "vertex"],
    paint: { "circle-radius": 6, "circle-color": ["case", ["==", ["get", "sel"], true], "#ff9f1c", "#fff"], "circle-stroke-width": 2, "circle-stroke-color": "#0b57d0" } });

  const near = (point, layers) => map.queryRenderedFeatures([[point.x - HANDLE_PX, point.y - HANDLE_PX], [point.x + HANDLE_PX, point.y + HANDLE_PX]], { layers });
  const handleAt = (point) => {
    if (selected < 0 || draft.length) return null;
    const hit = near(point, ["handles-vertex", "handles-mid"]);
    return hit.find((f) => f.properties.h === "vertex") || hit[0] || null;
  };

  // dragging a vertex (mouse or one finger): the map does not pan meanwhile
  const startDrag = (e) => {
    swallowClick = false;
    if (e.points && e.points.length !== 1) return;
    const hit = handleAt(e.point);
    if (!hit || hit.properties.h !== "vertex") return;
    e.preventDefault();
    map.dragPan.disable();
    drag = { v: hit.properties.v, moved: false };
    vertex = hit.properties.v;
  };
  const moveDrag = (e) => {
    if (!drag) return;
    if (!drag.moved) remember();
    drag.moved = true;
    features[selected].coords[drag.v] = [e.lngLat.lng, e.lngLat.lat];
    renderMap();
  };
  const endDrag = () => {
    if (!drag) return;
    map.dragPan.enable();
    swallowClick = drag.moved;
    if (drag.moved) say(`Moved vertex ${drag.v + 1} of ${describe(features[selected])}.`);
    drag = null;
    render();
  };
  map.on("mousedown", startDrag);
  map.on("touchstart", startDrag);
  map.on("mousemove", moveDrag);
  map.on("touchmove", moveDrag);
  map.on("mouseup", endDrag);
  map.on("touchend", endDrag);
  map.on("touchcancel", endDrag);
  map.on("mousemove", (e) => {
    if (drag) return;
    map.getCanvas().style.cursor = handleAt(e.point) ? "move" : "";
  });

  map.on("click", (e) => {
    if (swallowClick) { swallowClick = false; return; }
    const hit = handleAt(e.point);
    if (hit && hit.properties.h === "mid") {
      const v = hit.properties.v + 1;
      remember();
      features[selected].coords.splice(v, 0, hit.geometry.coordinates);
      say(`Inserted vertex ${v + 1}.`);
      return select(selected, v);
    }
    if (hit) return select(selected, hit.properties.v);
    if (mode === "add") return addAt([e.lngLat.lng, e.lngLat.lat]);
    const shape = near(e.point, ["drawn-pt", "drawn-line", "drawn-fill"]).find((f) => f.properties._i !== undefined);
    select(shape ? Number(shape.properties._i) : -1);
  });
  map.on("dblclick", (e) => {
    const hit = handleAt(e.point);
    if (hit && hit.properties.h === "vertex") return removeVertex(selected, hit.properties.v);
    if (mode === "add" && draft.length) finish();
  });
  el.dataset.mode = mode;
  if (siteId) await loadSite(siteId);
  render();

  /** Open a stored site for editing: its shapes become the drawing (uploaded as a new site). */
  async function loadSite(id) {
    try {
      const site = await api(`/sites/${encodeURIComponent(id)}`);
      const { shapes, holes, skipped } = shapesOf(site.features);
      features.splice(0, features.length, ...shapes);
      serial = shapes.length;
      baseName = site.name;
      const [w, s2, e, n] = bbox({ type: "FeatureCollection", features: shapes.map((f) => geojson(f)) });
      if (Number.isFinite(w)) map.fitBounds([[w, s2], [e, n]], { padding: 30, duration: 0, maxZoom: 18 });
      const lost = [holes ? `${holes} hole(s) kept as they are (not editable here)` : "", skipped ? `${skipped} feature(s) left out (no stored role: a site uploaded before roles were kept, or not a polygon, line or point)` : ""].filter(Boolean);
      say(`Editing ${site.name}: ${shapes.length} shape(s)${lost.length ? `; ${lost.join("; ")}` : ""}. Uploading makes a new site; the stored one stays.`);
      el.dataset.site = site.id;
    } catch (err) { fill(out, errorLine(err)); }
  }
}
