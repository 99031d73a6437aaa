// 标签: the reprint queue (what changed price, name or a shelf's origins),
// a template, sheet and printer, a preview image of a label, printing to a
// CUPS printer through the server, marking the queue done; labels chosen by
// codes, origin, location, supplier, brand, declaration or the queue, printed
// or downloaded as a PDF; after receiving, the delivery's shelf and back labels.
import { t, api, el, field, notice, ApiError, said, state, store, localTime } from "./core.js";
import { loadCountries, reasonText, countryOptions } from "./names.js";

let received = []; // {code, lot} of the last delivery, from the receiving page

// The receiving page hands over what was received and opens this page.
export function offerLabels(items) {
  received = items.slice();
  location.hash = "#/labels/received";
}

function remembered(key, fallback) {
  try { return localStorage.getItem(key) || fallback; } catch (e) { return fallback; }
}
function remember(key, value) {
  try { localStorage.setItem(key, value); } catch (e) { /* private mode */ }
}

// The preview as a data: URL (the page's CSP allows img-src 'self' data:),
// so that a refused label shows the server's reason instead of a broken image.
async function previewUrl(q) {
  const r = await fetch("/api/v1/labels/preview?" + new URLSearchParams(q), { credentials: "same-origin" });
  if (!r.ok) {
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    throw new ApiError(r.status, body);
  }
  const blob = await r.blob();
  return new Promise((ok, bad) => {
    const fr = new FileReader();
    fr.onload = () => ok(fr.result);
    fr.onerror = () => bad(new ApiError(0, null));
    fr.readAsDataURL(blob);
  });
}

function select(id, names, chosen) {
  return el("select", { id }, names.map((n) => el("option", { value: n, selected: n === chosen }, n)));
}

function printedText(r) {
  return r.labels ? `${t("labels.printed")}: ${r.labels} · ${r.printer || ""} ${r.request || ""}`.trim()
    : t("labels.nothing");
}

