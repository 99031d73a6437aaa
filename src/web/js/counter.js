// 收银: the counter on the server's basket (/api/v1/counters/C/basket): each
// scan, change and removal is one request, so the basket survives a reload
// and the server checks stock, prices and approvals as the terminal counter
// does. The scan field keeps the focus; every action has a key (F-keys,
// arrows, Delete). Refusals are shown red in the page's language: the
// server's error code picks the catalogue's words (err.code.*), the server's
// own text stays beside them as the detail.
import { state, t, api, el, money, parseMoney, moneyRefusal, storeCurrency, notice, store, localTime } from "./core.js";

const KEYS = { qty: "F2", discount: "F3", price: "F4", returns: "F6", clear: "F8", pay: "F9" };
let counterId = "C1";
// The server's basket: {counter, lines: [...], payments: [{n, method, amount}], total, due, currency}.
// Payments added before pay are held there too (amount 0: the rest), so a reload keeps them.
let basket = null;
let sel = 0; // the selected line's index (keys act on it)
let printerName = null; // a receipt printer of the server, or "" for the browser's print dialog
let paper = "80"; // the receipt's paper width in mm: 80 (48 columns) or 58 (32 columns)

try { counterId = localStorage.getItem("ent.counter") || "C1"; } catch (e) { /* private mode */ }
try { printerName = localStorage.getItem("ent.printer"); } catch (e) { /* private mode */ }
try { paper = localStorage.getItem("ent.paper") === "58" ? "58" : "80"; } catch (e) { /* private mode */ }
// This browser's own id, sent when the counter is opened: an empty basket left
// open at this till goes to the next cashier logging in here, but one opened in
// another browser set to the same counter stays its cashier's while they are
// logged in (the two took the counter from each other at every opening).
let browserId = "";
try { browserId = localStorage.getItem("ent.station") || ""; } catch (e) { /* private mode */ }
if (!/^[A-Za-z0-9_-]{1,64}$/.test(browserId)) {
  browserId = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  try { localStorage.setItem("ent.station", browserId); } catch (e) { /* private mode: this page's id */ }
}
const columns = () => (paper === "58" ? 32 : 48);

function fmt(key, vars) {
  return t(key).replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? String(vars[k]) : m));
}

function beep() {
  try {
    const ac = new AudioContext();
    const o = ac.createOscillator();
    o.frequency.value = 220;
    o.connect(ac.destination);
    o.start();
    o.stop(ac.currentTime + 0.25);
  } catch (e) { /* no sound device */ }
}

// The words for a refusal, all from the catalogue in the page's language:
// the context's words first ("err.code.scan.not_found" before
// "err.code.not_found"), then the code's words with the refusal's facts
// (err.code.expired.facts: lot, expiry; no_stock: on_hand, asked; the answer's
// error.facts) when the answer carries every value they name, then the
// code's plain words. Words with values stand alone; plain words keep the
// server's English message beside them as the detail; a code the catalogue
// does not know shows the server's text.
export function refusal(e, ctx, vars) {
  if (e.status === 0) return { text: e.message, detail: "" };
  const v = { ...(e.facts || {}), ...(vars || {}) };
  const keys = [`err.code.${ctx}.${e.code}`, `err.code.${e.code}.facts`, `err.code.${e.code}`];
  // a counter another browser holds with an empty basket: no sale to finish there
  if (e.code === "refused" && v.lines === 0 && v.cashier) keys.unshift("err.code.refused.idle");
  for (const k of keys) {
    if (!(k in state.msgs)) continue;
    const text = fmt(k, v);
    if (/\{\w+\}/.test(text)) continue; // a value the answer did not carry
    return { text, detail: /\{\w+\}/.test(t(k)) ? "" : e.message };
  }
  return { text: e.message, detail: "" };
}

function pathOf(rest) {
  return `counters/${encodeURIComponent(counterId)}/basket${rest || ""}`;
}

