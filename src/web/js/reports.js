// 报表: stock by origin country (an SVG bar chart drawn here), low stock and
// lots expiring soon, each with its CSV; the margins on the lots sold (landed
// cost, by commodity, origin or supplier).
import { t, api, el, svg, csvDownload, money, store, localTime } from "./core.js";
import { loadCountries, countryName, qtyText } from "./names.js";

// Horizontal bars: one row per label, the value written at the bar's end.
// The labels' room is that of the longest one, within bounds (English
// country names are long: "Korea, Republic of" was cut at the chart's left
// edge in a room made for 意大利); a label longer than the most is shortened
// with "…", its whole text in its title.
const LABEL_EM = (c) => (c.codePointAt(0) >= 0x2e80 ? 14 : 8.4); // 14px bold: a CJK character, a Latin one
function labelWidth(text) {
  return [...String(text)].reduce((w, c) => w + LABEL_EM(c), 0);
}
function fitLabel(text, room) {
  if (labelWidth(text) <= room) return text;
  let out = "";
  for (const c of String(text)) {
    if (labelWidth(out + c + "…") > room) break;
    out += c;
  }
  return out + "…";
}

export function barChart(rows, id) {
  const narrow = window.innerWidth < 600; // fewer units across: the text stays readable on a phone
  const rowH = 30, width = narrow ? 330 : 600, max = Math.max(1, ...rows.map((r) => r.value));
  const least = narrow ? 84 : 120, most = narrow ? 140 : 230;
  const left = Math.min(most, Math.max(least, 12 + Math.max(0, ...rows.map((r) => labelWidth(r.label)))));
  const h = rows.length * rowH + 10;
  const s = svg("svg", { viewBox: `0 0 ${width} ${h}`, class: "chart", id, role: "img" });
  rows.forEach((r, i) => {
    const y = 5 + i * rowH, w = Math.max(2, Math.round((width - left - (narrow ? 80 : 110)) * r.value / max));
    const shown = fitLabel(r.label, left - 12);
    s.append(svg("text", { x: left - 8, y: y + 19, "text-anchor": "end", class: "lbl", "data-key": r.key || r.label },
      shown === r.label ? r.label : [svg("title", {}, r.label), shown]),
      svg("rect", { x: left, y: y + 4, width: w, height: rowH - 10, rx: 3, class: "bar" }),
      svg("text", { x: left + w + 6, y: y + 19, class: "val" }, r.text || String(r.value)));
  });
  return s;
}

// A chart of many rows (a demo's stock comes from 96 countries: 150 bars, a
// long scroll on a phone): the largest TOP bars and one for all the others
// together, with a button that draws every bar (and back). The rows come
// sorted largest first, unless keep says their order is already the one to
// show (stock by origin: by value within each cost currency, the store's
// first). others(sum, rest) writes the others' bar's text.
const TOP = 12;
export function topBarChart(rows, id, others, keep) {
  if (rows.length <= TOP + 1) return barChart(rows, id);
  if (!keep) rows = [...rows].sort((a, b) => b.value - a.value);
  const rest = rows.slice(TOP);
  const sum = rest.reduce((a, r) => a + r.value, 0);
  const short = [...rows.slice(0, TOP), { key: "others", label: fmtN(t("reports.others"), rest.length),
    value: sum, text: others ? others(sum, rest) : String(sum) }];
  const box = el("div", {}, barChart(short, id));
  let all = false;
  const btn = el("button", { type: "button", id: `${id}-all`, onclick: () => {
    all = !all;
    box.replaceChildren(barChart(all ? rows : short, id));
    btn.textContent = all ? fmtN(t("reports.top"), TOP) : fmtN(t("reports.show_all"), rows.length);
  } }, fmtN(t("reports.show_all"), rows.length));
  return el("div", {}, box, btn);
}
const fmtN = (text, n) => text.replace("{n}", String(n));

