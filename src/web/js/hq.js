// 总部 head office's views of the whole chain, when this store server reads
// head office (serve --hq-read): stock by origin per store and chain-wide,
// sales by country / store / day, flow and conversion per store, lots
// expiring across the chain, which stores hold a commodity. The rows come
// from GET hq/... (the same queries as `entrepot hq report`). Their amounts
// carry no currency: they are shown in the store's (money() with none).
import { t, api, el, table, money, notice, said, store, localTime } from "./core.js";
import { barChart } from "./reports.js";
import { loadCountries, originText } from "./names.js";

// "*" is the chain (a store) or "all" (a day or a country summed over)
const storeText = (s) => (s === "*" ? t("hq.chain") : s);
const allText = (s) => (s === "*" ? t("hq.all") : s);
const num = (v) => el("td.num", {}, v === null || v === undefined ? "" : String(v));
const none = () => el("p.muted", {}, t("reports.none"));

function card(id, title, ...kids) {
  return el("section.card", { id }, el("h2", {}, title), ...kids);
}

// A form of inputs with its button; run(values) draws into out.
function controls(id, inputs, run) {
  const msg = el("p.notice", { id: `${id}-msg`, hidden: true, role: "alert" });
  const out = el("div", { id: `${id}-out` });
  const form = el("form.row", { id: `${id}-form` }, inputs.map(([label, input]) =>
    el("label.field", {}, el("span", {}, label), input)),
  el("button.primary", { type: "submit", id: `${id}-go` }, t("hq.show")));
  const go = async () => {
    notice(msg, "", "");
    try {
      out.replaceChildren(...[].concat(await run()));
    } catch (e) {
      out.replaceChildren();
      notice(msg, "bad", said(e));
    }
  };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); go(); });
  return { nodes: [form, msg, out], go };
}

function stockCard(r) {
  const chain = r.rows.filter((x) => x.store === "*");
  return card("hq-stock", t("hq.stock"),
    chain.length ? barChart(chain.map((x) => ({ label: originText(x.origin) || "—", value: x.units })), "chart-hq-stock") : none(),
    r.rows.length ? table([t("hq.store"), t("hq.origin"), t("stock.qty"), t("hq.lots")],
      r.rows.map((x) => el(`tr${x.store === "*" ? ".chain" : ""}`, {}, el("td", {}, storeText(x.store)),
        el("td", {}, originText(x.origin) || "—"), num(x.units), num(x.lots)))) : "");
}

function salesCard(from, to) {
  const by = el("select", { id: "hq-sales-by" },
    ["country", "store", "day"].map((b) => el("option", { value: b }, t(`hq.by_${b}`))));
  const c = controls("hq-sales", [[t("hq.from"), from], [t("hq.to"), to], [t("hq.by"), by]], async () => {
    const q = new URLSearchParams({ by: by.value, from: from.value, to: to.value });
    const r = await api("GET", `hq/sales?${q}`);
    if (!r.rows.length) return none();
    // the chart: the chain's rows (by country, by day), or each store's
    const key = { country: "origin", day: "day", store: "store" }[by.value];
    const bars = r.rows.filter((x) => (by.value === "store" ? x.store !== "*" : x.store === "*"))
      .map((x) => ({ label: key === "origin" ? originText(x.origin) || "—" : x[key], value: x.amount_minor,
        text: money(x.amount_minor) }));
    return [barChart(bars, "chart-hq-sales"),
      table([t("hq.store"), t("hq.day"), t("hq.origin"), t("hq.lines"), t("stock.qty"), t("hq.amount")],
        r.rows.map((x) => el(`tr${x.store === "*" ? ".chain" : ""}`, {}, el("td", {}, storeText(x.store)),
          el("td", {}, allText(x.day)), el("td", {}, x.origin === "*" ? t("hq.all") : originText(x.origin) || "—"),
          num(x.lines), num(x.units), el("td.num", {}, money(x.amount_minor)))))];
  });
  return { node: card("hq-sales", t("hq.sales"), ...c.nodes), go: c.go };
}

