// New job: upload a site (drag and drop or the file picker) or pick one, then the kind,
// the aircraft and the kind's parameters (a form made from its JSON schema), then plan
// with a live progress bar.
import { api } from "./api.js";
import { h, fill, num } from "./dom.js";
import { paramFields, paramValues } from "./forms.js";
import { allPages, errorLine, getConfig, statusLine } from "./app.js";
import { createMap, showSite } from "./map.js";

const USES = ["file", "order", "hub", "station", "no_spray", "airspace", "obstacles", "dem"];

function guessUse(name) {
  const n = name.toLowerCase();
  if (n.endsWith(".tif") || n.endsWith(".tiff")) return "dem";
  if (n.includes("order")) return "order";
  return "file";
}

/** The upload card: files with their use, sent as one POST /sites. */
function uploadCard(onSite) {
  const chosen = [];
  const list = h("ul", { class: "hint", "aria-live": "polite" });
  const out = h("div");
  const name = h("input", { id: "site-name", placeholder: "default: the first file's name" });
  const picker = h("input", { id: "site-files", type: "file", multiple: true, accept: ".geojson,.json,.kml,.kmz,.gpkg,.fgb,.wkt,.csv,.zip,.shp,.tif,.tiff" });
  const render = () => fill(list, chosen.map((c, i) => h("li", {},
    `${c.file.name} (${num(c.file.size / 1024, 1, "KiB")}) as `,
    h("select", { "aria-label": `use of ${c.file.name}`, onchange: (e) => (chosen[i].use = e.target.value) },
      USES.map((u) => h("option", { value: u, selected: u === c.use }, u))))));
  const add = (files) => {
    for (const file of files) chosen.push({ file, use: guessUse(file.name) });
    render();
  };
  picker.addEventListener("change", () => add(picker.files));
  const drop = h("div", { class: "drop", id: "drop", tabindex: "0", role: "button", "aria-label": "Drop site files here, or press Enter to pick files",
    onclick: () => picker.click(),
    onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); picker.click(); } },
    ondragover: (e) => { e.preventDefault(); drop.classList.add("over"); },
    ondragleave: () => drop.classList.remove("over"),
    ondrop: (e) => { e.preventDefault(); drop.classList.remove("over"); add(e.dataTransfer.files); } },
    h("strong", {}, "Drop site files here"), h("br"), "GeoJSON, KML/KMZ, GeoPackage, zipped Shapefile, CSV of orders, GeoTIFF DEM — or click to pick");
  const send = h("button", { type: "submit", class: "primary", id: "upload" }, "Upload the site");
  const form = h("form", { class: "card", "aria-labelledby": "t-upload",
    onsubmit: async (e) => {
      e.preventDefault();
      fill(out);
      if (!chosen.length) return fill(out, h("p", { class: "error" }, "Pick or drop at least one file."));
      const data = new FormData();
      for (const c of chosen) data.append(c.use, c.file, c.file.name);
      if (name.value.trim()) data.append("name", name.value.trim());
      send.disabled = true;
      try {
        const site = await api("/sites", { method: "POST", form: data });
        chosen.length = 0;
        render();
        onSite(site);
      } catch (err) { fill(out, errorLine(err)); } finally { send.disabled = false; }
    } },
    h("h2", { id: "t-upload" }, "1. Upload a site"), drop,
    h("label", { for: "site-files" }, "Or pick files"), picker, list,
    h("label", { for: "site-name" }, "Site name"), name, h("p", {}, send), out);
  return form;
}

function siteSummary(site) {
  const feats = Object.entries(site.summary?.features || {}).map(([k, v]) => `${v} ${k}`).join(", ");
  return `${site.name}: ${feats || "no features"}${site.summary?.field_area_ha ? `, field ${num(site.summary.field_area_ha, 2, "ha")}` : ""}`;
}