// Lines over the hours of the day: one polyline per series, a dot per
// point, the hours along the bottom and the largest value at the left.
export function lineChart(hours, series, id) {
  const narrow = window.innerWidth < 600;
  const W = narrow ? 340 : 640, H = narrow ? 200 : 240, L = 34, B = 26, T = 12, R = 12;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => L + (hours.length < 2 ? 0 : Math.round((W - L - R) * i / (hours.length - 1)));
  const y = (v) => T + Math.round((H - T - B) * (1 - v / max));
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart line", id, role: "img" },
    svg("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), class: "axis" }),
    svg("text", { x: L - 6, y: y(max) + 4, "text-anchor": "end", class: "val" }, String(max)),
    svg("text", { x: L - 6, y: y(0) + 4, "text-anchor": "end", class: "val" }, "0"));
  const every = Math.ceil(hours.length / (narrow ? 8 : 16)); // hour labels that do not overlap
  hours.forEach((h, i) => {
    if (i % every === 0) s.append(svg("text", { x: x(i), y: H - 6, "text-anchor": "middle", class: "val" }, h));
  });
  series.forEach((ser, k) => {
    s.append(svg("polyline", { points: ser.values.map((v, i) => `${x(i)},${y(v)}`).join(" "), class: `ln s${k}` }));
    ser.values.forEach((v, i) => s.append(svg("circle", { cx: x(i), cy: y(v), r: 3.5, class: `pt s${k}`, "data-hour": hours[i] })));
  });
  const legend = el("p.legend", {}, series.map((ser, k) => el(`span.key.s${k}`, {}, ser.label)));
  return el("div", {}, s, legend);
}

// Low stock and expiring lots come a page at a time: a "more" button asks
// for the rows after the last one shown (the answer's next key, ?after=).
const PAGE = 50;

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

// Margins since a day: revenue less tax, the landed cost of the lots sold and
// the margin, as the server worked them out (decimal text: no sums here).
// The grouping is chosen in place; the CSV holds the rows shown.
function marginCard(since) {
  const by = el("select", { id: "rep-margin-by", "aria-label": t("reports.margin_by") },
    ["commodity", "origin", "supplier"].map((b) => el("option", { value: b }, t(`reports.margin_by_${b}`))));
  const box = el("div", { id: "rep-margin-rows" });
  const heads = () => [t(`reports.margin_by_${by.value}`), t("reports.units"), t("reports.revenue"),
    t("reports.landed_cost"), t("reports.margin_col"), t("reports.uncosted")];
  let data = [];
  const load = async () => {
    const r = await api("GET", `margins?by=${by.value}&from=${since}`);
    const label = (m) => (m.key ? (m.name ? `${m.name} ${m.key}` : m.key) : t("reports.margin_none"));
    data = r.margins.map((m) => [label(m), m.units, m.revenue, m.landed_cost, m.margin, m.uncosted_units]);
    box.replaceChildren(data.length ? el("div.scroll", {}, el("table", {},
      el("thead", {}, el("tr", {}, heads().map((h, i) => el(i ? "th.num" : "th", {}, h)))),
      el("tbody", {}, r.margins.map((m, k) => el(`tr${m.margin.startsWith("-") ? ".bad" : ""}`, {},
        data[k].map((c, i) => el(i ? "td.num" : "td", {}, i >= 2 && i <= 4 ? `${c} ${m.currency}` : String(c))))))))
      : el("p.muted", {}, t("reports.none")));
  };
  by.addEventListener("change", load);
  const card = el("section.card", { id: "rep-margin" },
    el("div.row.between", {}, el("h2", {}, t("reports.margin")),
      el("div.row", {}, by, el("button", { type: "button", onclick: () => csvDownload(`margin-${by.value}.csv`, heads(), data) },
        t("reports.csv")))),
    el("p.muted", {}, t("reports.margin_note")), box);
  return { card, load };
}

