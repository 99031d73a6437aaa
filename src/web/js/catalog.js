// 商品: the manager's catalogue (right "catalog"): search, add, edit, retire
// and bring back a commodity, change its price and see the price history,
// CSV export and import through the API. The server decides every right.
import { state, t, api, el, field, table, notice, money, parseMoney, moneyRefusal, storeCurrency, ApiError, said, store,
  localTime } from "./core.js";
import { loadCountries, countryOptions, originText, unitWord } from "./names.js";

const UNITS = ["pcs", "g", "ml"];
const TEXTS = ["name_zh", "name_en", "brand", "sku", "hs_code", "importer"];
// What the back label (GB 7718) and the shelf life need: texts as the API
// takes them ("500 g" for the net content), and amounts as whole numbers of
// their smallest step (scale: decimals typed), which the API gives back.
const LABEL_TEXTS = ["net_content", "storage", "ingredients", "allergens"];
const LABEL_NUMS = [["shelf_life_days", 0], ["abv_hundredths", 2], ["energy_kj", 0], ["protein_dg", 1], ["fat_dg", 1],
  ["carbohydrate_dg", 1], ["sodium_mg", 0]];
const LABEL_WORDS = { net_content: "catalog.net_content", storage: "catalog.storage", ingredients: "catalog.ingredients",
  allergens: "catalog.allergens", shelf_life_days: "catalog.shelf_life", abv_hundredths: "catalog.abv",
  energy_kj: "catalog.energy", protein_dg: "catalog.protein", fat_dg: "catalog.fat", carbohydrate_dg: "catalog.carb",
  sodium_mg: "catalog.sodium", food_kind: "catalog.food_kind" };

// "12.5" with scale 1 -> 125 (no floats); null when not such a number.
function parseScaled(text, scale) {
  const m = new RegExp(`^\\s*(\\d{1,9})(?:[.,](\\d{1,${Math.max(scale, 1)}}))?\\s*$`).exec(text);
  if (!m || (scale === 0 && m[2] !== undefined)) return null;
  return Number(m[1]) * 10 ** scale + Number((m[2] || "").padEnd(scale, "0") || "0");
}
function scaledText(v, scale) {
  if (v === null || v === undefined) return "";
  if (!scale) return String(v);
  const d = 10 ** scale;
  return `${Math.floor(v / d)}.${String(v % d).padStart(scale, "0")}`.replace(/\.?0+$/, "");
}

function label(p) {
  return p.name_zh || p.name_en || p.gtin || p.sku || "";
}
function codeOf(p) {
  return p.gtin || p.sku;
}

// "13" or "9.5" (percent) -> basis points; null when not a rate from 0 to
// 100 with a decimal point (a comma is refused, as the CLI refuses it).
function parseRate(text) {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(text);
  const bp = m ? Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0")) : null;
  return bp !== null && bp <= 10000 ? bp : null;
}
function rateText(bp) {
  return bp % 100 ? `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, "0").replace(/0$/, "")}` : String(bp / 100);
}

function originSelect(id, value) {
  const opts = countryOptions().map((c) => el("option", { value: c.code, selected: c.code === value },
    `${state.lang === "zh" ? c.name_zh : c.name_en} ${c.code}`));
  return el("select", { id }, el("option", { value: "" }, "—"), opts);
}