function flowCard(from, to) {
  const c = controls("hq-flow", [[t("hq.from"), from], [t("hq.to"), to]], async () => {
    const r = await api("GET", `hq/flow?${new URLSearchParams({ from: from.value, to: to.value })}`);
    if (!r.rows.length) return none();
    const totals = r.rows.filter((x) => x.day === "*");
    return [barChart(totals.map((x) => ({ label: x.store, value: x.visitors,
      text: `${x.visitors} · ${x.conversion || "—"}` })), "chart-hq-flow"),
    table([t("hq.store"), t("hq.day"), t("reports.visitors"), t("reports.transactions"), t("hq.conversion"), t("hq.net")],
      r.rows.map((x) => el(`tr${x.day === "*" ? ".chain" : ""}`, {}, el("td", {}, x.store), el("td", {}, allText(x.day)),
        num(x.visitors), num(x.sales), el("td.num", {}, x.conversion || "—"), el("td.num", {}, money(x.net_minor)))))];
  });
  return { node: card("hq-flow", t("hq.flow"), ...c.nodes), go: c.go };
}

function expiringCard() {
  const days = el("input", { id: "hq-exp-days", type: "number", min: 0, max: 3650, value: 30, inputmode: "numeric" });
  const c = controls("hq-exp", [[t("hq.days"), days]], async () => {
    const r = await api("GET", `hq/expiring?days=${encodeURIComponent(days.value)}`);
    if (!r.rows.length) return none();
    return table([t("hq.store"), t("counter.item"), t("stock.lot"), t("hq.origin"), t("stock.expiry"), t("hq.days_left"), t("stock.qty")],
      r.rows.map((x) => el(`tr${x.days_left < 0 ? ".bad" : ""}`, {}, el("td", {}, x.store), el("td.mono", {}, x.commodity),
        el("td", {}, x.lot || ""), el("td", {}, originText(x.origin) || "—"), el("td", {}, x.expiry),
        num(x.days_left), num(x.units))));
  });
  return { node: card("hq-expiring", t("hq.expiring"), ...c.nodes), go: c.go };
}

function holdersCard() {
  const code = el("input", { id: "hq-hold-code", required: true, autocapitalize: "off", placeholder: "GTIN / SKU" });
  const c = controls("hq-hold", [[t("hq.code"), code]], async () => {
    const r = await api("GET", `hq/holders?code=${encodeURIComponent(code.value.trim())}`);
    if (!r.rows.length) return el("p.muted", { id: "hq-hold-none" }, t("hq.nobody"));
    return table([t("hq.store"), t("stock.qty"), t("hq.lots"), t("hq.soonest")],
      r.rows.map((x) => el(`tr${x.store === "*" ? ".chain" : ""}`, {}, el("td", {}, storeText(x.store)),
        num(x.units), num(x.lots), el("td", {}, x.soonest_expiry || ""))));
  });
  return { node: card("hq-holders", t("hq.holders"), ...c.nodes), go: c.go };
}

export async function hqPage(view) {
  const msg = el("p.notice", { id: "hq-msg", hidden: true, role: "alert" });
  view.append(el("h1", {}, t("nav.hq")), msg);
  await loadCountries();
  let stock;
  try {
    stock = await api("GET", "hq/stock");
  } catch (e) {
    notice(msg, "bad", e.code === "no_head_office" ? t("hq.not_linked") : said(e));
    return;
  }
  // this month up to today on the store's calendar, as head office counts
  // the stores' days (from 00:00 to 08:00 in Shanghai the UTC date is still
  // yesterday's, and today's sales fell outside the period)
  const shop = await store();
  const today = localTime(new Date().toISOString(), shop.time_zone).slice(0, 10);
  const first = `${today.slice(0, 8)}01`;
  const date = (id, v) => el("input", { id, type: "date", value: v });
  const sales = salesCard(date("hq-sales-from", first), date("hq-sales-to", today));
  const flow = flowCard(date("hq-flow-from", first), date("hq-flow-to", today));
  const exp = expiringCard(), hold = holdersCard();
  view.append(el("p.muted", {}, t("hq.intro")), stockCard(stock),
    el("div.two", {}, sales.node, flow.node), el("div.two", {}, exp.node, hold.node));
  await Promise.all([sales.go(), flow.go(), exp.go()]);
}