export async function labelsPage(view, parts) {
  const msg = el("p.notice", { id: "labels-msg", hidden: true, role: "status" });
  const img = el("img.preview", { id: "label-preview", alt: "", hidden: true });
  const pcap = el("p.muted", { id: "label-preview-what" }, t("labels.preview_hint"));
  let lists;
  try {
    [lists] = await Promise.all([api("GET", "labels/templates"), loadCountries()]);
  } catch (e) {
    view.append(el("p.notice.bad", {}, said(e)));
    return;
  }
  const tnames = lists.templates.map((x) => x.name);
  const snames = lists.sheets.map((x) => x.name);
  const tpl = select("label-template", tnames, remembered("ent.label.template", tnames.includes("shelf-60x40") ? "shelf-60x40" : tnames[0]));
  const sheet = select("label-sheet", snames, remembered("ent.label.sheet", snames.includes("roll") ? "roll" : snames[0]));
  const printer = el("input", { id: "label-printer", autocomplete: "off", autocapitalize: "off", value: remembered("ent.label.printer", "") });
  // PDF for office printers and sheets, ZPL for label printers (Zebra...)
  const fmt = el("select", { id: "label-format" }, ["pdf", "zpl"].map((f) =>
    el("option", { value: f, selected: f === remembered("ent.label.format", "pdf") }, t("labels.format_" + f))));
  fmt.addEventListener("change", () => remember("ent.label.format", fmt.value));
  tpl.addEventListener("change", () => remember("ent.label.template", tpl.value));
  sheet.addEventListener("change", () => remember("ent.label.sheet", sheet.value));
  printer.addEventListener("change", () => remember("ent.label.printer", printer.value.trim()));

  function settings(template) {
    const b = { template: template || tpl.value, printer: printer.value.trim(), format: fmt.value };
    if (sheet.value && sheet.value !== "roll" && fmt.value !== "zpl") b.sheet = sheet.value;
    return b;
  }
  function needPrinter() {
    if (printer.value.trim()) return false;
    notice(msg, "bad", t("labels.no_printer"));
    printer.focus();
    return true;
  }
  // code: one code (lot: its lot), or an object naming a selection as a
  // print does ({origin: "IT"}, {queue: "1"}...): the server renders its first label
  async function preview(code, lot, template, what) {
    const q = { template: template || tpl.value, format: "png", dpi: "150" };
    if (typeof code === "string") q.code = code; else Object.assign(q, code);
    if (lot) q.lot = lot;
    try {
      img.src = await previewUrl(q);
      img.hidden = false;
      img.alt = `${t("labels.preview")} ${what}`;
      pcap.textContent = `${q.template} · ${what}`;
      notice(msg, "", "");
      img.scrollIntoView({ block: "nearest" });
    } catch (e) {
      img.hidden = true;
      notice(msg, "bad", `${what}: ${said(e)}`);
    }
  }
  async function act(fn) {
    try {
      const r = await fn();
      notice(msg, "good", printedText(r || {}));
      return r;
    } catch (e) {
      notice(msg, "bad", said(e));
      return null;
    }
  }

  // the reprint queue, a page at a time: a fresh demo's 637 entries made a
  // page too long to use on a phone; "show more" asks for the next page
  const QUEUE_PAGE = 50;
  const queueBox = el("div", { id: "label-queue" });
  const queueRows = el("tbody");
  const more = el("button", { type: "button", id: "label-queue-more", hidden: true, onclick: () => loadQueue(true) });
  let upto = 0, shown = 0, total = 0, shop = null;
  const qName = (e) => e.name_zh || e.name_en || e.code;
  // four columns that fit a 390-px phone: the code under the name, the shelf under the reason
  const queueRow = (e) => el("tr", { "data-code": e.code },
    el("td.item", {}, el("span.name", {}, qName(e)), el("span.sub.mono", {}, e.code)),
    el("td.item", {}, el("span.name", {}, reasonText(e.reason)),
      // "new origin Italy IT → S1" names its shelf already
      reasonText(e.reason).endsWith(`→ ${e.location}`) ? null : el("span.sub", {}, e.location || t("labels.every_shelf"))),
    el("td", {}, localTime(e.queued_at, shop.time_zone)),
    el("td", {}, el("button.small", { type: "button", onclick: () => preview(e.code, null, null, qName(e)) },
      t("labels.preview"))));
  async function loadQueue(next) {
    const offset = next ? shown : 0;
    const [r, s] = await Promise.all([api("GET", `labels/queue?limit=${QUEUE_PAGE}&offset=${offset}`), store()]);
    shop = s;
    if (!next) queueRows.replaceChildren();
    queueRows.append(...r.queue.map(queueRow));
    shown = offset + r.queue.length;
    total = r.total;
    upto = r.upto; // the whole queue as the server counted it: "mark done" drops all of it
    const heads = [`${t("labels.item")} · ${t("labels.code")}`, `${t("labels.reason")} · ${t("stock.location")}`,
      t("stock.when"), ""];
    if (!next) {
      queueBox.replaceChildren(total ? el("div.scroll", {}, el("table", {}, el("thead", {}, el("tr", {},
        heads.map((h) => el("th", {}, h)))), queueRows)) : el("p.muted", { id: "label-queue-empty" }, t("labels.queue_empty")),
      el("p.row.between.muted", { id: "label-queue-shown" }), more);
    }
    queueBox.querySelector("#label-queue-shown").textContent = total ? fmtVars(t("labels.queue_shown"), { shown, total }) : "";
    more.hidden = shown >= total;
    more.textContent = fmtVars(t("labels.queue_more"), { n: Math.min(QUEUE_PAGE, total - shown) });
    qPrint.disabled = qDone.disabled = total === 0;
    qCount.textContent = String(total);
  }
  const fmtVars = (text, v) => text.replace(/\{(\w+)\}/g, (m, k) => (k in v ? String(v[k]) : m));
  const qCount = el("span.tag", { id: "label-queue-count" }, "0");
  const qPrint = el("button.primary", { type: "button", id: "label-queue-print", onclick: async () => {
    if (needPrinter()) return;
    if (await act(() => api("POST", "labels/queue/print", settings()))) await loadQueue();
  } }, t("labels.print_queue"));
  const qDone = el("button", { type: "button", id: "label-queue-done", onclick: async () => {
    if (!window.confirm(fmtVars(t("labels.done_confirm"), { total }))) return;
    try {
      const r = await api("DELETE", `labels/queue?upto=${upto}`);
      notice(msg, "good", `${t("labels.marked_done")}: ${r.cleared}`);
      await loadQueue();
    } catch (e) { notice(msg, "bad", said(e)); }
  } }, t("labels.mark_done"));

  // what to print: codes (one a line: GTIN, SKU or barcode), or the lots on
  // hand of one origin, location, supplier, brand or declaration, or the queue
  const codes = el("textarea", { id: "label-codes", rows: 3, autocomplete: "off", spellcheck: "false" });
  const lot = el("input", { id: "label-lot", autocomplete: "off" });
  const codeList = () => codes.value.split(/[\s,;]+/).map((c) => c.trim()).filter(Boolean);
  const byName = (a, b) => a.localeCompare(b, state.lang === "zh" ? "zh-Hans-u-co-pinyin" : "en");
  const cname = (c) => (state.lang === "zh" ? c.name_zh : c.name_en) || c.code;
  const origin = el("select", { id: "label-origin" }, countryOptions().sort((a, b) => byName(cname(a), cname(b)))
    .map((c) => el("option", { value: c.code }, `${cname(c)} ${c.code}`)));
  const text = (id, max, extra) => el("input", { id, autocomplete: "off", maxlength: max, ...extra });
  // several at once: the lots on hand narrowed by each one filled in (the server combines them)
  const combo = {
    origin: el("select", { id: "label-c-origin" }, el("option", { value: "" }, "—"),
      countryOptions().sort((a, b) => byName(cname(a), cname(b))).map((c) => el("option", { value: c.code }, `${cname(c)} ${c.code}`))),
    location: text("label-c-location", 64),
    supplier: text("label-c-supplier", 200),
    brand: text("label-c-brand", 200),
    declaration: text("label-c-declaration", 18, { inputmode: "numeric", pattern: "[0-9]{18}" }),
  };
  const inputs = {
    codes: el("div", {}, field(t("labels.codes"), codes), field(t("labels.lot_opt"), lot)),
    origin: field(t("labels.by_origin"), origin),
    location: field(t("labels.by_location"), text("label-location", 64)),
    supplier: field(t("labels.by_supplier"), text("label-supplier", 200)),
    brand: field(t("labels.by_brand"), text("label-brand", 200)),
    declaration: field(t("labels.by_declaration"), text("label-declaration", 18, { inputmode: "numeric", pattern: "[0-9]{18}" })),
    combine: el("div.grid", { id: "label-combine" }, field(t("labels.by_origin"), combo.origin),
      field(t("labels.by_location"), combo.location), field(t("labels.by_supplier"), combo.supplier),
      field(t("labels.by_brand"), combo.brand), field(t("labels.by_declaration"), combo.declaration),
      el("p.muted.span", {}, t("labels.by_combine_hint"))),
    queue: el("p.muted", {}, t("labels.by_queue_hint")),
  };
  const by = el("select", { id: "label-by" }, Object.keys(inputs).map((k) =>
    el("option", { value: k, selected: k === "codes" }, t("labels.sel_" + k))));
  const chosenBox = el("div", { id: "label-by-input" });
  const pdfLink = el("a", { id: "label-pdf", hidden: true, download: "labels.pdf" }, t("labels.pdf_again"));
  function showChoice() {
    chosenBox.replaceChildren(inputs[by.value]);
  }
  // The body naming what to print, or null (the missing input focused).
  function chosen() {
    const k = by.value;
    if (k === "codes") {
      const c = codeList();
      if (!c.length) { codes.focus(); return null; }
      const b = { codes: c };
      if (lot.value.trim()) b.lot = lot.value.trim();
      return b;
    }
    if (k === "queue") return {};
    if (k === "combine") {
      const b = {};
      for (const [name, input] of Object.entries(combo)) if (input.value.trim()) b[name] = input.value.trim();
      if (!Object.keys(b).length) { combo.origin.focus(); return null; }
      return b;
    }
    const input = inputs[k].querySelector("input, select");
    const v = input.value.trim();
    if (!v) { input.focus(); return null; }
    return { [k]: v };
  }
  async function download() {
    const what = chosen();
    if (!what) return;
    const b = { template: tpl.value, ...what, download: true };
    if (sheet.value && sheet.value !== "roll") b.sheet = sheet.value;
    const h = { "Content-Type": "application/json" };
    if (state.csrf) h["X-CSRF-Token"] = state.csrf;
    try {
      const queue = by.value === "queue";
      const r = await fetch(`/api/v1/labels/${queue ? "queue/print" : "print"}`, { method: "POST", headers: h, credentials: "same-origin", body: JSON.stringify(b) });
      if (!r.ok) {
        let body = null;
        try { body = await r.json(); } catch (e) { body = null; }
        throw new ApiError(r.status, body);
      }
      if (!(r.headers.get("Content-Type") || "").startsWith("application/pdf")) {
        notice(msg, "good", t("labels.nothing")); // an empty queue: nothing to save
        return;
      }
      if (pdfLink.href) URL.revokeObjectURL(pdfLink.href);
      pdfLink.href = URL.createObjectURL(await r.blob());
      pdfLink.hidden = false;
      pdfLink.click();
      notice(msg, "good", t("labels.downloaded"));
      if (queue) await loadQueue();
    } catch (e) {
      notice(msg, "bad", said(e));
    }
  }
  // the preview of what is chosen: the first code, or the selection's first label
  const preBtn = el("button", { type: "button", id: "label-codes-preview", onclick: () => {
    const what = chosen();
    if (!what) return;
    if (what.codes) { preview(what.codes[0], what.lot, null, what.codes[0]); return; }
    const sel = by.value === "queue" ? { queue: "1" } : what;
    const named = Object.values(sel).filter((v) => v !== "1").join(" · ");
    preview(sel, null, null, `${t("labels.preview_first")}${named ? " · " + named : ""}`);
  } }, t("labels.preview"));
  const dlBtn = el("button", { type: "button", id: "label-download" }, t("labels.download"));
  dlBtn.addEventListener("click", download);
  const byCodes = el("section.card", { id: "label-select" }, el("h2", {}, t("labels.what")),
    field(t("labels.by"), by), chosenBox,
    el("div.row", {}, preBtn,
      el("button.primary", { type: "button", id: "label-codes-print", onclick: async () => {
        const what = chosen();
        if (!what || needPrinter()) return;
        if (by.value === "queue") {
          if (await act(() => api("POST", "labels/queue/print", settings()))) await loadQueue();
          return;
        }
        act(() => api("POST", "labels/print", { ...settings(), ...what }));
      } }, t("labels.print")), dlBtn, pdfLink));
  by.addEventListener("change", showChoice);
  showChoice();

  const setup = el("section.card.grid", { id: "label-setup" }, el("h1.span", {}, t("labels.title")),
    field(t("labels.template"), tpl), field(t("labels.sheet"), sheet),
    field(t("labels.printer"), printer), field(t("labels.format"), fmt), el("p.muted.span", {}, t("labels.printer_hint")));
  const queueCard = el("section.card", {}, el("div.row.between", {}, el("h2", {}, t("labels.queue"), " ", qCount),
    el("div.row", {}, qPrint, qDone)), el("p.muted", {}, t("labels.queue_hint")), queueBox);
  const previewCard = el("section.card.previewcard", {}, el("h2", {}, t("labels.preview")), pcap, img);
  const side = [previewCard];
  if (parts[0] === "received" && received.length) side.unshift(receivedCard(tnames, { preview, act, needPrinter, settings }));
  view.append(msg, el("div.two", {}, el("div", {}, setup, ...side), el("div", {}, queueCard, byCodes)));
  await loadQueue();
}

