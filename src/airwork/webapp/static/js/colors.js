// Sortie colours: viridis, sequential and colour-blind safe, interpolated by sortie order
// (sortie 1 dark purple ... last sortie yellow), so any number of sorties never repeats.
export const VIRIDIS = [
  "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
  "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
];

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour at t in [0, 1]. */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number(t) || 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const a = rgb(VIRIDIS[i]);
  const b = rgb(VIRIDIS[i + 1]);
  const f = x - i;
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The colour of sortie n of 1..count. */
export function sortieColor(n, count) {
  return viridis(count > 1 ? (n - 1) / (count - 1) : 0.5);
}

/** A MapLibre expression: the line colour from the feature's numeric "sortie". */
export function sortieColorExpression(count) {
  if (count <= 1) return viridis(0.5);
  const stops = [];
  VIRIDIS.forEach((c, i) => stops.push(1 + ((count - 1) * i) / (VIRIDIS.length - 1), c));
  return ["interpolate", ["linear"], ["to-number", ["get", "sortie"], 1], ...stops];
}

/** A CSS gradient of the ramp (for the legend). */
export function rampCss() {
  return `linear-gradient(to right, ${VIRIDIS.join(", ")})`;
}
