// 采购 (the manager): suggested orders made drafts, an order's lines edited
// and sent (its PDF), suppliers and what they supply, exchange rates and
// the landed cost of a customs declaration. 按单收货 (the stock clerk):
// a delivery received against its order by scanning the case barcodes.
// Money goes to the API as the text typed ("24.00"): the server parses it in
// the order's or the store's currency and names what is wrong.
import { t, api, el, field, table, notice, said, store, localTime } from "./core.js";
import { loadCountries, originCode } from "./names.js";

const STATUSES = ["draft", "sent", "partial", "received", "cancelled"];

function input(id, attrs) {
  return el("input", { id, autocomplete: "off", ...attrs });
}
// The fields of a form that hold text, as a body (empty ones left out).
function filled(fields, ints) {
  const b = {};
  for (const [k, n] of Object.entries(fields)) {
    const v = n.value.trim();
    if (v === "") continue;
    b[k] = (ints || []).includes(k) && /^-?\d+$/.test(v) ? Number(v) : v;
  }
  return b;
}

export async function purchasePage(view) {
  const msg = el("p.notice", { id: "buy-msg", hidden: true, role: "alert" });
  const body = el("div", { id: "buy-body" });
  const tabs = [["orders", t("buy.tab_orders")], ["suppliers", t("buy.tab_suppliers")], ["landed", t("buy.tab_landed")]];
  const bar = el("div.row", { id: "buy-tabs" }, tabs.map(([id, name]) =>
    el("button.small", { type: "button", id: "buy-tab-" + id, onclick: () => show(id) }, name)));
  async function act(fn, done) {
    try {
      const r = await fn();
      if (done) notice(msg, "good", done);
      return r === undefined ? true : r;
    } catch (e) {
      notice(msg, "bad", said(e));
      return null;
    }
  }
  async function show(id, arg) {
    for (const [k] of tabs) document.getElementById("buy-tab-" + k).classList.toggle("primary", k === id);
    body.replaceChildren();
    if (id === "orders") await ordersView(body, act, arg);
    else if (id === "suppliers") await suppliersView(body, act);
    else await landedView(body, act);
  }
  view.append(el("h1", {}, t("buy.title")), bar, msg, body);
  await show("orders");
}

// ---- suggestions and orders -------------------------------------------------

async function ordersView(box, act, open) {
  const weeks = input("buy-weeks", { inputmode: "numeric", value: "4", size: 3 });
  const sugg = el("div", { id: "buy-suggestions" });
  const list = el("div", { id: "buy-orders" });
  const detail = el("div", { id: "buy-order" });
  const status = el("select", { id: "buy-status" }, el("option", { value: "" }, t("buy.all")),
    STATUSES.map((s) => el("option", { value: s }, t("buy.st_" + s))));
  status.addEventListener("change", () => loadOrders());

  function suggestionRows(rows) {
    return table([t("buy.supplier"), t("buy.product"), t("buy.reorder"), t("buy.on_hand"), t("buy.on_order"),
      t("buy.sold"), t("buy.packs"), t("buy.qty"), t("buy.price"), t("buy.order")],
    rows.map((s) => el("tr", {}, el("td", {}, s.supplier), el("td", {}, `${s.name} ${s.gtin || s.sku}`),
      el("td.num", {}, s.reorder_point), el("td.num", {}, s.on_hand), el("td.num", {}, s.on_order),
      el("td.num", {}, s.sold), el("td.num", {}, `${s.packs} × ${s.pack_size}`), el("td.num", {}, s.qty),
      el("td.num", {}, s.price === null ? t("buy.no_price") : `${s.price} ${s.currency}`),
      el("td", {}, s.order || ""))));
  }
  async function look() {
    const r = await act(() => api("GET", `purchases/suggestions?weeks=${encodeURIComponent(weeks.value.trim())}`));
    if (!r) return;
    sugg.replaceChildren(r.suggestions.length ? suggestionRows(r.suggestions) : el("p", {}, t("buy.nothing")));
  }
  async function make() {
    const w = weeks.value.trim();
    const r = await act(() => api("POST", "purchases/suggestions", /^\d+$/.test(w) ? { weeks: Number(w) } : { weeks: w }),
      t("buy.drafts_made"));
    if (!r) return;
    sugg.replaceChildren(suggestionRows(r.suggestions));
    await loadOrders();
  }
  async function loadOrders() {
    const q = status.value ? `?status=${status.value}` : "";
    const r = await act(() => api("GET", "purchases" + q));
    if (!r) return;
    const zone = (await store()).time_zone; // the day the order was made, on the store's calendar
    list.replaceChildren(table([t("buy.order"), t("buy.supplier"), t("buy.status"), t("buy.lines"), t("buy.total"),
      t("buy.created")], r.orders.map((o) => el("tr", {},
      el("td", {}, el("button.small", { type: "button", "data-order": o.number, onclick: () => openOrder(o.number) },
        o.number)),
      el("td", {}, `${o.supplier_name} (${o.supplier})`), el("td", {}, badge(o.status)),
      el("td.num", {}, o.lines), el("td.num", {}, `${o.total} ${o.currency}`), el("td", {}, localTime(o.created_at, zone).slice(0, 10))))));
  }
  async function openOrder(number) {
    await orderDetail(detail, act, number, loadOrders);
    detail.scrollIntoView({ block: "start" });
  }
  const newSupplier = input("buy-new-supplier", { placeholder: t("buy.supplier_code") });
  const newForm = el("form.row", { id: "buy-new-form" }, newSupplier,
    el("button", { type: "submit", id: "buy-new" }, t("buy.new_order")));
  newForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await act(() => api("POST", "purchases", { supplier: newSupplier.value.trim() }));
    if (r) { notice(document.getElementById("buy-msg"), "good", `${t("buy.created_order")}: ${r.number}`); await loadOrders(); await openOrder(r.number); }
  });
  box.append(
    el("section.card", {}, el("h2", {}, t("buy.suggestions")),
      el("div.row", {}, field(t("buy.weeks"), weeks),
        el("button", { type: "button", id: "buy-look", onclick: look }, t("buy.look")),
        el("button.primary", { type: "button", id: "buy-make", onclick: make }, t("buy.make"))), sugg),
    el("section.card", {}, el("div.row.between", {}, el("h2", {}, t("buy.orders")), status), newForm, list),
    detail);
  await loadOrders();
  if (open) await openOrder(open);
}

