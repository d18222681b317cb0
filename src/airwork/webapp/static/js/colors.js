// Sortie colours, the rule mission.png follows (airwork.plotting.style): sorties are
// coloured by class in flying order (one class per sortie, or per drone for a delivery
// day, its trips sharing its colour) on cividis, a sequential colour-blind-safe map,
// sampled evenly from the first class to the last. Up to LEGEND_SORTIES classes get a
// legend entry each, more a colour bar. Never a cycling palette: two classes never share a
// colour by wrapping around. RAMP is matplotlib's cividis sampled evenly;
// tests/service/test_webapp_api.py holds it and LEGEND_SORTIES to style.py's.
export const LEGEND_SORTIES = 12;
export const RAMP = [
  "#00224e", "#083370", "#35456c", "#4f576c", "#666970", "#7d7c78",
  "#948e77", "#aea371", "#c8b866", "#e5cf52", "#fee838",
];

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The ramp's colour at t in [0, 1]. */
export function ramp(t) {
  const x = Math.min(1, Math.max(0, Number(t) || 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const a = rgb(RAMP[i]);
  const b = rgb(RAMP[i + 1]);
  const f = x - i;
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * The colour classes of a plan's sortie rows (GET /jobs/{id}/sorties): by drone when every
 * row names one (a delivery day; drones in order of their first trip), else one per sortie.
 * Returns {noun, names, classOf: Map sortie -> class index, count, bar}.
 */
export function colourKey(rows) {
  const byDrone = rows.length > 0 && rows.every((r) => r.drone);
  const names = byDrone ? [...new Set(rows.map((r) => r.drone))] : rows.map((r) => String(r.sortie));
  const index = new Map(names.map((n, i) => [n, i]));
  const classOf = new Map(rows.map((r, i) => [r.sortie, byDrone ? index.get(r.drone) : i]));
  return { noun: byDrone ? "drone" : "sortie", names, classOf, count: names.length, bar: names.length > LEGEND_SORTIES };
}

/** The colour of class i of a key. */
export function classColor(key, i) {
  return ramp(key.count > 1 ? i / (key.count - 1) : 0);
}

/** The colour of sortie n. */
export function sortieColor(key, n) {
  return classColor(key, key.classOf.get(n) ?? 0);
}

/** A MapLibre expression: the line colour from the feature's numeric "sortie". */
export function sortieColorExpression(key) {
  const sortie = ["to-number", ["get", "sortie"], 1];
  if (key.count <= 1) return classColor(key, 0);
  if (key.noun === "drone") {
    const pairs = [...key.classOf].flatMap(([n, i]) => [n, classColor(key, i)]);
    return ["match", sortie, ...pairs, classColor(key, 0)];
  }
  // one class per sortie, numbered 1..count in order: interpolate the stops
  const stops = RAMP.flatMap((c, i) => [1 + ((key.count - 1) * i) / (RAMP.length - 1), c]);
  return ["interpolate", ["linear"], sortie, ...stops];
}

/** A CSS gradient of the ramp (for the legend's colour bar). */
export function rampCss() {
  return `linear-gradient(to right, ${RAMP.join(", ")})`;
}