// Quantities in the selling unit: pieces as they are, grams and millilitres
// as kg and l with three decimals (integer arithmetic).
function qtyText(l) {
  if (l.unit === "pcs") return String(l.qty);
  const big = l.unit === "g" ? "kg" : l.unit === "ml" ? "l" : l.unit;
  if (big === l.unit) return `${l.qty} ${l.unit}`;
  return `${Math.floor(l.qty / 1000)}.${String(l.qty % 1000).padStart(3, "0")} ${big}`;
}
// The selling unit of a piece (瓶 / bottle), "" when none, as the receipt says it.
function sellUnit(l) {
  return (state.lang === "zh" ? l.sell_unit_zh : l.sell_unit) || "";
}
function priceText(l, cur) {
  const su = sellUnit(l);
  const per = l.unit === "g" ? "/kg" : l.unit === "ml" ? "/l" : su ? `/${su}` : "";
  return `${money(l.unit_price, cur)}${per}`;
}
function originText(l) {
  const n = state.lang === "zh" ? l.origin_name : l.origin_name_en;
  return n || l.origin || "";
}

// A modal dialog (<dialog>, Escape closes it): resolves with the form's
// values, or null when cancelled.
function ask(title, fields, opts) {
  return new Promise((resolve) => {
    const msg = el("p.notice", { id: "dlg-msg", hidden: true, role: "alert" });
    const inputs = fields.map((f) => {
      const i = f.options
        ? el("select", { id: `dlg-${f.name}` }, f.options.map(([v, label]) => el("option", { value: v }, label)))
        : el("input", { id: `dlg-${f.name}`, type: f.type || "text", autocomplete: "off",
          inputmode: f.inputmode, value: f.value ?? "" });
      return [f, i];
    });
    const form = el("form.dialog", { method: "dialog" },
      el("h2", {}, title),
      opts && opts.lead ? el("p", { id: "dlg-lead" }, opts.lead) : null,
      inputs.map(([f, i]) => el("label.field", {}, el("span", {}, f.label), i)),
      msg,
      el("div.row", {},
        el("button.primary", { type: "submit", id: "dlg-ok" }, opts && opts.ok ? opts.ok : t("counter.ok")),
        el("button.ghost", { type: "button", id: "dlg-cancel", onclick: () => dlg.close() }, `${t("counter.cancel")} (Esc)`)));
    const dlg = el("dialog.card", { id: "dlg", "aria-label": title }, form);
    if (opts && opts.error) notice(msg, "bad", opts.error);
    let done = false;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      done = true;
      const out = {};
      for (const [f, i] of inputs) out[f.name] = i.value;
      dlg.close();
      resolve(out);
    });
    dlg.addEventListener("close", () => { dlg.remove(); if (!done) resolve(null); });
    document.body.append(dlg);
    dlg.showModal();
    inputs[0][1].focus();
    if (inputs[0][1].select) inputs[0][1].select();
  });
}

// Sends a change that may need a supervisor's approval: first without; on
// 403 approval_needed asks for the supervisor's name and password and sends
// it again with them (the password goes only into that request). A wrong
// password asks again, saying so. Resolves with the answer, or null when
// the cashier cancelled.
async function withApproval(what, send) {
  try {
    return await send(undefined);
  } catch (e) {
    if (e.code !== "approval_needed") throw e;
  }
  let error = null;
  for (;;) {
    const cred = await ask(t("counter.approval"), [
      { name: "user", label: t("counter.approver") },
      { name: "password", label: t("counter.approver_pw"), type: "password" },
    ], { lead: fmt("counter.approval_for", { what }), error, ok: t("counter.approve") });
    if (!cred) return null;
    try {
      return await send({ user: cred.user.trim(), password: cred.password });
    } catch (e) {
      if (e.code !== "approval_refused" && e.code !== "wait") throw e;
      error = refusal(e, "approval").text;
    }
  }
}