// An order's status as a coloured pill, the same words as the filter.
function badge(status) {
  return el(`span.st.st-${status}`, {}, t("buy.st_" + status));
}

async function orderDetail(box, act, number, reload) {
  const r = await act(() => api("GET", "purchases/" + encodeURIComponent(number)));
  if (!r) return;
  const o = r.order, open = o.status === "draft" || o.status === "sent" || o.status === "partial";
  const again = async () => { await reload(); await orderDetail(box, act, number, reload); };
  const rows = r.lines.map((ln) => {
    const packs = input(`buy-packs-${ln.line}`, { inputmode: "numeric", value: ln.packs, size: 4 });
    const price = input(`buy-price-${ln.line}`, { inputmode: "decimal", value: ln.price, size: 7 });
    const code = ln.gtin || ln.sku;
    const save = async () => {
      const b = { order: o.number, product: code, price: price.value.trim() };
      b.packs = /^\d+$/.test(packs.value.trim()) ? Number(packs.value.trim()) : packs.value.trim();
      if (await act(() => api("POST", "purchases/lines", b), `${t("buy.saved")}: ${ln.name}`)) await again();
    };
    const drop = async () => {
      const q = `purchases/lines?order=${encodeURIComponent(o.number)}&product=${encodeURIComponent(code)}`;
      if (await act(() => api("DELETE", q), t("buy.removed"))) await again();
    };
    return el("tr", {}, el("td", {}, `${ln.name} ${code}`), el("td.num", {}, ln.pack_size),
      el("td", {}, open ? packs : ln.packs), el("td.num", {}, ln.units),
      el("td", {}, open ? price : ln.price), el("td.num", {}, ln.value), el("td.num", {}, `${ln.received} / ${ln.qty}`),
      el("td", {}, open ? el("span.row", {},
        el("button.small", { type: "button", id: `buy-save-${ln.line}`, onclick: save }, t("buy.save")),
        ln.received ? null : el("button.small", { type: "button", onclick: drop }, t("buy.remove"))) : ""));
  });
  const addProduct = input("buy-add-product", { placeholder: t("buy.product") });
  const addPacks = input("buy-add-packs", { inputmode: "numeric", placeholder: t("buy.packs"), size: 4 });
  const addForm = el("form.row", { id: "buy-add-form" }, addProduct, addPacks,
    el("button", { type: "submit", id: "buy-add" }, t("buy.add_line")));
  addForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const b = filled({ product: addProduct, packs: addPacks }, ["packs"]);
    b.order = o.number;
    if (await act(() => api("POST", "purchases/lines", b), t("buy.saved"))) await again();
  });
  const step = (what, done) => async () => {
    if (await act(() => api("POST", "purchases/" + what, { order: o.number }), done)) await again();
  };
  const pdf = el("a.button", { id: "buy-pdf", href: `/api/v1/purchases/pdf/${encodeURIComponent(o.number)}`, target: "_blank",
    rel: "noopener" }, t("buy.pdf"));
  box.replaceChildren(el("section.card", { id: "buy-order-card" },
    el("div.row.between", {}, el("h2", {}, `${o.number} · ${o.supplier_name} (${o.supplier}) `, badge(o.status)),
      el("strong", { id: "buy-order-total" }, `${o.total} ${o.currency}`)),
    table([t("buy.product"), t("buy.pack_size"), t("buy.packs"), t("buy.units"), t("buy.price"), t("buy.value"),
      t("buy.received"), ""], rows),
    o.status === "draft" || o.status === "sent" ? addForm : null,
    el("div.row", {}, pdf,
      o.status === "draft" ? el("button.primary", { type: "button", id: "buy-send", onclick: step("send", t("buy.sent")) },
        t("buy.send")) : null,
      o.status === "partial" ? el("button", { type: "button", id: "buy-close", onclick: step("close", t("buy.closed")) },
        t("buy.close")) : null,
      open ? el("button", { type: "button", id: "buy-cancel", onclick: step("cancel", t("buy.cancelled")) },
        t("buy.cancel")) : null)));
}

