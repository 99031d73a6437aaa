// 收货: goods in by scanning the commodity, then lot, origin, customs
// declaration, dates, cost and location; each receipt is one write.
import { t, api, el, field, parseMoney, moneyRefusal, storeCurrency, notice, table, may, said } from "./core.js";
import { offerLabels } from "./labels.js";
import { loadCountries, originCode, unitWord } from "./names.js";

const done = [];
const qtyText = (r) => (r.unit ? `${r[1]} ${unitWord(r.unit)}` : String(r[1]));

export async function receivePage(view) {
  const inp = (id, attrs) => el("input", { id: "rcv-" + id, autocomplete: "off", ...attrs });
  const f = {
    product: inp("product", { required: true }),
    qty: inp("qty", { inputmode: "numeric", required: true }),
    lot: inp("lot"),
    origin: inp("origin", { autocapitalize: "characters" }),
    declaration: inp("declaration"),
    expiry: inp("expiry", { type: "date" }),
    production_date: inp("production", { type: "date" }),
    unit_cost: inp("cost", { inputmode: "decimal" }),
    supplier: inp("supplier"),
    location: inp("location", { required: true }),
  };
  await loadCountries(); // an origin may be typed by name
  // The quantity is in the commodity's base unit (pieces, grams, millilitres):
  // its label names the unit once the code is known, so that 5 kg of cheese
  // is not received as 5 g.
  // The cost is in the commodity's own currency, named the same way.
  const qtyField = field(t("receive.qty"), f.qty);
  const qtyLabel = qtyField.firstChild;
  const costField = field(t("receive.cost"), f.unit_cost);
  const costLabel = costField.firstChild;
  // the commodity's unit and currency, for the code looked up (one request
  // per code: the receipt waits for the answer the change started)
  let unit = "", currency = null, looked = null, asked = Promise.resolve();
  function lookUp() {
    const code = f.product.value.trim();
    if (code === looked) return asked;
    unit = "";
    currency = null;
    looked = code;
    qtyLabel.textContent = t("receive.qty");
    costLabel.textContent = t("receive.cost");
    if (!code) return (asked = Promise.resolve());
    asked = api("GET", `products/${encodeURIComponent(code)}`).then((p) => {
      if (looked !== code) return;
      unit = p.unit;
      currency = p.currency;
      qtyLabel.textContent = `${t("receive.qty")} (${unitWord(p.unit)}) · ${p.name_zh || p.name_en || ""}`;
      if (p.currency) costLabel.textContent = `${t("receive.cost")} (${p.currency})`;
    }).catch(() => { /* an unknown code is refused, named, when received */ });
    return asked;
  }
  f.product.addEventListener("change", lookUp);
  const msg = el("p.notice", { id: "rcv-msg", hidden: true, role: "alert" });
  const log = el("div", { id: "rcv-log" });
  const form = el("form.card.grid", { id: "rcv-form" },
    el("h1.span", {}, t("receive.title")),
    field(t("receive.product"), f.product), qtyField,
    field(t("receive.lot"), f.lot), field(t("receive.origin"), f.origin),
    field(t("receive.declaration"), f.declaration), field(t("receive.expiry"), f.expiry),
    field(t("receive.production"), f.production_date), costField,
    field(t("receive.supplier"), f.supplier), field(t("receive.location"), f.location),
    msg, el("button.primary.span", { type: "submit", id: "rcv-submit" }, t("receive.submit")));
  // A scanner's Enter in the code field moves on to the quantity.
  f.product.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); f.qty.focus(); } });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { product: f.product.value.trim(), qty: Number(f.qty.value), location: f.location.value.trim() };
    if (!/^\d+$/.test(f.qty.value.trim())) { notice(msg, "bad", `${t("receive.bad_qty")}: ${f.qty.value}`); return f.qty.focus(); }
    for (const k of ["lot", "declaration", "expiry", "production_date", "supplier"]) if (f[k].value.trim()) body[k] = f[k].value.trim();
    const origin = originCode(f.origin.value);
    if (origin === null) { notice(msg, "bad", `${t("receive.bad_origin")}: ${f.origin.value}`); return f.origin.focus(); }
    if (origin) body.origin = origin;
    if (f.unit_cost.value.trim()) {
      // in the commodity's own currency (the server's default), with its decimals:
      // 1200 for a JPY commodity is 1200 yen, not 12.00
      await lookUp();
      const c = parseMoney(f.unit_cost.value, currency || storeCurrency());
      if (c.error) { notice(msg, "bad", moneyRefusal(t("receive.cost"), c.error)); return f.unit_cost.focus(); }
      body.unit_cost = c.value;
    }
    try {
      await api("POST", "stock/receive", body);
      const row = [body.product, body.qty, body.lot || "", body.origin || "", body.expiry || "", body.location];
      row.unit = unit;
      done.unshift(row);
      notice(msg, "good", `${t("receive.done")}: ${body.product} × ${qtyText(row)}`);
      for (const k of ["product", "qty", "lot", "expiry", "production_date", "declaration"]) f[k].value = "";
      lookUp();
      drawLog();
      f.product.focus();
    } catch (err) {
      notice(msg, "bad", said(err));
      const k = err.field && f[err.field];
      if (k) k.focus();
    }
  });
  function drawLog() {
    // After receiving, those who may print labels get the delivery's shelf
    // and back labels in one step (the labels page, filled in).
    // A stock clerk, who may not print them, puts them in the reprint queue
    // (reason "received") for the label clerk instead: the server allows
    // that for the right "stock" (POST labels/queue).
    const waiting = done.filter((r) => !r.queued);
    const labels = done.length && may("labels") ? el("button.primary", { type: "button", id: "rcv-labels",
      onclick: () => offerLabels(done.map((r) => ({ code: r[0], qty: r[1], lot: r[2] }))) }, t("receive.labels"))
      : waiting.length && may("stock") ? el("button.primary", { type: "button", id: "rcv-queue", onclick: () => queue(waiting) },
        t("receive.queue_labels")) : null;
    // three columns that fit a 390-px phone (six scrolled sideways): the lot under the code,
    // the best-before date and the location under the origin
    const under = (top, sub) => el("td.item", {}, el("span.name", {}, top), sub ? el("span.sub", {}, sub) : null);
    log.replaceChildren(done.length ? el("section.card", { id: "rcv-log" }, el("div.row.between", {}, el("h2", {}, t("receive.log")), labels),
      table([`${t("receive.product")} · ${t("receive.lot")}`, t("receive.qty"),
        `${t("stock.origin")} · ${t("stock.expiry")} · ${t("stock.location")}`],
        done.map((r) => el("tr", {}, under(r[0], r[2]), el("td.num", {}, qtyText(r)),
          under(r[3], [r[4], r[5]].filter(Boolean).join(" · ")))))) : "");
  }
  async function queue(rows) {
    // each commodity once per shelf it was put on (the shelf label names the origins lying there)
    const pairs = [...new Map(rows.map((r) => [`${r[0]}\n${r[5]}`, [r[0], r[5]]])).values()];
    try {
      const r = await api("POST", "labels/queue", { codes: pairs.map((x) => x[0]), locations: pairs.map((x) => x[1]),
        reason: "received" });
      for (const row of rows) row.queued = true;
      notice(msg, "good", `${t("receive.queued")}: ${r.queued}`);
      drawLog();
    } catch (err) {
      notice(msg, "bad", said(err));
    }
  }
  view.append(form, log);
  drawLog();
  f.product.focus();
}