async function postCsv(text, update) {
  const r = await fetch(`/api/v1/catalog/import${update ? "?update=1" : ""}`, {
    method: "POST", credentials: "same-origin", body: text,
    headers: { "Content-Type": "text/csv; charset=utf-8", "X-CSRF-Token": state.csrf || "" },
  });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

async function exportCsv() {
  const r = await fetch("/api/v1/catalog/export", { credentials: "same-origin" });
  if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
  const url = URL.createObjectURL(await r.blob());
  const a = el("a", { href: url, download: "catalogue.csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function listCard(msg) {
  const box = el("input.big", { id: "cat-q", type: "search", placeholder: t("stock.search"), autocomplete: "off",
    "aria-label": t("stock.search") });
  const list = el("div", { id: "cat-list" });
  let seq = 0, timer = null;
  async function run() {
    const mine = ++seq;
    const q = box.value.trim();
    try {
      const r = await api("GET", `products?limit=50${q ? "&q=" + encodeURIComponent(q) : ""}`);
      if (mine !== seq) return;
      list.replaceChildren(r.products.length ? el("ul.results", {}, r.products.map((p) => el("li", {},
        el("a.result", { href: `#/catalog/${encodeURIComponent(codeOf(p))}` },
          el("span.name", {}, label(p)),
          el("span.sub", {}, [p.name_zh && p.name_en ? p.name_en : "", p.brand, codeOf(p)].filter(Boolean).join(" · ")),
          el("span.price", {}, money(p.price, p.currency)),
          p.origin ? el("span.tag", {}, originText(p.origin)) : null))))
        : el("p.muted", {}, t("stock.none")));
    } catch (e) {
      if (mine === seq) notice(msg, "bad", said(e));
    }
  }
  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 150); });
  // the file picker in the page's words (the browser's own button speaks its own language)
  const file = el("input", { id: "cat-csv-file", type: "file", accept: ".csv,text/csv" });
  const fileName = el("span.muted", { id: "cat-csv-name" }, t("catalog.no_file"));
  file.addEventListener("change", () => {
    fileName.textContent = file.files.length ? file.files[0].name : t("catalog.no_file");
  });
  const pick = el("label.button.filepick", { for: "cat-csv-file" }, t("catalog.choose_file"), file);
  const update = el("input", { id: "cat-csv-update", type: "checkbox" });
  const imp = el("form.card", { id: "cat-import" }, el("h2", {}, t("catalog.csv")),
    el("div.row", {},
      el("button", { type: "button", id: "cat-export", onclick: () => exportCsv().catch((e) => notice(msg, "bad", said(e))) },
        t("catalog.export")),
      el("label.check", {}, update, t("catalog.update")), pick, fileName,
      el("button", { type: "submit", id: "cat-import-go" }, t("catalog.import"))),
    el("p.muted", {}, t("catalog.csv_hint")));
  imp.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!file.files.length) return file.focus();
    try {
      const r = await postCsv(await file.files[0].text(), update.checked);
      notice(msg, "good", `${t("catalog.imported")}: ${r.imported}`);
      run();
    } catch (err) {
      notice(msg, "bad", said(err));
    }
  });
  run();
  return [el("section.card", {}, el("div.row.between", {}, el("h1", {}, t("catalog.title")),
    el("a.button", { href: "#/catalog/+", id: "cat-new" }, t("catalog.add"))), el("div.row", {}, box), list), imp];
}

// The fields of the form, filled from p (a commodity) or empty for a new one.
function fieldsOf(p, isNew) {
  const inp = (k, attrs) => el("input", { id: "cat-" + k, autocomplete: "off", value: p ? p[k] ?? "" : "", ...attrs });
  const f = {};
  if (isNew) f.gtin = inp("gtin", { inputmode: "numeric" });
  for (const k of TEXTS) f[k] = inp(k);
  f.origin = originSelect("cat-origin", p ? p.origin : "");
  f.unit = el("select", { id: "cat-unit" }, UNITS.map((u) => el("option", { value: u, selected: p && p.unit === u }, unitWord(u))));
  f.tax = el("input", { id: "cat-tax", inputmode: "decimal", value: p ? rateText(p.tax_rate_bp) : "13" });
  f.reorder_point = el("input", { id: "cat-reorder", inputmode: "numeric", value: p ? p.reorder_point : "0" });
  if (isNew) f.price = el("input", { id: "cat-price", inputmode: "decimal" });
  for (const k of LABEL_TEXTS) f[k] = inp(k);
  for (const [k, scale] of LABEL_NUMS)
    f[k] = el("input", { id: "cat-" + k, autocomplete: "off", inputmode: scale ? "decimal" : "numeric",
      value: p ? scaledText(p[k], scale) : "" });
  f.food_kind = el("select", { id: "cat-food_kind" }, ["", "food", "alcohol"].map((v) =>
    el("option", { value: v, selected: (p ? p.food_kind || "" : "") === v }, v ? t("catalog.food_kind_" + v) : "—")));
  return f;
}