// ---- suppliers ------------------------------------------------------------------

async function suppliersView(box, act) {
  const list = el("div", { id: "buy-suppliers" });
  const items = el("div", { id: "buy-items" });
  const f = {
    code: input("sup-code", { required: true }), name_zh: input("sup-name-zh"), name_en: input("sup-name-en"),
    country: input("sup-country", { maxlength: 3, autocapitalize: "characters" }),
    currency: input("sup-currency", { maxlength: 3, autocapitalize: "characters" }),
    lead_days: input("sup-lead", { inputmode: "numeric" }), contact: input("sup-contact"),
  };
  const form = el("form.card.grid", { id: "sup-form" }, el("h2.span", {}, t("buy.add_supplier")),
    field(t("buy.supplier_code"), f.code), field(t("buy.name_zh"), f.name_zh), field(t("buy.name_en"), f.name_en),
    field(t("buy.country"), f.country), field(t("buy.currency"), f.currency), field(t("buy.lead_days"), f.lead_days),
    field(t("buy.contact"), f.contact), el("button.primary.span", { type: "submit", id: "sup-add" }, t("buy.add_supplier")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const b = filled(f, ["lead_days"]);
    if (await act(() => api("POST", "suppliers", b), `${t("buy.added")}: ${b.code}`)) { form.reset(); await load(); }
  });
  async function load() {
    const r = await act(() => api("GET", "suppliers"));
    if (!r) return;
    list.replaceChildren(el("section.card", {}, el("h2", {}, t("buy.tab_suppliers")),
      table([t("buy.supplier_code"), t("buy.name"), t("buy.country"), t("buy.currency"), t("buy.lead_days"),
        t("buy.items")], r.suppliers.map((s) => el("tr", {},
        el("td", {}, el("button.small", { type: "button", "data-supplier": s.code, onclick: () => openSupplier(s.code) },
          s.code)),
        el("td", {}, [s.name_zh, s.name_en].filter(Boolean).join(" / ")), el("td", {}, s.country),
        el("td", {}, s.currency), el("td.num", {}, s.lead_days), el("td.num", {}, s.items))))));
  }
  async function openSupplier(code) {
    const r = await act(() => api("GET", "suppliers/" + code.split("/").map(encodeURIComponent).join("/")));
    if (!r) return;
    const g = { product: input("item-product"), pack_size: input("item-pack", { inputmode: "numeric", size: 5 }),
      last_price: input("item-price", { inputmode: "decimal", size: 7 }), supplier_code: input("item-code", { size: 8 }) };
    const add = el("form.row", { id: "item-form" }, field(t("buy.product"), g.product), field(t("buy.pack_size"), g.pack_size),
      field(`${t("buy.last_price")} (${r.supplier.currency})`, g.last_price), field(t("buy.their_code"), g.supplier_code),
      el("button.primary", { type: "submit", id: "item-add" }, t("buy.set_item")));
    add.addEventListener("submit", async (e) => {
      e.preventDefault();
      const b = filled(g, ["pack_size"]);
      b.supplier = code;
      if (await act(() => api("POST", "supplier-items", b), t("buy.saved"))) { await load(); await openSupplier(code); }
    });
    items.replaceChildren(el("section.card", { id: "buy-supplier-card" },
      el("h2", {}, `${code} · ${[r.supplier.name_zh, r.supplier.name_en].filter(Boolean).join(" / ")}`),
      table([t("buy.product"), t("buy.their_code"), t("buy.pack_size"), t("buy.last_price")], r.items.map((i) =>
        el("tr", {}, el("td", {}, `${i.name} ${i.gtin || i.sku}`), el("td", {}, i.supplier_code),
          el("td.num", {}, i.pack_size), el("td.num", {}, i.last_price === null ? t("buy.no_price") : `${i.last_price} ${i.currency}`)))),
      add));
  }
  box.append(list, items, form);
  await load();
}

