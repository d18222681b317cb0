// Forms made from a kind's JSON schema (GET /api/v1/kinds/{name}): a new kind of job needs
// no new form code. Numbers, integers, strings, booleans, enums and arrays of enums.
import { h } from "./dom.js";

function resolve(schema, root) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return resolve((root.$defs || root.definitions || {})[name] || {}, root);
  }
  if (schema && schema.allOf && schema.allOf.length === 1) return { ...resolve(schema.allOf[0], root), ...schema, allOf: undefined };
  return schema || {};
}

/** The field's own type schema (an Optional's non-null branch) and whether null is allowed. */
function base(prop, root) {
  const p = resolve(prop, root);
  if (Array.isArray(p.anyOf)) {
    const branches = p.anyOf.map((b) => resolve(b, root));
    const real = branches.find((b) => b.type !== "null") || {};
    return { ...real, nullable: branches.some((b) => b.type === "null") };
  }
  return { ...p, nullable: false };
}

function unitOf(name) {
  const m = name.match(/_(m|mps|s|min|h|deg|ha|l|kg|pct|frac|l_per_ha|kg_per_ha|cm|kv|wh)$/);
  const units = { m: "m", mps: "m/s", s: "s", min: "min", h: "h", deg: "°", ha: "ha", l: "L", kg: "kg", pct: "%", frac: "fraction 0–1", l_per_ha: "L/ha", kg_per_ha: "kg/ha", cm: "cm", kv: "kV", wh: "Wh" };
  return m ? units[m[1]] : "";
}

function field(name, prop, root, required) {
  const t = base(prop, root);
  const id = `param-${name}`;
  const title = (prop.title || name).replace(/\b(M|Mps|S|Deg|Ha|L|Kg|Cm|Pct|Frac)\b/g, "").trim() || name;
  const unit = unitOf(name);
  const hint = [prop.description, prop.default !== undefined && prop.default !== null ? `default ${JSON.stringify(prop.default)}` : null].filter(Boolean).join(" · ");
  const label = h("label", { for: id }, title, unit ? ` (${unit})` : "", required ? " *" : "");
  let input;
  if (t.type === "array" && t.items && resolve(t.items, root).enum) {
    const items = resolve(t.items, root).enum;
    const given = Array.isArray(prop.default) ? prop.default : [];
    input = h("fieldset", { id, class: "checks", dataset: { param: name, kind: "enum-array" } },
      h("legend", { class: "hint" }, "any of"),
      items.map((v) => h("label", { class: "hint" }, h("input", { type: "checkbox", value: v, checked: given.includes(v) }), ` ${v}`)));
    return h("div", {}, h("div", { class: "label" }, title), input, h("div", { class: "hint" }, hint));
  }
  if (t.enum) {
    input = h("select", { id, dataset: { param: name, kind: "enum" } },
      h("option", { value: "" }, prop.default !== undefined && prop.default !== null ? `default (${prop.default})` : "default"),
      t.enum.map((v) => h("option", { value: v }, String(v))));
  } else if (t.type === "boolean") {
    input = h("select", { id, dataset: { param: name, kind: "boolean" } },
      h("option", { value: "" }, `default (${prop.default ? "yes" : "no"})`), h("option", { value: "true" }, "yes"), h("option", { value: "false" }, "no"));
  } else if (t.type === "number" || t.type === "integer") {
    input = h("input", {
      id, type: "number", inputmode: "decimal", step: t.type === "integer" ? "1" : "any",
      min: t.minimum ?? t.exclusiveMinimum, max: t.maximum ?? t.exclusiveMaximum,
      placeholder: prop.default ?? "", required: required || undefined, dataset: { param: name, kind: t.type },
    });
  } else {
    input = h("input", { id, type: "text", placeholder: prop.default ?? "", required: required || undefined, dataset: { param: name, kind: "string" } });
  }
  return h("div", {}, label, input, h("div", { class: "hint" }, hint));
}

/** The form's fields for a kind's parameter schema. */
export function paramFields(schema) {
  const required = new Set(schema.required || []);
  return h("div", { class: "formgrid" }, Object.entries(schema.properties || {}).map(([name, prop]) => field(name, prop, schema, required.has(name))));
}

/** The parameters the user gave (empty fields left to the defaults). */
export function paramValues(container) {
  const out = {};
  for (const el of container.querySelectorAll("[data-param]")) {
    const name = el.dataset.param;
    const kind = el.dataset.kind;
    if (kind === "enum-array") {
      const picked = [...el.querySelectorAll("input:checked")].map((i) => i.value);
      if (picked.length) out[name] = picked;
      continue;
    }
    const v = el.value.trim();
    if (v === "") continue;
    if (kind === "number") out[name] = Number(v);
    else if (kind === "integer") out[name] = parseInt(v, 10);
    else if (kind === "boolean") out[name] = v === "true";
    else out[name] = v;
  }
  return out;
}