/** Poll a job until it ends, showing its progress; the final job. */
export async function follow(jobId, bar, text) {
  for (;;) {
    const job = await api(`/jobs/${encodeURIComponent(jobId)}`);
    bar.value = job.progress || 0;
    text.textContent = `${job.status}: ${job.message || ""} (${Math.round((job.progress || 0) * 100)} %)`;
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function newJobView(view) {
  const [kinds, aircraft, sites] = await Promise.all([api("/kinds"), api("/aircraft"), allPages("/sites")]);
  const siteSelect = h("select", { id: "site" }, sites.items.map((s) => h("option", { value: s.id }, siteSummary(s))));
  const kindSelect = h("select", { id: "kind" }, kinds.map((k) => h("option", { value: k.name }, `${k.name} — ${k.title}`)));
  const craftSelect = h("select", { id: "aircraft" }, aircraft.map((a) => h("option", { value: a.id }, `${a.name}${a.summary?.description ? ` — ${a.summary.description}` : ""}`)));
  const count = h("input", { id: "count", type: "number", min: 1, max: 50, value: 1, step: 1 });
  const countBox = h("div", {}, h("label", { for: "count" }, "Drones of this type (fleet kinds)"), count);
  const paramsBox = h("div", { id: "params" });
  const out = h("div", { "aria-live": "polite" });
  const bar = h("progress", { class: "progress", max: 1, value: 0, id: "progress", "aria-label": "Planning progress" });
  const barText = h("p", { class: "hint", id: "progress-text" });
  const progress = h("div", { hidden: true }, bar, barText);
  const loadKind = async () => {
    const k = await api(`/kinds/${encodeURIComponent(kindSelect.value)}`);
    if ([...craftSelect.options].some((o) => o.value === k.default_aircraft)) craftSelect.value = k.default_aircraft;
    countBox.hidden = !k.fleet;
    fill(paramsBox, h("p", { class: "hint" }, `Site roles read: ${k.roles.join(", ")}. Leave a field empty for its default.`), paramFields(k.params));
  };
  kindSelect.addEventListener("change", loadKind);
  const plan = h("button", { type: "submit", class: "primary", id: "plan" }, "Plan the job");
  const form = h("form", { class: "card", "aria-labelledby": "t-plan",
    onsubmit: async (e) => {
      e.preventDefault();
      fill(out);
      const k = kinds.find((x) => x.name === kindSelect.value);
      const craft = k && k.fleet ? `${craftSelect.value}:${Math.max(1, parseInt(count.value, 10) || 1)}` : craftSelect.value;
      plan.disabled = true;
      try {
        const job = await api("/jobs", { method: "POST", json: { kind: kindSelect.value, site: siteSelect.value, aircraft: [craft], params: paramValues(paramsBox) } });
        progress.hidden = false;
        const end = await follow(job.id, bar, barText);
        if (end.status === "done") location.hash = `#/jobs/${encodeURIComponent(end.id)}`;
        else fill(out, h("p", { class: "error", role: "alert" }, `The job failed: ${end.error || end.message}`));
      } catch (err) { fill(out, errorLine(err)); } finally { plan.disabled = false; }
    } },
    h("h2", { id: "t-plan" }, "2. Plan a job"),
    h("div", { class: "formgrid" },
      h("div", {}, h("label", { for: "site" }, "Site"), siteSelect),
      h("div", {}, h("label", { for: "kind" }, "Kind of job"), kindSelect),
      h("div", {}, h("label", { for: "aircraft" }, "Aircraft"), craftSelect), countBox),
    h("h3", {}, "Parameters"), paramsBox, h("p", {}, plan), progress, out);
  const upload = uploadCard((site) => {
    siteSelect.prepend(h("option", { value: site.id }, siteSummary(site)));
    siteSelect.value = site.id;
    fill(out, h("p", { class: "hint", id: "uploaded" }, `Uploaded ${siteSummary(site)}.`));
    redraw();
    kindSelect.focus();
  });
  const mapEl = h("div", { class: "map", id: "site-map", role: "region", "aria-label": "Map of the chosen site" });
  const siteText = h("p", { class: "hint", id: "site-text", "aria-live": "polite" });
  const preview = h("section", { class: "card site-card", "aria-labelledby": "t-site" },
    h("h2", { id: "t-site" }, "The site"), siteText, h("div", { class: "mapwrap preview" }, mapEl));
  upload.classList.add("upload-card");
  form.classList.add("plan-card");
  fill(view, h("section", { class: "page wide", "data-view": "new-job" }, h("h1", {}, "New job"),
    h("div", { class: "newjob" }, upload, preview, form)));
  const map = createMap(mapEl, await getConfig(), statusLine);
  let shown = 0;
  const showChosen = async () => {
    const ticket = ++shown;
    if (!siteSelect.value) return fill(siteText, "Upload a site or pick one to see it here.");
    const site = await api(`/sites/${encodeURIComponent(siteSelect.value)}`);
    if (ticket !== shown) return; // another site was chosen meanwhile
    fill(siteText, siteSummary(site), " ", h("a", { href: `#/draw/${encodeURIComponent(site.id)}`, id: "edit-site" }, "Edit in the drawing tool"));
    const m = await map;
    // which site the drawing is of, set in the same task as showSite clears data-rendered
    mapEl.dataset.site = site.id;
    showSite(m, site.features);
  };
  const redraw = () => showChosen().catch((err) => fill(siteText, errorLine(err)));
  siteSelect.addEventListener("change", redraw);
  await Promise.all([loadKind(), redraw()]);
}