// What was just received: shelf labels for its commodities, back labels for
// each of its lots (a back label carries the lot, its expiry, declaration).
function receivedCard(tnames, p) {
  const shelf = select("label-rcv-shelf", tnames, tnames.includes("shelf-60x40") ? "shelf-60x40" : tnames[0]);
  const backs = tnames.filter((n) => n.startsWith("back"));
  const back = select("label-rcv-back", tnames, backs[0] || tnames[0]);
  const codes = [...new Set(received.map((r) => r.code))];
  const lots = received.filter((r) => r.lot);
  const list = el("ul.lots", { id: "label-received" }, received.map((r) =>
    el("li", {}, el("span.mono", {}, r.code), el("span", {}, r.lot ? `${t("stock.lot")} ${r.lot}` : ""),
      el("strong", {}, `× ${r.qty}`))));
  async function printBacks() {
    if (p.needPrinter()) return;
    // one request per lot: a print names one lot for all its codes
    const byLot = new Map();
    for (const r of lots) byLot.set(r.lot, [...new Set([...(byLot.get(r.lot) || []), r.code])]);
    let total = 0;
    for (const [l, c] of byLot) {
      const r = await p.act(() => api("POST", "labels/print", { ...p.settings(back.value), codes: c, lot: l }));
      if (!r) return;
      total += r.labels || 0;
    }
    p.act(async () => ({ labels: total, printer: p.settings().printer }));
  }
  return el("section.card", { id: "label-received-card" }, el("h2", {}, t("labels.received")),
    el("p.muted", {}, t("labels.received_hint")), list,
    el("div.grid", {},
      field(t("labels.shelf_labels"), shelf),
      el("div.row", {},
        el("button", { type: "button", onclick: () => p.preview(codes[0], null, shelf.value, codes[0]) }, t("labels.preview")),
        el("button.primary", { type: "button", id: "label-rcv-shelf-print", onclick: () => {
          if (!p.needPrinter()) p.act(() => api("POST", "labels/print", { ...p.settings(shelf.value), codes }));
        } }, t("labels.print_shelf"))),
      field(t("labels.back_labels"), back),
      el("div.row", {},
        el("button", { type: "button", disabled: !lots.length,
          onclick: () => p.preview(lots[0].code, lots[0].lot, back.value, `${lots[0].code} ${lots[0].lot}`) }, t("labels.preview")),
        el("button.primary", { type: "button", id: "label-rcv-back-print", disabled: !lots.length, onclick: printBacks },
          t("labels.print_back")))));
}