// Thousandths as an exact decimal (grams as kg, millilitres as litres):
// 12500 -> "12.5", 3 -> "0.003", 0 -> "0"; integers only, no float.
function thousandths(n) {
  const neg = n < 0, a = Math.abs(n), frac = String(a % 1000).padStart(3, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${Math.floor(a / 1000)}${frac ? `.${frac}` : ""}`;
}

// "24 件 · 12.5 千克 · 9 升": the units there are, for a bar without a value.
function unitsText(l) {
  const parts = [];
  if (l.qty_pcs) parts.push(`${l.qty_pcs} ${t("unit.pcs")}`);
  if (l.qty_g) parts.push(`${thousandths(l.qty_g)} ${t("unit.kg")}`);
  if (l.qty_ml) parts.push(`${thousandths(l.qty_ml)} ${t("unit.l")}`);
  return parts.length ? parts.join(" · ") : String(l.qty);
}

// "10 件", "5005 克": a commodity's quantity with its unit (the levels give
// it by product and by lot), a bare number where the row has none.
function unitQty(l) {
  return l.unit ? qtyText(l.qty, l.unit) : String(l.qty);
}

export async function reportsPage(view) {
  // the days on the store's calendar (in Paris at 00:30 it is already tomorrow
  // there, yesterday still in UTC)
  const shop = await store();
  const today = localTime(new Date().toISOString(), shop.time_zone).slice(0, 10);
  const dayFrom = (n) => isoDate(new Date(Date.parse(`${today}T00:00:00Z`) + n * 864e5));
  const since = dayFrom(-30);
  const expBefore = dayFrom(90);
  const [sales, counters, cashiers, flow, byOrigin, low, exp] = await Promise.all([
    // (the countries' names first: the origin bars are labelled by name, 意大利, not IT)
    api("GET", `reports/sales?by=origin&from=${since}`),
    api("GET", `reports/sales?by=counter&from=${since}`),
    api("GET", `reports/sales?by=cashier&from=${since}`),
    api("GET", `reports/flow?by=hour&from=${since}`),
    api("GET", "stock?by=origin"),
    api("GET", `stock/low?limit=${PAGE}`),
    api("GET", `stock/expiring?before=${expBefore}&limit=${PAGE}`),
    loadCountries(),
  ]);
  const country = (code) => countryName(code) || code; // the code itself when iso-codes does not know it
  const margins = marginCard(since);
  await margins.load();
  // Stock by origin: pieces, kg and litres apart (they do not add up), the
  // bars measure the cost value, one per origin and cost currency in the
  // server's order (by value within a currency; a lot without a cost last).
  const costed = (l) => l.value !== null && l.value !== undefined;
  const rows = byOrigin.levels.map((l) => ({ key: l.origin || "—", label: country(l.origin || "—"),
    value: l.value || 0, cur: costed(l) ? l.cost_currency : "",
    text: costed(l) ? money(l.value, l.cost_currency) : unitsText(l) }));
  // the others' bar: their value when it is in one currency, "no cost" when
  // none has one; amounts in two currencies are not added up
  const originOthers = (sum, rest) => {
    const curs = new Set(rest.map((r) => r.cur));
    if (curs.size === 1 && !curs.has("")) return money(sum, rest[0].cur);
    return curs.size === 1 ? t("reports.no_cost") : "";
  };
  const originHeads = [t("reports.origin"), t("unit.pcs"), t("unit.kg"), t("unit.l"), t("reports.cost_value")];
  // (a unit the origin has none of is left blank; a row of lots without a
  // cost says so instead of a value)
  const originData = byOrigin.levels.map((l) => [country(l.origin || "—"), l.qty_pcs ? String(l.qty_pcs) : "",
    l.qty_g ? thousandths(l.qty_g) : "", l.qty_ml ? thousandths(l.qty_ml) : "",
    l.value === null || l.value === undefined ? t("reports.no_cost") : money(l.value, l.cost_currency)]);
  const originTable = originData.length ? el("div.scroll", {}, el("table", { id: "rep-origin-units" },
    el("thead", {}, el("tr", {}, originHeads.map((h, i) => el(i ? "th.num" : "th", {}, h)))),
    el("tbody", {}, originData.map((r, k) => el("tr", { "data-key": byOrigin.levels[k].origin || "" },
      r.map((c, i) => el(i ? "td.num" : "td", {}, c)))))))
    : el("p.muted", {}, t("reports.none"));
  const name = (l) => l.name_zh || l.name_en || l.gtin || l.sku;
  // page: { path, first (the answer), cells(level), bad(level) }; the CSV
  // holds the rows shown
  const section = (title, id, heads, page) => {
    const data = [];
    const body = el("tbody");
    const add = (levels) => levels.forEach((l) => {
      const r = page.cells(l);
      data.push(r);
      body.append(el(`tr${page.bad && page.bad(l) ? ".bad" : ""}`, {}, r.map((c) => el("td", {}, c))));
    });
    add(page.first.levels);
    let next = page.first.next;
    const more = el("button", { type: "button", id: `${id}-more`, hidden: !next, onclick: async () => {
      more.disabled = true;
      try {
        const r = await api("GET", `${page.path}&after=${encodeURIComponent(next)}`);
        add(r.levels);
        next = r.next;
      } finally {
        more.disabled = false;
        more.hidden = !next;
      }
    } }, t("reports.more"));
    const tbl = el("div.scroll", {}, el("table", {},
      el("thead", {}, el("tr", {}, heads.map((h) => el("th", {}, h)))), body));
    return el("section.card", { id },
      el("div.row.between", {}, el("h2", {}, title),
        el("button", { type: "button", onclick: () => csvDownload(`${id}.csv`, heads, data) }, t("reports.csv"))),
      data.length ? tbl : el("p.muted", {}, t("reports.none")), more);
  };
  const bars = (r, names) => r.rows.map((x) => ({ key: x.key, label: (names ? names(x.key) : x.key) || x.name || "—",
    value: x.value, text: money(x.value, shop.currency) }));
  // by hour of the day, the days added up, every hour from the first to the last with data
  const perHour = new Map();
  for (const f of flow.rows) {
    const m = /(\d{2}):\d{2}(:\d{2})?$/.exec(f.period) || /T?(\d{2})$/.exec(f.period);
    const h = m ? Number(m[1]) : 0, cur = perHour.get(h) || { visitors: 0, transactions: 0 };
    cur.visitors += f.visitors;
    cur.transactions += f.transactions;
    perHour.set(h, cur);
  }
  const hs = [...perHour.keys()];
  const span = hs.length ? Array.from({ length: Math.max(...hs) - Math.min(...hs) + 1 }, (_, i) => Math.min(...hs) + i) : [];
  const at = (h, k) => (perHour.get(h) || { [k]: 0 })[k];
  const hours = span.map((h) => String(h).padStart(2, "0"));
  view.append(
    el("h1", {}, t("reports.title")),
    el("p.muted", {}, `${t("reports.since")} ${since}`),
    el("div.two", {},
      el("section.card", { id: "rep-sales-origin" }, el("h2", {}, t("reports.sales_origin")), topBarChart(bars(sales, country), "chart-sales-origin",
        (v) => money(v, shop.currency))),
      el("section.card", { id: "rep-flow" }, el("h2", {}, t("reports.flow")),
        span.length ? lineChart(hours, [
          { label: t("reports.visitors"), values: span.map((h) => at(h, "visitors")) },
          { label: t("reports.transactions"), values: span.map((h) => at(h, "transactions")) }], "chart-flow")
          : el("p.muted", {}, t("reports.none")))),
    el("div.two", {},
      el("section.card", { id: "rep-counter" }, el("h2", {}, t("reports.by_counter")), barChart(bars(counters), "chart-counter")),
      el("section.card", { id: "rep-cashier" }, el("h2", {}, t("reports.by_cashier")), barChart(bars(cashiers), "chart-cashier"))),
    el("section.card", { id: "rep-origin" },
      el("div.row.between", {}, el("h2", {}, t("reports.by_origin")),
        el("button", { type: "button", onclick: () => csvDownload("stock-by-origin.csv", originHeads, originData) },
          t("reports.csv"))),
      topBarChart(rows, "chart-origin", originOthers, true), originTable),
    margins.card,
    el("div.two", {},
      section(t("reports.low"), "rep-low", [t("counter.item"), "GTIN", t("stock.qty")],
        { path: `stock/low?limit=${PAGE}`, first: low, cells: (l) => [name(l), l.gtin || l.sku || "", unitQty(l)] }),
      section(t("reports.expiring"), "rep-expiring", [t("counter.item"), t("stock.lot"), t("stock.expiry"), t("stock.location"), t("stock.qty")],
        { path: `stock/expiring?before=${expBefore}&limit=${PAGE}`, first: exp,
          cells: (l) => [name(l), l.lot || "", l.expiry || "", l.location || "", unitQty(l)],
          bad: (l) => l.expiry && l.expiry < today }))); // expired already: red
}
