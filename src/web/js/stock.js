// 查库存: one search box (results as you type), a commodity's page with its
// lots by origin, location and expiry, and its history.
import { t, api, el, money, table, may, notice, said, store, localTime } from "./core.js";
import { loadCountries, originText, qtyText } from "./names.js";

function name(p) {
  return p.name_zh || p.name_en || p.gtin || p.sku || "";
}

async function scanWithCamera(into, onCode) {
  // The browser's barcode detector where there is one; a wedge scanner or
  // typing works everywhere else.
  const det = new window.BarcodeDetector();
  const video = el("video.camera", { playsinline: true, muted: true });
  into.append(video);
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  await video.play();
  const stop = () => { stream.getTracks().forEach((s) => s.stop()); video.remove(); };
  const look = async () => {
    if (!video.isConnected) return stop();
    const found = await det.detect(video).catch(() => []);
    if (found.length) { stop(); onCode(found[0].rawValue); } else requestAnimationFrame(look);
  };
  look();
}

function searchView(view) {
  const box = el("input.big", { id: "stock-q", type: "search", placeholder: t("stock.search"),
    autocomplete: "off", enterkeyhint: "search", "aria-label": t("stock.search") });
  const list = el("ul.results", { id: "stock-results" });
  const msg = el("p.notice", { hidden: true, role: "status" });
  const row = el("div.row", {}, box);
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    row.append(el("button", { type: "button", onclick: () =>
      scanWithCamera(view, (c) => { box.value = c; run(); }).catch((e) => notice(msg, "bad", said(e))) },
    t("stock.scan")));
  }
  let seq = 0, timer = null;
  async function run() {
    const q = box.value.trim();
    const mine = ++seq;
    if (!q) { list.replaceChildren(); notice(msg, "", ""); return; }
    try {
      const r = await api("GET", `products?q=${encodeURIComponent(q)}&limit=30`);
      if (mine !== seq) return; // a later keystroke's answer wins
      list.replaceChildren(...r.products.map((p) => el("li", {},
        el("a.result", { href: `#/stock/${encodeURIComponent(p.gtin || p.sku)}` },
          el("span.name", {}, name(p)),
          el("span.sub", {}, [p.name_zh && p.name_en ? p.name_en : "", p.brand, p.gtin || p.sku].filter(Boolean).join(" · ")),
          el("span.price", {}, money(p.price, p.currency)),
          p.origin ? el("span.tag", {}, originText(p.origin)) : null))));
      notice(msg, "", r.products.length ? "" : t("stock.none"));
    } catch (e) {
      if (mine === seq) notice(msg, "bad", said(e));
    }
  }
  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 120); });
  box.addEventListener("keydown", (e) => { if (e.key === "Enter") { clearTimeout(timer); run(); } });
  view.append(el("section.card", {}, row, el("p.muted", {}, t("stock.hint")), msg, list));
  box.focus();
}

async function productView(view, code) {
  const back = el("a.back", { href: "#/stock" }, "← " + t("stock.back"));
  let p;
  try {
    p = await api("GET", `products/${encodeURIComponent(code)}`);
  } catch (e) {
    view.append(back, el("p.notice.bad", {}, said(e)));
    return;
  }
  const key = encodeURIComponent(p.gtin || p.sku);
  const [byLot, byLoc] = await Promise.all([api("GET", `stock?by=lot&product=${key}`),
    api("GET", `stock?by=location&product=${key}`)]);
  const levels = byLot.levels;
  const places = byLoc.levels.filter((l) => l.qty !== 0);
  const onHand = levels.reduce((s, l) => s + l.qty, 0);
  const lots = levels.filter((l) => l.qty !== 0);
  const head = el("section.card.product", { id: "product" },
    el("h1", { id: "product-name" }, name(p)),
    p.name_en && p.name_zh ? el("p.sub", {}, p.name_en) : null,
    el("div.facts", {},
      el("div", {}, el("span.k", {}, t("stock.price")), el("span.v.money", { id: "product-price" }, money(p.price, p.currency))),
      el("div", {}, el("span.k", {}, t("stock.onhand")), el("span.v", { id: "product-onhand" }, qtyText(onHand, p.unit))),
      el("div", {}, el("span.k", {}, t("stock.origin")), el("span.v", { id: "product-origin" }, originText(p.origin) ||
        [...new Set(lots.map((l) => l.origin).filter(Boolean))].map(originText).join(" · ") || "—")),
      el("div", {}, el("span.k", {}, t("stock.brand")), el("span.v", {}, p.brand || "—"))),
    el("p.muted", {}, [p.gtin, p.sku].filter(Boolean).join(" · ")));
  const lotCards = lots.length ? el("ul.lots", { id: "product-lots" }, lots.map((l) => el("li", {},
    el("span.tag", {}, originText(l.origin) || "—"),
    el("span", {}, `${t("stock.lot")} ${l.lot || "—"}`),
    el("span", {}, `${t("stock.expiry")} ${l.expiry || "—"}`),
    el("strong", {}, qtyText(l.qty, p.unit)))))
    : el("p.muted", {}, t("stock.nolots"));
  const placeList = el("ul.lots", { id: "product-places" }, places.map((l) => el("li", {},
    el("span", {}, l.location || "—"), el("strong", {}, qtyText(l.qty, p.unit)))));
  view.append(back, head, el("div.two", {},
    el("section.card", {}, el("h2", {}, t("stock.lots")), lotCards),
    el("section.card", {}, el("h2", {}, t("stock.location")), places.length ? placeList : el("p.muted", {}, t("stock.nolots")))));
  if (may("read") || may("stock")) {
    const [h, shop] = await Promise.all([api("GET", `stock/history/${encodeURIComponent(p.gtin || p.sku)}`), store()]);
    // Four columns, the kind and who under the time, the location under the
    // lot, each figure with its unit: seven scrolled sideways at 390 px.
    const sub = (text) => (text ? el("span.sub", {}, text) : null);
    view.append(el("section.card", { id: "product-history" }, el("h2", {}, t("stock.history")),
      table([t("stock.when"), t("stock.lot"), t("stock.qty"), t("stock.balance")],
        h.moves.slice(-50).reverse().map((m) => el("tr", {},
          el("td.item", {}, el("span.name", {}, localTime(m.at, shop.time_zone)),
            sub([m.kind, m.user].filter(Boolean).join(" · "))),
          el("td.item", {}, el("span.name", {}, m.lot || "—"), sub(m.location)),
          el("td.num", {}, qtyText(m.qty, p.unit)), el("td.num", {}, qtyText(m.balance, p.unit)))))));
  }
}

export async function stockPage(view, parts) {
  await loadCountries();
  if (parts[0]) return productView(view, parts[0]);
  searchView(view);
}
