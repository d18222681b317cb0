// Small canvas charts drawn here (no chart library): battery per sortie, and the battery
// used along one sortie.
import { colourKey, sortieColor } from "./colors.js";

function setup(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 400;
  const hgt = canvas.clientHeight || 150;
  canvas.width = Math.round(w * ratio);
  canvas.height = Math.round(hgt * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, hgt);
  ctx.font = "11px system-ui, sans-serif";
  return { ctx, w, h: hgt };
}

function axes(ctx, box, yMax, yLabel, xLabel) {
  ctx.strokeStyle = "#8c959f";
  ctx.fillStyle = "#444";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(box.x, box.y);
  ctx.lineTo(box.x, box.y + box.h);
  ctx.lineTo(box.x + box.w, box.y + box.h);
  ctx.stroke();
  ctx.textAlign = "right";
  for (const f of [0, 0.5, 1]) {
    const y = box.y + box.h - f * box.h;
    ctx.fillText(`${Math.round(yMax * f)}`, box.x - 4, y + 4);
  }
  ctx.save();
  ctx.translate(10, box.y + box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.textAlign = "center";
  ctx.fillText(xLabel, box.x + box.w / 2, box.y + box.h + 26);
}

/** Bars of battery % per sortie (coloured as on the map), the selected one outlined. */
export function batteryChart(canvas, rows, selected) {
  const { ctx, w, h } = setup(canvas);
  const box = { x: 40, y: 8, w: w - 50, h: h - 44 };
  const yMax = Math.max(100, ...rows.map((r) => r.battery_pct || 0));
  axes(ctx, box, yMax, "battery used (%)", `sortie (1–${rows.length}); energy per sortie in the table (Wh)`);
  const bw = box.w / Math.max(1, rows.length);
  const key = colourKey(rows);
  rows.forEach((r, i) => {
    const bh = ((r.battery_pct || 0) / yMax) * box.h;
    ctx.fillStyle = sortieColor(key, r.sortie);
    ctx.fillRect(box.x + i * bw, box.y + box.h - bh, Math.max(1, bw - (bw > 3 ? 1 : 0)), bh);
    if (r.sortie === selected) {
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 2;
      ctx.strokeRect(box.x + i * bw, box.y + box.h - bh, Math.max(2, bw - 1), bh);
    }
  });
  ctx.textAlign = "left";
  ctx.fillStyle = "#444";
  [1, rows.length].forEach((n, k) => ctx.fillText(String(n), k ? box.x + box.w - 20 : box.x, box.y + box.h + 12));
  return (x) => {
    const i = Math.floor((x - box.x) / bw);
    return rows[i] ? rows[i].sortie : null;
  };
}

/** The battery used along one sortie (cumulative, %) against flight time (min). */
export function sortieChart(canvas, legs, color) {
  const { ctx, w, h } = setup(canvas);
  const box = { x: 40, y: 8, w: w - 50, h: h - 44 };
  let t = 0;
  let b = 0;
  const pts = [[0, 0]];
  for (const p of legs) {
    t += (p.time_s || 0) / 60;
    b += 100 * (p.battery_frac || 0);
    pts.push([t, b]);
  }
  const yMax = Math.max(10, Math.ceil(b / 10) * 10);
  const xMax = Math.max(t, 0.1);
  axes(ctx, box, yMax, "battery used (%)", `flight time (min, 0–${xMax.toFixed(1)})`);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  pts.forEach(([x, y], i) => {
    const px = box.x + (x / xMax) * box.w;
    const py = box.y + box.h - (y / yMax) * box.h;
    if (i) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
  });
  ctx.stroke();
}