// ---- exchange rates and landed cost --------------------------------------------------

async function landedView(box, act) {
  const r = { currency: input("rate-currency", { maxlength: 3, autocapitalize: "characters" }),
    day: input("rate-day", { type: "date" }), rate: input("rate-rate", { inputmode: "decimal" }) };
  const rates = el("div", { id: "buy-rates" });
  const rform = el("form.card.grid", { id: "rate-form" }, el("h2.span", {}, t("buy.rates")),
    field(t("buy.currency"), r.currency), field(t("buy.rate_day"), r.day), field(t("buy.rate"), r.rate),
    el("button.primary.span", { type: "submit", id: "rate-add" }, t("buy.rate_add")));
  async function loadRates() {
    const x = await act(() => api("GET", "rates"));
    if (x) rates.replaceChildren(table([t("buy.currency"), t("buy.rate_day"), t("buy.rate")],
      x.rates.slice(-8).map((y) => el("tr", {}, el("td", {}, y.currency), el("td", {}, y.day), el("td.num", {}, y.rate)))));
  }
  rform.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (await act(() => api("POST", "rates", filled(r)), t("buy.saved"))) await loadRates();
  });
  const charges = ["duty", "import_vat", "consumption_tax", "freight", "insurance", "other"];
  const d = { number: input("decl-number", { inputmode: "numeric" }), date: input("decl-date", { type: "date" }) };
  for (const c of charges) d[c] = input("decl-" + c, { inputmode: "decimal", placeholder: "0.00" });
  const basis = el("select", { id: "decl-basis" }, ["value", "weight", "quantity"].map((b) =>
    el("option", { value: b }, t("buy.basis_" + b))));
  const lots = el("div", { id: "buy-landed" });
  const dform = el("form.card.grid", { id: "decl-form" }, el("h2.span", {}, t("buy.landed")),
    field(t("buy.declaration"), d.number), field(t("buy.decl_date"), d.date),
    charges.map((c) => field(t("buy.ch_" + c), d[c])), field(t("buy.basis"), basis),
    el("button.primary.span", { type: "submit", id: "decl-compute" }, t("buy.compute")));
  dform.addEventListener("submit", async (e) => {
    e.preventDefault();
    const b = filled(d);
    b.basis = basis.value;
    if (!(await act(() => api("POST", "declarations", b)))) return;
    const x = await act(() => api("POST", "landed", { declaration: b.number }), t("buy.computed"));
    if (!x) return;
    lots.replaceChildren(el("section.card", {}, el("h2", {}, `${t("buy.landed")} · ${b.number}`),
      table([t("buy.lot"), t("buy.product"), t("buy.qty"), t("buy.goods_foreign"), t("buy.rate"), t("buy.goods"),
        t("buy.charges"), t("buy.landed_total"), t("buy.unit")], x.lots.map((l) => el("tr", {},
        el("td", {}, l.lot), el("td", {}, `${l.name} ${l.gtin || l.sku}`), el("td.num", {}, l.qty),
        el("td.num", {}, `${l.goods_foreign} ${l.foreign_currency}`), el("td.num", {}, `${l.rate} (${l.rate_day})`),
        el("td.num", {}, l.goods), el("td.num", {}, chargeSum(l)), el("td.num", {}, l.landed),
        el("td.num", {}, l.unit))))));
  });
  box.append(el("div.two", {}, el("div", {}, rform, el("section.card", {}, rates)), dform), lots);
  await loadRates();
}