export async function counterPage(view) {
  const scan = el("input.big.scan", { id: "scan", autocomplete: "off", placeholder: t("counter.scan"),
    "aria-label": t("counter.scan"), inputmode: "text", enterkeyhint: "enter" });
  const msg = el("div.notice", { id: "counter-msg", hidden: true, role: "alert" });
  const lines = el("ol.lines", { id: "lines" });
  const sum = el("div.total", { id: "total" });
  const method = el("select", { id: "pay-method" }, ["cash", "card", "wallet"].map((m) =>
    el("option", { value: m }, t("counter." + m))));
  const amount = el("input", { id: "pay-amount", inputmode: "decimal", autocomplete: "off", placeholder: t("counter.amount_in") });
  const payList = el("ul.pays", { id: "pays" });
  const receipt = el("section.card.receipt", { id: "receipt", hidden: true });
  const returns = el("section.card.returns", { id: "returns", hidden: true });
  const station = el("input.short", { id: "station", value: counterId, "aria-label": t("counter.station"),
    autocomplete: "off" });
  // The server's receipt printers (ESC/POS), when it has any: the receipt
  // then goes there at pay; "" prints through the browser instead.
  let printers = [];
  try { printers = (await api("GET", "receipt-printers")).printers || []; } catch (e) { printers = []; }
  if (printerName === null || (printerName && !printers.includes(printerName)))
    printerName = printers.includes(counterId) ? counterId : (printers[0] || "");
  const printerSel = el("select", { id: "printer", "aria-label": t("counter.printer"), hidden: !printers.length },
    el("option", { value: "" }, t("counter.printer_browser")),
    printers.map((p) => el("option", { value: p, selected: p === printerName }, `${t("counter.printer")} ${p}`)));
  // the receipt's paper: 80 or 58 mm, for the receipt printer and the browser's print dialog alike
  const paperSel = el("select", { id: "paper", "aria-label": t("counter.paper") },
    ["80", "58"].map((w) => el("option", { value: w, selected: w === paper }, `${t("counter.paper")} ${w} mm`)));
  paperSel.addEventListener("change", () => {
    paper = paperSel.value;
    try { localStorage.setItem("ent.paper", paper); } catch (e) { /* private mode */ }
  });
  printerSel.addEventListener("change", () => {
    printerName = printerSel.value;
    try { localStorage.setItem("ent.printer", printerName); } catch (e) { /* private mode */ }
  });

  // the basket's currency (the store's before one is open): what is typed
  // here is read with its decimals; the store's zone: the receipt's time as
  // the hall's clock showed it
  const basketCurrency = () => (basket && basket.currency) || storeCurrency();
  const zone = (await store().catch(() => ({}))).time_zone;

  function say(kind, text, detail) {
    notice(msg, kind, "");
    msg.hidden = !text;
    msg.replaceChildren(el("span.say", {}, text || ""), ...(detail ? [el("span.detail", {}, detail)] : []));
  }
  function refused(e, ctx, vars) {
    const r = refusal(e, ctx, vars);
    // the bare word for a refusal needs no lead of the same word ("Refused: Refused")
    const lead = r.text === t("counter.refused") ? "" : `${t("counter.refused")}${state.lang === "zh" ? "：" : ": "}`;
    say("bad", `${lead}${r.text}`, r.detail);
    beep();
  }

  function draw() {
    const ls = basket ? basket.lines : [];
    const cur = basket ? basket.currency : storeCurrency();
    if (sel >= ls.length) sel = ls.length - 1;
    if (sel < 0) sel = 0;
    lines.replaceChildren(...ls.map((l, i) => el(`li.line${i === sel ? ".sel" : ""}`,
      { "data-code": l.code, "data-line": l.line, "aria-current": i === sel ? "true" : null, onclick: () => { sel = i; draw(); } },
      el("div.what", {}, el("span.name", {}, l.name),
        el("span.sub", {}, [originText(l), l.lot ? `${t("stock.lot")} ${l.lot}` : ""].filter(Boolean).join(" · ")),
        l.unit_price !== l.list_price
          ? el("span.note.price-note", {}, `${t("counter.list_price")} ${money(l.list_price, cur)} · ${l.price_reason || ""}`) : null,
        l.discount > 0
          ? el("span.note.disc-note", {}, `${t("counter.discount")} −${money(l.discount, cur)} · ${l.discount_reason || ""}`) : null,
        l.approved_by ? el("span.note.approved", {}, `${t("counter.approved_by")} ${l.approved_by}`) : null),
      // a weighed line's quantity is the scale label's: no − and + that the
      // server refuses, and no field too narrow for "0.523 kg" (it is beside)
      l.unit === "pcs" ? el("div.qty", {},
        el("button.icon", { type: "button", "aria-label": t("counter.minus"), onclick: () => setQty(i, l.qty - 1) }, "−"),
        el("input.qtyin", { value: l.qty, inputmode: "numeric", "aria-label": t("counter.qty"),
          onchange: (e) => setQty(i, Number(e.target.value)) }),
        el("button.icon", { type: "button", "aria-label": t("counter.plus"), onclick: () => setQty(i, l.qty + 1) }, "+"))
        : el("div.qty", {}),
      el("span.each", {}, `${l.unit !== "pcs" ? qtyText(l) + " " : sellUnit(l) ? sellUnit(l) + " " : ""}× ${priceText(l, cur)}`),
      el("strong.amount", {}, money(l.amount, cur)),
      el("div.acts", {},
        el("button.small", { type: "button", title: KEYS.discount, onclick: () => { sel = i; discount(); } }, t("counter.discount")),
        el("button.small", { type: "button", title: KEYS.price, onclick: () => { sel = i; price(); } }, t("counter.price_btn")),
        el("button.icon.danger", { type: "button", "aria-label": t("counter.remove"), title: "Delete",
          onclick: () => remove(i) }, "×")))));
    if (!ls.length) lines.append(el("li.empty", {}, t("counter.empty")));
    sum.replaceChildren(el("span", {}, t("counter.total")),
      el("strong", { id: "total-amount" }, money(basket ? basket.total : 0, cur)));
    payList.replaceChildren(...((basket && basket.payments) || []).map((p) => el("li", { "data-method": p.method },
      `${t("counter." + p.method)} ${p.amount ? money(p.amount, cur) : t("counter.rest")}`,
      el("button.icon", { type: "button", "aria-label": t("counter.remove"),
        onclick: () => call("DELETE", `/payments/${p.n}`, undefined, "payment") }, "×"))));
    const s = lines.querySelector("li.sel");
    if (s) s.scrollIntoView({ block: "nearest" });
  }

  // Every basket request: the new basket drawn, or the refusal said.
  async function call(method_, rest, body, ctx, vars) {
    try {
      basket = await api(method_, pathOf(rest), body);
      draw();
      return true;
    } catch (e) {
      if (e.code === "not_found" && /has no basket open/.test(e.message)) await open();
      refused(e, ctx, vars);
      draw();
      return false;
    }
  }

  async function open() {
    try {
      basket = await api("POST", pathOf(""), { station: browserId });
    } catch (e) {
      basket = null;
      refused(e, "open", { counter: counterId });
    }
    draw();
  }

  const line = () => (basket && basket.lines[sel]) || null;

  // since: the Enter key's event time (the scan's time on screen is
  // measured from it, for tests/bench/bench_web_scan.py)
  async function add(text, since) {
    const h0 = performance.now(), t0 = since ?? h0;
    say("", "");
    let code = text, qty;
    const m = /^(.+)\*(\d{1,6})$/.exec(text); // CODE*N, as at the terminal counter
    if (m) { code = m[1]; qty = Number(m[2]); }
    const before = basket ? basket.lines.length : 0;
    const ok = await call("POST", "/lines", qty ? { code, qty } : { code }, "scan", { code });
    if (ok) {
      const at = basket.lines.findIndex((l) => l.code === code);
      sel = basket.lines.length > before ? basket.lines.length - 1 : Math.max(at, 0);
      draw();
      const l = line();
      say("good", `${t("counter.added")}: ${l ? l.name : code}`);
      performance.measure("ent.scan.drawn", { start: t0 }); // in the page's tree
      performance.measure("ent.scan.handler", { start: h0 }); // from the key's handler (the page's own part)
      requestAnimationFrame(() => performance.measure("ent.scan", { start: t0 })); // the frame that shows it
    }
  }

  async function setQty(i, q) {
    const l = basket && basket.lines[i];
    if (!l) return;
    sel = i;
    if (!Number.isInteger(q) || q < 1) { draw(); return scan.focus(); }
    await call("PATCH", `/lines/${l.line}`, { qty: q }, "qty", { name: l.name });
    scan.focus();
  }

  async function remove(i) {
    const l = basket && basket.lines[i];
    if (!l) return scan.focus();
    if (await call("DELETE", `/lines/${l.line}`, undefined, "remove")) say("good", `${t("counter.removed")}: ${l.name}`);
    scan.focus();
  }

  async function change(l, body, what) {
    try {
      const b = await withApproval(`${what} · ${l.name}`, (approval) =>
        api("PATCH", pathOf(`/lines/${l.line}`), approval ? { ...body, approval } : body));
      if (b) { basket = b; say("good", `${what}: ${l.name}`); }
    } catch (e) {
      refused(e, "change", { name: l.name });
    }
    draw();
    scan.focus();
  }

  async function qtyKey() {
    const l = line();
    if (!l) return;
    const v = await ask(fmt("counter.qty_of", { name: l.name }), [{ name: "qty", label: t("counter.qty"), inputmode: "numeric", value: l.qty }]);
    if (v) await setQty(sel, Number(v.qty));
    scan.focus();
  }

  async function discount() {
    const l = line();
    if (!l) return;
    const v = await ask(fmt("counter.discount_of", { name: l.name }), [
      { name: "value", label: t("counter.discount_value"), inputmode: "decimal" },
      { name: "kind", label: t("counter.discount_kind"), options: [["pct", "%"], ["amount", t("counter.discount_amount")]] },
      { name: "reason", label: t("counter.reason") },
    ]);
    if (!v) return scan.focus();
    let body;
    if (v.kind === "pct") {
      // a decimal point, not a comma (the terminal counter refuses it too)
      const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(v.value);
      const bp = m ? Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0")) : null;
      if (bp === null || bp < 1 || bp > 10000) {
        say("bad", fmt("counter.bad_percent", { text: v.value.trim().replace(/\s*%$/, "") }));
        beep();
        return scan.focus();
      }
      body = { discount_bp: bp, reason: v.reason };
    } else {
      const a = parseMoney(v.value, basketCurrency());
      if (a.error) { say("bad", moneyRefusal(t("counter.discount"), a.error)); beep(); return scan.focus(); }
      body = { discount: a.value, reason: v.reason };
    }
    await change(l, body, t("counter.discount"));
  }

  async function price() {
    const l = line();
    if (!l) return;
    const v = await ask(fmt("counter.price_of", { name: l.name }), [
      { name: "price", label: t("counter.new_price"), inputmode: "decimal", value: "" },
      { name: "reason", label: t("counter.reason") },
    ]);
    if (!v) return scan.focus();
    const p = parseMoney(v.price, basketCurrency());
    if (p.error) { say("bad", moneyRefusal(t("counter.new_price"), p.error)); beep(); return scan.focus(); }
    await change(l, { price: p.value, reason: v.reason }, t("counter.price_change"));
  }

  async function clear() {
    try {
      await api("DELETE", pathOf(""));
    } catch (e) {
      if (e.code !== "not_found") { // gone already is cleared; another's basket is not
        refused(e, "clear", { counter: counterId });
        scan.focus();
        return;
      }
    }
    sel = 0;
    await open();
    if (basket) say("good", t("counter.cleared"));
    scan.focus();
  }

  function payRow() {
    const txt = amount.value.trim();
    const a = txt ? parseMoney(txt, basketCurrency()) : { value: 0 };
    if (a.error) { say("bad", moneyRefusal(t("counter.pay"), a.error)); beep(); return null; }
    return { method: method.value, amount: a.value };
  }

  async function printCopy(r, out) {
    try {
      await api("POST", `sales/${encodeURIComponent(r.receipt)}/print`, { printer: printerName, columns: columns() });
      notice(out, "good", fmt("counter.printed", { printer: printerName }));
    } catch (e) {
      const x = refusal(e, "print");
      notice(out, "bad", `${x.text}${x.detail ? " — " + x.detail : ""}`);
      beep();
    }
  }

  function showReceipt(r, title) {
    const pdf = `/api/v1/sales/${encodeURIComponent(r.receipt)}/receipt?format=pdf&columns=${columns()}`;
    const printed = el("p.notice", { id: "receipt-printed", hidden: true, role: "status" });
    if (r.printed) notice(printed, "good", fmt("counter.printed", { printer: r.printed.printer }));
    else if (r.print_error) { notice(printed, "bad", `${t("counter.print_failed")} — ${r.print_error}`); beep(); }
    receipt.replaceChildren(el("h2", {}, `${title} ${r.receipt}`), printed,
      el("pre", { id: "receipt-text" }, r.receipt_text || ""),
      el("div.row", {},
        el("button", { type: "button", id: "print", onclick: () => window.print() }, t("counter.print")),
        el("a.button", { id: "receipt-pdf", href: pdf, target: "_blank", rel: "noopener" }, t("counter.pdf")),
        printerName ? el("button", { type: "button", id: "print-copy", onclick: () => printCopy(r, printed) },
          fmt("counter.print_copy", { printer: printerName })) : null,
        el("button.primary", { type: "button", id: "next", onclick: () => { receipt.hidden = true; scan.focus(); } }, t("counter.next"))));
    receipt.classList.toggle("p58", paper === "58"); // printed on a 58 mm page (app.css)
    receipt.hidden = false;
    receipt.scrollIntoView({ block: "start" });
    receipt.querySelector("#next").focus({ preventScroll: true });
  }

  async function pay() {
    if (!basket || !basket.lines.length) return scan.focus();
    const row = payRow();
    if (!row) return;
    const pays = (basket.payments || []).map((p) => ({ method: p.method, amount: p.amount }));
    if (row.amount || !pays.length) pays.push(row);
    try {
      const r = await api("POST", pathOf("/pay"), { payments: pays, columns: columns(), printer: printerName || undefined });
      const paid = pays.reduce((s, p) => s + p.amount, 0);
      const change = pays.every((p) => p.amount > 0) ? paid - r.total : 0;
      amount.value = "";
      basket = await api("GET", pathOf("")).catch(() => ({ ...basket, lines: [], total: 0 }));
      draw();
      say("good", `${t("ok")}: ${money(r.total, r.currency)}` +
        (change > 0 ? ` · ${t("counter.change")} ${money(change, r.currency)}` : ""));
      showReceipt(r, t("counter.receipt"));
    } catch (e) {
      refused(e, "pay");
      draw();
      scan.focus();
    }
  }

  // ---- returns: with a receipt (number, UUID or its QR payload), the
  // lines picked; without one, codes typed, with a supervisor's approval.
  function receiptOf(text) {
    const s = text.trim();
    if (s.startsWith("ENT1|")) { // the QR payload: ...|seq|kind|time|total|currency|hash|signature
      const p = s.split("|");
      return p.length >= 9 ? p[p.length - 7] : s;
    }
    return s;
  }

  function returnsPanel() {
    const rmsg = el("p.notice", { id: "ret-msg", hidden: true, role: "alert" });
    const rin = el("input", { id: "ret-receipt", autocomplete: "off", placeholder: t("counter.ret_receipt"),
      "aria-label": t("counter.ret_receipt") });
    const reason = el("input", { id: "ret-reason", autocomplete: "off", placeholder: t("counter.reason"),
      "aria-label": t("counter.reason") });
    const body = el("div", { id: "ret-lines" });
    let sale = null;
    const free = []; // without a receipt: {code, qty}

    function bad(e, ctx, vars) { const r = refusal(e, ctx, vars); notice(rmsg, "bad", `${t("counter.refused")}: ${r.text}${r.detail ? " — " + r.detail : ""}`); beep(); }

    function drawSale() {
      if (!sale) {
        body.replaceChildren(el("p.muted", {}, t("counter.ret_free")),
          el("ul.pays", { id: "ret-free" }, free.map((f, i) => el("li", {}, `${f.code} × ${f.qty}`,
            el("button.icon", { type: "button", "aria-label": t("counter.remove"), onclick: () => { free.splice(i, 1); drawSale(); } }, "×")))));
        return;
      }
      const cur = sale.currency;
      body.replaceChildren(el("p", {}, `${t("counter.receipt")} ${sale.receipt} · ${localTime(sale.time, zone)} · ${money(sale.total, cur)}`),
        el("ul.retlines", {}, sale.lines.map((l, i) => {
          const left = l.qty - (l.returned || 0);
          return el("li", { "data-code": l.code },
            el("span.name", {}, `${l.name} · ${originText(l)}`),
            el("span.muted", {}, `${l.qty} × ${money(l.unit_price, cur)}${l.returned ? ` · ${t("counter.ret_done")} ${l.returned}` : ""}`),
            el("input.qtyin", { id: `ret-qty-${i}`, "data-i": i, inputmode: "numeric", value: "0", disabled: left <= 0 ? true : null,
              "aria-label": fmt("counter.ret_qty", { left }), max: left }),
            el("span.muted", {}, `/ ${left}`));
        })));
    }

    async function load() {
      const r = receiptOf(rin.value);
      if (!r) return;
      notice(rmsg, "", "");
      try {
        sale = await api("GET", `sales/${encodeURIComponent(r)}`);
        if (sale.kind !== "sale") { sale = null; notice(rmsg, "bad", t("counter.ret_not_sale")); beep(); }
      } catch (e) {
        sale = null;
        bad(e, "receipt", { receipt: r });
      }
      drawSale();
      const first = body.querySelector("input.qtyin:not([disabled])");
      if (first) { first.focus(); first.select(); }
    }

    async function submit() {
      let items = [];
      if (sale) {
        body.querySelectorAll("input.qtyin").forEach((i) => {
          const q = Number(i.value);
          if (Number.isInteger(q) && q > 0) items.push({ code: sale.lines[Number(i.dataset.i)].code, qty: q });
        });
      } else {
        items = free.slice();
      }
      if (!items.length) { notice(rmsg, "bad", t("counter.ret_none")); beep(); return; }
      const req = { counter: counterId, items, reason: reason.value.trim() || undefined };
      if (sale) req.receipt = String(sale.receipt);
      try {
        const r = await withApproval(t("counter.ret_without"), (approval) =>
          api("POST", "sales/returns", approval ? { ...req, approval } : req));
        if (!r) return;
        notice(rmsg, "good", `${t("counter.ret_ok")}: ${money(-r.total, r.currency)}`);
        say("good", `${t("counter.ret_ok")}: ${money(-r.total, r.currency)}`);
        sale = null;
        free.length = 0;
        rin.value = "";
        reason.value = "";
        drawSale();
        showReceipt(r, t("counter.ret_receipt_title"));
      } catch (e) {
        bad(e, "return");
      }
    }

    async function voidSale() {
      if (!sale) { notice(rmsg, "bad", t("counter.void_needs")); beep(); return; }
      const req = { counter: counterId, reason: reason.value.trim() || undefined };
      try {
        const r = await withApproval(t("counter.void"), (approval) =>
          api("POST", `sales/${encodeURIComponent(sale.receipt)}/void`, approval ? { ...req, approval } : req));
        if (!r) return;
        notice(rmsg, "good", `${t("counter.void_ok")}: ${money(-r.total, r.currency)}`);
        sale = null;
        drawSale();
        showReceipt(r, t("counter.ret_receipt_title"));
      } catch (e) {
        bad(e, "void");
      }
    }

    // Enter in the receipt field: a receipt loads its lines; without a
    // receipt loaded, anything else typed there is a code to take back.
    rin.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      const v = rin.value.trim();
      if (!v) return;
      if (/^\d{1,7}$/.test(v) || v.startsWith("ENT1|") || /^[0-9a-f-]{36}$/i.test(v)) return load();
      const m = /^(.+)\*(\d{1,6})$/.exec(v);
      sale = null;
      free.push({ code: m ? m[1] : v, qty: m ? Number(m[2]) : 1 });
      rin.value = "";
      drawSale();
    });
    body.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target.matches("input.qtyin")) { e.preventDefault(); submit(); }
    });
    returns.replaceChildren(
      el("div.row.between", {}, el("h2", {}, t("counter.returns")),
        el("button.ghost", { type: "button", id: "ret-close", onclick: () => { returns.hidden = true; scan.focus(); } }, `${t("counter.close")} (Esc)`)),
      el("p.muted", {}, t("counter.ret_help")),
      el("div.row", {}, rin, el("button", { type: "button", id: "ret-load", onclick: load }, t("counter.ret_load"))),
      body, reason, rmsg,
      el("div.row", {},
        el("button.primary", { type: "button", id: "ret-submit", onclick: submit }, t("counter.ret_submit")),
        el("button.danger", { type: "button", id: "ret-void", onclick: voidSale }, t("counter.void"))));
    returns.addEventListener("keydown", (e) => { if (e.key === "Escape") { returns.hidden = true; scan.focus(); } });
    drawSale();
  }

  function showReturns() {
    returnsPanel();
    returns.hidden = false;
    returns.scrollIntoView({ block: "start" });
    returns.querySelector("#ret-receipt").focus({ preventScroll: true });
  }

  // ---- keys: in the scan field and anywhere on the counter but a dialog.
  const actions = { [KEYS.qty]: qtyKey, [KEYS.discount]: discount, [KEYS.price]: price,
    [KEYS.returns]: showReturns, [KEYS.clear]: clear, [KEYS.pay]: pay };
  scan.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const code = scan.value.trim();
      scan.value = "";
      if (code) add(code, e.timeStamp); else amount.focus();
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      sel += e.key === "ArrowUp" ? -1 : 1;
      draw();
    } else if (e.key === "Delete" && !scan.value) {
      e.preventDefault();
      remove(sel);
    }
  });
  const onKey = (e) => {
    if (!scan.isConnected) return document.removeEventListener("keydown", onKey); // another page now
    if (document.querySelector("dialog[open]") || !actions[e.key]) return;
    e.preventDefault();
    actions[e.key]();
  };
  document.addEventListener("keydown", onKey);
  // The amount field's keys (Enter in an empty scan field comes here): Enter
  // pays, + adds the amount as one payment of a split, ↑↓ change the
  // method, Delete (the field empty) takes the last payment added back, Esc
  // goes back to the scan field.
  amount.addEventListener("keydown", (e) => {
    const pays = (basket && basket.payments) || [];
    if (e.key === "Enter") {
      e.preventDefault();
      pay();
    } else if (e.key === "+") {
      e.preventDefault();
      addPay.click();
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      const n = method.options.length;
      method.selectedIndex = (method.selectedIndex + (e.key === "ArrowUp" ? n - 1 : 1)) % n;
    } else if (e.key === "Delete" && !amount.value && pays.length) {
      e.preventDefault();
      call("DELETE", `/payments/${pays[pays.length - 1].n}`, undefined, "payment");
    } else if (e.key === "Escape") {
      e.preventDefault();
      scan.focus();
    }
  });
  station.addEventListener("change", async () => {
    counterId = station.value.trim() || "C1";
    try { localStorage.setItem("ent.counter", counterId); } catch (e) { /* private mode */ }
    await open();
    scan.focus();
  });
  // The scan field takes the focus back whenever nothing else that takes
  // typing has it: a scanner's digits never go astray.
  view.addEventListener("click", (e) => {
    if (!e.target.closest("input, select, button, a, pre, .returns")) scan.focus();
  });

  const addPay = el("button", { type: "button", id: "pay-add", onclick: async () => {
    const row = payRow();
    if (row && await call("POST", "/payments", row, "payment")) { amount.value = ""; amount.focus(); }
  } }, t("counter.add_pay"));
  const hint = (k) => el("kbd", {}, k);
  view.append(el("div.counter", {},
    el("section.card.basket", {}, el("div.row", {}, scan, station), msg, lines,
      el("p.keys.muted", { id: "keys" }, hint("↑↓"), ` ${t("counter.k_select")} `, hint(KEYS.qty), ` ${t("counter.qty")} `,
        hint(KEYS.discount), ` ${t("counter.discount")} `, hint(KEYS.price), ` ${t("counter.price_btn")} `,
        hint("Delete"), ` ${t("counter.remove")} `, hint(KEYS.returns), ` ${t("counter.returns")} `,
        hint(KEYS.clear), ` ${t("counter.clear")} `, hint(KEYS.pay), ` ${t("counter.checkout")} `,
        hint("Enter"), ` ${t("counter.k_amount")} `, hint("+"), ` ${t("counter.add_pay")}`)),
    el("section.card.pay", {}, sum,
      el("h2", {}, t("counter.pay")), el("div.row", {}, printerSel, paperSel),
      el("div.row", {}, method, amount), addPay, payList,
      el("button.primary.wide", { type: "button", id: "checkout", onclick: pay }, `${t("counter.checkout")} (${KEYS.pay})`),
      el("div.row.two-b", {},
        el("button.ghost", { type: "button", id: "returns-open", onclick: showReturns }, `${t("counter.returns")} (${KEYS.returns})`),
        el("button.ghost", { type: "button", id: "clear", onclick: clear }, `${t("counter.clear")} (${KEYS.clear})`))),
    returns, receipt));
  await open();
  scan.focus();
}
