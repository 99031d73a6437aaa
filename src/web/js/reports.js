// 报表: stock by origin country (an SVG bar chart drawn here), low stock and
// lots expiring soon, each with its CSV.
import { t, api, el, svg, table, csvDownload } from "./core.js";

// Horizontal bars: one row per label, the value written at the bar's end.
export function barChart(rows, id) {
  const rowH = 30, left = 56, width = 600, max = Math.max(1, ...rows.map((r) => r.value));
  const h = rows.length * rowH + 10;
  const s = svg("svg", { viewBox: `0 0 ${width} ${h}`, class: "chart", id, role: "img" });
  rows.forEach((r, i) => {
    const y = 5 + i * rowH, w = Math.max(2, Math.round((width - left - 90) * r.value / max));
    s.append(svg("text", { x: left - 8, y: y + 19, "text-anchor": "end", class: "lbl" }, r.label),
      svg("rect", { x: left, y: y + 4, width: w, height: rowH - 10, rx: 3, class: "bar" }),
      svg("text", { x: left + w + 6, y: y + 19, class: "val" }, String(r.value)));
  });
  return s;
}

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

export async function reportsPage(view) {
  const [byOrigin, low, exp] = await Promise.all([
    api("GET", "stock?by=origin"),
    api("GET", "stock/low"),
    api("GET", `stock/expiring?before=${isoDate(new Date(Date.now() + 90 * 864e5))}`),
  ]);
  const today = isoDate(new Date());
  const origins = {};
  for (const l of byOrigin.levels) origins[l.origin || "—"] = (origins[l.origin || "—"] || 0) + l.qty;
  const rows = Object.entries(origins).map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value);
  const name = (l) => l.name_zh || l.name_en || l.gtin || l.sku;
  const section = (title, id, heads, data, marks) => el("section.card", { id },
    el("div.row.between", {}, el("h2", {}, title),
      el("button", { type: "button", onclick: () => csvDownload(`${id}.csv`, heads, data) }, t("reports.csv"))),
    data.length ? table(heads, data.map((r, i) => el(`tr${marks && marks[i] ? ".bad" : ""}`, {},
      r.map((c) => el("td", {}, c))))) : el("p.muted", {}, t("reports.none")));
  view.append(
    el("h1", {}, t("reports.title")),
    el("section.card", { id: "rep-origin" }, el("h2", {}, t("reports.by_origin")), barChart(rows, "chart-origin")),
    el("div.two", {},
      section(t("reports.low"), "rep-low", [t("counter.item"), "GTIN", t("stock.qty")],
        low.levels.map((l) => [name(l), l.gtin || l.sku || "", l.qty])),
      section(t("reports.expiring"), "rep-expiring", [t("counter.item"), t("stock.lot"), t("stock.expiry"), t("stock.location"), t("stock.qty")],
        exp.levels.map((l) => [name(l), l.lot || "", l.expiry || "", l.location || "", l.qty]),
        exp.levels.map((l) => l.expiry && l.expiry < today)))); // expired already: red
}