// The six charges of a lot, added as integers of minor units ("12.34" text).
function chargeSum(l) {
  let sum = 0n;
  for (const k of ["duty", "import_vat", "consumption_tax", "freight", "insurance", "other"]) {
    const [w, f = ""] = l[k].split(".");
    sum += BigInt(w + f.padEnd(2, "0").slice(0, 2));
  }
  const s = sum.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

// ---- receiving against an order (the stock clerk) ---------------------------------------

export async function buyReceivePage(view) {
  await loadCountries(); // an origin may be typed by name
  const msg = el("p.notice", { id: "po-msg", hidden: true, role: "alert" });
  const pick = el("select", { id: "po-order" });
  const lines = el("div", { id: "po-lines" });
  const inp = (id, attrs) => input("po-" + id, attrs);
  const f = { product: inp("product", { required: true }), qty: inp("qty", { inputmode: "numeric", required: true }),
    lot: inp("lot"), origin: inp("origin", { autocapitalize: "characters" }), declaration: inp("declaration"),
    expiry: inp("expiry", { type: "date" }), location: inp("location", { required: true }) };
  const over = el("input", { id: "po-over", type: "checkbox" });
  const form = el("form.card.grid", { id: "po-form" }, el("h2.span", {}, t("buy.receive_line")),
    field(t("buy.case_code"), f.product), field(t("receive.qty"), f.qty), field(t("receive.lot"), f.lot),
    field(t("receive.origin"), f.origin), field(t("receive.declaration"), f.declaration),
    field(t("receive.expiry"), f.expiry), field(t("receive.location"), f.location),
    el("label.span.row", {}, over, t("buy.over")), msg,
    el("button.primary.span", { type: "submit", id: "po-submit" }, t("receive.submit")));
  // The scanner's Enter after a case barcode moves on to the quantity.
  f.product.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); f.qty.focus(); } });
  async function loadOrders() {
    let r;
    try { r = await api("GET", "receiving"); } catch (e) { notice(msg, "bad", said(e)); return; }
    const keep = pick.value;
    pick.replaceChildren(el("option", { value: "" }, t("buy.pick_order")), ...r.orders.map((o) =>
      el("option", { value: o.number }, `${o.number} · ${o.supplier_name} · ${t("buy.st_" + o.status)}`)));
    if (r.orders.some((o) => o.number === keep)) pick.value = keep;
  }
  async function loadLines() {
    if (!pick.value) { lines.replaceChildren(); return; }
    let r;
    try { r = await api("GET", "receiving/" + encodeURIComponent(pick.value)); } catch (e) { notice(msg, "bad", said(e)); return; }
    lines.replaceChildren(table([t("buy.product"), t("buy.pack_size"), t("buy.qty"), t("buy.received"), t("buy.due")],
      r.lines.map((ln) => el("tr", { class: ln.received >= ln.qty ? "good" : null }, el("td", {}, `${ln.name} ${ln.gtin || ln.sku}`),
        el("td.num", {}, ln.pack_size), el("td.num", {}, ln.qty), el("td.num", {}, ln.received),
        el("td.num", {}, Math.max(0, ln.qty - ln.received))))));
  }
  pick.addEventListener("change", loadLines);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!pick.value) { notice(msg, "bad", t("buy.pick_order")); return pick.focus(); }
    if (!/^\d+$/.test(f.qty.value.trim())) { notice(msg, "bad", `${t("receive.bad_qty")}: ${f.qty.value}`); return f.qty.focus(); }
    const b = filled(f, ["qty"]);
    const origin = originCode(f.origin.value);
    if (origin === null) { notice(msg, "bad", `${t("receive.bad_origin")}: ${f.origin.value}`); return f.origin.focus(); }
    if (origin) b.origin = origin;
    b.order = pick.value;
    if (over.checked) b.over = true;
    try {
      await api("POST", "purchases/receive", b);
      notice(msg, "good", `${t("receive.done")}: ${b.product} × ${b.qty} (${b.order})`);
      for (const k of ["product", "qty", "lot", "expiry"]) f[k].value = "";
      over.checked = false;
      await loadOrders();
      await loadLines();
      f.product.focus();
    } catch (err) {
      notice(msg, "bad", said(err));
      const k = err.field && f[err.field];
      if (k) k.focus();
    }
  });
  view.append(el("section.card", {}, el("h1", {}, t("buy.receive_title")), field(t("buy.order"), pick), lines), form);
  await loadOrders();
}
