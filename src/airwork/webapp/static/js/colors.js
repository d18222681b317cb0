// Sortie colours, the same rule as mission.png's (airwork.plotting.style): up to
// LEGEND_SORTIES sorties get distinct colour-blind-safe colours (QUALITATIVE, in flying
// order, one legend entry each); more get cividis, sequential and colour-blind safe,
// interpolated by sortie order (sortie 1 dark blue ... last sortie yellow). Never a
// cycling palette: two sorties never share a colour by wrapping around. The lists are
// style.py's and matplotlib's (sampled evenly); tests/service/test_webapp_api.py holds
// them equal.
export const LEGEND_SORTIES = 12;
export const QUALITATIVE = [
  "#332288", "#cc6677", "#117733", "#88ccee", "#882255", "#ddcc77",
  "#44aa99", "#aa4499", "#999933", "#d55e00", "#0072b2", "#e69f00",
];
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

/** True when count sorties are told apart by distinct colours (else by the ramp). */
export const distinct = (count) => count <= LEGEND_SORTIES;

/** The colour of sortie n of 1..count. */
export function sortieColor(n, count) {
  if (distinct(count)) return QUALITATIVE[Math.min(QUALITATIVE.length, Math.max(1, n)) - 1];
  return ramp((n - 1) / (count - 1));
}

/** A MapLibre expression: the line colour from the feature's numeric "sortie". */
export function sortieColorExpression(count) {
  const sortie = ["to-number", ["get", "sortie"], 1];
  if (distinct(count)) {
    const pairs = QUALITATIVE.slice(0, Math.max(1, count)).flatMap((c, i) => [i + 1, c]);
    return ["match", sortie, ...pairs, QUALITATIVE[0]];
  }
  const stops = [];
  RAMP.forEach((c, i) => stops.push(1 + ((count - 1) * i) / (RAMP.length - 1), c));
  return ["interpolate", ["linear"], sortie, ...stops];
}

/** A CSS gradient of the ramp (for the legend). */
export function rampCss() {
  return `linear-gradient(to right, ${RAMP.join(", ")})`;
}