// The body of an add (every field given) or an edit (only what changed;
// a cleared text is null, which clears it).
function bodyOf(f, p, msg) {
  const b = {};
  const put = (k, v) => { if (!p || (p[k] ?? "") !== (v ?? "")) b[k] = v === "" ? (p ? null : undefined) : v; };
  if (f.gtin && f.gtin.value.trim()) b.gtin = f.gtin.value.trim();
  for (const k of TEXTS) put(k, f[k].value.trim());
  put("origin", f.origin.value);
  put("unit", f.unit.value);
  const tax = parseRate(f.tax.value);
  if (tax === null) { // in the CLI's words
    notice(msg, "bad", `${t("catalog.tax")}: ${t("catalog.bad_tax").replace("{text}", f.tax.value.trim())}`);
    f.tax.focus();
    return null;
  }
  if (!p || tax !== p.tax_rate_bp) b.tax_rate_bp = tax;
  if (!/^\s*\d{1,12}\s*$/.test(f.reorder_point.value)) {
    notice(msg, "bad", `${t("catalog.reorder")}: ${f.reorder_point.value}`); f.reorder_point.focus(); return null;
  }
  const rp = Number(f.reorder_point.value.trim());
  if (!p || rp !== p.reorder_point) b.reorder_point = rp;
  for (const k of LABEL_TEXTS) put(k, f[k].value.trim());
  put("food_kind", f.food_kind.value);
  for (const [k, scale] of LABEL_NUMS) {
    const txt = f[k].value.trim();
    const v = txt ? parseScaled(txt, scale) : null;
    if (txt && v === null) { notice(msg, "bad", `${t(LABEL_WORDS[k])}: ${txt}`); f[k].focus(); return null; }
    if (p ? (p[k] ?? null) !== v : v !== null) b[k] = v === null ? (p ? null : undefined) : v;
  }
  if (f.price && f.price.value.trim()) { // a new commodity is priced in the store's currency
    const c = parseMoney(f.price.value, storeCurrency());
    if (c.error) { notice(msg, "bad", moneyRefusal(t("stock.price"), c.error)); f.price.focus(); return null; }
    b.price = c.value;
  }
  for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
  return b;
}

function formCard(f, p, onSave) {
  const pairs = [
    ["gtin", t("catalog.gtin")], ["name_zh", t("catalog.name_zh")], ["name_en", t("catalog.name_en")],
    ["brand", t("stock.brand")], ["origin", t("stock.origin")], ["unit", t("catalog.unit")],
    ["price", `${t("stock.price")} (${storeCurrency()})`], ["tax", t("catalog.tax")], ["reorder_point", t("catalog.reorder")],
    ["sku", t("catalog.sku")], ["hs_code", t("catalog.hs")], ["importer", t("catalog.importer")],
  ].filter(([k]) => f[k]);
  const back = ["net_content", "storage", "shelf_life_days", "food_kind", "ingredients", "allergens", "abv_hundredths",
    "energy_kj", "protein_dg", "fat_dg", "carbohydrate_dg", "sodium_mg"];
  const form = el("form.card.grid", { id: "cat-form" },
    el("h2.span", {}, p ? `${t("catalog.edit")} · ${label(p)}` : t("catalog.add")),
    pairs.map(([k, words]) => field(words, f[k])),
    el("h3.span", { id: "cat-back-label" }, t("catalog.back_label")),
    back.map((k) => field(t(LABEL_WORDS[k]), f[k])),
    el("button.primary.span", { type: "submit", id: "cat-save" }, p ? t("catalog.save") : t("catalog.add")));
  form.addEventListener("submit", (e) => { e.preventDefault(); onSave(); });
  return form;
}

async function newView(view, msg) {
  const f = fieldsOf(null, true);
  const form = formCard(f, null, async () => {
    const b = bodyOf(f, null, msg);
    if (!b) return;
    try {
      const r = await api("POST", "products", b);
      location.hash = `#/catalog/${encodeURIComponent(r.gtin || r.sku)}`;
    } catch (e) {
      notice(msg, "bad", said(e));
      if (e.field && f[e.field]) f[e.field].focus();
    }
  });
  view.append(el("a.back", { href: "#/catalog" }, "← " + t("catalog.title")), msg, form);
  f.gtin.focus();
}

