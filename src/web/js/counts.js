// 盘点 counts on a handheld: start a count for a location, scan and enter
// the counted quantities (Enter records the line), see the differences, post.
import { t, api, el, field, table, notice, said, store, localTime } from "./core.js";
import { qtyText, unitWord } from "./names.js";

async function listView(view) {
  const msg = el("p.notice", { id: "counts-msg", hidden: true, role: "alert" });
  const loc = el("input", { id: "count-location", autocomplete: "off", required: true, autocapitalize: "characters" });
  const form = el("form.card.row", { id: "count-form" }, field(t("stock.location"), loc),
    el("button.primary", { type: "submit", id: "count-start" }, t("counts.start")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const r = await api("POST", "counts", { location: loc.value.trim() });
      location.hash = `#/counts/${encodeURIComponent(r.id)}`;
    } catch (err) {
      notice(msg, "bad", said(err));
    }
  });
  const [open, shop] = await Promise.all([api("GET", "counts").then((r) => r.counts), store()]);
  view.append(el("h1", {}, t("nav.counts")), form, msg, el("section.card", {}, el("h2", {}, t("counts.open")),
    open.length ? el("ul.results", { id: "counts-open" }, open.map((c) => el("li", {},
      el("a.result", { href: `#/counts/${encodeURIComponent(c.id)}` },
        el("span.name", {}, `${t("stock.location")} ${c.location}`),
        el("span.price", {}, `${c.counted} / ${c.lines}`),
        el("span.sub", {}, `${localTime(c.started_at, shop.time_zone)} · ${c.user || ""}`)))))
      : el("p.muted", {}, t("reports.none"))));
  loc.focus();
}

async function countView(view, id) {
  const msg = el("p.notice", { id: "count-msg", hidden: true, role: "alert" });
  const scan = el("input.big", { id: "count-scan", autocomplete: "off", placeholder: t("counter.scan"), "aria-label": t("counter.scan") });
  const body = el("div", { id: "count-lines" });
  const post = el("button.primary.wide", { type: "button", id: "count-post" }, t("counts.post"));
  let lines = [], force = false;

  async function load(focusGtin, focusLot) {
    lines = (await api("GET", `counts/${encodeURIComponent(id)}`)).lines;
    // Four columns, the lot under the name: five scrolled sideways at 390 px, the difference out of sight.
    body.replaceChildren(table([t("counter.item"), t("counts.expected"), t("counts.counted"), t("counts.diff")],
      lines.map((l, i) => {
        // every figure with its unit: a weighed cheese is counted in grams, not kg
        const inp = el("input.qtyin", { value: l.counted ?? "", inputmode: "numeric", "data-i": i, placeholder: unitWord(l.unit),
          "aria-label": `${t("counts.counted")} (${unitWord(l.unit)}) ${l.name || l.gtin}` });
        inp.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); record(i, inp.value); } });
        return el(`tr${l.counted !== null && l.difference !== 0 ? ".bad" : ""}`, { "data-gtin": l.gtin, "data-lot": l.lot || "" },
          el("td.item", {}, el("span.name", {}, l.name || l.gtin),
            l.lot ? el("span.sub", {}, `${t("stock.lot")} ${l.lot}`) : null),
          el("td.num", {}, qtyText(l.expected, l.unit)),
          el("td", {}, inp),
          el("td.num", {}, l.counted === null ? "" : qtyText((l.difference > 0 ? "+" : "") + l.difference, l.unit)));
      })));
    if (focusGtin !== undefined) {
      const i = lines.findIndex((l) => l.gtin === focusGtin && (l.lot || "") === (focusLot || ""));
      const next = body.querySelector(`input[data-i="${i + 1}"]`);
      (next || scan).focus();
    }
  }
  async function record(i, value) {
    const l = lines[i];
    if (!/^\d+$/.test(value.trim())) { notice(msg, "bad", `${t("receive.bad_qty")}: ${value}`); return; }
    try {
      const b = { product: l.gtin, counted: Number(value) };
      if (l.lot) b.lot = l.lot;
      await api("POST", `counts/record/${encodeURIComponent(id)}`, b);
      notice(msg, "good", `${l.name || l.gtin}: ${qtyText(value.trim(), l.unit)}`);
      await load(l.gtin, l.lot);
    } catch (e) {
      notice(msg, "bad", said(e));
    }
  }
  // A scanned code puts the cursor on its line's counted quantity.
  scan.addEventListener("keydown", async (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const code = scan.value.trim();
    scan.value = "";
    try {
      const s = await api("GET", `scan?code=${encodeURIComponent(code)}`);
      const i = lines.findIndex((l) => l.gtin === s.commodity.code && (!s.lot || l.lot === s.lot));
      if (i < 0) throw new Error(`${s.commodity.name}: ${t("counts.not_here")}`);
      const inp = body.querySelector(`input[data-i="${i}"]`);
      inp.focus();
      inp.select();
    } catch (err) {
      notice(msg, "bad", said(err));
    }
  });
  post.addEventListener("click", async () => {
    try {
      await api("POST", `counts/post/${encodeURIComponent(id)}`, force ? { force: true } : {});
      notice(msg, "good", t("counts.posted"));
      post.disabled = true;
    } catch (e) {
      notice(msg, "bad", said(e));
      if (e.status === 409 && !force) { force = true; post.textContent = t("counts.force"); }
    }
  });
  view.append(el("a.back", { href: "#/counts" }, "← " + t("stock.back")),
    el("section.card", {}, el("h1", {}, t("nav.counts")), scan, msg, body, post));
  await load();
  scan.focus();
}

export async function countsPage(view, parts) {
  if (parts[0]) return countView(view, parts[0]);
  return listView(view);
}