async function editView(view, code, msg) {
  let p;
  try {
    p = await api("GET", `products/${encodeURIComponent(code)}`);
  } catch (e) {
    view.append(el("a.back", { href: "#/catalog" }, "← " + t("catalog.title")), el("p.notice.bad", {}, said(e)));
    return;
  }
  const shop = await store(); // its zone: the history's times as the store's clock shows them
  const key = encodeURIComponent(codeOf(p));
  const f = fieldsOf(p, false);
  const form = formCard(f, p, async () => {
    const b = bodyOf(f, p, msg);
    if (!b) return;
    if (!Object.keys(b).length) return notice(msg, "good", t("catalog.unchanged"));
    try {
      await api("PATCH", `products/${key}`, b);
      notice(msg, "good", t("catalog.saved"));
      p = await api("GET", `products/${key}`);
    } catch (e) {
      notice(msg, "bad", said(e));
      if (e.field && f[e.field]) f[e.field].focus();
    }
  });

  // the price: its own change, then the history of who changed it
  const now = el("strong.money", { id: "cat-price-now" }, money(p.price, p.currency));
  const newPrice = el("input", { id: "cat-new-price", inputmode: "decimal", autocomplete: "off", placeholder: p.currency,
    "aria-label": `${t("stock.price")} (${p.currency})` });
  const hist = el("div", { id: "cat-price-history" });
  async function loadHistory() {
    const h = await api("GET", `products/history/${key}?field=price`);
    hist.replaceChildren(h.changes.length ? table([t("stock.when"), t("catalog.old"), t("catalog.new"), t("stock.user")],
      h.changes.slice().reverse().map((c) => el("tr", {}, el("td", {}, localTime(c.at, shop.time_zone)),
        el("td.num", {}, c.old ?? "—"), el("td.num", {}, c.new ?? "—"), el("td", {}, c.user || ""))))
      : el("p.muted", {}, t("reports.none")));
  }
  // the price's own messages beside its field: on a phone the page's are a
  // screen above it, out of sight of the clerk typing the price
  const pmsg = el("p.notice", { id: "cat-price-msg", hidden: true, role: "alert" });
  const priceForm = el("form.card", { id: "cat-price-form" }, el("h2", {}, t("catalog.price_change")),
    el("p", {}, t("catalog.price_now"), " ", now),
    el("div.row", {}, newPrice, el("button.primary", { type: "submit", id: "cat-price-save" }, t("catalog.price_set"))), pmsg,
    el("p.muted", {}, t("catalog.price_hint")),
    el("h2", {}, t("catalog.history")), hist);
  priceForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const read = parseMoney(newPrice.value, p.currency), c = read.value;
    if (read.error) {
      notice(pmsg, "bad", moneyRefusal(t("stock.price"), read.error));
      newPrice.focus();
      pmsg.scrollIntoView({ block: "nearest" });
      return;
    }
    if (c === p.price) return notice(pmsg, "good", t("catalog.unchanged"));
    if (!window.confirm(`${label(p)}: ${money(p.price, p.currency)} → ${money(c, p.currency)}`)) return;
    try {
      await api("PATCH", `products/${key}`, { price: c });
      p = await api("GET", `products/${key}`);
      now.textContent = money(p.price, p.currency);
      newPrice.value = "";
      notice(pmsg, "good", `${t("catalog.price_changed")}: ${money(p.price, p.currency)} · ${t("catalog.queued")}`);
      await loadHistory();
    } catch (err) {
      notice(pmsg, "bad", said(err));
    }
  });

  const state_ = el("p", { id: "cat-state" });
  const retire = el("button.danger", { type: "button", id: "cat-retire" });
  function drawState() {
    state_.textContent = p.retired ? t("catalog.retired") : t("catalog.active");
    retire.textContent = p.retired ? t("catalog.unretire") : t("catalog.retire");
    retire.className = p.retired ? "" : "danger";
  }
  retire.addEventListener("click", async () => {
    if (!p.retired && !window.confirm(`${t("catalog.retire")}: ${label(p)}?`)) return;
    try {
      if (p.retired) await api("PATCH", `products/${key}`, { retired: false });
      else await api("DELETE", `products/${key}`);
      p = await api("GET", `products/${key}`);
      notice(msg, "good", p.retired ? t("catalog.retired") : t("catalog.active"));
      drawState();
    } catch (e) {
      notice(msg, "bad", said(e));
    }
  });
  drawState();
  view.append(el("a.back", { href: "#/catalog" }, "← " + t("catalog.title")), msg,
    el("div.two", {}, form, el("div", {}, priceForm,
      el("section.card", {}, el("h2", {}, t("catalog.state")), state_, retire,
        el("p", {}, el("a", { href: `#/stock/${key}` }, t("catalog.to_stock")))))));
  await loadHistory();
}

export async function catalogPage(view, parts) {
  const msg = el("p.notice", { id: "cat-msg", hidden: true, role: "alert" });
  await loadCountries();
  if (parts[0] === "+") return newView(view, msg);
  if (parts[0]) return editView(view, parts[0], msg);
  view.append(msg, ...listCard(msg));
}
